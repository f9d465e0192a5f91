"""Outlier ranges: what turnover is plausible for a sector × scale, learned in SQL from the
verified responses of earlier waves (DHIS2's outlier analysis, modified z-score).

For a wave W and each sector × scale with at least :data:`MIN_RESPONSES` verified answers in
waves reported before W, with ``x = ln(turnover after)`` over answers above zero::

    median = median(x),  MAD = median(|x − median|)
    low, high = exp(median ∓ Z_LIMIT × MAD ÷ 0.6745)

An entry into W whose turnover after falls outside ``[low, high]`` gets the warning
``sector-outlier``. The logarithm because turnover spans orders of magnitude (a micro
business's Rp 5 million, a medium one's Rp 500 million): a typo of three extra zeros is far
out, an honest large answer is not.

The ranges of a wave are recomputed (one statement, atomically replacing the previous set)
when a batch of an earlier wave is verified or unlocked, when the wave opens, and by the
hourly beat for every open wave; entries read them, never the raw rows.
"""
import logging

from django.db import connection, transaction
from django.utils import timezone

from .models import SurveyWave, TurnoverRange

logger = logging.getLogger(__name__)

#: Fewer verified answers than this in a sector × scale: no range, no warning.
MIN_RESPONSES = 20
#: Iglewicz and Hoaglin's cut-off for the modified z-score.
Z_LIMIT = 3.5

RANGES_SQL = """
    WITH learned AS (
        SELECT r.sector_id, r.scale, ln(r.turnover_after::float8) AS x
        FROM surveys_surveyresponse r
        JOIN surveys_surveywave w ON w.id = r.wave_id
        WHERE r.status = 'verified' AND r.turnover_after > 0 AND w.reported_month < %(month)s
    ), centre AS (
        SELECT sector_id, scale, count(*) AS responses, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median
        FROM learned GROUP BY sector_id, scale HAVING count(*) >= %(minimum)s
    ), spread AS (
        SELECT l.sector_id, l.scale, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(l.x - c.median)) AS mad
        FROM learned l JOIN centre c ON c.sector_id = l.sector_id AND c.scale = l.scale
        GROUP BY l.sector_id, l.scale
    )
    INSERT INTO surveys_turnoverrange (wave_id, sector_id, scale, responses, median, low, high, computed_at)
    SELECT %(wave)s, c.sector_id, c.scale, c.responses, round(exp(c.median)),
           floor(exp(c.median - %(z)s * s.mad / 0.6745)), LEAST(ceil(exp(c.median + %(z)s * s.mad / 0.6745)), 9e18), %(now)s
    FROM centre c JOIN spread s ON s.sector_id = c.sector_id AND s.scale = c.scale
    WHERE s.mad > 0
"""


def refresh_ranges(wave):
    """Recompute ``wave``'s ranges from the verified answers of earlier waves; return how many."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("DELETE FROM surveys_turnoverrange WHERE wave_id = %s", [wave.pk])
        cursor.execute(RANGES_SQL, {"wave": wave.pk, "month": wave.reported_month, "minimum": MIN_RESPONSES, "z": Z_LIMIT, "now": timezone.now()})
        count = cursor.rowcount
    logger.info("turnover ranges of wave %s: %d sector × scale groups", wave.code, count)
    return count


def waves_learning_from(wave):
    """Open waves reported after ``wave``: their ranges change when ``wave``'s verified answers do."""
    return SurveyWave.objects.filter(status=SurveyWave.Status.OPEN, reported_month__gt=wave.reported_month)


def ranges_of(wave):
    """``{(sector_id, scale): (low, high)}`` of ``wave`` (a few hundred rows at most)."""
    return {(sector_id, scale): (low, high) for sector_id, scale, low, high in TurnoverRange.objects.filter(wave=wave).values_list("sector_id", "scale", "low", "high")}
