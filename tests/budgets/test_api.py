"""/api/v1/budget-…/: the same rules as the services, scoped, answering field errors."""
import pytest
from rest_framework.test import APIClient

from budgets.models import Activity, Allocation, Realisation
from tests.factories import make_activity, make_allocation


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def allocation(db, jabar):
    return make_allocation(jabar, ceiling=500_000_000)


@pytest.fixture
def activity(allocation):
    return make_activity(allocation, budget=100_000_000)


ENTRY = {"payment_number": "SP2D-00017", "date": "2020-07-14", "amount": 25_000_000, "account": "521211"}


def test_ministry_staff_create_allocations_and_revisions_officers_cannot(staff_user, officer, kalsel, allocation):
    reply = api_for(staff_user).post("/api/v1/budget-allocations/", {"year": 2020, "province": "63", "satker_code": "630123", "satker_name": "Disperindag Kalsel", "original_ceiling": 300_000_000}, format="json")
    assert reply.status_code == 201, reply.json()
    assert reply.json()["ceiling"] == 300_000_000
    twice = api_for(staff_user).post("/api/v1/budget-allocations/", {"year": 2020, "province": "63", "satker_code": "630123", "satker_name": "x", "original_ceiling": 1}, format="json")
    assert twice.status_code == 400 and twice.json()["province"] == ["Kalimantan Selatan sudah memiliki alokasi untuk tahun 2020."]
    revision = {"allocation": allocation.pk, "date": "2020-04-20", "kind": "refocusing", "reason": "Refocusing COVID-19", "ceiling": 400_000_000}
    assert api_for(officer).post("/api/v1/budget-revisions/", revision, format="json").status_code == 403
    reply = api_for(staff_user).post("/api/v1/budget-revisions/", revision, format="json")
    assert reply.status_code == 201, reply.json()
    assert Allocation.objects.get(pk=allocation.pk).ceiling == 400_000_000


def test_officer_enters_an_activity_and_spends_on_it(officer, allocation):
    api = api_for(officer)
    reply = api.post("/api/v1/budget-activities/", {
        "allocation": allocation.pk, "kind": "ppe-bimtek", "name": "Bimtek APD", "output": "IKM memproduksi hazmat", "unit": "hazmat-suits",
        "target": 3000, "regency": "32.73", "mode": "offline", "planned_start": "2020-06-01", "planned_end": "2020-07-01", "budget": 150_000_000,
    }, format="json")
    assert reply.status_code == 201, reply.json()
    activity = reply.json()["id"]
    first = api.post("/api/v1/budget-realisations/", {**ENTRY, "activity": activity}, format="json")
    assert first.status_code == 201, first.json()
    again = api.post("/api/v1/budget-realisations/", {**ENTRY, "activity": activity}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = api.post("/api/v1/budget-realisations/", {**ENTRY, "amount": 26_000_000, "activity": activity}, format="json")
    assert other.status_code == 400 and "satu nomor SP2D hanya dipakai sekali" in other.json()["payment_number"][0]
    too_much = api.post("/api/v1/budget-realisations/", {**ENTRY, "payment_number": "SP2D-00018", "amount": 130_000_000, "activity": activity}, format="json")
    assert too_much.status_code == 400 and too_much.json()["amount"] == ["Hanya tersisa Rp 125.000.000 untuk dibelanjakan pada kegiatan ini."]
    assert Allocation.objects.get(pk=allocation.pk).realised == 25_000_000


def test_another_province_is_neither_seen_nor_written(other_officer, activity, jabar):
    import datetime

    current = make_allocation(jabar, year=datetime.date.today().year)
    api = api_for(other_officer)
    listed = [item["id"] for item in api.get("/api/v1/budget-allocations/").json()["results"]]
    assert listed == [activity.allocation_id]  # a closed year's ceilings are public; this year's are the province's
    assert current.pk not in listed
    assert api.get(f"/api/v1/budget-activities/{activity.pk}/").status_code == 404
    reply = api.post("/api/v1/budget-realisations/", {**ENTRY, "activity": activity.pk}, format="json")
    assert reply.status_code == 400 and "activity" in reply.json()
    assert not Realisation.objects.exists()


def test_the_public_and_owners_read_closed_years_ceilings_but_no_payments(client, owner, activity):
    assert APIClient().get("/api/v1/budget-realisations/").status_code == 401
    assert api_for(owner).get("/api/v1/budget-realisations/").status_code == 403
    assert api_for(owner).get("/api/v1/budget-activities/").status_code == 403
    assert APIClient().get("/api/v1/budget-allocations/").json()["count"] == 1


def test_bulk_answers_each_entry(officer, activity):
    items = [
        {**ENTRY, "activity": activity.pk},
        {**ENTRY, "activity": activity.pk},  # the same again: unchanged
        {**ENTRY, "payment_number": "SP2D-9", "amount": -1, "activity": activity.pk},
        {**ENTRY, "payment_number": "SP2D-10", "amount": 90_000_000, "activity": activity.pk},  # more than is left
        "not an object",
    ]
    reply = api_for(officer).post("/api/v1/budget-realisations/bulk/", {"realisations": items}, format="json")
    assert reply.status_code == 207
    statuses = [result["status"] for result in reply.json()["results"]]
    assert statuses == ["created", "unchanged", "error", "error", "error"]
    assert reply.json()["results"][3]["errors"]["amount"] == ["Hanya tersisa Rp 75.000.000 untuk dibelanjakan pada kegiatan ini."]
    assert Activity.objects.get(pk=activity.pk).realised == 25_000_000


def test_withdrawal_plan_versions(officer, allocation):
    api = api_for(officer)
    months = [0, 0, 20_000_000, 30_000_000, 50_000_000, 80_000_000, 90_000_000, 60_000_000, 50_000_000, 40_000_000, 40_000_000, 30_000_000]
    first = api.post("/api/v1/budget-plans/", {"allocation": allocation.pk, "months": months}, format="json")
    assert first.status_code == 201, first.json()
    second = api.post("/api/v1/budget-plans/", {"allocation": allocation.pk, "months": months[1:] + [0]}, format="json")  # revised at a quarter: a month earlier
    assert second.status_code == 201 and second.json()["version"] == 2
    too_much = api.post("/api/v1/budget-plans/", {"allocation": allocation.pk, "months": [100_000_000] * 12}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["months"] == ["Rencana berjumlah Rp 1.200.000.000, melebihi Rp 500.000.000 yang tersedia."]
    assert api.post("/api/v1/budget-plans/", {"allocation": allocation.pk, "months": [1] * 11}, format="json").status_code == 400


def test_output_reports_through_the_api_correct_a_month_and_stay_in_scope(officer, other_officer, activity):
    from budgets.models import OutputReport

    report = {"activity": activity.pk, "month": "2020-07-15", "volume": 1_200, "evidence": "BA serah terima"}
    assert api_for(officer).post("/api/v1/budget-outputs/", report, format="json").status_code == 201
    assert api_for(officer).post("/api/v1/budget-outputs/", {**report, "volume": 1_500}, format="json").status_code == 201
    stored = OutputReport.objects.get()
    assert (stored.month.isoformat(), stored.volume) == ("2020-07-01", 1_500)
    outside = api_for(officer).post("/api/v1/budget-outputs/", {**report, "month": "2021-01-01"}, format="json")
    assert outside.status_code == 400 and outside.json()["month"] == ["Tanggal harus berada dalam tahun anggaran 2020."]
    negative = api_for(officer).post("/api/v1/budget-outputs/", {**report, "volume": -1}, format="json")
    assert negative.status_code == 400 and "volume" in negative.json()
    # Another province's officer may read the closed year's figures elsewhere, but not write these.
    assert api_for(other_officer).post("/api/v1/budget-outputs/", report, format="json").status_code in (400, 403)
    assert [row["volume"] for row in api_for(officer).get("/api/v1/budget-outputs/", {"year": 2020}).json()["results"]] == [1_500]
    assert api_for(other_officer).get("/api/v1/budget-outputs/").json()["results"] == []
    assert OutputReport.objects.count() == 1
