"""``POST /api/v1/partner-reports/`` (issue 14): a partner report uploaded through the API is
checked like the upload page's, queued as a job and answered 202 with the job's status URL;
reading the job shows its status, counts and, when rejected, the rows to correct."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.imports import import_run
from marketplace.models import Marketplace, PartnerReport
from tests.factories import BusinessFactory

from .conftest import csv_bytes, seller
from .test_api import client_for

URL = "/api/v1/partner-reports/"


def upload(user, *, rows=None, name="laporan-juli.csv", data=None, **fields):
    payload = data if data is not None else csv_bytes(rows or [seller()])
    body = {"marketplace": "tokopedia", "month": "2020-07", "file": SimpleUploadedFile(name, payload, content_type="text/csv"), **fields}
    return client_for(user).post(URL, body, format="multipart")


def test_an_officer_uploads_a_report_and_follows_the_job(officer, jabar, django_capture_on_commit_callbacks):
    business = BusinessFactory(name="Batik Jabar", nib="8120000000032", province=jabar)
    with django_capture_on_commit_callbacks() as queued:
        response = upload(officer, rows=[seller(nib=business.nib), seller(name="Toko Baru Sekali", shop="TBS", regency="32.73")])
    assert response.status_code == 202, response.json()
    body = response.json()
    record = PartnerReport.objects.get()
    assert body["id"] == record.pk and body["status"] == "queued" and body["province"] == "32" and body["month"] == "2020-07-01"
    assert response["Location"] == body["url"] and body["url"].endswith(f"{URL}{record.pk}/")
    assert len(queued) == 1  # the job is sent to a worker once the upload commits
    import_run(import_id=record.pk)  # what the worker does (the page's test runs a real one)
    job = client_for(officer).get(body["url"]).json()
    assert job["status"] == "done", job["message"]
    assert (job["rows_total"], job["rows_matched"], job["rows_created"], job["rows_queued"]) == (2, 1, 1, 1)
    assert job["error_report"] is None


def test_a_rejected_report_links_the_rows_to_correct(staff_user):
    response = upload(staff_user, rows=[seller(shop_url="bukan url")])
    import_run(import_id=response.json()["id"])
    job = client_for(staff_user).get(response.json()["url"]).json()
    assert job["status"] == "rejected" and job["error_count"] == 1 and job["province"] is None  # a ministry upload covers the country
    assert job["errors"][0]["row"] == 2 and job["errors"][0]["column"] == "shop_url"
    download = client_for(staff_user).get(job["error_report"])
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == 2 and "shop_url" in sheet.cell(row=2, column=2).value


def test_a_report_without_errors_has_no_error_report(officer, jabar):
    response = upload(officer)
    assert client_for(officer).get(f"{URL}{response.json()['id']}/error-report/").status_code == 404


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"marketplace": "lazada-x"}, "marketplace", "tokopedia"),  # the known codes are listed
    ({"name": "laporan.pdf"}, "file", "bukan lembar kerja"),
    ({"month": "2999-01"}, "month", "masa depan"),
    ({"month": "Juli"}, "month", "2020-06"),
    ({"data": b""}, "file", "kosong"),
])
def test_bad_uploads_are_refused_with_a_field_message(officer, jabar, fields, field, words):
    response = upload(officer, **fields)
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not PartnerReport.objects.exists()


def test_a_file_too_big_is_refused_before_it_is_kept(officer, jabar, settings):
    settings.PARTNER_REPORT_MAX_BYTES = 1024 * 1024
    response = upload(officer, data=csv_bytes([seller()]) + b"x" * (1024 * 1024))
    assert response.status_code == 400 and "lebih besar dari 1 MB" in " ".join(response.json()["file"])
    assert not PartnerReport.objects.exists()


def test_an_inactive_marketplace_is_refused_like_on_the_page(officer, jabar):
    Marketplace.objects.filter(code="tokopedia").update(active=False)
    response = upload(officer)
    assert response.status_code == 400 and "marketplace" in response.json()


def test_the_file_must_be_sent_as_a_file(officer, jabar):
    response = client_for(officer).post(URL, {"marketplace": "tokopedia", "month": "2020-07", "file": "Nama Usaha;Nama Toko"}, format="json")
    assert response.status_code == 400 and "file" in response.json()


def test_only_those_who_may_add_reports_upload(owner, db):
    assert upload(owner).status_code == 403
    assert upload(None).status_code == 401
    assert not PartnerReport.objects.exists()


def test_an_officer_does_not_see_another_provinces_report(officer, other_officer, jabar, kalsel):
    record_id = upload(other_officer).json()["id"]
    assert client_for(officer).get(f"{URL}{record_id}/").status_code == 404
    assert client_for(officer).get(f"{URL}{record_id}/error-report/").status_code == 404
