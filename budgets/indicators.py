"""IKPA-style indicators per province and month, computed in PostgreSQL (issue 13, point 6).

For each allocation of a fiscal year and each month m (cumulative to the end of m):

- ``realised``: Σ realisation dated in months ≤ m; ``absorption`` = realised ÷ current ceiling;
- ``planned``: Σ the newest withdrawal plan (RPD) for months ≤ m; ``rpd_deviation`` =
  |realised − planned| ÷ planned (none without a plan);
- ``revisions_in_quarter``: revisions dated in m's quarter up to m;
- ``output_achievement``: mean over the activities not cancelled of min(1, Σ reported volume
  for months ≤ m ÷ target);
- ``score``: the weighted mean (:class:`~budgets.models.IndicatorWeights`) of four scores
  out of 100 — absorption against the quarter's target (capped at 100), 100 − 100 ×
  deviation (floored at 0), 100 for at most one revision in the quarter else 50, 100 ×
  achievement — over those that exist.

One statement per year replaces the year's rows in one transaction: readers see the previous
set or the new one. A second (``FIGURES_SQL``) writes, per province, the activities late, the
output volume per unit and the activity budgets per kind that the national pages show.
"""
import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from .models import IndicatorWeights
from .selectors import QUARTER_TARGETS

logger = logging.getLogger(__name__)

INDICATORS_SQL = """
    WITH months AS (SELECT generate_series(1, 12) AS month),
    alloc AS (SELECT id, province_id, ceiling FROM budgets_allocation WHERE year = %(year)s),
    monthly AS (
        SELECT r.allocation_id, extract(month FROM r.date)::int AS month, sum(r.amount) AS amount
        FROM budgets_realisation r JOIN alloc a ON a.id = r.allocation_id GROUP BY 1, 2
    ), spent AS (
        SELECT a.id AS allocation_id, m.month,
               sum(COALESCE(mo.amount, 0)) OVER (PARTITION BY a.id ORDER BY m.month) AS realised
        FROM alloc a CROSS JOIN months m LEFT JOIN monthly mo ON mo.allocation_id = a.id AND mo.month = m.month
    ), plan AS (
        SELECT DISTINCT ON (p.allocation_id) p.allocation_id, p.months
        FROM budgets_withdrawalplan p JOIN alloc a ON a.id = p.allocation_id
        ORDER BY p.allocation_id, p.version DESC
    ), planned AS (
        SELECT p.allocation_id, e.month::int AS month,
               sum(e.amount::bigint) OVER (PARTITION BY p.allocation_id ORDER BY e.month) AS planned
        FROM plan p CROSS JOIN LATERAL jsonb_array_elements_text(p.months) WITH ORDINALITY AS e(amount, month)
    ), revisions AS (
        SELECT a.id AS allocation_id, m.month, count(v.id) AS revisions
        FROM alloc a CROSS JOIN months m
        LEFT JOIN budgets_revision v ON v.allocation_id = a.id
             AND extract(month FROM v.date) BETWEEN ((m.month - 1) / 3) * 3 + 1 AND m.month
        GROUP BY 1, 2
    ), reported AS (
        SELECT o.activity_id, extract(month FROM o.month)::int AS month, sum(o.volume) AS volume
        FROM budgets_outputreport o JOIN budgets_activity t ON t.id = o.activity_id JOIN alloc a ON a.id = t.allocation_id
        GROUP BY 1, 2
    ), activity_months AS (
        SELECT t.id, t.allocation_id, t.target, m.month,
               sum(COALESCE(r.volume, 0)) OVER (PARTITION BY t.id ORDER BY m.month) AS volume
        FROM budgets_activity t JOIN alloc a ON a.id = t.allocation_id CROSS JOIN months m
        LEFT JOIN reported r ON r.activity_id = t.id AND r.month = m.month
        WHERE t.status <> 'cancelled'
    ), achieved AS (
        SELECT allocation_id, month, avg(LEAST(1.0, volume::float8 / target)) AS achievement
        FROM activity_months GROUP BY 1, 2
    ), figures AS (
        SELECT a.province_id, s.month, a.ceiling, s.realised, COALESCE(pl.planned, 0) AS planned,
               CASE WHEN a.ceiling > 0 THEN s.realised::float8 / a.ceiling END AS absorption,
               CASE WHEN pl.planned > 0 THEN abs(s.realised - pl.planned)::float8 / pl.planned END AS rpd_deviation,
               rv.revisions, ac.achievement
        FROM alloc a JOIN spent s ON s.allocation_id = a.id
        JOIN revisions rv ON rv.allocation_id = a.id AND rv.month = s.month
        LEFT JOIN planned pl ON pl.allocation_id = a.id AND pl.month = s.month
        LEFT JOIN achieved ac ON ac.allocation_id = a.id AND ac.month = s.month
    ), scored AS (
        SELECT f.*,
               -- LEAST and GREATEST ignore NULLs: a missing figure must stay missing.
               CASE WHEN f.absorption IS NOT NULL THEN LEAST(100, 100 * f.absorption / (ARRAY[%(q1)s, %(q2)s, %(q3)s, %(q4)s]::float8[])[(f.month - 1) / 3 + 1]) END AS s_absorption,
               CASE WHEN f.rpd_deviation IS NOT NULL THEN GREATEST(0, 100 - 100 * f.rpd_deviation) END AS s_rpd,
               CASE WHEN f.revisions <= 1 THEN 100 ELSE 50 END AS s_revisions,
               100 * f.achievement AS s_output
        FROM figures f
    )
    INSERT INTO budgets_indicator (year, province_id, month, ceiling, realised, planned, absorption, rpd_deviation,
                                   revisions_in_quarter, output_achievement, score, computed_at)
    SELECT %(year)s, province_id, month, ceiling, realised, planned, absorption, rpd_deviation, revisions, achievement,
           (COALESCE(%(w_absorption)s * s_absorption, 0) + COALESCE(%(w_rpd)s * s_rpd, 0) + %(w_revisions)s * s_revisions + COALESCE(%(w_output)s * s_output, 0))
           / NULLIF(CASE WHEN s_absorption IS NULL THEN 0 ELSE %(w_absorption)s END + CASE WHEN s_rpd IS NULL THEN 0 ELSE %(w_rpd)s END
                    + %(w_revisions)s + CASE WHEN s_output IS NULL THEN 0 ELSE %(w_output)s END, 0),
           %(now)s
    FROM scored
"""


FIGURES_SQL = """
    INSERT INTO budgets_provincefigures (year, province_id, late_activities, outputs, budgets_by_kind, computed_at)
    SELECT a.year, a.province_id,
           (SELECT count(*) FROM budgets_activity t WHERE t.allocation_id = a.id AND t.planned_end < %(month_start)s
                AND t.status NOT IN ('done', 'cancelled')),
           COALESCE((SELECT jsonb_object_agg(x.unit, x.volume) FROM (
                SELECT t.unit, sum(o.volume) AS volume FROM budgets_outputreport o JOIN budgets_activity t ON t.id = o.activity_id
                WHERE t.allocation_id = a.id GROUP BY 1) x), '{}'),
           COALESCE((SELECT jsonb_object_agg(y.kind, y.budget) FROM (
                SELECT t.kind, sum(t.budget) AS budget FROM budgets_activity t WHERE t.allocation_id = a.id AND t.status <> 'cancelled' GROUP BY 1) y), '{}'),
           %(now)s
    FROM budgets_allocation a WHERE a.year = %(year)s
"""


def refresh(year):
    """Recompute the indicators of ``year``; return the number of rows and seconds."""
    weights = IndicatorWeights.current()
    params = {
        "year": year, "now": timezone.now(), "month_start": timezone.localdate().replace(day=1), "q1": QUARTER_TARGETS[1], "q2": QUARTER_TARGETS[2], "q3": QUARTER_TARGETS[3], "q4": QUARTER_TARGETS[4],
        "w_absorption": float(weights.absorption), "w_rpd": float(weights.rpd_deviation), "w_revisions": float(weights.revisions), "w_output": float(weights.output),
    }
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("DELETE FROM budgets_indicator WHERE year = %s", [year])
        cursor.execute(INDICATORS_SQL, params)
        rows = cursor.rowcount
        cursor.execute("DELETE FROM budgets_provincefigures WHERE year = %s", [year])
        cursor.execute(FIGURES_SQL, params)
    seconds = time.perf_counter() - started
    logger.info("budget indicators of %s: %d rows in %.2f s", year, rows, seconds)
    return rows, seconds
