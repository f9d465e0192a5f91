"""The budget forms as officers and ministry staff use them: what they enter is saved, what is
wrong is said next to the field, in Indonesian, and nothing changes (issue 13, points 1–5)."""
import datetime

import pytest
from django.urls import reverse

from budgets.models import Activity, Allocation, OutputReport, Revision, WithdrawalPlan
from tests.factories import make_activity, make_allocation, province


@pytest.fixture
def allocation(jabar):
    return make_allocation(jabar, ceiling=100_000_000)


def activity_form(**overrides):
    data = {
        "kind": "ppe-bimtek", "name": "Bimtek baju hazmat", "output": "IKM terlatih membuat baju hazmat", "unit": "hazmat-suits",
        "target": "500", "regency": "", "mode": "offline", "planned_start": "2020-06", "planned_end": "2020-07",
        "actual_start": "", "actual_end": "", "status": "planned", "status_reason": "", "budget": "Rp 40.000.000",
    }
    data.update(overrides)
    return data


def test_an_officer_adds_an_activity_and_its_budget_is_planned(client, officer, allocation):
    client.force_login(officer)
    response = client.post(reverse("budget-activity-create", args=[allocation.pk]), activity_form(), follow=True)
    activity = Activity.objects.get()
    assert response.redirect_chain[-1][0] == reverse("budget-activity", args=[activity.pk])
    assert "Kegiatan disimpan." in response.content.decode()
    assert (activity.budget, activity.planned_start, activity.unit) == (40_000_000, datetime.date(2020, 6, 1), "hazmat-suits")
    assert Allocation.objects.get(pk=allocation.pk).planned == 40_000_000


@pytest.mark.parametrize("change, field, text", [
    ({"budget": "Rp 150.000.000"}, "budget", "Rp 100.000.000"),  # what is left to plan
    ({"planned_start": "2021-06", "planned_end": "2021-07"}, "planned_start", "tahun anggaran 2020"),
    ({"planned_end": "2020-05"}, "planned_end", "sebelum bulan mulai"),
    ({"status": "postponed"}, "status_reason", "ditunda"),
    ({"budget": "-5"}, "budget", ""),
    ({"planned_start": "juni"}, "planned_start", "2020-06"),
])
def test_a_wrong_activity_is_refused_next_to_the_field(client, officer, allocation, change, field, text):
    client.force_login(officer)
    response = client.post(reverse("budget-activity-create", args=[allocation.pk]), activity_form(**change))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and text in " ".join(errors[field]), errors
    assert not Activity.objects.exists() and Allocation.objects.get(pk=allocation.pk).planned == 0


def test_a_regency_of_another_province_is_not_offered(client, officer, allocation):
    from programs.models import Regency

    outside = Regency.objects.filter(province__code="63").first()
    client.force_login(officer)
    response = client.post(reverse("budget-activity-create", args=[allocation.pk]), activity_form(regency=outside.pk))
    assert "regency" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_an_officer_of_another_province_cannot_add_or_edit(client, other_officer, allocation):
    activity = make_activity(allocation, budget=10_000_000)
    client.force_login(other_officer)
    assert client.post(reverse("budget-activity-create", args=[allocation.pk]), activity_form()).status_code == 403
    assert client.post(reverse("budget-activity-edit", args=[activity.pk]), activity_form()).status_code == 404
    assert Activity.objects.count() == 1


def test_outputs_are_reported_by_month_and_a_month_is_corrected_not_doubled(client, officer, allocation):
    activity = make_activity(allocation, budget=10_000_000, unit="masks", target=3_000)
    client.force_login(officer)
    url = reverse("budget-output-create", args=[activity.pk])
    client.post(url, {"month": "2020-07", "volume": "1000", "evidence": "BA serah terima 12/VII/2020"})
    client.post(url, {"month": "2020-08", "volume": "1500"})
    client.post(url, {"month": "2020-08", "volume": "2000", "evidence": "koreksi"})
    assert list(OutputReport.objects.order_by("month").values_list("volume", flat=True)) == [1000, 2000]
    page = client.get(reverse("budget-activity", args=[activity.pk]))
    assert page.context["output_total"] == 3000 and page.context["achievement"] == 1.0
    assert "BA serah terima 12/VII/2020" in page.content.decode()
    refused = client.post(url, {"month": "2021-01", "volume": "5"})
    assert "tahun anggaran 2020" in " ".join(refused.context["output_form"].errors["month"])
    negative = client.post(url, {"month": "2020-09", "volume": "-5"})
    assert "volume" in negative.context["output_form"].errors
    assert OutputReport.objects.count() == 2


def test_a_withdrawal_plan_is_kept_as_versions_and_cannot_pass_what_is_available(client, officer, allocation):
    client.force_login(officer)
    url = reverse("budget-plan", args=[allocation.pk])
    months = {f"month_{number}": "0" for number in range(1, 13)}
    client.post(url, {**months, "month_6": "40.000.000", "month_7": "Rp 50.000.000"})
    client.post(url, {**months, "month_7": "60.000.000", "month_8": "30.000.000"})
    plans = list(WithdrawalPlan.objects.order_by("version").values_list("version", "months"))
    assert [version for version, _months in plans] == [1, 2]
    assert plans[1][1][6:8] == [60_000_000, 30_000_000]
    too_much = client.post(url, {**months, "month_12": "100.000.001"})
    assert "Rp 100.000.000" in " ".join(too_much.context["form"].non_field_errors())
    assert WithdrawalPlan.objects.count() == 2


def test_staff_revise_a_ceiling_but_not_below_what_is_spent(client, staff_user, officer, allocation):
    from budgets import services

    activity = make_activity(allocation, budget=60_000_000)
    services.realisation_add(user=officer, activity=activity, payment_number="A-1", date=datetime.date(2020, 7, 1), amount=55_000_000, account="521211")
    client.force_login(staff_user)
    url = reverse("budget-revision-create", args=[allocation.pk])
    revision = {"kind": "refocusing", "date": "2020-04-20", "ceiling": "80.000.000", "blocked": "0", "reason": "Refocusing COVID-19", "document": "S-123/2020"}
    client.post(url, revision)
    assert Allocation.objects.get(pk=allocation.pk).ceiling == 80_000_000
    below = client.post(url, {**revision, "ceiling": "50.000.000"})
    assert "Rp 55.000.000" in " ".join(below.context["form"].errors["ceiling"])
    blocked = client.post(url, {**revision, "blocked": "90.000.000"})
    assert "blocked" in blocked.context["form"].errors
    assert Revision.objects.count() == 1
    client.force_login(officer)
    assert client.post(url, revision).status_code == 403


def test_staff_open_an_allocation_once_per_province_and_year(client, staff_user, officer):
    client.force_login(staff_user)
    url = reverse("budget-allocation-create")
    data = {"year": "2021", "province": province("32").pk, "satker_code": "320123", "satker_name": "Disperindag Jawa Barat", "ceiling": "2.500.000.000"}
    response = client.post(url, data)
    allocation = Allocation.objects.get()
    assert response["Location"] == reverse("budget-province", args=[allocation.pk])
    assert allocation.original_ceiling == allocation.ceiling == 2_500_000_000
    again = client.post(url, data)
    assert "sudah memiliki alokasi" in " ".join(again.context["form"].errors["province"])
    bad = client.post(url, {**data, "year": "2022", "satker_code": "32-01", "ceiling": "-1"})
    assert set(bad.context["form"].errors) == {"satker_code", "ceiling"}
    assert Allocation.objects.count() == 1
    client.force_login(officer)
    assert client.post(url, {**data, "year": "2023"}).status_code == 403


def test_an_activity_names_the_events_it_funded_and_the_businesses_that_benefited(client, officer, allocation, jabar, kalsel):
    from tests.factories import BusinessFactory, make_event

    import datetime as dt

    workshop = make_event(organiser_province=jabar)
    from programs.models import Event

    Event.objects.filter(pk=workshop.pk).update(starts_at=dt.datetime(2020, 6, 15, 2, tzinfo=dt.UTC))
    ours = [BusinessFactory(province=jabar) for _ in range(3)]
    theirs = BusinessFactory(province=kalsel)
    client.force_login(officer)
    url = reverse("budget-activity-create", args=[allocation.pk])
    refused = client.post(url, activity_form(events=[workshop.pk], beneficiary_nibs=f"{ours[0].nib}, {theirs.nib}"))
    assert theirs.nib in " ".join(refused.context["form"].errors["beneficiary_nibs"])
    assert not Activity.objects.exists()
    client.post(url, activity_form(events=[workshop.pk], beneficiary_nibs="\n".join(business.nib for business in ours)))
    activity = Activity.objects.get()
    assert list(activity.events.all()) == [workshop]
    assert set(activity.beneficiaries.all()) == set(ours)
    page = client.get(reverse("budget-activity", args=[activity.pk])).content.decode()
    assert workshop.title in page and "3 IKM menerima manfaat." in page
