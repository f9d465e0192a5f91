"""Ministry staff: the national dashboard, its filters (htmx), a province page and a table
downloaded as XLSX."""
import pytest
from playwright.sync_api import expect

from .conftest import xlsx_rows

pytestmark = pytest.mark.browser


def test_staff_filter_the_national_dashboard_and_download_a_province_table(portal, staff_user, impact_figures):
    page = portal.page
    portal.sign_in(staff_user, "national dashboard")
    expect(page.locator("h1")).to_have_text("Dasbor nasional")
    expect(page.locator("[data-figure=responses]")).to_have_text("45")

    # Filters swap the body in place (htmx) and keep the address in step.
    page.select_option("#id_scale", "micro")
    page.wait_for_url("**scale=micro**")
    expect(page.locator("#impact-as-of")).to_contain_text("Mikro")
    expect(page.locator("[data-figure=responses]")).to_have_text("15")
    portal.check("filtered by scale")
    page.check("#id_verified")
    page.wait_for_url("**verified=on**")
    expect(page.locator("#impact-as-of .badge")).to_be_visible()
    portal.check("verified only")
    page.uncheck("#id_verified")
    page.wait_for_url(lambda url: "verified=on" not in url)
    expect(page.locator("[data-figure=responses]")).to_have_text("15")

    # The province card shows the decline beside each province, with no sideways scroll.
    provinces = page.locator("#table-provinces")
    expect(provinces.locator("thead")).to_contain_text("Penurunan")
    assert provinces.locator(".table-responsive").evaluate("box => box.scrollWidth <= box.clientWidth + 1")
    page.locator("#table-provinces").get_by_role("link", name="Jawa Barat").click()
    page.wait_for_url("**/impact/provinces/32/**")
    expect(page.locator("h1")).to_have_text("Dampak COVID-19 di Jawa Barat")
    expect(page.locator("#id_scale")).to_have_value("micro")  # the filter came along
    portal.check("province page")

    with page.expect_download() as download:
        page.locator("a[href*='/impact/tables/regencies.xlsx']").click()
    assert download.value.suggested_filename.endswith("-2020-04-32.xlsx")
    title, subtitle, header, *rows = xlsx_rows(download.value)
    # Regencies are summed up over every sector and scale only: the table says so.
    assert title[0] == "Per kabupaten/kota · Semua sektor · Semua skala" and subtitle[0] == "2020-04 · Jawa Barat"
    assert header[:2] == ("Kabupaten/kota", "Jawaban")
    assert rows and all(isinstance(row[0], str) and isinstance(row[1], (int, float)) for row in rows), rows
    assert sum(row[1] for row in rows) == 15  # every response of the province
    portal.check("table downloaded")
