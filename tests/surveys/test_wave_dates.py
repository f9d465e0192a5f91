"""A survey wave whose dates are out of order is refused with a field error, never a 500.

The table's CHECK constraints (reported month after the baseline month, collection closing
no earlier than it opens) used to be the only check on the API: the database refused the
row and the client got a server error.
"""
import datetime

import pytest
from rest_framework.test import APIClient

from surveys.models import SurveyWave
from tests.factories import make_wave

WAVE = {"code": "2020-05", "title": "Mei", "baseline_month": "2020-02-01", "reported_month": "2020-05-01",
        "opens_on": "2020-06-01", "closes_on": "2020-06-30", "status": "open"}


@pytest.fixture
def api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.mark.parametrize("reported", ["2020-02-01", "2020-02-20", "2020-01-01"])
def test_reported_month_not_after_the_baseline_is_a_field_error(api, reported):
    answer = api.post("/api/v1/survey-waves/", {**WAVE, "reported_month": reported}, format="json")
    assert answer.status_code == 400
    assert answer.json()["reported_month"] == ["Bulan laporan harus sesudah bulan dasar."]
    assert not SurveyWave.objects.filter(code="2020-05").exists()


def test_collection_closing_before_it_opens_is_a_field_error(api):
    answer = api.post("/api/v1/survey-waves/", {**WAVE, "closes_on": "2020-05-31"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["closes_on"] == ["Pengumpulan harus ditutup sesudah dibuka."]


def test_a_change_that_puts_the_months_out_of_order_is_refused(api):
    make_wave("2020-04")
    answer = api.patch("/api/v1/survey-waves/2020-04/", {"baseline_month": "2020-06-01"}, format="json")
    assert answer.status_code == 400 and "reported_month" in answer.json()
    assert SurveyWave.objects.get(code="2020-04").baseline_month == datetime.date(2020, 2, 1)


def test_the_page_form_gives_the_same_answer(client, staff_user):
    client.force_login(staff_user)
    page = client.post("/surveys/new/", {**WAVE, "reported_month": "2020-02-01"})
    assert page.status_code == 200
    assert "Bulan laporan harus sesudah bulan dasar." in page.content.decode()
    assert not SurveyWave.objects.filter(code="2020-05").exists()


def test_the_edit_form_shows_the_wave_dates_and_saves_them_unchanged(client, staff_user):
    """The four dates used to arrive as 01-02-2020, which a date input cannot show: the form
    looked empty and refused to save until all four were typed again."""
    wave = make_wave("2020-04")
    client.force_login(staff_user)
    page = client.get(f"/surveys/{wave.code}/edit/").content.decode()
    for value in ("2020-02-01", "2020-04-01", "2020-05-01", "2020-06-30"):
        assert f'value="{value}"' in page
    import re

    fields = dict(re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', page))
    answer = client.post(f"/surveys/{wave.code}/edit/", {"code": wave.code, "title": "Survei baru", "status": "open", **fields})
    assert answer.status_code == 302, answer.content.decode()[:500]
    wave.refresh_from_db()
    assert wave.title == "Survei baru" and wave.closes_on == datetime.date(2020, 6, 30)
