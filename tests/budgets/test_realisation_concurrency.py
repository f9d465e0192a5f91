"""Σ realisation of an activity can never pass its budget, also when officers enter at the
same moment (issue 13, point 4): 50 entries at once at an activity with budget left for 20.
The control runs the same without the row locks and shows the race the locks prevent."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from budgets import services
from budgets.models import Activity, Allocation, Realisation
from tests.factories import make_activity, make_allocation, make_user
from tests.programs.test_event_concurrency import run_at_once

AMOUNT = 5_000_000


def fire(officer, activity, count=50):
    calls = [
        lambda number=number: services.realisation_add(
            user=officer, activity=activity, payment_number=f"SP2D-{number:04d}", date=datetime.date(2020, 7, 1),
            amount=AMOUNT, account="521211",
        )
        for number in range(count)
    ]
    return run_at_once(calls)


@pytest.fixture(autouse=True)
def _no_indicator_refresh(monkeypatch):
    # The limits are the point here: a queued refresh would run in the session's worker while
    # this test's tables are flushed.
    monkeypatch.setattr(services, "_indicators_changed", lambda year: None)


def test_fifty_entries_at_once_on_budget_for_twenty(transactional_db, django_db_serialized_rollback, jabar):
    officer = make_user("officer", province=jabar, username="petugas.anggaran")
    activity = make_activity(make_allocation(jabar), budget=20 * AMOUNT)

    results, errors = fire(officer, activity)

    accepted = [result for result in results if result is not None]
    assert len(accepted) == 20
    assert len(errors) == 30 and all(isinstance(error, ValidationError) for error in errors)
    assert {error.message_dict["amount"][0] for error in errors} == {"Hanya tersisa Rp 0 untuk dibelanjakan pada kegiatan ini."}
    total = Realisation.objects.filter(activity=activity).aggregate(total=Sum("amount"))["total"]
    assert total == 20 * AMOUNT
    assert Activity.objects.get(pk=activity.pk).realised == total
    assert Allocation.objects.get(pk=activity.allocation_id).realised == total


def test_control_without_the_locks_the_budget_is_overspent(transactional_db, django_db_serialized_rollback, jabar, monkeypatch):
    """The same, with the allocation and activity read without FOR UPDATE: entries check what
    is left against a stale read, and more than the budget is recorded."""
    def unlocked(allocation_id, activity_id):
        import time

        allocation, activity = Allocation.objects.get(pk=allocation_id), Activity.objects.get(pk=activity_id)
        time.sleep(0.05)  # the window between the check and the write that the lock closes
        return allocation, activity

    monkeypatch.setattr(services, "_lock_for_spending", unlocked)
    officer = make_user("officer", province=jabar, username="petugas.kontrol")
    activity = make_activity(make_allocation(jabar), budget=20 * AMOUNT)

    fire(officer, activity)

    total = Realisation.objects.filter(activity=activity).aggregate(total=Sum("amount"))["total"]
    assert total > 20 * AMOUNT  # overspent: what the locks prevent
