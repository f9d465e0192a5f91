"""Exports: scoped, filtered, personal data only for those allowed, formulas neutralised,
CSV streamed, XLSX built by a real worker with progress."""
import io

import pandas as pd
import pytest
from django.urls import reverse

from programs.exports import export_run
from programs.models import ExportJob
from tests.factories import BusinessFactory


def csv_of(client, query=""):
    response = client.get(reverse("business-export-csv") + query)
    assert response.status_code == 200 and response.streaming
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return pd.read_csv(io.StringIO(content[1:]), dtype=str, keep_default_na=False)


@pytest.fixture
def rows(jabar, kalsel, owner):
    return {
        "jabar": BusinessFactory(province=jabar, name="Konveksi Jabar", nik="3273014501800001", owner=owner),
        "kalsel": BusinessFactory(province=kalsel, name="Sasirangan Kalsel", nik="6371014501800001"),
    }


@pytest.mark.parametrize(
    ("role", "names", "personal"),
    [
        ("ministry-admin", {"Konveksi Jabar", "Sasirangan Kalsel"}, True),
        ("ministry-staff", {"Konveksi Jabar", "Sasirangan Kalsel"}, False),
        ("officer", {"Konveksi Jabar"}, True),
        ("owner", {"Konveksi Jabar"}, True),
    ],
)
def test_csv_scope_and_personal_data(client, users_by_role, rows, role, names, personal):
    client.force_login(users_by_role[role])
    table = csv_of(client)
    assert set(table["Nama usaha"]) == names
    assert ("NIK" in table.columns) == personal and ("Telepon" in table.columns) == personal
    if personal:
        assert "3273014501800001" in set(table["NIK"])


def test_filters_apply(client, staff_user, rows):
    client.force_login(staff_user)
    assert list(csv_of(client, "?province=63")["Nama usaha"]) == ["Sasirangan Kalsel"]


def test_formulas_are_neutralised(client, officer, jabar):
    BusinessFactory(province=jabar, name='=HYPERLINK("http://contoh.invalid","klik")', main_products="-2+3")
    client.force_login(officer)
    table = csv_of(client)
    assert table["Nama usaha"][0] == '\'=HYPERLINK("http://contoh.invalid","klik")'
    assert table["Produk utama"][0] == "'-2+3"


def test_csv_does_not_query_per_row(client, officer, jabar, django_assert_max_num_queries):
    BusinessFactory.create_batch(30, province=jabar)
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        csv_of(client)


def test_anonymous_is_sent_to_login(client, db):
    assert client.get(reverse("business-export-csv")).status_code == 302


@pytest.mark.worker
def test_xlsx_by_a_real_worker(client, transactional_db, celery_worker_process, jabar, kalsel):
    from tests.factories import make_user

    officer = make_user("officer", province=jabar, username="petugas.xlsx")
    BusinessFactory.create_batch(5, province=jabar)
    BusinessFactory(province=kalsel, name="Tidak Boleh Ikut")
    client.force_login(officer)
    response = client.post(reverse("business-export-xlsx"), {"sector": "food-beverages"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export-detail", args=[job.pk])
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job.status == "done", job.error
    assert job.total_rows == job.done_rows == 5
    download = client.get(reverse("export-download", args=[job.pk]))
    table = pd.read_excel(io.BytesIO(b"".join(download.streaming_content)), engine="calamine")
    assert len(table) == 5 and "Tidak Boleh Ikut" not in set(table["Nama usaha"])
    keys = pd.read_excel(io.BytesIO(b"".join(client.get(reverse("export-download", args=[job.pk])).streaming_content)), sheet_name="Kolom", engine="calamine")
    assert "nib" in set(keys["Kunci"])


def test_failed_export_says_so(officer, monkeypatch, db):
    job = ExportJob.objects.create(user=officer, kind="businesses", params={})

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("programs.exports.business_rows", broken)
    job = export_run(job_id=job.pk)
    assert job.status == "failed" and "tidak dapat diselesaikan" in job.error


def test_other_users_export_is_404(client, officer, other_officer, db):
    job = ExportJob.objects.create(user=officer, kind="businesses", params={})
    client.force_login(other_officer)
    assert client.get(reverse("export-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("export-download", args=[job.pk])).status_code == 404
