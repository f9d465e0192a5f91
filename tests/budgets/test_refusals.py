"""Bad budget input gets a clear message in Indonesian and changes nothing (issue 13)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import services
from budgets.models import Activity, Allocation, Realisation, Revision
from tests.factories import make_activity, make_allocation

JULY = datetime.date(2020, 7, 15)


@pytest.fixture
def allocation(db, jabar):
    return make_allocation(jabar, ceiling=1_000_000_000)


@pytest.fixture
def activity(allocation):
    return make_activity(allocation, budget=100_000_000)


def spend(user, activity, amount, number="SP2D-0001", date=JULY, account="521211"):
    return services.realisation_add(user=user, activity=activity, payment_number=number, date=date, amount=amount, account=account)


def message(error, field):
    return error.value.message_dict[field][0]


def unchanged(activity, spent):
    activity.refresh_from_db()
    allocation = Allocation.objects.get(pk=activity.allocation_id)
    assert activity.realised == allocation.realised == spent
    assert sum(Realisation.objects.filter(activity=activity).values_list("amount", flat=True)) == spent


def test_a_realisation_above_what_is_left_says_how_much_is_left(officer, activity):
    spend(officer, activity, 80_000_000)
    with pytest.raises(ValidationError) as error:
        spend(officer, activity, 30_000_000, number="SP2D-0002")
    assert message(error, "amount") == "Hanya tersisa Rp 20.000.000 untuk dibelanjakan pada kegiatan ini."
    unchanged(activity, 80_000_000)


def test_sending_the_same_entry_twice_changes_nothing(officer, activity):
    first, created = spend(officer, activity, 10_000_000)
    again, created_again = spend(officer, activity, 10_000_000)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    unchanged(activity, 10_000_000)


def test_a_payment_number_used_twice_with_another_amount_is_refused(officer, activity):
    spend(officer, activity, 10_000_000)
    with pytest.raises(ValidationError) as error:
        spend(officer, activity, 12_000_000)
    assert message(error, "payment_number") == "SP2D SP2D-0001 sudah tercatat sebesar Rp 10.000.000 pada 15-07-2020; satu nomor SP2D hanya dipakai sekali."
    unchanged(activity, 10_000_000)


@pytest.mark.parametrize(("amount", "field", "text"), [
    (-5, "amount", "Pastikan nilai ini lebih besar dari atau sama dengan 1."),
    (0, "amount", "Pastikan nilai ini lebih besar dari atau sama dengan 1."),
    (10**19, "amount", "Pastikan nilai ini lebih kecil dari atau sama dengan 10000000000000."),
])
def test_amounts_that_are_negative_or_do_not_fit(officer, activity, amount, field, text):
    with pytest.raises(ValidationError) as error:
        spend(officer, activity, amount)
    assert message(error, field) == text
    unchanged(activity, 0)


def test_a_date_outside_the_fiscal_year(officer, activity):
    with pytest.raises(ValidationError) as error:
        spend(officer, activity, 1_000_000, date=datetime.date(2021, 1, 5))
    assert message(error, "date") == "Tanggal harus berada dalam tahun anggaran 2020."
    unchanged(activity, 0)


def test_an_activity_of_another_province_is_not_the_officers(other_officer, activity):
    with pytest.raises(PermissionDenied):
        spend(other_officer, activity, 1_000_000)
    unchanged(activity, 0)


def test_a_revision_cannot_take_the_ceiling_below_what_is_spent(staff_user, officer, activity, allocation):
    spend(officer, activity, 90_000_000)
    with pytest.raises(ValidationError) as error:
        services.revision_add(user=staff_user, allocation=allocation, kind=Revision.Kind.REFOCUSING, date=datetime.date(2020, 4, 20),
                              reason="Refocusing COVID-19", ceiling=80_000_000)
    assert "Sudah terealisasi Rp 90.000.000" in message(error, "ceiling")
    allocation.refresh_from_db()
    assert (allocation.ceiling, allocation.revisions.count()) == (1_000_000_000, 0)


def test_revisions_are_versions_and_the_latest_is_the_ceiling(staff_user, allocation):
    services.revision_add(user=staff_user, allocation=allocation, kind=Revision.Kind.REFOCUSING, date=datetime.date(2020, 4, 20),
                          reason="Refocusing untuk IKM terdampak COVID-19", ceiling=700_000_000, document="S-123/2020")
    services.revision_add(user=staff_user, allocation=allocation, kind=Revision.Kind.BLOCK, date=datetime.date(2020, 5, 11),
                          reason="Blokir sebagian", ceiling=700_000_000, blocked=50_000_000)
    allocation.refresh_from_db()
    assert (allocation.original_ceiling, allocation.ceiling, allocation.blocked, allocation.available) == (1_000_000_000, 700_000_000, 50_000_000, 650_000_000)
    assert list(allocation.revisions.values_list("number", "kind")) == [(1, "refocusing"), (2, "block")]


def test_officers_do_not_revise_allocations(officer, allocation):
    with pytest.raises(PermissionDenied):
        services.revision_add(user=officer, allocation=allocation, kind=Revision.Kind.REFOCUSING, date=datetime.date(2020, 4, 20), reason="x", ceiling=1)


def test_activity_budgets_stay_within_the_ceiling_less_blocked(officer, allocation, activity):
    extra = Activity(allocation=allocation, kind="mentoring", name="Pendampingan", output="IKM didampingi", unit="businesses", target=10,
                     planned_start=datetime.date(2020, 8, 1), planned_end=datetime.date(2020, 9, 1), budget=950_000_000)
    with pytest.raises(ValidationError) as error:
        services.activity_save(user=officer, activity=extra)
    assert message(error, "budget") == "Hanya tersisa Rp 900.000.000 dari alokasi untuk direncanakan (pagu dikurangi blokir dan kegiatan lain)."
    assert Activity.objects.count() == 1


def test_postponing_an_activity_needs_a_reason(officer, activity):
    activity.status = Activity.Status.POSTPONED
    with pytest.raises(ValidationError) as error:
        services.activity_save(user=officer, activity=activity)
    assert message(error, "status_reason") == "Sebutkan alasan kegiatan ditunda atau dibatalkan."


def test_every_write_keeps_who_and_what_before(officer, activity):
    realisation, _created = spend(officer, activity, 5_000_000)
    assert realisation.history.get().history_user == officer
    activity.refresh_from_db()
    assert [record.realised for record in activity.history.order_by("history_date")] == [0, 5_000_000]
