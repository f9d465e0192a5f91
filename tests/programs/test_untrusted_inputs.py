"""Inputs the API and pages must not trust: bodies that are not objects, time zones that are
paths, years that are words or far away. Each answers 400 with a field error, never a 500.
(Event register/cancel bodies: test_event_action_bodies.)"""
import pytest
from rest_framework.test import APIClient

from tests.factories import make_event, make_wave

NOT_OBJECTS = [[None], "x", 1, [], None]


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=repr)
def test_bulk_refuses_a_body_that_is_not_an_object(officer, body):
    make_wave()
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post("/api/v1/survey-responses/bulk/", body, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) <= {"non_field_errors", "wave", "responses"}


@pytest.mark.parametrize("items", [[None], ["x"], [1]], ids=repr)
def test_bulk_answers_each_item_that_is_not_an_object(officer, items):
    wave = make_wave()
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post("/api/v1/survey-responses/bulk/", {"wave": wave.code, "responses": items}, format="json")
    assert answer.status_code == 400
    assert answer.json()["results"][0]["status"] == "error"


@pytest.mark.parametrize("zone", ["Nope/Zone", "../../etc/passwd"])
def test_an_event_time_zone_that_is_not_one_of_indonesias(officer, jabar, zone):
    event = make_event(organiser_province=jabar)
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.patch(f"/api/v1/events/{event.pk}/", {"timezone": zone}, format="json")
    assert answer.status_code == 400 and "timezone" in answer.json()


@pytest.mark.parametrize("year", ["abc", "99999", "-1", "2019"])
def test_the_events_overview_says_which_years_it_has(client, staff_user, year):
    client.force_login(staff_user)
    page = client.get("/events/overview/", {"year": year})
    assert page.status_code == 400
    assert "Pilih tahun dari 2020 sampai" in page.content.decode()


def test_the_events_overview_of_a_good_year(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/events/overview/", {"year": "2020"}).status_code == 200
