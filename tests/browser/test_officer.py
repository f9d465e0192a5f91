"""A provincial officer: a response typed into the entry form (business found by the
autocomplete), then a spreadsheet with one bad row, its row-level report and its XLSX."""
import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.factories import BusinessFactory, make_wave

from .conftest import xlsx_rows

pytestmark = pytest.mark.browser


def test_officer_enters_a_response_and_reads_the_report_of_a_bad_upload(portal, officer, jabar, business_jabar):
    wave = make_wave()
    others = [BusinessFactory(province=jabar) for _ in range(2)]
    page = portal.page
    portal.sign_in(officer, "province page")

    portal.open_menu()
    page.locator("#main-nav").get_by_role("link", name="Survei dampak COVID-19").click()
    portal.check("survey waves")
    page.get_by_role("link", name="Isi jawaban").click()
    portal.check("entry form")

    page.locator("#business-search").fill("Konveksi Sari")  # the autocomplete answers as one types
    match = page.locator("#business-matches a", has_text=business_jabar.name)
    expect(match).to_be_visible()
    portal.check("autocomplete")
    match.click()
    expect(page.locator("input[name=business]")).to_have_value(str(business_jabar.pk))
    page.fill("#id_turnover_before", "Rp 25.000.000")
    page.fill("#id_turnover_after", "10.000.000")
    page.fill("#id_workers_before", "10")
    page.fill("#id_workers_after", "7")
    page.fill("#id_workers_furloughed", "3")
    page.check("input[name=operating_status][value=reduced]")
    page.check("input[name=problems][value=demand]")
    portal.check("answers typed")
    with page.expect_navigation():
        page.click("button[name=save]")
    expect(page.get_by_role("alert")).to_contain_text(f"Jawaban “{business_jabar.name}” tersimpan.")
    expect(page.locator("main")).to_contain_text("Rp 25.000.000")
    portal.check("response saved")

    # A spreadsheet made here: the second data row (row 3 of the sheet) has words for money.
    rows = [{"NIB": b.nib, "Omzet bulan dasar (Rp)": "25.000.000", "Omzet bulan laporan (Rp)": "12.500.000",
             "Tenaga kerja sebelum": 8, "Tenaga kerja sesudah": 6, "Tenaga kerja dirumahkan": 2, "Status operasi": "reduced"}
            for b in [business_jabar, *others]]
    rows[1]["Omzet bulan dasar (Rp)"] = "dua puluh juta"
    csv = pd.DataFrame(rows).to_csv(index=False, sep=";").encode("utf-8-sig")
    portal.open("/surveys/", "survey waves again")
    page.get_by_role("link", name="Unggah lembar kerja").click()
    portal.check("upload page")
    page.set_input_files("input[type=file]", files=[{"name": "survei-jabar.csv", "mimeType": "text/csv", "buffer": csv}])
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa").click()
    # The worker checks the file; the page asks for its status every second (htmx).
    report_link = page.get_by_role("link", name="Unduh baris bermasalah (XLSX)")
    expect(report_link).to_be_visible(timeout=30_000)
    error_row = page.locator("#import-status tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row.locator("td").nth(0)).to_have_text("3")
    expect(error_row.locator("td").nth(1)).to_contain_text("Omzet bulan dasar (Rp)")
    portal.check("upload report")

    with page.expect_download() as download:
        report_link.click()
    report = xlsx_rows(download.value)
    assert len(report) == 2, report  # the header and the one bad row
    row_number, problems, *values = report[1]
    assert int(row_number) == 3 and "turnover_before" in problems and "dua puluh juta" in values, report
    portal.check("report downloaded")
