"""The impact dashboards as each role sees them: national, province, public; filters swap the
body; tables download; the number of queries does not grow with the data."""
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Province
from surveys.rollups import refresh
from tests.factories import make_businesses, make_responses, make_wave


def seed(codes, count, *, status="published", code="2020-04", month=4):
    provinces = list(Province.objects.filter(code__in=codes))
    wave = make_wave(code, status=status, reported_month=datetime.date(2020, month, 1))
    make_responses(wave, make_businesses(count, provinces=provinces), seed=month, needs=["credit"])
    refresh(wave=wave)
    return wave


@pytest.fixture
def published(db):
    return seed(["32", "63"], 30)


def test_ministry_lands_on_the_national_dashboard_with_the_map(client, staff_user, published):
    client.force_login(staff_user)
    page = client.get("/").content.decode()
    assert "Dasbor nasional" in page
    assert 'data-chart="map"' in page and "vendor/echarts/echarts.min.js" in page
    assert "Data per " in page
    assert 'href="/impact/provinces/32/?' in page  # the province table links to the province pages
    for chart in ("sectors", "scales", "bands", "problems", "needs"):
        assert f'data-chart="{chart}"' in page


def test_officer_lands_on_the_province_page_with_regencies_and_names(client, officer, published):
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "Dampak COVID-19 di Jawa Barat" in page
    assert "Per kabupaten/kota" in page
    assert "Penurunan terdalam di antara IKM yang meminta bantuan" in page
    assert "IKM Uji" in page  # names of the officer's own businesses
    assert "Usaha provinsi saya" in page or "Daftar usaha" in page


def test_the_public_sees_published_figures_without_business_names(client, published):
    seed(["32"], 5, status="closed", code="2020-07", month=7)
    page = client.get("/impact/").content.decode()
    assert "Dampak COVID-19 terhadap industri kecil dan menengah" in page
    assert "2020-04" in page and "2020-07" not in page
    province_page = client.get("/impact/provinces/32/").content.decode()
    assert "IKM Uji" not in province_page
    assert "Penurunan terdalam" not in province_page
    assert client.get("/impact/", {"wave": "2020-07"}).content.decode().count("Belum ada angka untuk gelombang ini") == 1


def test_a_filter_swaps_only_the_body(client, staff_user, published):
    client.force_login(staff_user)
    response = client.get("/impact/", {"wave": "2020-04", "scale": "micro"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="impact-body">')
    assert "<nav" not in body and 'id="impact-charts"' in body


def test_queries_do_not_grow_with_the_data(client, staff_user, db):
    client.force_login(staff_user)
    seed(["32"], 6)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/impact/", {"wave": "2020-04"}).status_code == 200
    seed(["11", "31", "35", "51", "63", "73"], 240, code="2020-07", month=7)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/impact/", {"wave": "2020-07"}).status_code == 200
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as province_small:
        client.get("/impact/provinces/32/", {"wave": "2020-04"})
    with CaptureQueriesContext(connection) as province_large:
        client.get("/impact/provinces/35/", {"wave": "2020-07"})
    assert len(province_large) == len(province_small)


def test_tables_download_for_the_same_filters(client, staff_user, published):
    client.force_login(staff_user)
    response = client.get("/impact/tables/regencies.xlsx", {"wave": "2020-04", "province": "32"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-2020-04-32.xlsx"')
    assert client.get("/impact/tables/nonsense.xlsx", {"wave": "2020-04"}).status_code == 404
    assert client.get("/impact/tables/provinces.pdf", {"wave": "2020-04"}).status_code == 404


def test_unpublished_tables_are_not_public(client, db):
    seed(["32"], 5, status="closed", code="2020-07", month=7)
    response = client.get("/impact/tables/provinces.csv", {"wave": "2020-07"})
    assert response.status_code == 400


def test_the_dashboard_in_english(client, staff_user, published):
    client.force_login(staff_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/impact/").content.decode()
    assert "National dashboard" in page and "Turnover decline" in page
    assert "Data as of" in page


def test_table_csv_opens_in_excel_as_each_language_reads_it(client, staff_user, published):
    """Indonesian Excel splits on ';' and reads a decimal comma; ratios come as percentages."""
    client.force_login(staff_user)
    indonesian = client.get("/impact/tables/provinces.csv", {"wave": "2020-04"}).content.decode("utf-8-sig").splitlines()
    assert ";" in indonesian[0] and "," not in indonesian[0]
    assert re.search(r";\d+,\d%(;|$)", indonesian[1]), indonesian[1]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/impact/tables/provinces.csv", {"wave": "2020-04"}).content.decode("utf-8-sig").splitlines()
    assert "," in english[0] and re.search(r",\d+\.\d%(,|$)", english[1]), english[1]


def test_the_province_card_keeps_the_columns_that_fit_and_downloads_keep_all(client, staff_user, published):
    client.force_login(staff_user)
    page = client.get("/impact/").content.decode()
    card = page[page.index('id="table-provinces"'):page.index("</table>", page.index('id="table-provinces"'))]
    assert re.findall(r"<th scope=\"col\"[^>]*>([^<]+)</th>", card) == ["Provinsi", "Jawaban", "Penurunan"]
    download = client.get("/impact/tables/provinces.csv", {"wave": "2020-04"}).content.decode("utf-8-sig")
    assert download.splitlines()[0].count(";") >= 6  # every column in the file
