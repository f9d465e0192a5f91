"""Plausibility (issue 12, point 1): hard limits block, unusual answers warn, and a province's
batch is not verified while a warning waits for confirmation. Form, upload and API share
the one validator, so each rule is tried through the channel where it matters most."""
import math

import numpy as np
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from surveys.models import SurveyResponse, TurnoverRange
from surveys.outliers import MIN_RESPONSES, Z_LIMIT, refresh_ranges
from tests.factories import BusinessFactory, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes, run_import

ITEM = {"turnover_before": 20_000_000, "turnover_after": 10_000_000, "workers_before": 8, "workers_after": 6, "operating_status": "reduced"}


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def bulk(api, wave, items):
    return api.post("/api/v1/survey-responses/bulk/", {"wave": wave.code, "responses": items}, format="json")


def warnings_of(business, wave):
    return SurveyResponse.objects.get(business=business, wave=wave).warnings


def test_the_typo_that_wrecked_the_headline_is_refused(client, officer, jabar):
    """Workers after 99.999.999.999 is no IKM's answer: an error next to the field, nothing saved."""
    wave = make_wave()
    business = BusinessFactory(province=jabar)
    client.force_login(officer)
    page = client.post(reverse("survey-entry", args=[wave.code]), {
        **ITEM, "turnover_before": "1.000", "turnover_after": "900.000.000", "workers_after": "99999999999",
        "workers_furloughed": 0, "workers_laid_off": 0, "business": business.pk,
    })
    assert page.status_code == 200
    assert "Paling banyak 5.000 pekerja" in page.context["form"].errors["workers_after"][0]
    assert not SurveyResponse.objects.exists()


def test_an_upload_row_with_a_count_beyond_any_ikm_is_a_row_error(officer, jabar):
    wave = make_wave()
    business = BusinessFactory(province=jabar)
    record = run_import(officer, wave, csv_bytes([answer(business.nib, **{"Tenaga kerja sesudah": 250000})]))
    assert record.status == "rejected"
    assert any("Paling banyak 5.000 pekerja" in error["message"] for error in record.errors)


@pytest.mark.parametrize(("previous", "now", "warned"), [
    (10_000_000, 60_000_000, True),   # more than 5 times
    (10_000_000, 1_900_000, True),    # less than a fifth
    (10_000_000, 30_000_000, False),  # three times: unusual enough in 2020, not a typo
    (10_000_000, 2_100_000, False),
])
def test_turnover_compared_with_the_business_previous_wave(api, jabar, previous, now, warned):
    import datetime

    earlier = make_wave("2020-04", status="closed")
    wave = make_wave("2020-08", reported_month=datetime.date(2020, 8, 1))
    business = BusinessFactory(province=jabar)
    SurveyResponse.objects.create(
        wave=earlier, business=business, province=jabar, regency=business.regency, sector=business.sector, scale=business.scale,
        turnover_before=20_000_000, turnover_after=previous, workers_before=5, workers_after=5, operating_status="reduced",
    )
    reply = bulk(api, wave, [{**ITEM, "turnover_before": now, "turnover_after": now, "business": business.pk}])
    assert reply.status_code == 200, reply.json()
    assert ("previous-wave" in warnings_of(business, wave)) is warned
    assert ("previous-wave" in reply.json()["results"][0]["warnings"]) is warned


def test_workers_after_far_above_before_warns(api, jabar):
    wave = make_wave()
    far, near = BusinessFactory(province=jabar), BusinessFactory(province=jabar)
    reply = bulk(api, wave, [
        {**ITEM, "workers_before": 5, "workers_after": 60, "business": far.pk},
        {**ITEM, "workers_before": 5, "workers_after": 9, "business": near.pk},  # hired a few for PPE orders
    ])
    assert reply.status_code == 200, reply.json()
    assert warnings_of(far, wave) == ["workers-rise"]
    assert warnings_of(near, wave) == []


def _verified_history(jabar, sector_business, turnovers):
    """Verified answers of an earlier wave for businesses of one sector × scale."""
    earlier = make_wave("2020-04", status="published")
    for turnover in turnovers:
        business = BusinessFactory(province=jabar, sector=sector_business.sector, scale=sector_business.scale)
        SurveyResponse.objects.create(
            wave=earlier, business=business, province=jabar, regency=business.regency, sector=business.sector, scale=business.scale,
            turnover_before=turnover * 2, turnover_after=turnover, workers_before=5, workers_after=5, operating_status="reduced", status="verified",
        )
    return earlier


def test_outlier_ranges_match_an_independent_computation(jabar):
    import datetime

    probe = BusinessFactory(province=jabar)
    rng = np.random.default_rng(12)
    turnovers = [int(value) for value in np.exp(rng.normal(math.log(15_000_000), 0.8, size=60))]
    _verified_history(jabar, probe, turnovers)
    wave = make_wave("2020-08", reported_month=datetime.date(2020, 8, 1))
    assert refresh_ranges(wave) == 1
    stored = TurnoverRange.objects.get(wave=wave, sector=probe.sector, scale=probe.scale)
    logs = np.log(np.array(turnovers, dtype=float))
    median = np.median(logs)
    mad = np.median(np.abs(logs - median))
    assert stored.responses == 60
    assert stored.low == pytest.approx(math.exp(median - Z_LIMIT * mad / 0.6745), rel=1e-6, abs=1)
    assert stored.high == pytest.approx(math.exp(median + Z_LIMIT * mad / 0.6745), rel=1e-6, abs=1)


def test_too_few_verified_answers_give_no_range(jabar):
    import datetime

    probe = BusinessFactory(province=jabar)
    _verified_history(jabar, probe, [10_000_000 + 1000 * n for n in range(MIN_RESPONSES - 1)])
    wave = make_wave("2020-08", reported_month=datetime.date(2020, 8, 1))
    assert refresh_ranges(wave) == 0


def test_turnover_far_outside_its_sector_and_scale_warns(api, jabar):
    import datetime

    probe = BusinessFactory(province=jabar)
    rng = np.random.default_rng(3)
    _verified_history(jabar, probe, [int(value) for value in np.exp(rng.normal(math.log(15_000_000), 0.5, size=40))])
    wave = make_wave("2020-08", reported_month=datetime.date(2020, 8, 1))
    refresh_ranges(wave)
    typo = BusinessFactory(province=jabar, sector=probe.sector, scale=probe.scale)
    usual = BusinessFactory(province=jabar, sector=probe.sector, scale=probe.scale)
    reply = bulk(api, wave, [
        {**ITEM, "turnover_before": 15_000_000_000, "turnover_after": 12_000_000_000, "business": typo.pk},  # three zeros too many
        {**ITEM, "turnover_before": 15_000_000, "turnover_after": 12_000_000, "business": usual.pk},
    ])
    assert reply.status_code == 200, reply.json()
    assert warnings_of(typo, wave) == ["sector-outlier"]
    assert warnings_of(usual, wave) == []


def test_a_batch_with_unconfirmed_warnings_is_not_verified_and_the_refusal_names_them(client, officer, staff_user, jabar):
    wave = make_wave()
    odd = BusinessFactory(province=jabar, name="Konveksi Salah Ketik")
    fine = BusinessFactory(province=jabar, name="Batik Biasa")
    rows = [answer(odd.nib, **{"Omzet bulan dasar (Rp)": "1.000", "Omzet bulan laporan (Rp)": "900.000.000"}), answer(fine.nib)]
    assert run_import(officer, wave, csv_bytes(rows)).status == "done"
    url = reverse("survey-review", args=[wave.code])
    client.force_login(officer)
    client.post(url, {"province": "32", "action": "submit"})

    client.force_login(staff_user)
    page = client.post(url, {"province": "32", "action": "verify"}, follow=True)
    text = page.content.decode()
    assert "1 jawaban masih memiliki peringatan yang belum dikonfirmasi: Konveksi Salah Ketik." in text
    assert "Batik Biasa" not in text
    assert set(SurveyResponse.objects.values_list("status", flat=True)) == {"submitted"}

    # The officer confirms it (the figures are right after all); now the batch verifies.
    client.force_login(officer)
    odd_response = SurveyResponse.objects.get(business=odd)
    client.post(reverse("survey-confirm-warnings", args=[odd_response.pk]))
    client.force_login(staff_user)
    client.post(url, {"province": "32", "action": "verify"})
    assert set(SurveyResponse.objects.values_list("status", flat=True)) == {"verified"}
