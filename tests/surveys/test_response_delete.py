"""Deleting a survey response follows the rules of changing it (issue 11, point 4)."""
import pytest

from surveys.models import SurveyResponse
from tests.factories import BusinessFactory, make_responses, make_wave


@pytest.fixture
def response_in(db, jabar, owner):
    def make(status):
        wave = make_wave(f"2020-{status}", status=status)
        business = BusinessFactory(province=jabar, owner=owner)
        return make_responses(wave, [business], status="draft")[0]

    return make


def test_officer_deletes_a_draft_of_an_open_wave(client, officer, response_in):
    response = response_in("open")
    client.force_login(officer)
    assert client.delete(f"/api/v1/survey-responses/{response.pk}/").status_code == 204
    assert not SurveyResponse.objects.filter(pk=response.pk).exists()


@pytest.mark.parametrize("wave_status", ["closed", "published"])
def test_responses_of_a_closed_or_published_wave_cannot_be_deleted(client, officer, response_in, wave_status):
    response = response_in(wave_status)
    client.force_login(officer)
    answer = client.delete(f"/api/v1/survey-responses/{response.pk}/")
    assert answer.status_code == 400
    assert "wave" in answer.json()
    assert SurveyResponse.objects.filter(pk=response.pk).exists()


def test_owner_cannot_delete_the_response_of_their_business(client, owner, response_in):
    response = response_in("open")
    client.force_login(owner)
    assert client.delete(f"/api/v1/survey-responses/{response.pk}/").status_code == 403
    assert SurveyResponse.objects.filter(pk=response.pk).exists()


def test_verified_response_is_locked_against_deletion(client, officer, response_in):
    response = response_in("open")
    SurveyResponse.objects.filter(pk=response.pk).update(status="verified")
    client.force_login(officer)
    assert client.delete(f"/api/v1/survey-responses/{response.pk}/").status_code == 403
    assert SurveyResponse.objects.filter(pk=response.pk).exists()


def test_a_business_with_responses_is_not_deleted_and_the_api_says_why(client, officer, response_in):
    response = response_in("open")
    client.force_login(officer)
    answer = client.delete(f"/api/v1/businesses/{response.business.pk}/")
    assert answer.status_code == 409
    assert "tidak dapat dihapus" in answer.json()["detail"]
    assert SurveyResponse.objects.filter(pk=response.pk).exists()


def test_a_wave_with_responses_is_not_deleted_and_the_api_says_why(client, admin_user, response_in):
    response = response_in("open")
    client.force_login(admin_user)
    answer = client.delete(f"/api/v1/survey-waves/{response.wave.code}/")
    assert answer.status_code == 409
    assert "tidak dapat dihapus" in answer.json()["detail"]
    assert SurveyResponse.objects.filter(pk=response.pk).exists()
