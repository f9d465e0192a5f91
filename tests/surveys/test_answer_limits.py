"""Answers beyond what their column holds are field errors in Indonesian, never a 500.

The bulk API, uploads and the entry page share ``check_values``. It used to pass on numbers
too large for their column (a count over 2,147,483,647, an amount over 64 bits, text digits
that no 64-bit number holds), a new product over 200 characters and lists or objects where
text or yes/no was expected: parsing or the database then failed the whole request.
"""
import pandas as pd
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from surveys.models import SurveyResponse
from surveys.validation import check_values
from tests.factories import BusinessFactory, make_wave

ITEM = {"turnover_before": 10_000_000, "turnover_after": 5_000_000, "workers_before": 3, "workers_after": 3, "operating_status": "normal"}
AT_MOST = "Pastikan nilai ini lebih kecil dari atau sama dengan"
WORKERS = "Paling banyak 5.000 pekerja: industri menengah mempekerjakan kurang dari 100 orang. Periksa kembali angka ini."
RUPIAH = "Paling banyak Rp 1.000.000.000.000.000."


@pytest.fixture
def wave(db):
    return make_wave()


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


@pytest.mark.parametrize(("answer", "column", "message"), [
    ({"workers_before": 3_000_000_000}, "workers_before", WORKERS),
    ({"workers_after": 99_999_999_999}, "workers_after", WORKERS),
    ({"workers_after": 5_001}, "workers_after", WORKERS),
    ({"workers_furloughed": 2**62, "workers_laid_off": 2**62}, "workers_furloughed", WORKERS),
    ({"turnover_before": 10**15 + 1}, "turnover_before", RUPIAH),
    ({"turnover_before": 10**19}, "turnover_before", RUPIAH),
    ({"turnover_before": 10**30}, "turnover_before", RUPIAH),
    ({"turnover_before": 1e300}, "turnover_before", RUPIAH),
    ({"turnover_before": -1e300}, "turnover_before", "Tidak boleh negatif."),
    ({"export_postponed_value": "25.000.000.000.000.000.000.000"}, "export_postponed_value", RUPIAH),
    ({"capacity_before": 10**12}, "capacity_before", "Persentase antara 0 dan 100."),
    ({"diversification_product": "x" * 201}, "diversification_product", "Pastikan nilai ini mengandung paling banyak 200 karakter (sekarang 201 karakter)."),
    ({"notes": ["a"]}, "notes", "Tulis sebagai teks."),
    ({"export_postponed_country": {"a": 1}}, "export_postponed_country", "Tulis sebagai teks."),
    ({"diversified": {"a": 1}}, "diversified", "Tulis ya atau tidak."),
])
def test_bulk_api_refuses_what_the_column_cannot_hold(api, wave, jabar, answer, column, message):
    business = BusinessFactory(province=jabar)
    reply = api.post("/api/v1/survey-responses/bulk/", {"wave": wave.code, "responses": [{**ITEM, "business": business.pk, **answer}]}, format="json")
    assert reply.status_code == 400
    assert reply.json()["results"][0]["errors"][column] == [message]
    assert not SurveyResponse.objects.exists()


def test_the_largest_plausible_answers_are_taken(api, wave, jabar):
    business = BusinessFactory(province=jabar)
    largest = {"turnover_before": 10**15, "turnover_after": "1.000.000.000.000.000", "workers_before": 5_000, "workers_after": 0}
    reply = api.post("/api/v1/survey-responses/bulk/", {"wave": wave.code, "responses": [{**ITEM, "business": business.pk, **largest}]}, format="json")
    assert reply.status_code == 200, reply.json()
    saved = SurveyResponse.objects.get()
    assert saved.turnover_before == saved.turnover_after == 10**15 and saved.workers_before == 5_000


def test_an_uploaded_text_column_with_too_many_digits(db):
    """CSV columns are all text and parsed by pyarrow: 40 digits used to stop the cast."""
    frame = pd.DataFrame({**{key: [str(value)] for key, value in ITEM.items()}, "turnover_after": ["9" * 40]}, index=[2])
    result = check_values(frame)
    assert result.errors == [(2, "turnover_after", RUPIAH)]


def test_the_entry_page_shows_it_next_to_the_field(client, officer, wave, jabar):
    business = BusinessFactory(province=jabar)
    client.force_login(officer)
    page = client.post(reverse("survey-entry", args=[wave.code]), {**ITEM, "business": business.pk, "workers_furloughed": 0, "workers_laid_off": 0, "workers_before": 3_000_000_000})
    assert page.status_code == 200
    assert page.context["form"].errors["workers_before"] == [WORKERS]
    assert not SurveyResponse.objects.exists()
