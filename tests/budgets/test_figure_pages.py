"""The figures Ditjen IKMA reads beyond the ranking — IKPA indicators, the curve against the
withdrawal plan, refocusing, outputs per province, absorption on the map — each against an
independent computation in pandas from the raw rows (issue 13, point 6)."""
import io

import pandas as pd
import pytest
from django.urls import reverse

from budgets.models import Activity, Allocation, OutputReport, Realisation
from tests.budgets.test_indicators import expected, year  # noqa: F401  (the fixture and its pandas twin)
from tests.factories import make_allocation, province


def test_the_indicators_page_matches_pandas_weakest_first(client, staff_user, year):  # noqa: F811
    client.force_login(staff_user)
    page = client.get(reverse("budget-indicators"), {"year": 2020, "month": 9})
    shown = page.context["rows"]
    wanted = sorted((row for row in expected() if row["month"] == 9), key=lambda row: row["score"])
    assert [row.province_id for row in shown] == [row["province_id"] for row in wanted]
    assert [row.score for row in shown] == pytest.approx([row["score"] for row in wanted])
    assert [row.absorption for row in shown] == pytest.approx([row["absorption"] for row in wanted])
    download = client.get(reverse("budget-indicators"), {"year": 2020, "month": 9, "format": "xlsx"})
    table = pd.read_excel(io.BytesIO(download.content), engine="calamine", header=3)
    assert list(table["Nilai"]) == pytest.approx([round(row["score"], 1) for row in wanted])


def test_the_province_curve_is_the_cumulative_spending_and_plan(client, officer, year):  # noqa: F811
    allocation = Allocation.objects.get(year=2020, province__code="32")
    client.force_login(officer)
    curve = client.get(reverse("budget-province", args=[allocation.pk])).context["curve"]
    entries = pd.DataFrame.from_records(Realisation.objects.filter(allocation=allocation).values("date", "amount"))
    monthly = entries.groupby(entries.date.map(lambda day: day.month)).amount.sum().reindex(range(1, 13), fill_value=0).cumsum()
    plan = pd.Series(allocation.plans.order_by("-version").first().months, index=range(1, 13)).cumsum()
    assert [point["realised"] for point in curve] == list(monthly)
    assert [point["planned"] for point in curve] == list(plan)


def test_refocusing_compares_ceilings_and_sums_activity_budgets_by_kind(client, staff_user, year):  # noqa: F811
    from budgets import indicators

    Activity.objects.filter(pk=Activity.objects.order_by("pk").first().pk).update(kind="mentoring")
    indicators.refresh(2020)  # what the write's debounced refresh does
    client.force_login(staff_user)
    page = client.get(reverse("budget-refocusing"), {"year": 2020})
    activities = pd.DataFrame.from_records(Activity.objects.exclude(status="cancelled").values("kind", "budget", "allocation__province__code"))
    by_kind = activities.groupby("kind").budget.sum()
    assert {code: amount for code, _label, amount in page.context["national"] if amount} == by_kind.to_dict()
    for row in page.context["rows"]:
        own = activities[activities.allocation__province__code == row.province.code].groupby("kind").budget.sum()
        assert dict(zip([code for code, _label in page.context["kinds"]], row.kinds)) == {code: int(own.get(code, 0)) for code, _label in Activity.Kind.choices}
        assert row.change == row.ceiling - row.original_ceiling
    download = client.get(reverse("budget-refocusing"), {"year": 2020, "format": "xlsx"})
    table = pd.read_excel(io.BytesIO(download.content), engine="calamine", header=3)
    assert list(table["Pagu awal (Rp)"]) == [row.original_ceiling for row in page.context["rows"]]


def test_outputs_per_province_match_the_monthly_reports(client, year):  # noqa: F811
    page = client.get(reverse("budget-outputs"), {"year": 2020})  # the public: a closed year
    reports = pd.DataFrame.from_records(OutputReport.objects.values("activity__allocation__province__code", "activity__unit", "volume"))
    pivot = reports.pivot_table(index="activity__allocation__province__code", columns="activity__unit", values="volume", aggfunc="sum", fill_value=0)
    units = [unit for unit, _label in page.context["units"]]
    assert {row["code"]: row["cells"] for row in page.context["rows"]} == {code: [int(pivot.loc[code, unit]) for unit in units] for code in pivot.index}
    assert page.context["totals"] == [int(pivot[unit].sum()) for unit in units]


def test_the_map_colours_provinces_formed_after_2020_with_their_parent(client, staff_user, db):
    """Papua Selatan (2022) is drawn within Papua, the 2020 shape: Σ realised ÷ Σ ceiling."""
    papua, papua_selatan = province("91"), province("93")
    assert papua_selatan.parent_2020_id == papua.pk
    for code, ceiling, realised in (("91", 100, 90), ("93", 300, 150), ("32", 200, 190)):
        allocation = make_allocation(province(code), ceiling=ceiling * 1_000_000)
        Allocation.objects.filter(pk=allocation.pk).update(realised=realised * 1_000_000)
    client.force_login(staff_user)
    shapes = {shape["code"]: shape for shape in client.get(reverse("budget-ranking"), {"year": 2020}).context["charts"]["map"]}
    assert set(shapes) == {"91", "32"}
    assert shapes["91"]["absorption"] == pytest.approx(240 / 400)
    assert sorted(shapes["91"]["members"]) == sorted([papua.name, papua_selatan.name])
    assert shapes["32"]["absorption"] == pytest.approx(0.95)


def test_the_ranking_counts_the_activities_late(client, staff_user, year):  # noqa: F811
    """Late: planned to end before this month, neither done nor cancelled (as of the refresh)."""
    import datetime

    from budgets import indicators

    Activity.objects.filter(pk=Activity.objects.order_by("pk").first().pk).update(status="done")
    Activity.objects.filter(pk=Activity.objects.order_by("pk").last().pk).update(status="cancelled", status_reason="PSBB")
    indicators.refresh(2020)
    activities = pd.DataFrame.from_records(Activity.objects.values("allocation__province__code", "status", "planned_end"))
    month_start = datetime.date.today().replace(day=1)
    late = activities[(activities.planned_end < month_start) & ~activities.status.isin(["done", "cancelled"])].groupby("allocation__province__code").size()
    client.force_login(staff_user)
    rows = client.get(reverse("budget-ranking"), {"year": 2020}).context["rows"]
    assert {row.province.code: row.late for row in rows} == {code: int(late.get(code, 0)) for code in ("32", "63", "72")}
