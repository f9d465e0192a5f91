"""Demo survey waves and responses (``manage.py seed_demo --responses N``), at any scale.

Declines are drawn like those Ditjen IKMA reported in 2020: sales down 50–70 % on average,
food holding up best and crafts and clothing hit hardest, tourist provinces (Bali, DKI,
DIY, NTB) worse, and a slow recovery from one wave to the next; a few businesses grew
(mask and PPE makers) and some closed. Rows are generated with numpy and loaded with COPY;
no history rows are written for synthetic data.
"""
import datetime
import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
from django.db import connection, transaction

from programs.bulk import copy_frame, copy_query

from .choices import Need, OperatingStatus, Problem, ReviewStatus
from .models import SurveyResponse, SurveyWave
from .validation import response_warnings

DEMO_WAVES = [
    # code, title, reported month, collection window, status, recovery since the first wave
    ("2020-04", "Survei dampak COVID-19 terhadap IKM, April 2020", datetime.date(2020, 4, 1), (datetime.date(2020, 4, 20), datetime.date(2020, 5, 15)), SurveyWave.Status.PUBLISHED, 0.0),
    ("2020-07", "Survei dampak COVID-19 terhadap IKM, Juli 2020", datetime.date(2020, 7, 1), (datetime.date(2020, 7, 15), datetime.date(2020, 8, 15)), SurveyWave.Status.PUBLISHED, 0.07),
    ("2020-10", "Survei dampak COVID-19 terhadap IKM, Oktober 2020", datetime.date(2020, 10, 1), (datetime.date(2020, 10, 15), datetime.date(2020, 11, 30)), SurveyWave.Status.CLOSED, 0.13),
    # Open and empty, so an officer trying the demo can enter or upload responses at once.
    ("2021-01", "Survei dampak COVID-19 terhadap IKM, Januari 2021", datetime.date(2021, 1, 1), (datetime.date(2021, 1, 15), datetime.date(2021, 2, 28)), SurveyWave.Status.OPEN, 0.18),
]
#: Waves the demo fills with responses (the open wave is left for whoever tries the portal).
FILLED_WAVES = 3
# Mean decline of turnover by sector in the first wave.
SECTOR_DECLINE = {
    "food-beverages": 0.42, "chemicals-building-materials": 0.55, "metal-machinery-electronics-transport": 0.6,
    "wood-furniture": 0.64, "textiles-clothing-leather": 0.68, "crafts-miscellaneous": 0.72,
}
# Provinces living on tourism were hit harder; farming provinces somewhat less.
PROVINCE_SHIFT = {"51": 0.12, "31": 0.06, "34": 0.07, "52": 0.05, "21": 0.04, "62": -0.05, "14": -0.04, "15": -0.04, "61": -0.03}
BASE_TURNOVER = {"micro": 8_000_000, "small": 40_000_000, "medium": 350_000_000}
#: Share of answers not yet verified that carry a typo (for the follow-up list to show).
TYPO_SHARE = 0.004

_COLUMNS = [
    "wave_id", "business_id", "province_id", "regency_id", "sector_id", "scale", "turnover_before", "turnover_after",
    "capacity_before", "capacity_after", "workers_before", "workers_after", "workers_furloughed", "workers_laid_off",
    "operating_status", "problems", "needs", "diversified", "diversification_product", "export_postponed_value",
    "export_postponed_country", "notes", "status", "warnings", "warnings_confirmed", "channel", "created_at", "updated_at",
]


def seed_waves():
    """The demo waves (created once). Returns them with their recovery, oldest first."""
    waves = []
    for code, title, reported, (opens, closes), status, recovery in DEMO_WAVES:
        wave, _created = SurveyWave.objects.get_or_create(
            code=code,
            defaults=dict(title=title, baseline_month=datetime.date(2020, 2, 1), reported_month=reported, opens_on=opens, closes_on=closes, status=status),
        )
        waves.append((wave, recovery))
    return waves


def _businesses():
    """Every business's id, province code, regency, sector slug, scale and workforce."""
    types = {"id": pa.int64(), "province__code": pa.string(), "regency_id": pa.int64(), "sector__slug": pa.string(),
             "sector_id": pa.int64(), "province_id": pa.int64(), "scale": pa.string(), "workforce": pa.int64()}
    with connection.cursor() as cursor:
        return copy_query(
            cursor,
            "SELECT b.id, p.code, b.regency_id, s.slug, b.sector_id, b.province_id, b.scale, b.workforce "
            "FROM programs_business b JOIN programs_province p ON p.id = b.province_id JOIN programs_sector s ON s.id = b.sector_id "
            "ORDER BY b.id",
            [], types,
        )


def _response_frame(wave, recovery, businesses, rng):
    count = len(businesses)
    mean = businesses["sector__slug"].map(SECTOR_DECLINE).fillna(0.6).to_numpy()
    mean = mean + businesses["province__code"].map(PROVINCE_SHIFT).fillna(0).to_numpy() - recovery
    # Beta spread around each business's mean, then a few that grew (masks, PPE) or closed.
    spread = 6.0
    mean = np.clip(mean, 0.05, 0.95)
    decline = rng.beta(mean * spread, (1 - mean) * spread)
    grew = rng.random(count) < 0.06
    decline = np.where(grew, -rng.uniform(0.05, 0.8, count), decline)
    closed = (~grew) & (rng.random(count) < 0.07 * (1 - recovery * 3))
    status = np.where(closed, np.where(rng.random(count) < 0.8, OperatingStatus.TEMPORARILY_CLOSED, OperatingStatus.CLOSED),
                      np.where(decline > 0.3, OperatingStatus.REDUCED, OperatingStatus.NORMAL))
    base = businesses["scale"].map(BASE_TURNOVER).to_numpy()
    before = np.round(base * rng.lognormal(0, 0.6, count), -4).astype(np.int64)
    before[rng.random(count) < 0.01] = 0  # new businesses without a baseline month
    after = np.where(closed, 0, np.round(before * (1 - decline), -3)).astype(np.int64)
    workers_before = businesses["workforce"].to_numpy().astype(np.int64)
    affected = np.clip(decline, 0, 1)
    furloughed = np.minimum(rng.binomial(workers_before, np.clip(affected * 0.6, 0, 1)), workers_before)
    laid_off = np.minimum(rng.binomial(workers_before - furloughed, np.clip(affected * 0.15, 0, 1)), workers_before - furloughed)
    laid_off = np.where(closed, workers_before - furloughed, laid_off)
    workers_after = workers_before - furloughed - laid_off

    textiles = (businesses["sector__slug"] == "textiles-clothing-leather").to_numpy()
    diversified = (rng.random(count) < np.where(textiles, 0.35, 0.06))
    exporter_hit = rng.random(count) < 0.03
    problems = _pick_lists(rng, count, {
        Problem.DEMAND: 0.3 + 0.6 * affected, Problem.RAW_MATERIAL: 0.35, Problem.WORKERS_SENT_HOME: (furloughed > 0) * 0.9,
        Problem.EXPORT_POSTPONED: exporter_hit * 1.0, Problem.CASH_FLOW: 0.45, Problem.LOGISTICS: 0.25, Problem.PSBB_CLOSURE: closed * 0.7,
    })
    needs = _pick_lists(rng, count, {
        Need.CREDIT: 0.55, Need.MARKETPLACE: 0.45, Need.ONLINE_MARKETING: 0.4, Need.RAW_MATERIAL: 0.25,
        Need.PPE_ORDERS: textiles * 0.5, Need.EXPORT: exporter_hit * 0.8,
    })
    opens, closes = wave.opens_on, wave.closes_on
    days = (closes - opens).days + 1
    # Entered during office hours (from 09:00 Jakarta time) on a day of the collection window.
    offsets = pd.to_timedelta(rng.integers(0, days, count), unit="D") + pd.to_timedelta(9 * 60 + rng.integers(0, 480, count), unit="min")
    entered = (pd.Timestamp(opens).tz_localize("Asia/Jakarta") + offsets).strftime("%Y-%m-%dT%H:%M:%S%z")
    published = wave.status in (SurveyWave.Status.PUBLISHED, SurveyWave.Status.CLOSED)
    review = rng.choice(
        [ReviewStatus.VERIFIED, ReviewStatus.SUBMITTED, ReviewStatus.DRAFT], count, p=[0.92, 0.05, 0.03] if published else [0.2, 0.4, 0.4]
    )
    # Typos in answers not yet verified: three zeros too many in turnover after, as officers
    # type them. They carry the warning the validator gives, for the follow-up list to show.
    # At least a few per wave, so that even the small default demo has some to follow up.
    candidates = np.flatnonzero((review != ReviewStatus.VERIFIED) & (before > 0) & ~closed)
    typos = min(len(candidates), max(3, round(len(candidates) * TYPO_SHARE)))
    typo = np.zeros(count, dtype=bool)
    typo[rng.choice(candidates, typos, replace=False)] = True
    after = np.where(typo, after * 1000, after)
    warnings = response_warnings(pd.DataFrame({
        "turnover_before": before, "turnover_after": after, "workers_before": workers_before,
        "workers_after": workers_after, "operating_status": status,
    })).map(json.dumps).to_numpy()
    return pd.DataFrame({
        "wave_id": wave.pk, "business_id": businesses["id"].to_numpy(), "province_id": businesses["province_id"].to_numpy(),
        "regency_id": businesses["regency_id"].to_numpy(), "sector_id": businesses["sector_id"].to_numpy(),
        "scale": businesses["scale"].to_numpy(), "turnover_before": before, "turnover_after": after,
        "capacity_before": rng.integers(50, 101, count), "capacity_after": np.clip(np.round(rng.integers(50, 101, count) * (1 - affected)), 0, 100).astype(int),
        "workers_before": workers_before, "workers_after": workers_after, "workers_furloughed": furloughed, "workers_laid_off": laid_off,
        "operating_status": status, "problems": problems, "needs": needs, "diversified": diversified,
        "diversification_product": np.where(diversified, np.where(textiles, "Masker kain", "Hand sanitizer"), ""),
        "export_postponed_value": pd.array(np.where(exporter_hit, np.round(before * rng.uniform(1, 6, count), -5), np.nan), dtype="Int64"),
        "export_postponed_country": np.where(exporter_hit, rng.choice(["MY", "SG", "US", "JP", "NL"], count), ""),
        "notes": "", "status": review, "warnings": warnings, "warnings_confirmed": False, "channel": "upload",
        "created_at": entered, "updated_at": entered,
    })[_COLUMNS]


def _pick_lists(rng, count, probabilities):
    """JSON lists of codes, each code present with its (per-row) probability. Vectorised: each
    row's codes become a bit mask, and each of the few distinct masks is encoded once."""
    codes = [code.value for code in probabilities]
    masks = np.zeros(count, dtype=np.int64)
    for bit, probability in enumerate(probabilities.values()):
        masks |= (rng.random(count) < np.broadcast_to(probability, count)).astype(np.int64) << bit
    encoded = np.array([json.dumps([code for bit, code in enumerate(codes) if mask >> bit & 1]) for mask in range(1 << len(codes))])
    return encoded[masks]


def seed_responses(*, total, rng, chunk=100_000):
    """Responses to the demo waves until there are ``total`` in them (each business at most
    once per wave; later waves reach fewer businesses). Returns (added, waves)."""
    all_waves = seed_waves()
    waves = all_waves[:FILLED_WAVES]
    businesses = _businesses()
    if businesses.empty or total <= 0:
        return 0, [wave for wave, _recovery in all_waves]
    existing = SurveyResponse.objects.filter(wave__in=[wave for wave, _r in waves]).count()
    missing = total - existing
    added = 0
    shares = np.array([1.2, 1.0, 0.8])[: len(waves)]
    with transaction.atomic():
        for (wave, recovery), share in zip(waves, shares / shares.sum()):
            wanted = min(math.ceil(missing * share), missing - added)
            taken = set(SurveyResponse.objects.filter(wave=wave).values_list("business_id", flat=True))
            free = businesses[~businesses["id"].isin(taken)]
            wanted = min(wanted, len(free))
            if wanted <= 0:
                continue
            picked = free.iloc[np.sort(rng.choice(len(free), wanted, replace=False))]
            for start in range(0, wanted, chunk):
                frame = _response_frame(wave, recovery, picked.iloc[start:start + chunk], rng)
                _write(frame)
            added += wanted
    return added, [wave for wave, _recovery in all_waves]


def _write(frame):
    with connection.cursor() as cursor:
        copy_frame(cursor, "surveys_surveyresponse", frame)
