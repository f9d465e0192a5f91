"""Uploads are checked whole: with any error nothing is written; re-uploads update, never duplicate."""
import io

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from surveys.imports import import_run
from surveys.models import SurveyImport, SurveyResponse
from tests.factories import BusinessFactory, make_wave


def csv_bytes(rows, sep=","):
    return pd.DataFrame(rows).to_csv(index=False, sep=sep).encode("utf-8-sig")


def run_import(user, wave, data, name="survei.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    record = SurveyImport(wave=wave, user=user, original_name=name)
    record.file.save(name, SimpleUploadedFile(name, data), save=False)
    record.save()
    return import_run(import_id=record.pk)


def answer(nib, **overrides):
    row = {"NIB": nib, "Omzet bulan dasar (Rp)": "25.000.000", "Omzet bulan laporan (Rp)": "Rp 10.000.000",
           "Tenaga kerja sebelum": 10, "Tenaga kerja sesudah": 7, "Tenaga kerja dirumahkan": 3,
           "Status operasi": "reduced", "Masalah yang dihadapi": "demand; raw-material", "Bantuan yang dibutuhkan": "marketplace"}
    row.update(overrides)
    return row


@pytest.fixture
def wave(db):
    return make_wave()


@pytest.fixture
def jabar_businesses(jabar):
    return [BusinessFactory(province=jabar) for _ in range(3)]


def test_valid_file_is_written_and_reupload_updates(officer, wave, jabar_businesses):
    rows = [answer(business.nib) for business in jabar_businesses]
    record = run_import(officer, wave, csv_bytes(rows, sep=";"))
    assert record.status == "done", (record.message, record.errors)
    assert (record.rows_created, record.rows_updated) == (3, 0)
    response = SurveyResponse.objects.get(business=jabar_businesses[0])
    assert response.turnover_before == 25_000_000 and response.turnover_after == 10_000_000
    assert response.problems == ["demand", "raw-material"] and response.channel == "upload"
    assert response.province_id == jabar_businesses[0].province_id and response.history.count() == 1

    rows[0]["Omzet bulan laporan (Rp)"] = "12.500.000"
    again = run_import(officer, wave, csv_bytes(rows))
    assert (again.rows_created, again.rows_updated) == (0, 3)
    assert SurveyResponse.objects.count() == 3
    response.refresh_from_db()
    assert response.turnover_after == 12_500_000 and response.history.count() == 2


def test_one_bad_row_writes_nothing_and_is_reported(officer, wave, jabar_businesses):
    rows = [answer(business.nib) for business in jabar_businesses]
    rows[1]["Omzet bulan dasar (Rp)"] = "dua puluh juta"
    record = run_import(officer, wave, csv_bytes(rows))
    assert record.status == "rejected"
    assert SurveyResponse.objects.count() == 0
    assert record.errors == [{"row": 3, "column": "turnover_before", "header": "Omzet bulan dasar (Rp)", "message": record.errors[0]["message"]}]
    report = pd.read_excel(record.error_report.path, engine="calamine")
    assert report.iloc[0, 0] == 3 and "turnover_before" in report.iloc[0, 1]


def test_another_provinces_business_is_refused(officer, wave, kalsel):
    foreign = BusinessFactory(province=kalsel)
    record = run_import(officer, wave, csv_bytes([answer(foreign.nib)]))
    assert record.status == "rejected" and "berada di luar provinsi Anda" in record.errors[0]["message"]
    assert not SurveyResponse.objects.exists()


def test_new_business_is_registered_from_the_row(officer, wave):
    row = answer("8120009876543", **{"Nama usaha": "Masker Kain Sejahtera", "Kode kabupaten/kota": "3273", "Sektor": "textiles-clothing-leather"})
    record = run_import(officer, wave, csv_bytes([row]))
    assert record.status == "done", record.errors
    response = SurveyResponse.objects.get()
    assert response.business.name == "Masker Kain Sejahtera" and response.business.regency.code == "32.73"


@pytest.mark.worker
def test_upload_page_runs_the_import_on_a_real_worker(client, transactional_db, django_db_serialized_rollback, celery_worker_process, jabar):
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories import make_user

    officer = make_user("officer", province=jabar, username="petugas.unggah")
    wave = make_wave()
    businesses = [BusinessFactory(province=jabar) for _ in range(5)]
    client.force_login(officer)
    upload = SimpleUploadedFile("survei.csv", csv_bytes([answer(b.nib) for b in businesses]), content_type="text/csv")
    response = client.post(reverse("survey-upload", args=[wave.code]), {"file": upload})
    record = SurveyImport.objects.get()
    assert response["Location"] == reverse("survey-import-detail", args=[record.pk])
    deadline = time.monotonic() + 30
    while record.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        record.refresh_from_db()
    assert record.status == "done", record.message
    assert SurveyResponse.objects.filter(wave=wave).count() == 5
    page = client.get(reverse("survey-import-detail", args=[record.pk])).content.decode()
    assert "5 baris tersimpan" in page
