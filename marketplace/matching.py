"""Matching partner-report rows to the registry, set-based.

Keys are normalised column-wise (pandas string operations, no Python loop per row) and the
registry is read once per rule with one query naming every key of the report (``= ANY``),
then merged. The rules, in order:

1. a remembered decision about the seller (:class:`~marketplace.models.SellerDecision`);
2. the NIB;
3. the phone, normalised to +62 (``0812…``, ``+62 812…``, ``62812…``, ``812…``, with spaces,
   dots or dashes);
4. the cleaned name (case, whitespace and punctuation folded; legal-form prefixes and
   suffixes such as ``CV.``, ``UD``, ``PT``, ``Tbk`` dropped) within the same regency,
   compared in the database by ``marketplace_name_key()`` through an index (migration 0007);
   :func:`clean_names` is the same cleaning in Python, for the keys of sellers without an ID.

A rule that finds one business decides the row; one that finds several sends the row to the
confirm queue with those businesses as candidates; one that finds none hands the row to the
next rule. A row no rule matches waits in the queue too.
"""
import re

import numpy as np
import pandas as pd
import pyarrow as pa
from django.db import connection, transaction

from programs.bulk import copy_query, temporary_table

#: Strings held by Arrow: its regular expressions run over the whole column at once.
TEXT = "string[pyarrow]"
#: Legal forms written before or after a business's name; dropped before comparing names.
LEGAL_FORMS = ["cv", "ud", "pt", "tbk", "pd", "koperasi", "kop", "pt perorangan", "firma", "fa", "usaha dagang", "ukm", "ikm", "umkm"]
_LEGAL_PREFIX = re.compile(r"^(?:(?:" + "|".join(sorted(map(re.escape, LEGAL_FORMS), key=len, reverse=True)) + r")\s+)+")
_LEGAL_SUFFIX = re.compile(r"(?:\s+(?:" + "|".join(sorted(map(re.escape, LEGAL_FORMS), key=len, reverse=True)) + r"))+$")


def clean_names(names: pd.Series) -> pd.Series:
    """``"CV. Batik  Lestari, Tbk"`` → ``"batik lestari"``: lower case, punctuation to spaces,
    spaces collapsed, legal forms at either end dropped. Empty when nothing is left."""
    text = names.astype(TEXT).fillna("").str.lower()
    text = text.str.replace(r"[^\w\s]|_", " ", regex=True).str.replace(r"\s+", " ", regex=True).str.strip()
    text = text.str.replace(_LEGAL_PREFIX.pattern, "", regex=True).str.replace(_LEGAL_SUFFIX.pattern, "", regex=True).str.strip()
    return text


def clean_name(name: str) -> str:
    """:func:`clean_names` for one name (forms, searches)."""
    return clean_names(pd.Series([name]))[0]


def normalise_phones(phones: pd.Series) -> pd.Series:
    """Indonesian numbers as E.164 (``+6281234567890``), as the registry stores them; empty
    where the cell holds no plausible number."""
    digits = phones.astype(TEXT).fillna("").str.replace(r"\.0$", "", regex=True).str.replace(r"\D", "", regex=True)
    digits = digits.str.replace(r"^0062", "62", regex=True)
    digits = digits.where(~digits.str.startswith("0"), "62" + digits.str.slice(1))
    digits = digits.where(~digits.str.startswith("8"), "62" + digits)
    plausible = digits.str.startswith("62") & digits.str.len().between(10, 15)
    return ("+" + digits).where(plausible, "")


def seller_keys(seller_ids: pd.Series, name_keys: pd.Series, phones: pd.Series, regencies: pd.Series) -> pd.Series:
    """The stable key of a seller within one marketplace: the partner's seller ID when given,
    else the cleaned name (``name_keys``, see :func:`clean_names`) with the phone (or, without
    one, the regency)."""
    ids = seller_ids.astype(TEXT).fillna("").str.strip()
    fallback = "n:" + name_keys.astype(TEXT) + "|" + phones.astype(TEXT).where(phones != "", "r:" + regencies.astype(TEXT).fillna(""))
    return ("id:" + ids).where(ids != "", fallback)


def _fetch(sql, params, columns, *, keys=None, text_key=True):
    """Run ``sql`` and return its rows as a frame. ``keys``, a frame, is first copied into the
    temporary table ``match_keys`` (same columns) for ``sql`` to join: a report's million keys
    travel as one COPY, not as an array literal the server parses and searches. The first of
    ``columns`` is text (unless not ``text_key``), the others whole numbers, NULL allowed."""
    # A transaction of its own (the job matches outside one): the table lives until it ends.
    with transaction.atomic(), connection.cursor() as cursor:
        if keys is not None:
            temporary_table(cursor, "match_keys", keys)
        found = copy_query(cursor, sql, params, {column: pa.string() if index == 0 and text_key else pa.int64() for index, column in enumerate(columns)})
        if keys is not None:
            cursor.execute("DROP TABLE match_keys")
    return found


def _keys(values):
    return pd.DataFrame({"key": pd.Series(values, dtype=object).astype(str)})


def _decide(rows: pd.DataFrame, found: pd.DataFrame, key: str, rule: str):
    """Apply one rule: ``found`` has (key, business_id, province_id) for the registry's
    businesses with a key of ``rows``. Rows still open (``rule`` empty) with one business get
    it; with several they get ``ambiguous`` and the candidates."""
    open_rows = rows["rule"] == ""
    if found.empty or not open_rows.any():
        return
    shared = found[key].duplicated(keep=False)
    unique = found[~shared].set_index(key)
    looked = rows.loc[open_rows, [key]].join(unique[["business_id", "province_id"]], on=key, how="inner")
    rows.loc[looked.index, "business_id"] = looked["business_id"].astype("int64")
    rows.loc[looked.index, "business_province_id"] = looked["province_id"].astype("int64")
    rows.loc[looked.index, "rule"] = rule
    if shared.any():
        # Keys several businesses share: the row waits with them as candidates.
        # (Grouped by hand: a list per group through groupby costs seconds at 100,000 groups.)
        several_found = found[shared].sort_values([key, "business_id"])
        keys, ids = several_found[key].to_numpy(), several_found["business_id"].to_numpy(dtype="int64")
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        candidates = pd.Series([group.tolist() for group in np.split(ids, starts[1:])], index=keys[starts], dtype=object)
        several = rows.loc[open_rows, [key]].join(candidates.rename("found"), on=key, how="inner")
        rows.loc[several.index, "rule"] = "ambiguous"
        rows.loc[several.index, "candidates"] = pd.Series(list(several["found"]), index=several.index, dtype=object)


def match(rows: pd.DataFrame, *, marketplace_id: int) -> pd.DataFrame:
    """Add to ``rows`` (columns ``seller_key``, ``nib``, ``phone``, ``name``,
    ``regency_id``) the columns ``rule`` (``decision``, ``rejected``, ``nib``, ``phone``,
    ``name``, ``ambiguous`` or ``none``), ``business_id``, ``business_province_id`` and
    ``candidates`` (business ids of an ambiguous row, else missing). A constant number of queries,
    whatever the number of rows."""
    rows = rows.copy()
    rows["rule"] = ""
    rows["business_id"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    rows["business_province_id"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    rows["candidates"] = pd.Series(None, index=rows.index, dtype=object)  # missing: no candidates

    keys = rows["seller_key"].unique().tolist()
    decisions = _fetch(
        "SELECT d.seller_key, d.business_id, b.province_id FROM match_keys k "
        "JOIN marketplace_sellerdecision d ON d.marketplace_id = %s AND d.seller_key = k.key LEFT JOIN programs_business b ON b.id = d.business_id",
        [marketplace_id], ["seller_key", "business_id", "province_id"], keys=_keys(keys),
    )
    if not decisions.empty:
        known = rows[["seller_key"]].join(decisions.set_index("seller_key"), on="seller_key", how="inner")
        rejected = known[known["business_id"].isna()]
        rows.loc[rejected.index, "rule"] = "rejected"
        chosen = known[known["business_id"].notna()]
        rows.loc[chosen.index, "business_id"] = chosen["business_id"].astype("int64")
        rows.loc[chosen.index, "business_province_id"] = chosen["province_id"].astype("int64")
        rows.loc[chosen.index, "rule"] = "decision"

    nibs = [nib for nib in rows.loc[rows["rule"] == "", "nib"].unique().tolist() if nib]
    if nibs:
        found = _fetch("SELECT b.nib, b.id, b.province_id FROM match_keys k JOIN programs_business b ON b.nib = k.key", [],
                       ["nib", "business_id", "province_id"], keys=_keys(nibs))
        _decide(rows, found, "nib", "nib")

    phones = [phone for phone in rows.loc[rows["rule"] == "", "phone"].unique().tolist() if phone]
    if phones:
        found = _fetch("SELECT b.phone, b.id, b.province_id FROM match_keys k JOIN programs_business b ON b.phone = k.key", [],
                       ["phone", "business_id", "province_id"], keys=_keys(phones))
        _decide(rows, found, "phone", "phone")

    by_name = rows[(rows["rule"] == "") & (rows["name"] != "") & rows["regency_id"].notna()]
    if not by_name.empty:
        # The names are compared in the database by marketplace_name_key() (clean_names in SQL),
        # through an index on regency × key: no name of the registry is read into Python.
        found = _fetch(
            # One index lookup per row (LATERAL, kept apart by OFFSET 0), never a scan that cleans
            # every name of the registry — which the planner prefers once the report is large.
            """SELECT k.row, b.id, b.province_id
               FROM match_keys k
               CROSS JOIN LATERAL (
                   SELECT b.id, b.province_id FROM programs_business b
                   WHERE b.regency_id = k.regency_id AND marketplace_name_key(b.name) = marketplace_name_key(k.name)
                   OFFSET 0
               ) AS b
               WHERE marketplace_name_key(k.name) <> ''""",
            [], ["name_row", "business_id", "province_id"], text_key=False,
            keys=pd.DataFrame({"name": by_name["name"].astype(object), "regency_id": by_name["regency_id"].astype("int64"),
                               "row": by_name.index.to_numpy(dtype="int64")}),
        )
        rows["name_row"] = rows.index
        _decide(rows, found, "name_row", "name")
        rows = rows.drop(columns=["name_row"])

    rows.loc[rows["rule"] == "", "rule"] = "none"
    return rows
