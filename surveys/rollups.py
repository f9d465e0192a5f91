"""Impact rollups: the figures behind the dashboards and ``/api/v1/impact/``.

A refresh computes every slice of a wave — each province and the nation, × each sector and
all, × each scale and all, plus each regency within its province — over all responses and
over verified ones only, in PostgreSQL with one GROUP BY GROUPING SETS statement per basis,
and swaps them in within one transaction: a reader sees the previous set or the new one,
never half of each, and a refresh that dies midway leaves the previous set in place.

Refreshes of the same wave are serialised by a transaction-level advisory lock.
"""
import dataclasses
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from ikm_portal import pagecache
from programs.locks import LockKey, xact_lock

from .choices import Need, OperatingStatus, Problem, ReviewStatus
from .models import SurveyWave

logger = logging.getLogger(__name__)


#: For the refresh transaction only: JIT compilation of these wide aggregates costs more than
#: it saves (over a second per statement), and the per-slice sorts should stay in memory.
ROLLUP_SESSION_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '128MB'"

#: Decline bands, in order: (field, label key, lower bound inclusive, upper bound exclusive).
BANDS = [
    ("band_grew", None, 0.0),
    ("band_0_25", 0.0, 0.25),
    ("band_25_50", 0.25, 0.5),
    ("band_50_70", 0.5, 0.7),
    ("band_70_plus", 0.7, None),
]
CLOSED_STATUSES = [OperatingStatus.TEMPORARILY_CLOSED.value, OperatingStatus.CLOSED.value]

_PROVINCE_SETS = [
    "(province_id, sector_id, scale)", "(province_id, sector_id)", "(province_id, scale)", "(province_id)",
    "(province_id, regency_id)",
]
_NATIONAL_SETS = ["(sector_id, scale)", "(sector_id)", "(scale)", "()"]

_COLUMNS = [
    "wave_id", "verified_only", "province_id", "regency_id", "sector_id", "scale", "responses", "with_baseline", "falling",
    "turnover_before", "turnover_after", "turnover_after_with_baseline", "decline", "decline_p25", "decline_median",
    "decline_p75", "band_grew", "band_0_25", "band_25_50", "band_50_70", "band_70_plus", "band_closed",
    "workers_before", "workers_after", "workers_furloughed", "workers_laid_off", "problems", "needs", "diversified",
    "export_postponed", "export_postponed_value", "newest_response_at", "left_out", "computed_at", "steepest",
]

#: A response the headline figures leave out: it has a warning nobody has confirmed yet.
UNCONFIRMED = "(warnings <> '[]'::jsonb AND NOT warnings_confirmed)"


def _flag(column, code):
    return f"{column}_{code}".replace("-", "_")


def _flags(column, codes):
    """Per-row 0/1 for each code in a JSON list column, computed once before grouping."""
    return ", ".join(f"({column} ? '{code}')::int AS {_flag(column, code)}" for code in codes)


def _json_counts(column, codes):
    pairs = ", ".join(f"'{code}', COALESCE(sum({_flag(column, code)}) FILTER (WHERE NOT unconfirmed), 0)::int" for code in codes)
    return f"jsonb_build_object({pairs})"


def _band_filters():
    closed = "operating_status IN ({})".format(", ".join(f"'{status}'" for status in CLOSED_STATUSES))
    parts = []
    for field, low, high in BANDS:
        if low is None:
            condition = f"decline < {high}"
        elif high is None:
            condition = f"decline >= {low}"
        else:
            condition = f"decline >= {low} AND decline < {high}"
        parts.append((field, f"NOT closed AND {condition}"))
    return closed, parts


_KEYS = ["province_id", "regency_id", "sector_id", "scale"]
_ADDED = [
    "responses", "with_baseline", "falling", "turnover_before", "turnover_after", "turnover_after_with_baseline",
    "band_grew", "band_0_25", "band_25_50", "band_50_70", "band_70_plus", "band_closed", "workers_before",
    "workers_after", "workers_furloughed", "workers_laid_off", "diversified", "export_postponed", "export_postponed_value",
]


def aggregate_sql(*, grouping_sets, where):
    """The SELECT computing one basis of a refresh: one row per slice, columns as in
    :data:`_COLUMNS` after ``wave_id`` and ``verified_only``. Also run bare by the benchmark.

    Additive figures are first summed per finest slice (one hashed pass over the rows), then
    rolled up to every grouping set from those few thousand rows; only the quartiles need
    the rows themselves, sorted per slice by ``percentile_cont``.

    Responses with an unconfirmed warning (:data:`UNCONFIRMED`) are left out of every figure
    and counted in ``left_out`` instead, so one typo cannot move the headline; a slice whose
    responses are all left out has no row."""
    closed, bands = _band_filters()
    problem_codes = [code.value for code in Problem]
    need_codes = [code.value for code in Need]
    flags = [_flag("problems", code) for code in problem_codes] + [_flag("needs", code) for code in need_codes]
    keys = ", ".join(_KEYS)
    sets = ", ".join(grouping_sets)
    # A key no grouping set uses (the province, for the national sets alone) is NULL, as GROUPING SETS would make it.
    null_keys = {"province_id": "NULL::bigint", "regency_id": "NULL::bigint", "sector_id": "NULL::bigint", "scale": "NULL::varchar"}
    grouped_keys = ", ".join(key if key in sets else f"{null_keys[key]} AS {key}" for key in _KEYS)
    joined = " AND ".join(
        f"COALESCE(g.{key}, {default}) = COALESCE(q.{key}, {default})"
        for key, default in zip(_KEYS, ["0", "0", "0", "''"])
    )
    return f"""
        WITH answered AS NOT MATERIALIZED (
            SELECT {keys}, turnover_before, turnover_after, workers_before, workers_after, workers_furloughed,
                   workers_laid_off, diversified, export_postponed_value, updated_at, operating_status,
                   CASE WHEN turnover_before > 0 THEN 1 - turnover_after::float8 / turnover_before END AS decline,
                   {closed} AS closed, {_flags("problems", problem_codes)}, {_flags("needs", need_codes)},
                   {UNCONFIRMED} AS unconfirmed
            FROM surveys_surveyresponse
            WHERE {where}
        ), finest AS (
            SELECT {keys}, unconfirmed,
                   count(*) AS responses,
                   count(*) FILTER (WHERE turnover_before > 0) AS with_baseline,
                   count(*) FILTER (WHERE turnover_after < turnover_before) AS falling,
                   sum(turnover_before) AS turnover_before,
                   sum(turnover_after) AS turnover_after,
                   COALESCE(sum(turnover_after) FILTER (WHERE turnover_before > 0), 0) AS turnover_after_with_baseline,
                   {", ".join(f"count(*) FILTER (WHERE {condition}) AS {field}" for field, condition in bands)},
                   count(*) FILTER (WHERE closed) AS band_closed,
                   sum(workers_before) AS workers_before, sum(workers_after) AS workers_after,
                   sum(workers_furloughed) AS workers_furloughed, sum(workers_laid_off) AS workers_laid_off,
                   count(*) FILTER (WHERE diversified) AS diversified,
                   count(*) FILTER (WHERE export_postponed_value > 0) AS export_postponed,
                   COALESCE(sum(export_postponed_value), 0) AS export_postponed_value,
                   {", ".join(f"sum({flag}) AS {flag}" for flag in flags)},
                   max(updated_at) AS newest_response_at
            FROM answered
            GROUP BY {keys}, unconfirmed
        ), grouped AS (
            SELECT {grouped_keys}, {", ".join(f"sum({field}) FILTER (WHERE NOT unconfirmed) AS {field}" for field in _ADDED)},
                   {_json_counts("problems", problem_codes)} AS problems,
                   {_json_counts("needs", need_codes)} AS needs,
                   max(newest_response_at) AS newest_response_at,
                   COALESCE(sum(responses) FILTER (WHERE unconfirmed), 0) AS left_out
            FROM finest
            GROUP BY GROUPING SETS ({sets})
            HAVING sum(responses) FILTER (WHERE NOT unconfirmed) > 0
        ), quartiles AS (
            SELECT {grouped_keys}, percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY decline) AS quartiles
            FROM answered
            WHERE decline IS NOT NULL AND NOT unconfirmed
            GROUP BY GROUPING SETS ({sets})
        )
        SELECT g.province_id, g.regency_id, g.sector_id, COALESCE(g.scale, '') AS scale,
               g.responses, g.with_baseline, g.falling, g.turnover_before, g.turnover_after, g.turnover_after_with_baseline,
               CASE WHEN g.turnover_before > 0 THEN 1 - g.turnover_after_with_baseline::float8 / g.turnover_before END,
               q.quartiles[1], q.quartiles[2], q.quartiles[3],
               g.band_grew, g.band_0_25, g.band_25_50, g.band_50_70, g.band_70_plus, g.band_closed,
               g.workers_before, g.workers_after, g.workers_furloughed, g.workers_laid_off, g.problems, g.needs, g.diversified,
               g.export_postponed, g.export_postponed_value, g.newest_response_at, g.left_out
        FROM grouped g LEFT JOIN quartiles q ON {joined}
    """


@dataclasses.dataclass
class RefreshResult:
    wave: str
    provinces: list | None
    rows: int
    seconds: float


def refresh(*, wave, provinces=None, national=True):
    """Recompute the rollups of ``wave``: every slice, or only the given provinces' slices
    (plus the national ones unless ``national`` is false). Atomic; serialised per wave. A
    refresh of the whole wave also settles the wave's pending marks."""
    return _refresh(wave, lambda cursor: _take_all_pending(cursor, wave) if provinces is None else None, provinces=provinces, national=national)


def refresh_pending(*, wave):
    """Refresh the slices of ``wave`` marked pending by writes, in the transaction that takes
    the marks: a refresh that dies midway leaves them for the next one. None when nothing
    was pending."""
    taken = []

    def take(cursor):
        cursor.execute("DELETE FROM surveys_rolluppending WHERE wave_id = %s RETURNING province_id", [wave.pk])
        taken.extend(row[0] for row in cursor.fetchall())
        if not taken:
            return _NOTHING
        return None if None in taken else sorted(set(taken))

    return _refresh(wave, take, provinces=_FROM_MARKS, national=True)


_NOTHING = object()
_FROM_MARKS = object()


def _take_all_pending(cursor, wave):
    cursor.execute("DELETE FROM surveys_rolluppending WHERE wave_id = %s", [wave.pk])


def _refresh(wave, take, *, provinces, national):
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            xact_lock(LockKey.ROLLUP_REFRESH, wave.pk, cursor=cursor)
            taken = take(cursor)
            if taken is _NOTHING:
                return None
            if provinces is _FROM_MARKS:
                provinces = taken
            cursor.execute(ROLLUP_SESSION_SETTINGS)
            rows = _refresh_postgresql(cursor, wave, provinces=provinces, national=national)
            # Cached figures and public pages showing them are out of date once this commits.
            transaction.on_commit(lambda: pagecache.bump("figures"))
    result = RefreshResult(wave.code, provinces, rows, time.perf_counter() - started)
    logger.info("rollups of wave %s refreshed (provinces %s): %d rows in %.2f s", wave.code, provinces or "all", rows, result.seconds)
    return result


def _refresh_postgresql(cursor, wave, *, provinces, national):
    computed_at = timezone.now()
    if provinces is None:
        cursor.execute("DELETE FROM surveys_impactrollup WHERE wave_id = %s", [wave.pk])
        parts = [(_PROVINCE_SETS + _NATIONAL_SETS, "wave_id = %s", [wave.pk])]
    else:
        provinces = list(provinces)
        deleted = "province_id = ANY(%s)" + (" OR province_id IS NULL" if national else "")
        cursor.execute(f"DELETE FROM surveys_impactrollup WHERE wave_id = %s AND ({deleted})", [wave.pk, provinces])
        parts = [(_PROVINCE_SETS, "wave_id = %s AND province_id = ANY(%s)", [wave.pk, provinces])]
        if national:
            parts.append((_NATIONAL_SETS, "wave_id = %s", [wave.pk]))
    rows = 0
    for verified_only in (False, True):
        for grouping_sets, where, params in parts:
            if verified_only:
                where = f"{where} AND status = '{ReviewStatus.VERIFIED.value}'"
            sql = aggregate_sql(grouping_sets=grouping_sets, where=where)
            cursor.execute(
                f"INSERT INTO surveys_impactrollup ({', '.join(_COLUMNS)}) "
                f"SELECT %s, %s, grouped_rows.*, %s, '[]'::jsonb FROM ({sql}) AS grouped_rows",
                [wave.pk, verified_only, computed_at, *params],
            )
            rows += cursor.rowcount
            if grouping_sets is not _NATIONAL_SETS:
                cursor.execute(STEEPEST_SQL.format(where=where, limit=STEEPEST_COUNT, unconfirmed=UNCONFIRMED), [*params, wave.pk, verified_only])
    return rows


STEEPEST_COUNT = 15
STEEPEST_SQL = """
    UPDATE surveys_impactrollup AS rollup SET steepest = top.ids
    FROM (
        SELECT province_id, jsonb_agg(id ORDER BY rank) AS ids
        FROM (
            SELECT id, province_id,
                   row_number() OVER (PARTITION BY province_id ORDER BY turnover_after::float8 / turnover_before, id) AS rank
            FROM surveys_surveyresponse
            WHERE {where} AND turnover_before > 0 AND needs <> '[]'::jsonb AND NOT {unconfirmed}
        ) AS ranked
        WHERE rank <= {limit}
        GROUP BY province_id
    ) AS top
    WHERE rollup.wave_id = %s AND rollup.verified_only = %s AND rollup.province_id = top.province_id
      AND rollup.regency_id IS NULL AND rollup.sector_id IS NULL AND rollup.scale = ''
"""


# -- refresh after writes (debounced) -------------------------------------------------------------

def _scheduled_key(wave_id):
    return f"rollups:scheduled:{wave_id}"


def mark_pending(*, wave, province_ids=None):
    """Record, in the caller's transaction, that the wave's figures for ``province_ids`` (the
    whole wave when None) are out of date, and queue a refresh once that transaction commits.

    A burst of writes gives one refresh: only the first write of a burst queues the task,
    ``ROLLUP_REFRESH_DELAY`` seconds later, and the task refreshes whatever is marked when it
    runs. If the cache or the broker is down the write still succeeds: the marks are in the
    database and the beat (every minute) refreshes them."""
    from .models import RollupPending

    ids = sorted(set(province_ids)) if province_ids else [None]
    RollupPending.objects.bulk_create([RollupPending(wave_id=wave.pk, province_id=province_id) for province_id in ids])
    transaction.on_commit(lambda: _queue_refresh(wave.pk))


def _queue_refresh(wave_id):
    from .tasks import refresh_rollups_task

    delay = settings.ROLLUP_REFRESH_DELAY
    if not cache.add(_scheduled_key(wave_id), 1, timeout=delay + 300):
        return  # one is queued already (or the cache is down: the beat takes over)
    try:
        refresh_rollups_task.apply_async(kwargs={"wave_id": wave_id, "debounced": True}, countdown=delay)
    except Exception as error:  # an unreachable broker: the marks wait for the beat
        cache.delete(_scheduled_key(wave_id))
        logger.warning("rollup refresh of wave %s not queued (%s); the beat will pick it up", wave_id, error)


def pending_refresh_started(wave):
    """The debounced task starts: writes from now on queue a new one."""
    cache.delete(_scheduled_key(wave.pk))


def waves_pending(*, older_than=0):
    """Waves with marks at least ``older_than`` seconds old (the beat leaves fresh marks to the
    debounced task already queued for them)."""
    from datetime import timedelta

    from .models import RollupPending

    cutoff = timezone.now() - timedelta(seconds=older_than)
    wave_ids = RollupPending.objects.filter(marked_at__lte=cutoff).values_list("wave_id", flat=True).distinct()
    return SurveyWave.objects.filter(pk__in=wave_ids)


def waves_to_refresh():
    """Waves the beat safety net refreshes: every wave that has responses, newest first."""
    return SurveyWave.objects.filter(responses__isnull=False).distinct().order_by("-reported_month")
