"""An event's time zone is one of WIB, WITA and WIT; any other answers a field error, not a 500.

The page offered the three as a select, but the field took any text and the form then
looked the zone up to read the times: an unknown zone was a server error.
"""
import pytest
from rest_framework.test import APIClient

from programs.models import Event
from tests.factories import make_event

EVENT = {
    "title": "Bimtek Masker Kain", "kind": "bimtek", "mode": "online", "meeting_link": "https://zoom.us/j/1",
    "capacity": 30, "starts_at": "2031-03-02T09:00:00+07:00", "ends_at": "2031-03-02T12:00:00+07:00",
    "registration_opens": "2031-02-01T09:00:00+07:00", "registration_closes": "2031-03-01T09:00:00+07:00",
}


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "", "UTC"])
def test_api_refuses_an_unknown_time_zone(officer, zone):
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post("/api/v1/events/", {**EVENT, "timezone": zone}, format="json")
    assert answer.status_code == 400 and "timezone" in answer.json()
    assert not Event.objects.filter(title=EVENT["title"]).exists()


def test_api_takes_the_three_zones_of_indonesia(officer):
    api = APIClient()
    api.force_authenticate(officer)
    for zone in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"):
        answer = api.post("/api/v1/events/", {**EVENT, "timezone": zone}, format="json")
        assert answer.status_code == 201, answer.json()
        assert answer.json()["timezone"] == zone


def test_the_page_form_refuses_it_too(client, officer, jabar):
    event = make_event(organiser_province=jabar)
    client.force_login(officer)
    page = client.post(f"/events/{event.pk}/edit/", {"title": "X", "timezone": "Mars/Olympus"})
    assert page.status_code == 200
    assert "timezone" in page.context["form"].errors
