"""Owners report for themselves (issue 12, point 4): an open wave appears on the owner's home
page; the owner fills the same form for their own business; it arrives as a draft with
channel "owner" for the officer to check; one record per business per wave, with history."""
import pytest
from django.urls import reverse

from surveys.models import SurveyResponse
from tests.factories import BusinessFactory, make_wave

ANSWER = {
    "turnover_before": "Rp 12.000.000", "turnover_after": "4.500.000", "workers_before": "6", "workers_after": "4",
    "workers_furloughed": "2", "workers_laid_off": "0", "operating_status": "reduced", "needs": ["marketplace"],
}


@pytest.fixture
def wave(db):
    return make_wave()


def test_the_open_wave_is_on_the_owners_home_page(client, owner, business_jabar, wave):
    client.force_login(owner)
    text = client.get("/").content.decode()
    assert wave.title in text
    assert reverse("survey-owner-report", args=[wave.code]) + f"?business={business_jabar.pk}" in text


def test_owner_answers_and_the_officer_finds_a_draft_to_check(client, owner, officer, business_jabar, wave):
    client.force_login(owner)
    url = reverse("survey-owner-report", args=[wave.code])
    page = client.post(url, {**ANSWER, "business": business_jabar.pk}, follow=True)
    assert "Terima kasih" in page.content.decode()
    response = SurveyResponse.objects.get()
    assert (response.business, response.status, response.channel, response.entered_by) == (business_jabar, "draft", "owner", owner)
    assert (response.turnover_before, response.turnover_after, response.needs) == (12_000_000, 4_500_000, ["marketplace"])

    # The officer's correction is the same record, with history.
    client.force_login(officer)
    client.post(reverse("survey-entry", args=[wave.code]), {**ANSWER, "turnover_after": "5.000.000", "business": business_jabar.pk, "save": "1"})
    assert SurveyResponse.objects.count() == 1
    response.refresh_from_db()
    assert response.turnover_after == 5_000_000
    assert [record.history_change_reason for record in response.history.order_by("history_date")] == ["owner", None]


@pytest.mark.parametrize(("typed", "field", "message"), [
    ({"turnover_before": "dua juta"}, "turnover_before", "Tulis jumlah rupiah bulat"),
    ({"workers_after": "99999999999"}, "workers_after", "Paling banyak 5.000 pekerja"),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, owner, business_jabar, wave, typed, field, message):
    client.force_login(owner)
    page = client.post(reverse("survey-owner-report", args=[wave.code]), {**ANSWER, **typed, "business": business_jabar.pk})
    assert page.status_code == 200
    assert message in page.context["form"].errors[field][0]
    assert not SurveyResponse.objects.exists()


def test_owners_answer_only_for_their_own_businesses(client, owner, business_jabar, jabar, wave):
    stranger = BusinessFactory(province=jabar)
    client.force_login(owner)
    url = reverse("survey-owner-report", args=[wave.code])
    assert client.get(url, {"business": stranger.pk}).status_code == 404
    assert client.post(url, {**ANSWER, "business": stranger.pk}).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_owners_see_only_their_own_answers(client, owner, officer, business_jabar, jabar, wave):
    other = BusinessFactory(province=jabar, name="Usaha Orang Lain")
    client.force_login(officer)
    client.post(reverse("survey-entry", args=[wave.code]), {**ANSWER, "business": other.pk, "save": "1"}, follow=True)
    assert SurveyResponse.objects.filter(business=other).exists()
    client.force_login(owner)
    assert client.get(f"/api/v1/survey-responses/?wave={wave.code}").json()["count"] == 0
    assert "Usaha Orang Lain" not in client.get(reverse("survey-response-list", args=[wave.code])).content.decode()
    assert client.get(reverse("survey-review", args=[wave.code])).status_code == 403
    assert client.get(reverse("survey-follow-up", args=[wave.code])).status_code == 403


def test_once_the_office_submitted_it_the_owner_cannot_change_it(client, owner, officer, business_jabar, wave):
    client.force_login(owner)
    url = reverse("survey-owner-report", args=[wave.code])
    client.post(url, {**ANSWER, "business": business_jabar.pk})
    client.force_login(officer)
    client.post(reverse("survey-review", args=[wave.code]), {"province": "32", "action": "submit"})
    client.force_login(owner)
    page = client.post(url, {**ANSWER, "turnover_after": "1.000.000", "business": business_jabar.pk})
    assert "sudah mengirim jawaban ini" in page.content.decode()
    assert SurveyResponse.objects.get().turnover_after == 4_500_000


def test_a_closed_wave_is_not_offered(client, owner, business_jabar):
    closed = make_wave("2020-07", status="closed")
    client.force_login(owner)
    assert closed.title not in client.get("/").content.decode()
    assert client.get(reverse("survey-owner-report", args=[closed.code])).status_code == 404
