"""Exports of the business list: scoped, filtered, personal data only for those allowed,
formulas neutralised, CSV streamed without a query per row, XLSX built by a real worker
with progress, jobs private to whoever asked for them."""
import io
import time
import zoneinfo

import openpyxl
import pandas as pd
import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from programs import exports
from programs.exports import BUSINESS_COLUMNS, PERSONAL_KEYS, export_params, export_run, neutralise
from programs.models import ExportJob, Sector
from tests.factories import BusinessFactory, UserFactory, make_user

ALL_KEYS = [column.key for column in BUSINESS_COLUMNS]
PUBLIC_KEYS = [key for key in ALL_KEYS if key not in PERSONAL_KEYS]


def headers_of(keys):
    """The Indonesian headers of these column keys, as the files carry them."""
    by_key = {column.key: column.header for column in BUSINESS_COLUMNS}
    with translation.override("id"):
        return [str(by_key[key]) for key in keys]


def csv_text(client, query=""):
    response = client.get(reverse("business-export-csv") + query)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return content[1:]


def csv_of(client, query=""):
    return pd.read_csv(io.StringIO(csv_text(client, query)), dtype=str, keep_default_na=False)


@pytest.fixture
def media(settings, tmp_path):
    """Export files of in-process runs go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def run_job(user, params=None):
    job = ExportJob.objects.create(user=user, kind="businesses", params=params or {})
    return export_run(job_id=job.pk)


def read_xlsx(job):
    with job.file.open("rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


# --- scope and personal data ------------------------------------------------------------------


@pytest.fixture
def rows(jabar, kalsel, owner):
    return {
        "own": BusinessFactory(province=jabar, name="Konveksi Jabar", nik="3273014501800001", phone="+6281234567890", owner=owner),
        "jabar": BusinessFactory(province=jabar, name="Batik Jabar", nik="3273014501800002"),
        "kalsel": BusinessFactory(province=kalsel, name="Sasirangan Kalsel", nik="6371014501800001"),
    }


@pytest.mark.parametrize(
    ("role", "names", "keys"),
    [
        ("ministry-admin", {"Konveksi Jabar", "Batik Jabar", "Sasirangan Kalsel"}, ALL_KEYS),
        ("ministry-staff", {"Konveksi Jabar", "Batik Jabar", "Sasirangan Kalsel"}, PUBLIC_KEYS),
        ("officer", {"Konveksi Jabar", "Batik Jabar"}, ALL_KEYS),
        ("owner", {"Konveksi Jabar"}, ALL_KEYS),
    ],
)
def test_csv_holds_exactly_the_roles_scope(client, users_by_role, rows, role, names, keys):
    client.force_login(users_by_role[role])
    text = csv_text(client)
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(table.columns) == headers_of(keys)
    assert set(table["Nama usaha"]) == names and len(table) == len(names)
    if keys is PUBLIC_KEYS:
        # Absent, not blanked: not a single NIK or phone anywhere in the file.
        for business in rows.values():
            assert business.nik not in text
        assert "6281234567890" not in text
    else:
        assert set(table["NIK"]) == {business.nik for business in rows.values() if business.name in names}


def test_owner_without_businesses_exports_nothing(client, rows):
    client.force_login(make_user("owner", username="tanpa.usaha"))
    table = csv_of(client)
    assert len(table) == 0
    assert "NIK" in table.columns


def test_user_without_role_may_not_export(client, rows):
    client.force_login(UserFactory(username="tanpa.peran"))
    assert client.get(reverse("business-export-csv")).status_code == 403


def test_values_use_codes_names_and_local_time(client, other_officer, kalsel):
    business = BusinessFactory(province=kalsel, is_exporter=True, export_destinations=["MY", "SG"], kbli_code="13134", year_founded=2015)
    client.force_login(other_officer)
    row = csv_of(client).iloc[0]
    assert row["ID"] == str(business.pk)
    assert row["Kode provinsi"] == "63" and row["Provinsi"] == "Kalimantan Selatan"
    assert row["Kode kabupaten/kota"] == business.regency.code and row["Kode sektor"] == "food-beverages"
    assert row["Negara tujuan ekspor"] == "MY, SG" and row["Eksportir"] == "Ya"
    assert row["Tenaga kerja"] == "5" and row["Nilai investasi (Rp)"] == "250000000" and row["Tahun berdiri"] == "2015"
    # Kalimantan Selatan keeps WITA: the officer's own clock, not Jakarta's.
    local = timezone.localtime(business.created_at, zoneinfo.ZoneInfo(kalsel.timezone))
    assert row["Didaftarkan pada"] == f"{local:%Y-%m-%d %H:%M}"


def test_files_keep_indonesian_headers_in_the_english_ui(client, staff_user, rows):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff_user)
    assert list(csv_of(client).columns) == headers_of(PUBLIC_KEYS)


# --- filters -----------------------------------------------------------------------------------


def test_filters_apply(client, staff_user, jabar, kalsel):
    BusinessFactory(province=jabar, name="Masker Bandung", is_exporter=True, export_destinations=["MY"])
    BusinessFactory(province=jabar, name="Keripik Bandung", status="temporarily-closed")
    BusinessFactory(province=kalsel, name="Sasirangan Banjar")
    client.force_login(staff_user)

    def names(query):
        return set(csv_of(client, query)["Nama usaha"])

    assert names("") == {"Masker Bandung", "Keripik Bandung", "Sasirangan Banjar"}
    assert names("?province=63") == {"Sasirangan Banjar"}
    assert names("?province=32&is_exporter=true") == {"Masker Bandung"}
    assert names("?status=temporarily-closed") == {"Keripik Bandung"}
    assert names("?q=bandung") == {"Masker Bandung", "Keripik Bandung"}
    assert names("?sector=food-beverages&page=3") == {"Masker Bandung", "Keripik Bandung", "Sasirangan Banjar"}
    # As on the list page, a filter that does not validate shows nothing (not everything).
    assert names("?province=99") == set()


def test_an_officer_cannot_widen_the_scope_by_filter(client, officer, rows):
    client.force_login(officer)
    assert len(csv_of(client, "?province=63")) == 0


def test_export_params_keep_only_the_filters():
    from django.http import QueryDict

    query = QueryDict("province=32&page=4&csrfmiddlewaretoken=x&q=&sector=food-beverages&utm=1")
    assert export_params(query) == {"province": ["32"], "sector": ["food-beverages"]}


# --- formula injection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("+6281234567890", "+6281234567890"),  # a phone in E.164 is a number, not a formula
        ("Batik Tulis", "Batik Tulis"),
        (250_000_000, 250_000_000),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_neutralises_formulas_and_keeps_numbers(client, officer, jabar):
    BusinessFactory(province=jabar, name='=HYPERLINK("x")', main_products="-2+3", address="@SUM(A1)", owner_name="+Tamu")
    client.force_login(officer)
    row = csv_of(client).iloc[0]
    assert row["Nama usaha"] == '\'=HYPERLINK("x")'
    assert row["Produk utama"] == "'-2+3" and row["Alamat"] == "'@SUM(A1)" and row["Nama pemilik"] == "'+Tamu"
    assert row["Tenaga kerja"] == "5" and row["Nilai investasi (Rp)"] == "250000000"


def test_xlsx_neutralises_formulas_and_keeps_numbers(officer, jabar, media):
    BusinessFactory(province=jabar, name='=HYPERLINK("x")', main_products="\t=1+1", phone="+6281234567890", year_founded=2015)
    job = run_job(officer)
    assert job.status == "done", job.error
    sheet = read_xlsx(job).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2]))
    assert row["Nama usaha"].value == '\'=HYPERLINK("x")' and row["Nama usaha"].data_type == "s"
    assert row["Produk utama"].value == "'\t=1+1"
    assert row["Telepon"].value == "+6281234567890" and row["Telepon"].data_type == "s"
    for number in ("ID", "Tenaga kerja", "Nilai investasi (Rp)", "Tahun berdiri"):
        assert row[number].data_type == "n" and isinstance(row[number].value, int)
    assert row["Nilai investasi (Rp)"].value == 250_000_000
    assert row["Didaftarkan pada"].is_date


# --- XLSX contents, progress and failure ---------------------------------------------------------


def test_xlsx_carries_headers_and_machine_keys(staff_user, rows, media):
    job = run_job(staff_user)
    book = read_xlsx(job)
    assert book.sheetnames == ["Daftar usaha", "Kolom"]
    data, keys = book["Daftar usaha"], book["Kolom"]
    assert [cell.value for cell in data[1]] == headers_of(PUBLIC_KEYS)
    assert data.max_row == 1 + 3
    mapping = [(header.value, key.value) for header, key in keys.iter_rows(min_row=2)]
    assert [cell.value for cell in keys[1]] == ["Judul kolom", "Kunci"]
    assert mapping == list(zip(headers_of(PUBLIC_KEYS), PUBLIC_KEYS))
    # The keys are the API's field names (or, for a related record's name, ``<field>_name``).
    from programs.api.serializers import BusinessSerializer

    api_fields = set(BusinessSerializer.Meta.fields)
    assert all(key in api_fields or key.removesuffix("_name") in api_fields for key in ALL_KEYS)


def test_xlsx_reports_progress_as_it_writes(officer, jabar, media, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    BusinessFactory.create_batch(5, province=jabar)
    job = ExportJob.objects.create(user=officer, kind="businesses", params={})
    with CaptureQueriesContext(connection) as queries:
        job = export_run(job_id=job.pk)
    progress_updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "programs_exportjob" SET "done_rows"')]
    assert len(progress_updates) == 2  # after rows 2 and 4, each its own UPDATE
    assert job.status == "done" and job.total_rows == job.done_rows == 5 and job.progress == 1.0
    assert job.started_at and job.finished_at and job.file.name.endswith(".xlsx")


def test_failed_export_says_so(officer, jabar, media, monkeypatch, caplog, client):
    BusinessFactory(province=jabar)

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "_write_business_xlsx", broken)
    job = run_job(officer)
    assert job.status == "failed" and not job.file and job.finished_at
    assert "tidak dapat diselesaikan" in job.error and str(job.pk) in job.error
    assert "No space left on device" not in job.error  # the user gets advice, the log gets the details
    assert "No space left on device" in caplog.text and "Traceback" in caplog.text
    client.force_login(officer)
    page = client.get(reverse("export-detail", args=[job.pk])).content.decode()
    assert job.error in page and "hx-trigger" not in page
    assert client.get(reverse("export-download", args=[job.pk])).status_code == 404


def test_too_many_rows_for_a_sheet_fail_with_advice(officer, jabar, media, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    BusinessFactory.create_batch(3, province=jabar)
    job = run_job(officer)
    assert job.status == "failed" and "CSV" in job.error and not job.file


def test_a_finished_job_is_not_run_again(officer, media):
    job = ExportJob.objects.create(user=officer, kind="businesses", status="failed", error="x")
    assert export_run(job_id=job.pk).error == "x"
    assert export_run(job_id=job.pk + 1000) is None


# --- pages ------------------------------------------------------------------------------------------


def test_xlsx_button_queues_a_job_after_commit(client, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    url = reverse("business-export-xlsx") + "?province=32&page=2&q=batik"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export-detail", args=[job.pk])
    assert len(callbacks) == 1
    assert (job.user, job.kind, job.file_format, job.status) == (officer, "businesses", "xlsx", "queued")
    assert job.params == {"q": ["batik"], "province": ["32"]}
    # A double click does not start the same export twice.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(url)["Location"] == reverse("export-detail", args=[job.pk])
    assert not callbacks and ExportJob.objects.count() == 1


def test_xlsx_needs_a_post(client, officer):
    client.force_login(officer)
    assert client.get(reverse("business-export-xlsx")).status_code == 405


def test_job_page_polls_until_the_job_ends(client, officer):
    job = ExportJob.objects.create(user=officer, kind="businesses", status="running", total_rows=8000, done_rows=2000)
    client.force_login(officer)
    page = client.get(reverse("export-detail", args=[job.pk])).content.decode()
    assert "<html" in page
    assert f'hx-get="{reverse("export-progress", args=[job.pk])}"' in page and 'hx-trigger="every 2s"' in page
    assert 'class="progress"' in page and 'data-width="25"' in page and 'aria-valuenow="25"' in page

    partial = client.get(reverse("export-progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'hx-trigger="every 2s"' in partial

    ExportJob.objects.filter(pk=job.pk).update(status="done", done_rows=8000, file="exports/x.xlsx")
    partial = client.get(reverse("export-progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and reverse("export-download", args=[job.pk]) in partial


def test_download_serves_the_file(client, officer, jabar, media):
    BusinessFactory(province=jabar)
    job = run_job(officer)
    client.force_login(officer)
    response = client.get(reverse("export-download", args=[job.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert len(pd.read_excel(io.BytesIO(b"".join(response.streaming_content)), engine="openpyxl")) == 1


def test_my_exports_lists_only_my_jobs(client, officer, other_officer):
    mine = ExportJob.objects.create(user=officer, kind="businesses")
    theirs = ExportJob.objects.create(user=other_officer, kind="businesses")
    client.force_login(officer)
    page = client.get(reverse("export-list")).content.decode()
    assert reverse("export-detail", args=[mine.pk]) in page
    assert reverse("export-detail", args=[theirs.pk]) not in page


@pytest.mark.parametrize("name", ["export-detail", "export-progress", "export-download"])
def test_another_users_job_is_404(client, officer, other_officer, admin_user, name):
    job = ExportJob.objects.create(user=officer, kind="businesses", status="done", file="exports/x.xlsx")
    for stranger in (other_officer, admin_user):  # files may hold personal data: not even admins
        client.force_login(stranger)
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "business-export-csv", []),
        ("post", "business-export-xlsx", []),
        ("get", "export-list", []),
        ("get", "export-detail", [1]),
        ("get", "export-progress", [1]),
        ("get", "export-download", [1]),
    ],
)
def test_anonymous_is_sent_to_login(client, db, method, name, args):
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ExportJob.objects.count() == 0


def test_buttons_carry_the_lists_query_string(rf, officer):
    request = rf.get("/businesses/")
    request.user = officer
    html = render_to_string("programs/includes/export_buttons.html", {"querystring": "province=32&sector=food-beverages"}, request=request)
    assert f'href="{reverse("business-export-csv")}?province=32&amp;sector=food-beverages"' in html
    assert f'action="{reverse("business-export-xlsx")}?province=32&amp;sector=food-beverages"' in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html


# --- size ---------------------------------------------------------------------------------------------


def test_csv_does_not_query_per_row(client, officer, jabar, django_assert_max_num_queries):
    client.force_login(officer)
    BusinessFactory(province=jabar)
    with CaptureQueriesContext(connection) as one_row:
        csv_text(client)
    BusinessFactory.create_batch(40, province=jabar)
    with django_assert_max_num_queries(len(one_row)):
        assert len(csv_of(client)) == 41


def test_csv_streams_in_chunks(client, officer, jabar, monkeypatch):
    monkeypatch.setattr(exports, "CSV_ROWS_PER_CHUNK", 2)
    BusinessFactory.create_batch(5, province=jabar)
    client.force_login(officer)
    response = client.get(reverse("business-export-csv"))
    chunks = list(response.streaming_content)
    assert len(chunks) == 3  # BOM, header and rows 1-2; rows 3-4; row 5
    assert chunks[0].startswith(b"\xef\xbb\xbf") and chunks[2].count(b"\n") == 1
    assert "no-store" in response["Cache-Control"] and response["X-Accel-Buffering"] == "no"


# --- a real worker ------------------------------------------------------------------------------------


@pytest.mark.worker
def test_xlsx_by_a_real_worker(client, transactional_db, django_db_serialized_rollback, celery_worker_process, jabar, kalsel):
    officer = make_user("officer", province=jabar, username="petugas.xlsx")
    BusinessFactory.create_batch(5, province=jabar)
    BusinessFactory(province=jabar, name="Sektor Lain", sector=Sector.objects.exclude(slug="food-beverages").first())
    BusinessFactory(province=kalsel, name="Tidak Boleh Ikut")
    client.force_login(officer)
    response = client.post(reverse("business-export-xlsx") + "?sector=food-beverages")
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export-detail", args=[job.pk])

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job.status == "done", job.error
    assert job.total_rows == job.done_rows == 5 and job.progress == 1.0
    try:
        download = client.get(reverse("export-download", args=[job.pk]))
        content = b"".join(download.streaming_content)
        table = pd.read_excel(io.BytesIO(content), sheet_name=None, dtype={"NIK": str}, engine="openpyxl")
        businesses, keys = table["Daftar usaha"], table["Kolom"]
        assert list(businesses.columns) == headers_of(ALL_KEYS)
        assert len(businesses) == 5 and set(businesses["Kode provinsi"].astype(str)) == {"32"}
        assert "Tidak Boleh Ikut" not in set(businesses["Nama usaha"]) and "Sektor Lain" not in set(businesses["Nama usaha"])
        assert list(keys["Kunci"]) == ALL_KEYS
    finally:
        job.file.delete(save=False)
