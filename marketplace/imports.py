"""Partner reports: a marketplace's list of the sellers it onboarded, as CSV or XLSX.

All or nothing, like the other uploads: the file is read and every row checked as a whole
(column-wise), the rows are matched to the registry set-based (:mod:`marketplace.matching`),
and then either every row is applied in one transaction — matched rows update or add the
business's shop, the others wait in the confirm queue, rows of sellers an officer rejected
before are skipped — or none is, and the uploader gets a report of the rows to correct.

Re-importing a report (or next month's) updates, never duplicates: a shop is one row per
business and marketplace, and a seller waits in the queue at most once.
"""
import datetime
import io
import logging
import time

import numpy as np
import pandas as pd
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.bulk import copy_frame
from programs.fields import parse_rupiah
from programs.jobs import dispatch, run_job
from programs.locks import LockKey, xact_lock
from programs.models import Regency
from programs.uploads import DistinctCells, FileRefused, finish_job, header_problems, keep_rejection, map_headers, parse_date_cell, parse_distinct, read_table

from .matching import TEXT, clean_names, match, normalise_phones, seller_keys
from .models import MONEY_LIMIT, Onboarding, OnboardingSales, PartnerReport, SellerReview

logger = logging.getLogger(__name__)

#: key → (header in the template, other headers accepted, required). Keys are the API's
#: field names (``/api/v1/marketplace-onboardings/bulk/``).
COLUMNS = {
    "seller_id": ("ID Penjual", ["Seller ID", "ID Seller", "ID Toko", "Shop ID", "seller_id"], False),
    "name": ("Nama Usaha", ["Nama Penjual", "Nama Pelaku Usaha", "Business name", "Seller name", "name"], True),
    "nib": ("NIB", ["Nomor Induk Berusaha", "No NIB", "nib"], False),
    "phone": ("Nomor HP", ["No HP", "No. HP", "Telepon", "No Telepon", "Phone", "phone"], False),
    "regency": ("Kode Kabupaten/Kota", ["Kabupaten/Kota", "Kab/Kota", "Kota", "Regency", "regency"], False),
    "shop_name": ("Nama Toko", ["Toko", "Shop name", "Store name", "shop_name"], True),
    "shop_url": ("URL Toko", ["Link Toko", "Tautan Toko", "Shop URL", "URL", "shop_url"], False),
    "onboarded": ("Tanggal Bergabung", ["Tanggal Onboarding", "Tgl Bergabung", "Join date", "Onboarded", "onboarded"], True),
    "status": ("Status", ["Status Toko", "status"], False),
    "products_listed": ("Jumlah Produk", ["Produk Tayang", "Products listed", "Products", "products_listed"], False),
    "sales": ("Penjualan Bulan Ini (Rp)", ["Penjualan (Rp)", "Omzet", "Penjualan", "Sales", "sales"], False),
}
HEADERS = {key: header for key, (header, _aliases, _required) in COLUMNS.items()}
_BY_NAME = {name.lower(): key for key, (header, aliases, _required) in COLUMNS.items() for name in [header, *aliases]}
#: Status words partners use → the portal's status.
STATUSES = {
    "": Onboarding.Status.REGISTERED, "registered": "registered", "terdaftar": "registered", "baru": "registered",
    "products_listed": "products_listed", "products listed": "products_listed", "produk tayang": "products_listed", "aktif": "products_listed",
    "first_sale": "first_sale", "first sale": "first_sale", "penjualan pertama": "first_sale", "sudah berjualan": "first_sale", "transaksi pertama": "first_sale",
    "inactive": "inactive", "tidak aktif": "inactive", "nonaktif": "inactive", "non-aktif": "inactive",
}
_URL = URLValidator(schemes=["http", "https"])


def to_keys(frame):
    """Rename the file's headers to keys; refuse missing or repeated required columns
    (unknown columns are refused too: a renamed column must not be silently dropped)."""
    required = [key for key, (_header, _aliases, required) in COLUMNS.items() if required]
    mapping, unknown, missing, repeated = map_headers(frame.columns, _BY_NAME, required)
    problems = header_problems(unknown=unknown, missing=[HEADERS[key] for key in missing], repeated=repeated)
    if problems:
        raise FileRefused(problems)
    frame = frame[list(mapping)].rename(columns=mapping)
    for key in COLUMNS:
        if key not in frame:
            frame[key] = None
    return frame


def _count(value):
    """A whole number (products, rupiah) as written: ``12``, ``12.0``, ``1.250.000``, ``Rp 1.250.000``."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else "bad"
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        text = text[:-2]
    try:
        return parse_rupiah(text)
    except ValueError:
        return "bad"


def _url(value):
    if value is None or str(value).strip() == "":
        return ""
    text = str(value).strip()
    if "://" not in text:
        text = "https://" + text
    try:
        _URL(text)
    except ValidationError:
        return "bad"
    return text if len(text) <= 500 else "bad"


#: The shape nearly every shop address has (``https://www.tokopedia.com/nama-toko``), checked
#: for the whole column at once; the others go through Django's URLValidator one by one.
#: (The path is printable ASCII — any other goes to URLValidator —, which keeps the pattern one
#: Arrow runs over the column; with ``\s`` in it pandas would test each row in Python.)
_PLAIN_URL = r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"


def _urls(cells):
    """The column of shop addresses: ``""`` when empty, ``"https://"`` added when no scheme
    is written, ``"bad"`` when it is no web address."""
    text = cells.astype(TEXT).fillna("").str.strip()
    text = text.where((text == "") | text.str.contains("://", regex=False), "https://" + text)
    plain = text.str.lower().str.match(_PLAIN_URL).fillna(False) & (text.str.len() <= 500)
    result = text.astype(object)
    others = ~plain & (text != "")
    if others.any():
        result[others] = parse_distinct(cells[others], _url)
    return result


def _regencies():
    """Regency codes and unique names (``kota bandung``, ``bandung`` when only one has it) → id, province id."""
    rows = list(Regency.objects.values_list("id", "code", "name", "province_id"))
    by_key, seen = {}, {}
    for pk, code, name, province_id in rows:
        by_key[code] = (pk, province_id)
        for variant in {name.lower(), name.lower().replace("kabupaten ", "").replace("kota ", "").replace("kab. ", "")}:
            seen.setdefault(variant, set()).add((pk, province_id))
    for variant, found in seen.items():
        if len(found) == 1 and variant not in by_key:
            by_key[variant] = next(iter(found))
    return by_key


def check(frame, *, report):
    """Parse and check every row: ``(rows, errors)`` where ``rows`` is a DataFrame of typed,
    normalised values (every row, with errors or not) and ``errors`` a list of
    ``(row, column, message)``."""
    errors = []

    def flag(mask, column, message):
        errors.extend((row, column, message) for row in frame.index[np.asarray(mask, dtype=bool)])

    def text(column):
        return frame[column].astype(TEXT).fillna("").str.strip()

    name, shop_name, seller_id = text("name"), text("shop_name"), text("seller_id")
    flag(name == "", "name", _("Write the business's name."))
    flag(name.str.len() > 200, "name", _("At most 200 characters."))
    flag(shop_name == "", "shop_name", _("Write the shop's name."))
    flag(shop_name.str.len() > 200, "shop_name", _("At most 200 characters."))
    flag(seller_id.str.len() > 64, "seller_id", _("At most 64 characters."))

    # Spaces (also the no-break one Excel writes), dots and dashes go. The class is written
    # with the characters themselves: pandas hands it to Arrow then, not to Python row by row.
    nib = text("nib").str.replace(r"\.0$", "", regex=True).str.replace("[ \t\n\r\f\v\u00a0.-]", "", regex=True)
    flag((nib != "") & ~nib.str.fullmatch(r"\d{13}").fillna(False), "nib", _("An NIB has exactly 13 digits."))

    raw_phone = text("phone")
    phone = normalise_phones(raw_phone)
    flag((raw_phone != "") & (phone == ""), "phone", _("Not a phone number; write it as 0812 3456 7890, +62 812 3456 7890 or 62812 3456 7890."))

    regency_table = _regencies()
    regency_text = text("regency").str.lower()
    found = DistinctCells(regency_text.where(regency_text != "", None), lambda value: regency_table.get(value, "bad") if value else None)
    flag(found.where(lambda value: value == "bad"), "regency", _("Unknown regency or city; write its Kemendagri code, e.g. 32.73."))
    regency_id = found.derive(lambda value: value[0] if isinstance(value, tuple) else None, "Int64")
    regency_province = found.derive(lambda value: value[1] if isinstance(value, tuple) else None, "Int64")
    if report.province_id is not None:
        flag((regency_province.notna() & (regency_province != report.province_id)).fillna(False), "regency",
             _("This regency is not in %(province)s; a province's officers report their own province's sellers.") % {"province": report.province.name})

    urls = _urls(frame["shop_url"])
    flag(urls == "bad", "shop_url", _("This is not a web address; write it as https://www.tokopedia.com/nama-toko."))

    parsed_dates = DistinctCells(frame["onboarded"], parse_date_cell)
    flag(parsed_dates.where(lambda value: value is None), "onboarded", _("Write the date the seller joined, e.g. 15-06-2020."))
    flag(parsed_dates.where(lambda value: value == "bad"), "onboarded", _("This is not a date; write it as 15-06-2020 or 2020-06-15."))
    today = timezone.localdate()
    flag(parsed_dates.where(lambda value: isinstance(value, datetime.date) and value > today), "onboarded", _("The date cannot be in the future."))
    dates = parsed_dates.values()

    statuses = DistinctCells(frame["status"], lambda value: STATUSES.get(str(value).strip().lower() if value is not None else "", "bad")).values()
    flag(statuses == "bad", "status", _("Unknown status; write one of: registered, products listed, first sale, inactive (or terdaftar, produk tayang, penjualan pertama, tidak aktif)."))

    products = DistinctCells(frame["products_listed"], _count)
    flag(products.where(lambda value: value == "bad"), "products_listed", _("Write the number of products as a whole number."))
    flag(products.where(lambda value: isinstance(value, int) and value < 0), "products_listed", _("The number of products cannot be negative."))
    flag(products.where(lambda value: isinstance(value, int) and value > 10_000_000), "products_listed", _("At most 10,000,000 products."))

    sales = DistinctCells(frame["sales"], _count)
    flag(sales.where(lambda value: value == "bad"), "sales", _("Write a whole rupiah amount, e.g. 2500000, 2.500.000 or Rp 2.500.000."))
    flag(sales.where(lambda value: isinstance(value, int) and value < 0), "sales", _("Sales cannot be negative."))
    flag(sales.where(lambda value: isinstance(value, int) and value > MONEY_LIMIT), "sales", _("At most Rp 1.000.000.000.000."))

    # A seller without the partner's ID is known by its cleaned name (and phone or regency).
    without_id = seller_id == ""
    name_key = pd.Series("", index=frame.index, dtype=TEXT)
    if without_id.any():
        name_key[without_id] = clean_names(name[without_id])
    keys = seller_keys(seller_id, name_key, phone, regency_id)
    repeated = keys.duplicated(keep=False) & (name != "")
    if repeated.any():
        first_row = pd.Series(frame.index, index=frame.index).groupby(keys).transform("min")
        for row, first in zip(frame.index[repeated.to_numpy()], first_row[repeated].to_numpy()):
            errors.append((row, "seller_id" if seller_id[row] else "name", _("The same seller is in the report more than once (rows %(rows)s); keep one row per seller.") % {
                "rows": ", ".join(str(each) for each in frame.index[(keys == keys[row]).to_numpy()][:5])}))

    rows = pd.DataFrame({
        "seller_key": keys, "seller_id": seller_id, "name": name, "nib": nib, "phone": phone,
        "regency_id": regency_id, "regency_province_id": regency_province,
        "shop_name": shop_name, "shop_url": urls.where(urls != "bad", ""), "onboarded": dates, "status": statuses,
        "products_listed": products.derive(lambda value: value if isinstance(value, int) else 0, "int64"),
        "sales": sales.derive(lambda value: value if isinstance(value, int) else None, "Int64"),
    }, index=frame.index)
    return rows, errors


def check_matches(rows, *, report):
    """Errors the matching reveals: a matched business of another province (officers' reports)
    and two rows matched to the same business."""
    errors = []
    matched = rows[rows["business_id"].notna()]
    if report.province_id is not None:
        foreign = matched[matched["business_province_id"] != report.province_id]
        errors.extend((row, "nib", _("This seller is a business of another province; a province's officers report their own province's sellers.")) for row in foreign.index)
    twice = matched[matched["business_id"].duplicated(keep=False)]
    for business_id, group in twice.groupby("business_id"):
        message = _("Rows %(rows)s are the same business of the registry; keep one row per seller.") % {"rows": ", ".join(map(str, group.index[:5]))}
        errors.extend((row, "name", message) for row in group.index)
    return errors


# --- writing -------------------------------------------------------------------------------


def _history_columns(model):
    skip = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    return [field.column for field in model.history.model._meta.fields if field.name not in skip]


#: The staged rows with their business's province, sector and scale, the shop's date after
#: the write, and which shop is the business's first after it: ``is_first`` for the row's
#: shop, ``demoted`` for the first shop it overtakes.
PLACED_SQL = """
    CREATE TEMP TABLE onboarding_placed ON COMMIT DROP AS
    WITH placed AS (
        SELECT st.business_id, st.status, st.products_listed, st.sales, st.shop_name, b.province_id, b.sector_id, b.scale,
               mine.id AS mine_id, f.id AS first_id, f.onboarded AS first_onboarded,
               -- The shop as it will be: a report's empty URL or seller ID leaves the known one.
               COALESCE(NULLIF(st.shop_url, ''), mine.shop_url, '') AS shop_url, COALESCE(NULLIF(st.seller_id, ''), mine.seller_id, '') AS seller_id,
               LEAST(mine.onboarded, st.onboarded) AS onboarded,
               (mine.shop_name::text, mine.shop_url::text, mine.onboarded, mine.status::text, mine.products_listed, mine.confirmed, mine.seller_id::text,
                mine.province_id, mine.sector_id, mine.scale::text, mine.first_shop) AS was
        FROM onboarding_stage st
        JOIN programs_business b ON b.id = st.business_id
        LEFT JOIN marketplace_onboarding mine ON mine.business_id = st.business_id AND mine.marketplace_id = %(marketplace)s
        LEFT JOIN marketplace_onboarding f ON f.business_id = st.business_id AND f.first_shop
    ), decided AS (
        SELECT *, first_id IS NULL OR first_id IS NOT DISTINCT FROM mine_id
                  OR (onboarded, COALESCE(mine_id, 9223372036854775807)) < (first_onboarded, first_id) AS is_first
        FROM placed
    )
    SELECT business_id, mine_id, shop_name, shop_url, onboarded, status, products_listed, seller_id, sales, province_id, sector_id, scale, is_first,
           CASE WHEN is_first AND first_id IS DISTINCT FROM mine_id THEN first_id END AS demoted,
           -- Compared here, where the shop's row is at hand: only changed shops are updated.
           mine_id IS NOT NULL AND was IS DISTINCT FROM ROW(shop_name, shop_url, onboarded, status, products_listed, true, seller_id,
                                                            province_id, sector_id, scale::text, is_first) AS changed
    FROM decided
"""
#: The first shops overtaken, by primary key (a hash join would read the whole table).
DEMOTE_SQL = """
    SET LOCAL enable_hashjoin = off;
    SET LOCAL enable_mergejoin = off;
    UPDATE marketplace_onboarding o SET first_shop = false
    FROM onboarding_placed p WHERE p.demoted IS NOT NULL AND o.id = p.demoted;
    RESET enable_hashjoin;
    RESET enable_mergejoin;
"""


def write(rows, *, report, user):
    """Apply checked, matched rows in the caller's transaction: ``(created, updated, queued)``."""
    now = timezone.now()
    matched = rows[rows["business_id"].notna()]
    created = updated = 0
    with connection.cursor() as cursor:
        # A million rows are joined, hashed and sorted in memory rather than in batches on
        # disk; the plans of so few, so large statements gain nothing from compiling.
        cursor.execute("SET LOCAL work_mem = '256MB'; SET LOCAL jit = off")
    if not matched.empty:
        stage = pd.DataFrame({
            "business_id": matched["business_id"].astype("int64"),
            "shop_name": matched["shop_name"], "shop_url": matched["shop_url"], "onboarded": matched["onboarded"].map(lambda value: value.isoformat()),
            "status": matched["status"], "products_listed": matched["products_listed"].astype("int64"), "seller_id": matched["seller_id"],
            "sales": matched["sales"].astype("Int64"),
        })
        columns = _history_columns(Onboarding)
        history = Onboarding.history.model._meta.db_table
        with connection.cursor() as cursor:
            # Reports of one marketplace are written one after the other: what a report finds
            # of the marketplace's shops stays true until it commits.
            xact_lock(LockKey.PARTNER_REPORT_WRITE, report.marketplace_id, cursor=cursor)
            # Dropped at commit; two reports applied in one transaction (tests, a command) reuse the name.
            cursor.execute("DROP TABLE IF EXISTS onboarding_stage")
            cursor.execute(
                "CREATE TEMP TABLE onboarding_stage (business_id bigint, shop_name text, shop_url text, onboarded date, "
                "status text, products_listed integer, seller_id text, sales bigint) ON COMMIT DROP"
            )
            copy_frame(cursor, "onboarding_stage", stage)
            cursor.execute("ANALYZE onboarding_stage")
            # Each row with its business's copies and whether its shop becomes the business's
            # first (earliest onboarded, then lowest id, of the confirmed shops), decided
            # against the business's current first shop alone: the shops written are confirmed
            # and their dates only move earlier. The first shop it overtakes is demoted below.
            cursor.execute("DROP TABLE IF EXISTS onboarding_placed")
            cursor.execute(PLACED_SQL, {"marketplace": report.marketplace_id})
            params = {"marketplace": report.marketplace_id, "user": user.pk, "now": now, "reason": f"partner report {report.pk}"}
            returned = ", ".join("o." + column for column in columns)
            logged = f"""INSERT INTO {history} ({", ".join(columns)}, history_date, history_change_reason, history_type, history_user_id)
                         SELECT {", ".join(columns)}, %(now)s, %(reason)s, %(type)s, %(user)s FROM written"""
            # The shops the businesses already have on this marketplace, where they differ.
            cursor.execute(
                f"""WITH written AS (
                    UPDATE marketplace_onboarding o SET
                        shop_name = p.shop_name, shop_url = p.shop_url, onboarded = p.onboarded, status = p.status, products_listed = p.products_listed,
                        confirmed = true, seller_id = p.seller_id, province_id = p.province_id, sector_id = p.sector_id, scale = p.scale,
                        first_shop = p.is_first, updated_at = %(now)s
                    FROM onboarding_placed p
                    WHERE p.changed AND o.id = p.mine_id
                    RETURNING {returned}
                ), logged AS ({logged})
                SELECT count(*) FROM written""",
                {**params, "type": "~"},
            )
            updated = cursor.fetchone()[0]
            # The new ones: a plain insert (the report's writes of this marketplace take turns,
            # so no other one adds them meanwhile); their ids kept for the sales below.
            cursor.execute("DROP TABLE IF EXISTS onboarding_added")
            cursor.execute("CREATE TEMP TABLE onboarding_added (business_id bigint, id bigint) ON COMMIT DROP")
            cursor.execute(
                f"""WITH written AS (
                    INSERT INTO marketplace_onboarding AS o (business_id, marketplace_id, province_id, sector_id, scale, first_shop, shop_name, shop_url, onboarded,
                        source, status, products_listed, confirmed, seller_id, created_by_id, created_at, updated_at)
                    SELECT business_id, %(marketplace)s, province_id, sector_id, scale, is_first, shop_name, shop_url, onboarded,
                           'partner', status, products_listed, true, seller_id, %(user)s, %(now)s, %(now)s
                    FROM onboarding_placed WHERE mine_id IS NULL ORDER BY business_id
                    RETURNING {returned}
                ), logged AS ({logged}), kept AS (
                    INSERT INTO onboarding_added SELECT business_id, id FROM written
                )
                SELECT count(*) FROM written""",
                {**params, "type": "+"},
            )
            created = cursor.fetchone()[0]
            sales_columns = _history_columns(OnboardingSales)
            cursor.execute(
                f"""WITH written AS (
                    INSERT INTO marketplace_onboardingsales AS s (onboarding_id, month, value, updated_at)
                    SELECT COALESCE(p.mine_id, a.id), %(month)s, p.sales, %(now)s FROM onboarding_placed p
                    LEFT JOIN onboarding_added a ON a.business_id = p.business_id AND p.mine_id IS NULL
                    WHERE p.sales IS NOT NULL ORDER BY 1
                    ON CONFLICT (onboarding_id, month) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
                    WHERE s.value <> EXCLUDED.value
                    RETURNING (xmax = 0) AS inserted, {", ".join("s." + column for column in sales_columns)}
                )
                INSERT INTO {OnboardingSales.history.model._meta.db_table} ({", ".join(sales_columns)}, history_date, history_change_reason, history_type, history_user_id)
                SELECT {", ".join(sales_columns)}, %(now)s, %(reason)s, CASE WHEN inserted THEN '+' ELSE '~' END, %(user)s FROM written""",
                {**params, "month": report.month},
            )
            if created or updated:
                from .figures import figures_changed

                cursor.execute(DEMOTE_SQL)
                figures_changed()
    waiting = rows[rows["rule"].isin(["none", "ambiguous"])]
    if not waiting.empty:
        _queue(waiting, report=report)
    return int(created), int(updated), len(waiting)


def _queue(waiting, *, report):
    """The rows to confirm, copied in at once: a seller's row still waiting from an earlier
    report is replaced (left as it is when the same report comes again). A row's province is its regency's, else its candidates' one province,
    else the uploader's."""
    now = timezone.now()
    waiting = waiting.assign(candidates=[each if isinstance(each, list) else [] for each in waiting["candidates"]])
    candidates = waiting["candidates"].explode().dropna().astype("int64")
    province_of = {}
    if not candidates.empty:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, province_id FROM programs_business WHERE id = ANY(%s)", [sorted(set(candidates.tolist()))])
            province_of = dict(cursor.fetchall())
    grouped = candidates.map(province_of).groupby(level=0)
    candidate_provinces = grouped.first().where(grouped.nunique() == 1)
    province = waiting["regency_province_id"].astype("Int64")
    province = province.fillna(candidate_provinces.reindex(waiting.index).astype("Int64"))
    if report.province_id is not None:
        province = province.fillna(report.province_id)
    frame = pd.DataFrame({
        "report_id": report.pk, "marketplace_id": report.marketplace_id, "seller_key": waiting["seller_key"].str.slice(0, 200),
        "row": waiting.index.astype("int64"), "province_id": province, "regency_id": waiting["regency_id"].astype("Int64"),
        "seller_id": waiting["seller_id"], "name": waiting["name"], "nib": waiting["nib"], "phone": waiting["phone"],
        "shop_name": waiting["shop_name"], "shop_url": waiting["shop_url"], "onboarded": waiting["onboarded"].astype("string"),
        "status": waiting["status"], "products_listed": waiting["products_listed"].astype("int64"), "sales": waiting["sales"].astype("Int64"),
        "reason": np.where(waiting["rule"] == "ambiguous", SellerReview.Reason.AMBIGUOUS, SellerReview.Reason.NO_MATCH),
        "candidates": ["{" + ",".join(str(int(each)) for each in ids) + "}" for ids in waiting["candidates"]],
        "state": SellerReview.State.PENDING, "created_at": now.isoformat(),
    }, index=waiting.index)
    with connection.cursor() as cursor:
        columns = ", ".join(frame.columns)
        cursor.execute("DROP TABLE IF EXISTS review_stage")
        cursor.execute(f"CREATE TEMP TABLE review_stage ON COMMIT DROP AS SELECT {columns} FROM marketplace_sellerreview WITH NO DATA")
        copy_frame(cursor, "review_stage", frame, texts=["seller_key", "seller_id", "name", "nib", "phone", "shop_name", "shop_url"])
        # A seller still waiting is replaced by this row, unless the row says the same for the
        # same month (the same report again): then the waiting row is left as it is.
        replaced = [column for column in frame.columns if column not in ("marketplace_id", "seller_key", "state", "created_at")]
        compared = [column for column in replaced if column not in ("report_id", "row")]
        cursor.execute(
            f"""INSERT INTO marketplace_sellerreview AS r ({columns}) SELECT {columns} FROM review_stage
                ON CONFLICT (marketplace_id, seller_key) WHERE state = 'pending' DO UPDATE SET
                    {", ".join(f"{column} = EXCLUDED.{column}" for column in replaced)}, created_at = EXCLUDED.created_at
                WHERE ({", ".join("r." + column for column in compared)}) IS DISTINCT FROM ({", ".join("EXCLUDED." + column for column in compared)})
                   OR (SELECT month FROM marketplace_partnerreport WHERE id = r.report_id) IS DISTINCT FROM %s""",
            [report.month],
        )


# --- the job ----------------------------------------------------------------------------------


def import_start(*, user, marketplace, month, uploaded_file):
    """Keep the upload and its record, and queue the import (run at once without a worker).
    An officer's report covers their province; a ministry upload the whole country."""
    from programs.roles import Role, province_id_of, role_of

    province_id = province_id_of(user) if role_of(user) == Role.OFFICER else None
    record = PartnerReport(marketplace=marketplace, month=month.replace(day=1), user=user, province_id=province_id, original_name=uploaded_file.name[:255])
    record.file.save(uploaded_file.name, uploaded_file, save=False)
    record.save()
    dispatch(record)
    return record


def import_retry(record):
    record.report(status=PartnerReport.Status.QUEUED, message="", attempts=0, dispatched_at=None, heartbeat_at=None, finished_at=None, rows_done=0)
    dispatch(record)
    return record


def import_run(*, import_id):
    """Run a report to its end: ``done`` with every row applied or queued, or ``rejected``
    with the row errors and an XLSX of the rows to correct."""
    return run_job(PartnerReport, import_id, _import_run)


def _thousands(number):
    return f"{number:,}".replace(",", ".")


def _import_run(record):
    record = PartnerReport.objects.select_related("marketplace", "province", "user").get(pk=record.pk)
    Status = PartnerReport.Status
    clock = time.perf_counter()
    phases = {}

    def phase(name):
        nonlocal clock
        now = time.perf_counter()
        phases[name], clock = now - clock, now

    try:
        record.report(status=Status.RUNNING, message=_("Reading the file…"))
        with record.file.open("rb") as handle:
            data = handle.read()
        raw = read_table(data, record.original_name, max_rows=settings.PARTNER_REPORT_MAX_ROWS, max_bytes=settings.PARTNER_REPORT_MAX_BYTES, text_dtype=TEXT)
        del data
        phase("read")
        record.report(rows_total=len(raw), message=_("Checking %(rows)s rows…") % {"rows": _thousands(len(raw))})
        rows, errors = check(to_keys(raw), report=record)
        phase("check")
        if errors:
            return finish_job(record, Status.REJECTED, message=keep_rejection(record, raw, errors, headers=HEADERS))
        record.report(rows_done=len(raw) // 3, message=_("Matching %(rows)s rows to the registry…") % {"rows": _thousands(len(raw))})
        rows = match(rows, marketplace_id=record.marketplace_id)
        phase("match")
        errors = check_matches(rows, report=record)
        if errors:
            return finish_job(record, Status.REJECTED, message=keep_rejection(record, raw, errors, headers=HEADERS))
        record.report(rows_done=2 * len(raw) // 3, message=_("Writing %(rows)s rows…") % {"rows": _thousands(len(raw))})
        with transaction.atomic():
            created, updated, queued = write(rows, report=record, user=record.user)
        phase("write")
        logger.info("partner report %s: %d rows; %s", record.pk, len(raw), ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items()))
    except FileRefused as refused:
        return finish_job(record, Status.REJECTED, message=str(refused))
    except SoftTimeLimitExceeded:
        return finish_job(record, Status.FAILED, message=_("The import took longer than %(minutes)s minutes and was stopped; nothing was written. Split the file into smaller ones and upload them one by one.") % {"minutes": settings.JOB_TIME_LIMIT // 60})
    except Exception:
        logger.exception("partner report %s failed", record.pk)
        return finish_job(record, Status.FAILED, message=_("The import stopped because of an error on our side; nothing was written. Try again, or contact the helpdesk."))
    record.rows_matched = int(rows["business_id"].notna().sum())
    record.rows_created, record.rows_updated, record.rows_queued = created, updated, queued
    record.rows_skipped = int((rows["rule"] == "rejected").sum())
    return finish_job(record, Status.DONE, rows_done=len(raw), message=_(
        "%(matched)s rows matched to the registry (%(created)s shops added, %(updated)s updated, the rest unchanged); "
        "%(queued)s wait for an officer to confirm; %(skipped)s of sellers rejected earlier were skipped."
    ) % {"matched": _thousands(record.rows_matched), "created": _thousands(created), "updated": _thousands(updated),
         "queued": _thousands(queued), "skipped": _thousands(record.rows_skipped)})


def template_xlsx():
    """The upload template: the columns with two example rows."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(_("Sellers")[:31])
    sheet.write_row(0, 0, list(HEADERS.values()), bold)
    sheet.write_row(1, 0, ["TKP-100234", "CV. Batik Lestari", "8120001234567", "0812 3456 7890", "32.73", "Batik Lestari Official",
                           "https://www.tokopedia.com/batiklestari", "15-06-2020", "produk tayang", "24", "2.500.000"])
    sheet.write_row(2, 0, ["", "UD Anyaman Rotan", "", "+62 813-1111-2222", "63.71", "Rotan Banjar", "", "2020-07-01", "terdaftar", "0", ""])
    sheet.set_column(0, len(HEADERS) - 1, 22)
    workbook.close()
    return buffer.getvalue()
