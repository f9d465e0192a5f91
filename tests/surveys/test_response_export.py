"""Raw responses export (issue 12, point 5): the response list with its filters as CSV
(streamed, ';' for Excel in Indonesian) and XLSX (a worker job with progress), scoped, with
personal data only for those allowed."""
import io

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from programs.exports import export_run
from programs.models import ExportJob
from surveys.models import SurveyResponse
from tests.factories import BusinessFactory, make_responses, make_wave


@pytest.fixture
def wave(db, jabar, kalsel):
    wave = make_wave()
    make_responses(wave, [BusinessFactory(province=jabar, phone="+6281299900011", owner_name="Siti Jabar") for _ in range(4)]
                   + [BusinessFactory(province=kalsel, name="Sasirangan Kalsel") for _ in range(3)], seed=5)
    return wave


def csv_frame(client, wave, query=""):
    reply = client.get(reverse("survey-response-export-csv", args=[wave.code]) + query)
    assert reply.status_code == 200
    text = b"".join(reply.streaming_content).decode("utf-8-sig")
    return pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)


def test_officer_gets_their_province_with_the_lists_filters(client, officer, wave):
    client.force_login(officer)
    frame = csv_frame(client, wave)
    expected = SurveyResponse.objects.filter(wave=wave, province__code="32")
    assert sorted(frame["ID jawaban"].astype(int)) == sorted(expected.values_list("pk", flat=True))
    assert set(frame["Kode provinsi"]) == {"32"}
    # Figures as stored, labels for codes.
    first = expected.order_by("pk").first()
    row = frame[frame["ID jawaban"].astype(int) == first.pk].iloc[0]
    assert int(row["Omzet bulan dasar (Rp)"]) == first.turnover_before
    assert row["Status operasi"] == first.get_operating_status_display()
    # The list's filters narrow the file.
    status = first.operating_status
    narrowed = csv_frame(client, wave, f"?operating_status={status}")
    assert len(narrowed) == expected.filter(operating_status=status).count()


def test_personal_data_only_for_those_allowed(client, officer, staff_user, wave):
    client.force_login(officer)  # officers of the province may see it
    assert "Siti Jabar" in set(csv_frame(client, wave)["Nama pemilik"])
    client.force_login(staff_user)  # ministry staff read figures, not owners' phones
    frame = csv_frame(client, wave)
    assert "Nama pemilik" not in frame.columns and "Telepon" not in frame.columns
    assert len(frame) == 7


def test_owners_cannot_export(client, owner, wave):
    client.force_login(owner)
    assert client.get(reverse("survey-response-export-csv", args=[wave.code])).status_code in (403, 404)


def test_the_xlsx_job_holds_the_same_rows(client, officer, wave, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    reply = client.post(reverse("survey-response-export-xlsx", args=[wave.code]) + "?province=32")
    job = ExportJob.objects.get()
    assert reply["Location"] == reverse("export-detail", args=[job.pk])
    assert job.kind == "survey-responses" and job.params == {"province": ["32"], "wave": [wave.code]}
    job = export_run(job_id=job.pk)
    assert job.status == "done", job.error
    with job.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).worksheets[0]
    assert sheet.title == "Jawaban"
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(SurveyResponse.objects.filter(wave=wave, province__code="32").values_list("pk", flat=True))
    page = client.get(reverse("export-detail", args=[job.pk])).content.decode()
    assert "Ekspor jawaban survei (XLSX)" in page
    assert reverse("survey-response-list", args=[wave.code]) in page


def test_the_response_list_offers_the_downloads_with_its_filters(client, officer, wave):
    client.force_login(officer)
    text = client.get(reverse("survey-response-list", args=[wave.code]) + "?status=draft&page=1").content.decode()
    assert reverse("survey-response-export-csv", args=[wave.code]) + "?status=draft" in text
