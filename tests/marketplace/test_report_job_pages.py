"""A partner report's page, its retry and its row report — the upload-job views every upload
shares (programs.views.upload_jobs), seen from the partner report's side."""
import io

import openpyxl
import pytest

from marketplace.models import PartnerReport

from .conftest import run_report, seller


@pytest.fixture
def rejected(admin_user):
    record = run_report(admin_user, [seller(onboarded="31-02-2020")])
    assert record.status == "rejected"
    return record


def test_the_row_report_of_a_rejected_report_downloads_with_the_row_to_correct(client, admin_user, rejected):
    client.force_login(admin_user)
    response = client.get(f"/marketplace/reports/{rejected.pk}/errors.xlsx")
    assert response.status_code == 200
    assert f'filename="kesalahan-laporan-mitra-{rejected.pk}.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert any("31-02-2020" in str(cell.value) for row in sheet.iter_rows() for cell in row)


def test_a_report_without_errors_has_no_row_report(client, admin_user):
    done = run_report(admin_user, [seller(name="Usaha Baru", shop="Toko Baru")])
    assert done.status == "done"
    client.force_login(admin_user)
    assert client.get(f"/marketplace/reports/{done.pk}/errors.xlsx").status_code == 404


def test_a_failed_report_is_sent_again_and_a_finished_one_is_left_alone(client, admin_user, rejected):
    client.force_login(admin_user)
    PartnerReport.objects.filter(pk=rejected.pk).update(status=PartnerReport.Status.FAILED)
    page = client.post(f"/marketplace/reports/{rejected.pk}/retry/", follow=True)
    assert "sedang diperiksa ulang" in page.content.decode()
    # Queued again with the file it keeps (no need to upload it again).
    assert PartnerReport.objects.get(pk=rejected.pk).status == "queued"
    again = client.post(f"/marketplace/reports/{rejected.pk}/retry/", follow=True)
    assert "sedang diperiksa ulang" not in again.content.decode()


def test_the_status_part_alone_for_htmx(client, admin_user, rejected):
    client.force_login(admin_user)
    full = client.get(f"/marketplace/reports/{rejected.pk}/").content.decode()
    part = client.get(f"/marketplace/reports/{rejected.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full and "<html" not in part and part.strip()
