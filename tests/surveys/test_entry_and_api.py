"""Form entry and the API share the import's rules; re-sending updates; scope is enforced."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from surveys.models import SurveyResponse
from tests.factories import BusinessFactory, make_wave

ANSWERS = {
    "turnover_before": "Rp 25.000.000", "turnover_after": "10.000.000", "workers_before": 10, "workers_after": 7,
    "workers_furloughed": 3, "workers_laid_off": 0, "operating_status": "reduced", "problems": ["demand", "cash-flow"],
    "needs": ["marketplace"],
}


@pytest.fixture
def wave(db):
    return make_wave()


def test_form_entry_save_and_next(client, officer, wave, jabar):
    business = BusinessFactory(province=jabar, name="Keripik Pedas Garut")
    client.force_login(officer)
    found = client.get(reverse("survey-business-search", args=[wave.code]), {"q": "pedas"}).content.decode()
    assert "Keripik Pedas Garut" in found
    url = reverse("survey-entry", args=[wave.code])
    response = client.post(f"{url}?business={business.pk}", {**ANSWERS, "business": business.pk, "save_next": "1"})
    assert response.status_code == 302 and response["Location"] == url
    saved = SurveyResponse.objects.get()
    assert saved.turnover_before == 25_000_000 and saved.problems == ["cash-flow", "demand"] and saved.channel == "form"
    assert saved.entered_by == officer and saved.regency_id == business.regency_id


def test_form_errors_are_next_to_the_field(client, officer, wave, jabar):
    business = BusinessFactory(province=jabar)
    client.force_login(officer)
    response = client.post(reverse("survey-entry", args=[wave.code]), {**ANSWERS, "business": business.pk, "workers_furloughed": 20})
    assert response.status_code == 200
    assert "melebihi tenaga kerja sebelum" in " ".join(response.context["form"].errors["workers_furloughed"])
    assert not SurveyResponse.objects.exists()


def test_warning_is_stored_and_can_be_confirmed(client, officer, wave, jabar):
    business = BusinessFactory(province=jabar)
    client.force_login(officer)
    url = reverse("survey-entry", args=[wave.code])
    client.post(url, {**ANSWERS, "business": business.pk, "turnover_after": "500.000.000", "save": "1"})
    saved = SurveyResponse.objects.get()
    assert saved.warnings == ["turnover-jump"] and not saved.warnings_confirmed
    page = client.get(reverse("survey-completeness", args=[wave.code])).content.decode()
    assert business.name in page
    # The warning as officers read it, not its code.
    assert "Omzet sesudah lebih dari 5 kali omzet sebelum" in page and "turnover-jump" not in page
    client.post(url, {**ANSWERS, "business": business.pk, "turnover_after": "500.000.000", "confirm_warnings": "on", "save": "1"})
    saved.refresh_from_db()
    assert saved.warnings_confirmed


def test_officer_cannot_enter_for_another_province(client, officer, wave, kalsel):
    foreign = BusinessFactory(province=kalsel)
    client.force_login(officer)
    assert client.get(reverse("survey-entry", args=[wave.code]), {"business": foreign.pk}).status_code == 404
    assert "Sasirangan" not in client.get(reverse("survey-business-search", args=[wave.code]), {"q": "Konveksi"}).content.decode()
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post("/api/v1/survey-responses/", {**ANSWERS, "turnover_before": 25000000, "turnover_after": 10000000, "wave": wave.code, "business": foreign.pk}, format="json")
    assert answer.status_code == 400 and "business" in answer.json()
    assert not SurveyResponse.objects.exists()


def test_api_create_then_resend_updates(officer, wave, jabar):
    business = BusinessFactory(province=jabar)
    api = APIClient()
    api.force_authenticate(officer)
    body = {**ANSWERS, "turnover_before": 25000000, "turnover_after": 10000000, "wave": wave.code, "business": business.pk}
    first = api.post("/api/v1/survey-responses/", body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["province"] == "32" and first.json()["channel"] == "api"
    again = api.post("/api/v1/survey-responses/", {**body, "turnover_after": 12000000}, format="json")
    assert again.status_code == 200 and again.json()["turnover_after"] == 12000000
    assert SurveyResponse.objects.count() == 1
    listed = api.get(f"/api/v1/survey-responses/?wave={wave.code}&province=32").json()
    assert listed["count"] == 1


def test_api_bulk_answers_per_item(officer, wave, jabar, kalsel):
    mine = [BusinessFactory(province=jabar) for _ in range(2)]
    foreign = BusinessFactory(province=kalsel)
    api = APIClient()
    api.force_authenticate(officer)
    item = {**ANSWERS, "turnover_before": 25000000, "turnover_after": 10000000}
    result = api.post("/api/v1/survey-responses/bulk/", {"wave": wave.code, "responses": [
        {**item, "nib": mine[0].nib}, {**item, "business": mine[1].pk, "workers_before": -1}, {**item, "business": foreign.pk},
    ]}, format="json")
    assert result.status_code == 207
    answers = result.json()["results"]
    assert [answer["status"] for answer in answers] == ["created", "error", "error"]
    assert "workers_before" in answers[1]["errors"] and "nib" in answers[2]["errors"]
    assert SurveyResponse.objects.count() == 1


def test_staff_runs_national_waves_and_officers_their_own(staff_user, officer):
    api = APIClient()
    api.force_authenticate(staff_user)
    wave = {"code": "2020-05", "title": "Mei", "baseline_month": "2020-02-01", "reported_month": "2020-05-01", "opens_on": "2020-06-01", "closes_on": "2020-06-30", "status": "open"}
    assert api.post("/api/v1/survey-waves/", wave, format="json").status_code == 201
    api.force_authenticate(officer)
    refused = api.post("/api/v1/survey-waves/", {**wave, "code": "jabar-1"}, format="json")
    assert refused.status_code == 400 and "province" in refused.json()
    assert api.post("/api/v1/survey-waves/", {**wave, "code": "jabar-1", "province": "32"}, format="json").status_code == 201
    assert api.patch("/api/v1/survey-waves/2020-05/", {"title": "X"}, format="json").status_code == 403


@pytest.mark.parametrize("typed", ["1234567890123456789", "99.999.999.999.999.999.999"])
def test_a_turnover_of_19_digits_is_a_field_error(client, officer, wave, jabar, typed):
    business = BusinessFactory(province=jabar)
    client.force_login(officer)
    page = client.post(reverse("survey-entry", args=[wave.code]), {**ANSWERS, "business": business.pk, "turnover_before": typed})
    assert page.status_code == 200
    assert "Paling banyak Rp 1.000.000.000.000.000." in page.content.decode()
    assert not SurveyResponse.objects.exists()
