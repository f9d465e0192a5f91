"""``/api/v1/impact/``: the answers, their filters and errors, and who may read which figures."""
import pytest

from programs.models import Province
from surveys.rollups import refresh
from tests.factories import make_businesses, make_responses, make_wave


@pytest.fixture
def waves(db):
    """A published national wave, an unpublished one, both with Jabar and Kalsel answers."""
    provinces = list(Province.objects.filter(code__in=["32", "63"]))
    businesses = make_businesses(40, provinces=provinces)
    published = make_wave("2020-04", status="published")
    closed = make_wave("2020-07", status="closed", reported_month=__import__("datetime").date(2020, 7, 1))
    for wave, seed in ((published, 1), (closed, 2)):
        make_responses(wave, businesses, seed=seed)
        refresh(wave=wave)
    return published, closed


def test_summary_has_the_contract_fields(client, staff_user, waves):
    client.force_login(staff_user)
    answer = client.get("/api/v1/impact/summary/", {"wave": "2020-04"}).json()
    for field in ("responses", "turnover_before", "turnover_after", "decline", "median_decline", "workers_furloughed", "workers_laid_off", "as_of"):
        assert field in answer
    assert answer["responses"] == 40
    assert 0 <= answer["decline"] <= 1
    assert set(answer["bands"]) == {"grew", "0_25", "25_50", "50_70", "70_plus", "closed"}


def test_filters_narrow_the_slice(client, staff_user, waves):
    client.force_login(staff_user)
    whole = client.get("/api/v1/impact/summary/", {"wave": "2020-04"}).json()["responses"]
    micro = client.get("/api/v1/impact/summary/", {"wave": "2020-04", "scale": "micro"}).json()["responses"]
    jabar = client.get("/api/v1/impact/summary/", {"wave": "2020-04", "province": "32"}).json()["responses"]
    verified = client.get("/api/v1/impact/summary/", {"wave": "2020-04", "verified": "true"}).json()
    assert 0 < micro < whole and 0 < jabar < whole
    assert verified["verified_only"] is True and verified["responses"] < whole
    by_sector = client.get("/api/v1/impact/by-sector/", {"wave": "2020-04", "province": "32"}).json()
    assert sum(item["responses"] for item in by_sector["results"]) == jabar
    by_regency = client.get("/api/v1/impact/by-regency/", {"wave": "2020-04", "province": "32"}).json()
    assert {item["regency"][:2] for item in by_regency["results"]} == {"32"}
    trend = client.get("/api/v1/impact/trend/", {"wave": "2020-04"}).json()
    assert [item["wave"] for item in trend["results"]] == ["2020-04", "2020-07"]


@pytest.mark.parametrize("params, field, message", [
    ({"wave": "1999-01"}, "wave", "Belum ada angka untuk gelombang ini"),
    ({"province": "99"}, "province", "Kode provinsi tidak dikenal"),
    ({"sector": "spaceships"}, "sector", "Sektor tidak dikenal"),
    ({"scale": "huge"}, "scale", "huge"),
])
def test_bad_filters_get_field_errors_in_indonesian(client, staff_user, waves, params, field, message):
    client.force_login(staff_user)
    response = client.get("/api/v1/impact/summary/", params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_by_regency_needs_a_province(client, staff_user, waves):
    client.force_login(staff_user)
    response = client.get("/api/v1/impact/by-regency/", {"wave": "2020-04"})
    assert response.status_code == 400 and "provinsi" in response.json()["province"][0]


def test_the_public_reads_published_waves_only(client, waves):
    assert client.get("/api/v1/impact/summary/").json()["wave"] == "2020-04"
    assert client.get("/api/v1/impact/summary/", {"wave": "2020-07"}).status_code == 400
    by_province = client.get("/api/v1/impact/by-province/", {"wave": "2020-04"}).json()
    assert [item["province"] for item in by_province["results"]] == ["32", "63"]
    trend = client.get("/api/v1/impact/trend/").json()
    assert [item["wave"] for item in trend["results"]] == ["2020-04"]


def test_an_officer_reads_only_own_province_of_an_unpublished_wave(client, officer, waves):
    client.force_login(officer)
    own = client.get("/api/v1/impact/summary/", {"wave": "2020-07", "province": "32"})
    assert own.status_code == 200 and own.json()["responses"] == 20
    assert client.get("/api/v1/impact/summary/", {"wave": "2020-07", "province": "63"}).status_code == 404
    assert client.get("/api/v1/impact/summary/", {"wave": "2020-07"}).json()["responses"] == 40  # national totals
    by_province = client.get("/api/v1/impact/by-province/", {"wave": "2020-07"}).json()
    assert [item["province"] for item in by_province["results"]] == ["32"]
    assert client.get("/api/v1/impact/by-regency/", {"wave": "2020-07", "province": "63"}).json()["count"] == 0
    # A published wave is public: every province.
    assert client.get("/api/v1/impact/summary/", {"wave": "2020-04", "province": "63"}).json()["responses"] == 20


def test_figures_cannot_be_written(client, admin_user, waves):
    client.force_login(admin_user)
    assert client.post("/api/v1/impact/summary/", {}).status_code == 405
