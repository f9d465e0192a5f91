"""API field errors read Indonesian, also the ones Django REST framework words itself and
leaves untranslated (``ikm_portal/api/messages.py``)."""
import pytest
from rest_framework.test import APIClient

from ikm_portal.api.messages import DRF_MESSAGES
from tests.factories import api_payload


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def test_a_list_for_an_object(api):
    answer = api.post("/api/v1/businesses/", [api_payload()], format="json")
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["Data tidak valid: seharusnya sebuah objek, tetapi yang diterima list."]}


def test_wrong_types_of_fields(api):
    answer = api.post("/api/v1/businesses/", api_payload(workforce="banyak", export_destinations="MY", is_exporter="mungkin"), format="json")
    assert answer.status_code == 400
    assert answer.json()["workforce"] == ["Nilai bidang ini harus berupa bilangan bulat."]  # DRF's own Indonesian
    assert answer.json()["export_destinations"] == ['Seharusnya sebuah daftar, tetapi yang diterima bertipe "str".']
    assert answer.json()["is_exporter"] == ["Harus berupa nilai ya/tidak (true/false)."]


def test_a_date_out_of_range(api):
    answer = api.post("/api/v1/events/", {"starts_at": "0001-01-01T00:00:00+07:00"}, format="json")
    assert answer.json()["starts_at"] == ["Tanggal dan waktu di luar jangkauan."]


def test_every_listed_message_is_translated():
    from django.utils import translation

    with translation.override("id"):
        english = [message for message in DRF_MESSAGES if translation.gettext(message) == message]
    assert english == []
