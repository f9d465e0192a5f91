"""seed_demo makes years of budget data at scale (issue 13, point 8): the provinces of each
year, running sums that match the entries, plans and indicators computed."""
import io

import pandas as pd
from django.core.management import call_command
from django.db.models import Count

from budgets.models import Activity, Allocation, Indicator, Realisation, WithdrawalPlan


def test_seed_demo_adds_budget_years_with_the_provinces_of_each_year(db):
    out = io.StringIO()
    call_command("seed_demo", businesses=20, responses=0, events=0, registrations=0, budget_years=7, budget_activities=5, budget_entries=3_000, stdout=out)
    counts = dict(Allocation.objects.values_list("year").annotate(n=Count("id")))
    assert counts[2021] == 34 and counts[2022] == 38  # four Papua provinces formed in 2022
    assert counts[2020] == 34  # the demo year, left as seed_demo made it
    assert Realisation.objects.exclude(allocation__year=2020).count() == 3_000
    entries = pd.DataFrame.from_records(Realisation.objects.values("allocation_id", "activity_id", "amount"))
    by_activity = entries.groupby("activity_id").amount.sum()
    for activity in Activity.objects.exclude(allocation__year=2020):
        assert activity.realised == by_activity.get(activity.pk, 0) <= activity.budget
    for allocation in Allocation.objects.exclude(year=2020):
        assert allocation.realised == entries[entries.allocation_id == allocation.pk].amount.sum() <= allocation.available
        assert sum(allocation.plans.get().months) <= allocation.realised
    assert Indicator.objects.filter(year=2022).count() == 38 * 12
    assert "Added budget years 2016" in out.getvalue()
    call_command("seed_demo", businesses=20, responses=0, events=0, registrations=0, budget_years=7, budget_activities=5, budget_entries=3_000, stdout=io.StringIO())
    assert Realisation.objects.exclude(allocation__year=2020).count() == 3_000  # run twice: nothing doubled
    assert WithdrawalPlan.objects.exclude(allocation__year=2020).count() == Allocation.objects.exclude(year=2020).count()
