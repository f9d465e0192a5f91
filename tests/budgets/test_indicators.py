"""IKPA-style indicators per province and month, against pandas from the raw entries."""
import datetime

import numpy as np
import pandas as pd
import pytest

from budgets import indicators, services
from budgets.models import Indicator, IndicatorWeights, OutputReport, Realisation, Revision, WithdrawalPlan
from budgets.selectors import QUARTER_TARGETS
from tests.factories import make_activity, make_allocation, province


@pytest.fixture
def year(db, admin_user):
    rng = np.random.default_rng(5)
    for code in ("32", "63", "72"):
        allocation = make_allocation(province(code), ceiling=1_200_000_000)
        activities = [make_activity(allocation, budget=400_000_000, target=int(rng.integers(50, 500))) for _ in range(2)]
        if code != "72":  # one province without a withdrawal plan
            WithdrawalPlan.objects.create(allocation=allocation, version=1, months=[0] * 12, created_by=admin_user)
            WithdrawalPlan.objects.create(allocation=allocation, version=2, months=[int(x) for x in rng.integers(0, 90_000_000, 12)], created_by=admin_user)
        for number in range(int(rng.integers(1, 4))):
            Revision.objects.create(allocation=allocation, number=number + 1, date=datetime.date(2020, int(rng.integers(3, 7)), 10), kind="refocusing",
                                    reason="x", ceiling=allocation.ceiling, created_by=admin_user)
        for number in range(30):
            activity = activities[number % 2]
            services.realisation_add(user=admin_user, activity=activity, payment_number=f"{code}-{number}",
                                     date=datetime.date(2020, int(rng.integers(1, 13)), int(rng.integers(1, 28))), amount=int(rng.integers(1, 10)) * 1_000_000, account="521211")
        for activity in activities:
            for month in rng.choice(range(1, 13), 3, replace=False):
                OutputReport.objects.create(activity=activity, month=datetime.date(2020, int(month), 1), volume=int(rng.integers(0, 200)), entered_by=admin_user)
    indicators.refresh(2020)
    return 2020


def expected():
    """The same indicators from the raw rows, in pandas."""
    weights = IndicatorWeights.current()
    entries = pd.DataFrame.from_records(Realisation.objects.values("allocation__province_id", "date", "amount"))
    entries["month"] = entries.date.map(lambda day: day.month)
    rows = []
    from budgets.models import Allocation

    for allocation in Allocation.objects.filter(year=2020):
        plan = allocation.plans.order_by("-version").first()
        own = entries[entries.allocation__province_id == allocation.province_id]
        revisions = pd.Series([revision.date.month for revision in allocation.revisions.all()], dtype=int)
        activities = list(allocation.activities.exclude(status="cancelled"))
        reports = pd.DataFrame.from_records(OutputReport.objects.filter(activity__in=activities).values("activity_id", "month", "volume"))
        reports["m"] = reports.month.map(lambda day: day.month)
        for month in range(1, 13):
            realised = int(own[own.month <= month].amount.sum())
            planned = sum(plan.months[:month]) if plan else 0
            quarter_start = (month - 1) // 3 * 3 + 1
            revision_count = int(((revisions >= quarter_start) & (revisions <= month)).sum())
            achievement = np.mean([min(1.0, reports[(reports.activity_id == activity.pk) & (reports.m <= month)].volume.sum() / activity.target) for activity in activities])
            absorption = realised / allocation.ceiling
            deviation = abs(realised - planned) / planned if planned else None
            scores = {"absorption": min(100, 100 * absorption / QUARTER_TARGETS[(month - 1) // 3 + 1]), "revisions": 100 if revision_count <= 1 else 50, "output": 100 * achievement}
            if deviation is not None:
                scores["rpd_deviation"] = max(0, 100 - 100 * deviation)
            score = sum(getattr(weights, name) * value for name, value in scores.items()) / sum(getattr(weights, name) for name in scores)
            rows.append({"province_id": allocation.province_id, "month": month, "realised": realised, "planned": planned, "absorption": absorption,
                         "rpd_deviation": deviation, "revisions_in_quarter": revision_count, "output_achievement": achievement, "score": score})
    return rows


def test_every_indicator_matches_pandas(year):
    wanted = expected()
    assert Indicator.objects.filter(year=year).count() == len(wanted) == 36
    for row in wanted:
        stored = Indicator.objects.get(year=year, province_id=row["province_id"], month=row["month"])
        for name, value in row.items():
            actual = getattr(stored, name if name != "province_id" else "province_id")
            if value is None:
                assert actual is None, (name, row)
            else:
                assert actual == pytest.approx(value, rel=1e-9), (name, row, {field.name: getattr(stored, field.name) for field in Indicator._meta.fields})


def test_a_refresh_replaces_the_year(year):
    first = set(Indicator.objects.values_list("pk", flat=True))
    indicators.refresh(year)
    assert Indicator.objects.count() == 36 and not first & set(Indicator.objects.values_list("pk", flat=True))
