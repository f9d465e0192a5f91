"""Writing survey responses: one by one (form, API) and in bulk (uploads, API bulk).

Every channel goes through :func:`surveys.validation.check_values` for the answers and
:func:`responses_check` for who may write what where; bulk writes are all-or-nothing.
"""
import json
import logging

import numpy as np
import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.bulk import copy_frame, copy_query, temporary_table
from programs.models import Business, Regency, Sector
from programs.locks import LockKey, xact_lock
from programs.policy import can
from programs.roles import Role, role_of

from .choices import Channel, ReviewStatus
from .models import SurveyResponse, SurveyWave
from .validation import CheckResult, check_values, response_warnings

logger = logging.getLogger(__name__)

ANSWER_FIELDS = [
    "turnover_before", "turnover_after", "capacity_before", "capacity_after", "workers_before", "workers_after",
    "workers_furloughed", "workers_laid_off", "operating_status", "problems", "needs", "diversified",
    "diversification_product", "export_postponed_value", "export_postponed_country", "notes",
]


class EntryRefused(Exception):
    """The whole batch is refused (closed wave, no right to enter data): one message."""


def wave_entry_check(*, wave, user):
    """Raise :class:`EntryRefused` unless ``user`` may enter responses into ``wave`` now."""
    if not can(user, "enter_responses", SurveyWave):
        raise EntryRefused(_("Only provincial officers and ministry admins enter survey responses."))
    if not can(user, "enter_responses", wave):
        raise EntryRefused(_("This survey wave is not open to your province."))
    if not wave.accepts_entries:
        raise EntryRefused(
            _("Survey wave %(code)s does not accept responses: it is %(status)s.") % {"code": wave.code, "status": wave.get_status_display().lower()}
        )


@transaction.atomic
def wave_save(*, user, wave):
    """Validate and save a survey wave built by the page form or the API: its fields, its
    ``clean`` and the table's constraints, so a bad wave is a field error (400), never a
    database error. The callers' doors check the saved wave against the user's scope."""
    if wave.created_by_id is None:
        wave.created_by = user
    wave.full_clean(validate_constraints=True)
    wave.save()
    if wave.accepts_entries:
        # Entries are checked against ranges learned from earlier waves' verified answers.
        transaction.on_commit(lambda: _queue_ranges(wave.pk))
    return wave


def _queue_ranges(wave_id):
    from .tasks import refresh_turnover_ranges_task

    try:
        refresh_turnover_ranges_task.delay(wave_id=wave_id)
    except Exception as error:  # an unreachable broker: the hourly beat computes them
        logger.warning("turnover ranges of wave %s not queued (%s)", wave_id, error)


def _regency_ids(codes):
    """Kemendagri 2025 codes, old 2021 codes and BPS codes → regency id (2020 data uses the old ones)."""
    codes = {str(code).strip() for code in codes if str(code).strip()}
    found = {}
    for regency_id, code, code_2021, bps_code in Regency.objects.filter(code__in=codes).values_list("id", "code", "code_2021", "bps_code"):
        found[code] = regency_id
    rest = codes - set(found)
    if rest:
        for regency_id, code_2021 in Regency.objects.filter(code_2021__in=rest).values_list("id", "code_2021"):
            found.setdefault(code_2021, regency_id)
        for regency_id, bps_code in Regency.objects.filter(bps_code__in=rest - set(found)).values_list("id", "bps_code"):
            found.setdefault(bps_code, regency_id)
    return found


class _KeySets:
    """Sets of keys (ids, NIBs) used in ``IN`` lookups. Each set is copied into a temporary
    table, so a 100,000-key lookup is one hash join instead of a 100,000-literal statement;
    the tables are dropped when the check ends."""

    def __init__(self):
        self.tables = []

    def lookup(self, field, values):
        """``values``: an array of distinct keys (text or integers)."""
        from django.db.models.expressions import RawSQL

        name = f"import_keys_{len(self.tables)}_{id(self)}"
        with connection.cursor() as cursor:
            # No index (the lookup hashes the whole table once), but statistics: without them
            # the planner expects 200 distinct keys and probes an index once per key. Kept
            # until the check ends (it runs outside a transaction), then dropped.
            temporary_table(cursor, name, pd.DataFrame({"key": values}), drop_at_commit=False)
        self.tables.append(name)
        return {f"{field}__in": RawSQL(f"SELECT key FROM {name}", [])}

    def drop(self):
        with connection.cursor() as cursor:
            for name in self.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.tables = []


def responses_check(frame, *, wave, user, allow_new_businesses=True):
    """Check a frame of responses (columns = API field names, index = row labels).

    Adds ``business_id`` (existing businesses, matched by NIB or id) and, for rows that
    register a new business, ``new_business`` dicts. Errors name the row and column.
    """
    result = check_values(frame)
    frame = result.frame
    for column in ("nib", "business_id", "business_name", "regency", "sector", "owner_name"):
        if column not in frame.columns:
            frame[column] = pd.NA
    nib = frame["nib"].astype("str").str.strip().str.replace(r"\.0$", "", regex=True).replace("", pd.NA)
    raw_id = frame["business_id"].astype("str").str.strip().replace("", pd.NA)
    numeric_id = pd.to_numeric(raw_id, errors="coerce")
    # An id is a whole number a bigint holds ("1.5" or 1e30 is no business's number).
    whole = (numeric_id % 1 == 0) & (numeric_id.abs() < 2**63)
    given_id = numeric_id.where(whole.fillna(False).astype(bool)).astype("Int64")
    for row in frame.index[raw_id.notna() & given_id.isna()]:
        result.errors.append((row, "business_id", _("Write the business's number in the portal, e.g. 1234.")))
    bad_nib = (nib.notna() & ~nib.str.fullmatch(r"\d{13}").fillna(False)).astype(bool)
    for row in frame.index[bad_nib]:
        result.errors.append((row, "nib", _("An NIB has exactly 13 digits.")))

    facts = _business_facts(nib.where(~bad_nib), given_id, wave=wave, user=user)
    _match_and_scope(frame, result, wave=wave, user=user, nib=nib, bad_nib=bad_nib, given_id=given_id,
                     allow_new_businesses=allow_new_businesses, facts=facts)
    result.warnings = response_warnings(frame, _warning_context(facts, wave=wave))
    result.frame = frame
    return result


def _warning_context(facts, *, wave):
    """What the warnings need beyond the answers: each row's business's previous turnover
    and the turnover range of its sector × scale (none for a business registered by the batch)."""
    from .outliers import ranges_of

    ranges = ranges_of(wave)
    low = pd.Series(np.nan, index=facts.index)
    high = pd.Series(np.nan, index=facts.index)
    if ranges:
        table = pd.DataFrame([(sector, scale, bounds[0], bounds[1]) for (sector, scale), bounds in ranges.items()], columns=["sector_id", "scale", "low", "high"])
        keys = pd.MultiIndex.from_frame(table[["sector_id", "scale"]])
        position = keys.get_indexer(pd.MultiIndex.from_arrays([facts["sector_id"], facts["scale"]]))
        found = position >= 0
        low[found] = table["low"].to_numpy(dtype=float)[position[found]]
        high[found] = table["high"].to_numpy(dtype=float)[position[found]]
    return pd.DataFrame({"previous_turnover": facts["previous_turnover"], "turnover_low": low, "turnover_high": high}, index=facts.index)


def _business_facts(nib, given_id, *, wave, user):
    """For each row, the business it names (by its id if that exists, else by its NIB) and
    that business's province, whether ``user`` may edit it and whether its answer to ``wave``
    is locked: a frame aligned with the rows (``id`` missing where nothing matched, ``by_id``
    where the id matched). One query per kind of key, whatever the number of rows."""
    tables, positions = [], []
    by_id = np.zeros(len(nib), dtype=bool)
    keys = _KeySets()
    try:
        for field, values in (("pk", given_id), ("nib", nib)):  # a known id wins over the NIB
            wanted = values.dropna().unique()
            if len(wanted):
                businesses = Business.objects.filter(**keys.lookup(field, wanted))
                facts = _facts_of(businesses, "id" if field == "pk" else field, wave=wave, user=user)
                offset = sum(len(table) for table in tables)
                matched = pd.Index(facts["key"]).get_indexer(values)
                positions.append(np.where(matched >= 0, matched + offset, -1))
                if field == "pk":
                    by_id = matched >= 0
                tables.append(facts)
    finally:
        keys.drop()
    # One more row at the end stands for "no business": position -1 picks it.
    none = pd.DataFrame({"key": [None], "id": [0], "province_id": [0], "editable": [False], "locked": [False], "sector_id": [0], "scale": [""], "previous_turnover": [pd.NA]})
    table = pd.concat([*tables, none], ignore_index=True)
    position = np.full(len(nib), -1, dtype=np.int64)
    for matched in positions:
        position = np.where(position < 0, matched, position)
    hit = position >= 0
    return pd.DataFrame({
        "id": pd.Series(table["id"].to_numpy(dtype=np.int64)[position], index=nib.index, dtype="Int64").where(hit),
        "by_id": by_id,
        "province_id": table["province_id"].to_numpy(dtype=np.int64)[position],
        "editable": table["editable"].to_numpy(dtype=bool)[position],
        "locked": table["locked"].to_numpy(dtype=bool)[position],
        "sector_id": table["sector_id"].to_numpy(dtype=np.int64)[position],
        "scale": table["scale"].astype(object).to_numpy()[position],
        "previous_turnover": pd.array(table["previous_turnover"].astype("Int64"), dtype="Int64")[position],
    }, index=nib.index)


def _facts_of(businesses, key, *, wave, user):
    """``key, id, province_id, editable, locked, sector_id, scale, previous_turnover`` of
    ``businesses``: editable by ``user`` (through ``editable_by``, the one door), locked when
    its answer to ``wave`` is verified, and its turnover after in the latest earlier wave it
    answered (for the ``previous-wave`` warning)."""
    from django.db.models import BigIntegerField, Exists, OuterRef, Value

    # Each business of the file looked up by key (EXISTS): an ``id IN (subquery)`` would be
    # hashed whole — for a ministry admin the 2.5 million businesses of the registry, which
    # outgrow work_mem and turn into a scan per row (100 s for a 100,000-row file).
    verified = SurveyResponse.objects.filter(wave=wave, status=ReviewStatus.VERIFIED)
    rows = businesses.order_by().annotate(
        editable=Exists(Business.objects.editable_by(user).filter(pk=OuterRef("pk"))),
        # Most waves being uploaded to have nothing verified yet: nothing to look up then.
        locked=Exists(verified.filter(business_id=OuterRef("pk"))) if verified.exists() else Value(False),
        previous_turnover=_previous_turnover(wave) or Value(None, output_field=BigIntegerField()),
    ).values_list(key, "id", "province_id", "editable", "locked", "sector_id", "scale", "previous_turnover")
    return _read_rows(rows, {
        "key": "text" if key == "nib" else "int", "id": "int", "province_id": "int", "editable": "bool", "locked": "bool",
        "sector_id": "int", "scale": "text", "previous_turnover": "int",
    })


def _previous_turnover(wave):
    """A subquery: the business's turnover after in the latest wave reported before ``wave``
    that it answered, or None when no earlier wave exists. Each business is found through
    the unique (wave, business) index, once per earlier wave at most."""
    from django.db.models import OuterRef, Subquery

    earlier = list(SurveyWave.objects.filter(reported_month__lt=wave.reported_month).values_list("pk", flat=True))
    if not earlier:
        return None
    answers = SurveyResponse.objects.filter(business_id=OuterRef("pk"), wave_id__in=earlier).order_by("-wave__reported_month")
    return Subquery(answers.values("turnover_after")[:1])


def _read_rows(queryset, columns):
    """The rows of a ``values_list`` query as a DataFrame (``columns``: name → int, text or
    bool). They come as one COPY read by pyarrow: 100,000 rows in a few hundredths of a
    second, without a Python tuple per row."""
    import pyarrow as pa

    types = {"int": pa.int64(), "text": pa.string(), "bool": pa.bool_()}
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        return copy_query(cursor, sql, params, {name: types[kind] for name, kind in columns.items()})


#: How many of the other rows a "same business again" message names.
DUPLICATE_ROWS_NAMED = 5


def _match_and_scope(frame, result, *, wave, user, nib, bad_nib, given_id, allow_new_businesses, facts):
    business_id = facts["id"]
    for row in frame.index[given_id.notna().to_numpy(dtype=bool) & ~facts["by_id"].to_numpy()]:
        result.errors.append((row, "business_id", _("No business has this ID.")))

    # Rows for businesses the portal does not know yet register them, if they say enough.
    unknown = business_id.isna() & given_id.isna() & ~bad_nib
    new_businesses = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if unknown.any():
        regency_by_code = _regency_ids(frame.loc[unknown, "regency"].dropna().astype(str))
        sector_by_slug = dict(Sector.objects.values_list("slug", "id"))
        for row in frame.index[unknown]:
            name = str(frame.at[row, "business_name"] if pd.notna(frame.at[row, "business_name"]) else "").strip()
            regency_code = str(frame.at[row, "regency"] if pd.notna(frame.at[row, "regency"]) else "").strip()
            sector_slug = str(frame.at[row, "sector"] if pd.notna(frame.at[row, "sector"]) else "").strip()
            if not allow_new_businesses or not (name and regency_code and sector_slug):
                where = _("NIB %(nib)s is not registered") % {"nib": nib[row]} if pd.notna(nib[row]) else _("No NIB or business ID")
                result.errors.append((row, "nib", _("%(where)s: give the business name, regency code and sector to register it.") % {"where": where}))
                continue
            if regency_code not in regency_by_code:
                result.errors.append((row, "regency", _("Unknown regency code %(code)s.") % {"code": regency_code}))
                continue
            if sector_slug not in sector_by_slug:
                result.errors.append((row, "sector", _("Unknown sector %(sector)s.") % {"sector": sector_slug}))
                continue
            new_businesses[row] = {
                "name": name[:200], "nib": nib[row] if pd.notna(nib[row]) else None,
                "regency_id": regency_by_code[regency_code], "sector_id": sector_by_slug[sector_slug],
                "owner_name": str(frame.at[row, "owner_name"]).strip()[:150] if pd.notna(frame.at[row, "owner_name"]) else "-",
            }
    frame["business_id"] = business_id
    frame["new_business"] = new_businesses

    # The same business twice in one batch is ambiguous: which answer wins?
    known = business_id.notna().to_numpy(dtype=bool)
    repeated = (known & business_id.duplicated(keep=False).to_numpy()) | (~known & nib.notna().to_numpy(dtype=bool) & nib.where(~known).duplicated(keep=False).to_numpy())
    if repeated.any():
        key = business_id.astype("str").fillna("nib:" + nib)[repeated]
        groups = pd.Series(frame.index[repeated], index=frame.index[repeated]).groupby(key).agg(list)
        for rows in groups:
            # Name a few of the other rows, not all: a file repeating one business 20,000
            # times would otherwise make 20,000 messages of 20,000 row numbers each.
            shown = rows[:DUPLICATE_ROWS_NAMED + 1]
            for row in rows:
                others = [other for other in shown if other != row][:DUPLICATE_ROWS_NAMED]
                more = len(rows) - 1 - len(others)
                if more:
                    message = _("The same business appears again in rows %(rows)s and %(more)s other rows.") % {"rows": ", ".join(map(str, others)), "more": f"{more:,}".replace(",", ".")}
                else:
                    message = _("The same business appears again in row(s) %(rows)s.") % {"rows": ", ".join(map(str, others))}
                result.errors.append((row, "nib", message))

    _scope_check(frame, wave=wave, user=user, result=result, facts=facts)


def _scope_check(frame, *, wave, user, result, facts):
    """Businesses must be in the wave's scope and editable by the user; verified answers are locked."""
    from programs.roles import province_id_of

    existing = facts["id"].notna().to_numpy(dtype=bool)
    if existing.any():
        outside_user = existing & ~facts["editable"].to_numpy()
        outside_wave = existing & ~outside_user & (facts["province_id"].to_numpy() != wave.province_id if wave.province_id else False)
        is_locked = existing & ~outside_user & ~outside_wave & facts["locked"].to_numpy()
        for row in frame.index[outside_user]:
            result.errors.append((row, "nib", _("This business is outside your province.")))
        for row in frame.index[outside_wave]:
            result.errors.append((row, "nib", _("This business is outside the province of survey wave %(code)s.") % {"code": wave.code}))
        for row in frame.index[is_locked]:
            result.errors.append((row, None, _("The response of this business is verified and locked; ask a verifier to unlock it.")))

    new = frame["new_business"].dropna()
    if len(new):
        officer_province = province_id_of(user) if role_of(user) == Role.OFFICER else None
        regency_province = dict(Regency.objects.filter(pk__in={entry["regency_id"] for entry in new}).values_list("id", "province_id"))
        for row, entry in new.items():
            province_id = regency_province.get(entry["regency_id"])
            if officer_province is not None and province_id != officer_province:
                result.errors.append((row, "regency", _("This regency is outside your province.")))
            elif wave.province_id and province_id != wave.province_id:
                result.errors.append((row, "regency", _("This regency is outside the province of survey wave %(code)s.") % {"code": wave.code}))


# --- Writing --------------------------------------------------------------------------------



def _create_new_businesses(frame, *, user):
    """Register the batch's new businesses (idempotent by NIB under concurrency)."""
    from programs.scale import classify_scale

    entries = [(row, entry) for row, entry in frame["new_business"].items() if entry is not None]
    if not entries:
        return
    regencies = dict(Regency.objects.filter(pk__in={entry["regency_id"] for _row, entry in entries}).values_list("id", "province_id"))
    objects = []
    for row, entry in entries:
        workforce = int(frame.at[row, "workers_before"])
        objects.append(
            Business(
                **entry, province_id=regencies[entry["regency_id"]], workforce=workforce, investment=0,
                scale=classify_scale(workforce, 0), created_by=user,
            )
        )
    # Two uploads registering the same NIB at once must not fail or duplicate.
    Business.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
    with_nib = {business.nib for business in objects if business.nib}
    by_nib = dict(Business.objects.filter(nib__in=with_nib).values_list("nib", "id"))
    for (row, entry), business in zip(entries, objects):
        frame.at[row, "business_id"] = by_nib.get(entry["nib"]) if entry["nib"] else business.pk


def responses_write(result, *, wave, user, channel, reason=""):
    """Write every row of a checked batch (no errors) in the caller's transaction.
    Returns ``(created, updated)``. Re-sending the same rows updates them."""
    assert result.ok, "responses_write() needs a batch without errors"
    frame = result.frame
    _create_new_businesses(frame, user=user)
    frame["warnings"] = result.warnings
    return _upsert(frame, wave=wave, user=user, channel=channel, reason=reason)


# Answers in the staging table; list answers (problems, needs, warnings) travel as numbers
# into one array of their distinct JSON texts, and what is the same for the whole batch
# (wave, channel, who, when) is a parameter of the statement: less to format, copy and parse.
_STAGE_COLUMNS = ["business_id", *ANSWER_FIELDS, "warnings"]
_LIST_FIELDS = ["problems", "needs", "warnings"]
_BATCH_COLUMNS = ["wave_id", "status", "warnings_confirmed", "channel", "entered_by_id", "updated_at"]
# Copied from the business in the write itself (the survey records the business as it was).
_SNAPSHOT_COLUMNS = ["province_id", "regency_id", "sector_id", "scale"]
# What decides whether a re-sent row changed (who sent it, and when, do not).
_COMPARED = [*ANSWER_FIELDS, "warnings", *_SNAPSHOT_COLUMNS]


def _list_codes(columns):
    """Each row's list as a 1-based position in one array of distinct JSON texts, encoded once
    per distinct list object (the checks hand out one shared list per distinct answer)."""
    texts, known, positions = [], {}, {}
    for name, series in columns.items():
        values = series.to_numpy(dtype=object)
        identities, _uniques = pd.factorize(np.fromiter(map(id, values), dtype=np.int64, count=len(values)))
        table = np.empty(identities.max() + 1 if len(values) else 0, dtype=np.int16)
        for code, first in enumerate(np.unique(identities, return_index=True)[1]):
            text = json.dumps(list(values[first]))
            if text not in known:
                texts.append(text)
                known[text] = len(texts)
            table[code] = known[text]
        positions[name] = table[identities]
    return positions, texts


def _distinct(left, right):
    """SQL that is true when a stored row (alias ``left``) differs from an incoming one."""
    return f"({', '.join(f'{left}.{field}' for field in _COMPARED)}) IS DISTINCT FROM ({', '.join(f'{right}.{field}' for field in _COMPARED)})"


def _upsert(frame, *, wave, user, channel, reason):
    """COPY into a staging table, then one statement: UPDATE the rows that exist and changed,
    INSERT the new ones, and write the history of both (set-based)."""
    codes, lists = _list_codes({field: frame[field] for field in _LIST_FIELDS})
    out = pd.DataFrame({
        field: codes[field] if field in codes else frame["business_id"].astype("int64") if field == "business_id" else frame[field]
        for field in _STAGE_COLUMNS
    })
    history = SurveyResponse.history.model
    kept = {field.column for field in history._meta.concrete_fields}
    history_columns = ", ".join(field.column for field in SurveyResponse._meta.concrete_fields if field.column in kept)
    plain = [field for field in _STAGE_COLUMNS if field not in _LIST_FIELDS and field != "business_id"]
    # The row as it is to be stored, from the staging table, the business and the batch.
    incoming = {
        "business_id": "s.business_id",
        **{field: f"s.{field}" for field in plain},
        **{field: f"(%(lists)s::jsonb[])[s.{field}]" for field in _LIST_FIELDS},
        **{field: f"b.{field}" for field in _SNAPSHOT_COLUMNS},
        **{field: f"%({field})s" for field in _BATCH_COLUMNS},
        "created_at": "%(updated_at)s",
    }
    columns = list(incoming)
    params = {
        "lists": lists, "wave_id": wave.pk, "status": ReviewStatus.DRAFT.value, "warnings_confirmed": False, "channel": channel,
        "entered_by_id": user.pk, "updated_at": timezone.now(), "verified": ReviewStatus.VERIFIED.value,
        "reason": reason[:100] or None, "user_id": user.pk,
    }
    with connection.cursor() as cursor:
        # Writes to one wave take turns (uploads, API, form): no two of them wait on each
        # other's rows, so none deadlocks whatever order it writes in.
        xact_lock(LockKey.SURVEY_WAVE_WRITE, wave.pk, cursor=cursor)
        stage = ", ".join(f"NULL::smallint AS {field}" if field in _LIST_FIELDS else field for field in _STAGE_COLUMNS)
        cursor.execute(f"CREATE TEMP TABLE survey_stage ON COMMIT DROP AS SELECT {stage} FROM surveys_surveyresponse WITH NO DATA")
        # Quoted empty cells of number columns are NULLs (text columns hold '' instead).
        copy_frame(cursor, "survey_stage", out, nullable=["capacity_before", "capacity_after", "export_postponed_value"])
        # Rows whose answers did not change are left alone: no write, no history entry.
        # An existing row is updated in place; a new one is inserted, and should another
        # writer have inserted it meanwhile after all, the insert updates it instead.
        cursor.execute(
            f"""WITH incoming AS MATERIALIZED (
                    SELECT {", ".join(f"{expression} AS {column}" for column, expression in incoming.items())}
                    FROM survey_stage s JOIN programs_business b ON b.id = s.business_id
                ), updated AS (
                    UPDATE surveys_surveyresponse r SET {", ".join(f"{column} = i.{column}" for column in columns if column not in ("wave_id", "business_id", "created_at"))}
                    FROM incoming i
                    WHERE r.wave_id = %(wave_id)s AND r.business_id = i.business_id AND r.status <> %(verified)s AND {_distinct("r", "i")}
                    RETURNING r.*, false AS inserted
                ), inserted AS (
                    INSERT INTO surveys_surveyresponse ({", ".join(columns)})
                    SELECT {", ".join(columns)} FROM incoming i
                    WHERE NOT EXISTS (SELECT FROM surveys_surveyresponse r WHERE r.wave_id = %(wave_id)s AND r.business_id = i.business_id)
                    ORDER BY i.business_id
                    ON CONFLICT (wave_id, business_id) DO UPDATE SET {", ".join(f"{column} = EXCLUDED.{column}" for column in columns if column not in ("wave_id", "business_id", "created_at"))}
                    WHERE surveys_surveyresponse.status <> %(verified)s AND {_distinct("surveys_surveyresponse", "EXCLUDED")}
                    RETURNING *, (xmax = 0) AS inserted
                ), written AS (
                    SELECT * FROM updated UNION ALL SELECT * FROM inserted
                ), logged AS (
                    INSERT INTO {history._meta.db_table} ({history_columns}, history_date, history_change_reason, history_type, history_user_id)
                    SELECT {history_columns}, now(), %(reason)s, CASE WHEN inserted THEN '+' ELSE '~' END, %(user_id)s FROM written
                )
                SELECT count(*) FILTER (WHERE inserted) FROM written""",
            params,
        )
        created = cursor.fetchone()[0]
        locked = 0
        if SurveyResponse.objects.filter(wave=wave, status=ReviewStatus.VERIFIED).exists():
            cursor.execute(
                "SELECT count(*) FROM surveys_surveyresponse r JOIN survey_stage s ON r.business_id = s.business_id WHERE r.wave_id = %s AND r.status = %s",
                [wave.pk, ReviewStatus.VERIFIED.value],
            )
            locked = cursor.fetchone()[0]
        cursor.execute("DROP TABLE survey_stage")
    if locked:
        # A response was verified while this batch was being checked: refuse the whole batch.
        raise EntryRefused(_("Some responses were verified by someone else meanwhile; nothing was written. Upload again to see which."))
    # Unchanged rows count as updated: the portal holds what was sent.
    return created, len(out) - created


def history_bulk(model, written, *, user, reason):
    """django-simple-history rows for a set-based write, in one INSERT … SELECT."""
    history = model.history.model
    kept = {field.column for field in history._meta.concrete_fields}
    fields = [field.column for field in model._meta.concrete_fields if field.column in kept]
    columns = ", ".join(fields)
    selected = ", ".join(f"r.{column}" for column in fields)
    ids = [row[0] for row in written]
    inserted = [bool(row[1]) for row in written]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {history._meta.db_table} ({columns}, history_date, history_change_reason, history_type, history_user_id)
                SELECT {selected}, now(), %s, CASE WHEN w.inserted THEN '+' ELSE '~' END, %s
                FROM {model._meta.db_table} r JOIN unnest(%s::bigint[], %s::boolean[]) AS w(id, inserted) ON r.id = w.id""",
            [reason[:100] or None, user.pk, ids, inserted],
        )


# --- One response (form, API) --------------------------------------------------------------

@transaction.atomic
def response_save(*, user, wave, business, data, channel=Channel.FORM, confirm_warnings=False):
    """Create or update ``business``'s response to ``wave`` from ``data`` (API field names).

    Raises ValidationError with field errors, or PermissionDenied. Warnings are stored; they
    count as confirmed when ``confirm_warnings`` is set.
    """
    try:
        wave_entry_check(wave=wave, user=user)
    except EntryRefused as refused:
        raise ValidationError({"wave": [str(refused)]}) from None
    response = _save_one(user=user, wave=wave, business=business, data=data, channel=channel)
    if confirm_warnings and response.warnings and not response.warnings_confirmed:
        response.warnings_confirmed = True
        response.save(update_fields=["warnings_confirmed", "updated_at"])
    return response


def _save_one(*, user, wave, business, data, channel, reason=""):
    """Check and write one business's answers (the same checks as every channel)."""
    row = {field: data.get(field) for field in ANSWER_FIELDS}
    row["business_id"] = business.pk
    frame = pd.DataFrame([row], index=[0])
    result = responses_check(frame, wave=wave, user=user, allow_new_businesses=False)
    if not result.ok:
        errors = {}
        for _row, column, message in result.errors:
            errors.setdefault("business" if column in ("nib", "business_id", None) else column, []).append(message)
        raise ValidationError(errors)
    responses_write(result, wave=wave, user=user, channel=channel, reason=reason)
    from .signals import responses_changed

    responses_changed(wave=wave, province_ids=[business.province_id])
    return SurveyResponse.objects.get(wave=wave, business=business)


def owner_businesses(*, user, wave):
    """The businesses ``user`` owns that ``wave`` asks about (its province's, or all for a national wave)."""
    businesses = Business.objects.editable_by(user).filter(owner=user).select_related("province", "regency")
    return businesses.filter(province_id=wave.province_id) if wave.province_id else businesses


@transaction.atomic
def owner_response_save(*, user, wave, business, data):
    """An IKM owner answers ``wave`` for their own ``business``: the same record an officer
    would enter (one per business per wave, with history), kept as a draft with channel
    "owner" for the province's officer to check. Once the officer has submitted or the
    ministry verified it, the owner can no longer change it."""
    if not can(user, "report_own", wave) or not owner_businesses(user=user, wave=wave).filter(pk=business.pk).exists():
        raise PermissionDenied
    if not wave.accepts_entries:
        raise ValidationError({"wave": [_("Survey wave %(code)s does not accept responses: it is %(status)s.") % {"code": wave.code, "status": wave.get_status_display().lower()}]})
    existing = SurveyResponse.objects.select_for_update().filter(wave=wave, business=business).first()
    if existing is not None and existing.status in (ReviewStatus.SUBMITTED, ReviewStatus.VERIFIED):
        raise ValidationError({"business": [_("Your provincial office has already sent these answers for checking. Contact them if something must change.")]})
    return _save_one(user=user, wave=wave, business=business, data=data, channel=Channel.OWNER, reason="owner")


@transaction.atomic
def response_delete(*, user, response):
    """Delete a response under the same rules as changing it: the user may change it (a
    verified response is locked), and its wave still accepts entries. Raises PermissionDenied
    or ValidationError (translated) and deletes nothing otherwise."""
    if not can(user, "delete", response):
        raise PermissionDenied
    try:
        wave_entry_check(wave=response.wave, user=user)
    except EntryRefused as refused:
        raise ValidationError({"wave": [str(refused)]}) from None
    # Deletes take turns with uploads and entries into the same wave, like every write.
    xact_lock(LockKey.SURVEY_WAVE_WRITE, response.wave_id)
    wave, province_id = response.wave, response.province_id
    response.delete()
    from .signals import responses_changed

    responses_changed(wave=wave, province_ids=[province_id])
