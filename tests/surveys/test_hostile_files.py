"""Hostile uploads: each gets a clear message and writes nothing."""
import io

import openpyxl
import pandas as pd
import pytest

from surveys.models import SurveyResponse
from tests.factories import BusinessFactory, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes, run_import


@pytest.fixture
def wave(db):
    return make_wave()


@pytest.fixture
def businesses(jabar):
    return [BusinessFactory(province=jabar) for _ in range(3)]


def xlsx_bytes(rows):
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def refused(officer, wave, data, name, expected, *, nothing_written=True):
    record = run_import(officer, wave, data, name=name)
    assert record.status == "rejected", (record.status, record.message)
    assert expected in record.message + " ".join(error["message"] for error in record.errors), (record.message, record.errors[:3])
    if nothing_written:
        assert not SurveyResponse.objects.exists()
    return record


def test_zero_byte_file(officer, wave):
    refused(officer, wave, b"", "kosong.csv", "Berkas kosong")


def test_not_a_spreadsheet(officer, wave):
    refused(officer, wave, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "foto.png", "bukan lembar kerja")


def test_corrupt_workbook(officer, wave):
    refused(officer, wave, b"PK\x03\x04" + b"garbage" * 100, "rusak.xlsx", "rusak")


def test_password_protected_or_old_excel(officer, wave):
    refused(officer, wave, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "terkunci.xlsx", "kata sandi")


def test_header_only(officer, wave):
    refused(officer, wave, csv_bytes([answer("8120000000001")]).split(b"\n")[0] + b"\n", "kosong.csv", "tidak berisi baris data")


def test_wrong_headers_and_extra_columns(officer, wave, businesses):
    rows = [answer(b.nib) for b in businesses]
    for row in rows:
        row["Kolom Aneh"] = "x"
        row["Omzet sebelum"] = row.pop("Omzet bulan dasar (Rp)")
    record = refused(officer, wave, csv_bytes(rows), "salah.csv", "Kolom tidak dikenal: Kolom Aneh, Omzet sebelum")
    assert "Omzet bulan dasar (Rp) (turnover_before)" in record.message


def test_keys_work_as_headers(officer, wave, businesses):
    from surveys.columns import COLUMNS

    by_header = {column.header: column.key for column in COLUMNS}
    rows = [{by_header.get(k, k): v for k, v in answer(b.nib).items()} for b in businesses]
    assert run_import(officer, wave, xlsx_bytes(rows), name="kunci.xlsx").status == "done"
    assert SurveyResponse.objects.count() == 3


def test_one_bad_row_among_ten_thousand(officer, wave, jabar):
    from programs.models import Business

    first = BusinessFactory(province=jabar)
    regency_id, sector_id = first.regency_id, first.sector_id
    Business.objects.bulk_create([
        Business(name=f"Usaha {i}", nib=f"{8200000000000 + i}", owner_name="X", regency_id=regency_id, province_id=jabar.pk, sector_id=sector_id, workforce=3, investment=0, scale="micro")
        for i in range(9999)
    ])
    rows = [answer(first.nib)] + [answer(f"{8200000000000 + i}") for i in range(9999)]
    rows[5000]["Tenaga kerja dirumahkan"] = 50  # more than the 10 workers before
    record = refused(officer, wave, csv_bytes(rows), "besar.csv", "melebihi tenaga kerja sebelum")
    assert record.error_count == 1 and record.errors[0]["row"] == 5002


def test_same_business_twice_in_one_file(officer, wave, businesses):
    rows = [answer(businesses[0].nib), answer(businesses[1].nib), answer(businesses[0].nib)]
    record = refused(officer, wave, csv_bytes(rows), "ganda.csv", "muncul lagi di baris 4")
    assert {error["row"] for error in record.errors} == {2, 4}


def test_text_in_number_columns(officer, wave, businesses):
    rows = [answer(b.nib) for b in businesses]
    rows[0]["Tenaga kerja sebelum"] = "sepuluh"
    rows[1]["Omzet bulan laporan (Rp)"] = "1.5"
    record = refused(officer, wave, csv_bytes(rows), "teks.csv", "Tulis bilangan bulat")
    assert {(error["row"], error["column"]) for error in record.errors} == {(2, "workers_before"), (3, "turnover_after")}


def test_formula_cells_are_never_evaluated(officer, wave, businesses):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    row = answer(businesses[0].nib)
    sheet.append(list(row))
    values = list(row.values())
    values[list(row).index("Omzet bulan dasar (Rp)")] = "=1+1"
    sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Only a value Excel saved with the formula could be read; this one has none.
    refused(officer, wave, buffer.getvalue(), "rumus.xlsx", "Wajib diisi")


def test_formula_text_stays_text_in_the_error_report(officer, wave, businesses):
    rows = [answer(b.nib) for b in businesses]
    rows[0]["Catatan"] = "=HYPERLINK(\"http://contoh.invalid\",\"klik\")"
    rows[0]["Tenaga kerja sebelum"] = "x"
    record = refused(officer, wave, csv_bytes(rows), "rumus.csv", "Tulis bilangan bulat")
    report = openpyxl.load_workbook(record.error_report.path).active
    cells = [cell for row in report.iter_rows() for cell in row]
    assert any(cell.value == rows[0]["Catatan"] and cell.data_type == "s" for cell in cells)
    assert not any(cell.data_type == "f" for cell in cells)


def test_closed_wave_refuses_the_file(officer, db, businesses):
    closed = make_wave("2020-06", status="closed")
    refused(officer, closed, csv_bytes([answer(businesses[0].nib)]), "tutup.csv", "tidak menerima jawaban")


def test_verified_rows_are_locked(officer, wave, businesses):
    assert run_import(officer, wave, csv_bytes([answer(businesses[0].nib)])).status == "done"
    SurveyResponse.objects.update(status="verified")
    refused(officer, wave, csv_bytes([answer(businesses[0].nib, **{"Omzet bulan laporan (Rp)": "1.000"})]), "ulang.csv", "terkunci", nothing_written=False)
    assert SurveyResponse.objects.get().turnover_after == 10_000_000


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "Ini bukan berkas teks. Unggah templat .xlsx atau berkas CSV."),  # a photo renamed .csv
    (b"PK\x03\x04" + b"\x00\xff" * 300, "Berkas Excel rusak dan tidak dapat dibuka."),  # a workbook (zip) renamed .csv
])
def test_a_binary_file_renamed_csv_gets_its_own_message(officer, wave, data, message):
    """Not the generic "error on our side" (issue 12, point 6)."""
    assert refused(officer, wave, data, "survei.csv", message).message == message
