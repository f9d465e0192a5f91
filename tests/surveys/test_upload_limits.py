"""Uploads that cannot exhaust a worker: a file repeating one business, a workbook whose only
cell sits at XFD1048576, CSVs in UTF-16 and Shift-JIS, a CSV 100,000 columns wide. Each is
rejected with a clear message, in bounded time and memory, and nothing is written."""
import io
import re
import subprocess
import sys
import time
import zipfile

import pandas as pd
import pytest

from surveys.models import SurveyImport, SurveyResponse
from tests.conftest import ROOT, subprocess_env
from tests.factories import BusinessFactory, make_user, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes
from tests.surveys.test_import_pipeline import run_import as run_import_untimed


def run_import(officer, wave, data, name):
    """The import, which must end (not hang or crash the worker) within 5 s for these files."""
    started = time.perf_counter()
    record = run_import_untimed(officer, wave, data, name=name)
    assert time.perf_counter() - started < 5, f"{name}: {time.perf_counter() - started:.1f} s"
    return record


# manage.py import_survey in a process of its own that reports its own peak memory: VmHWM of
# its address space (ru_maxrss would count the test process's memory at the fork, which Linux
# carries over the exec).
MEASURED_COMMAND = """
import re, runpy, sys
sys.argv = ["manage.py", "import_survey", *sys.argv[1:]]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    status = open("/proc/self/status").read()
    print("PEAK_KB", re.search(r"VmHWM:\\s+(\\d+)", status).group(1), flush=True)
"""


@pytest.fixture
def wave(db):
    return make_wave()


def test_a_file_repeating_one_business_is_rejected_in_bounded_time_and_memory(transactional_db, django_db_serialized_rollback, jabar, tmp_path, settings):
    """20,000 rows of one business: it took 123 s and 10 GB when every row's message listed
    every other row. Run as the worker runs it, in a process of its own, to measure it."""
    wave = make_wave()
    business = BusinessFactory(province=jabar)
    officer = make_user("officer", province=jabar, username="petugas.ulang")
    path = tmp_path / "ulang.csv"
    path.write_bytes(csv_bytes([answer(business.nib) for _ in range(20_000)]))
    env = subprocess_env()
    settings.MEDIA_ROOT = env["MEDIA_ROOT"] = str(tmp_path / "media")
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", MEASURED_COMMAND, str(path), "--wave", wave.code, "--user", officer.username],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    seconds = time.perf_counter() - started
    peak_mb = int(re.search(r"PEAK_KB (\d+)", finished.stdout).group(1)) / 1024
    print(f"20,000 repeated rows: {seconds:.2f} s, peak {peak_mb:.0f} MB")
    assert finished.returncode != 0 and "20000 masalah di 20000 baris" in finished.stderr.replace(".", ""), finished.stderr[-2000:]
    assert seconds < 5, f"took {seconds:.1f} s"
    assert peak_mb < 300, f"peak {peak_mb:.0f} MB"
    record = SurveyImport.objects.get()
    assert record.status == "rejected" and record.error_count == 20_000
    assert len(record.errors) <= 500 and all(len(error["message"]) < 200 for error in record.errors)
    assert "dan 19.994 baris lain" in record.errors[0]["message"]
    assert not SurveyResponse.objects.exists()
    with record.error_report.open("rb") as handle:
        report = pd.read_excel(io.BytesIO(handle.read()), sheet_name=None, engine="calamine")
    assert len(report["Masalah"]) == 100  # the first rows of the kind; the summary counts them all
    assert report["Ringkasan"]["Baris"].tolist() == [20_000]


def _xlsx_with_a_cell_at_xfd1048576(*, declared=True):
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + ('<dimension ref="A1:XFD1048576"/>' if declared else "")
        + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>NIB</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Jawaban" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize("declared", [True, False], ids=["dimension-declared", "dimension-omitted"])
def test_a_workbook_with_a_cell_at_xfd1048576_is_refused_before_reading(officer, wave, declared):
    record = run_import(officer, wave, _xlsx_with_a_cell_at_xfd1048576(declared=declared), name="jauh.xlsx")
    assert record.status == "rejected", record.message
    assert "baris 1.048.576 dan kolom 16.384" in record.message
    assert not SurveyResponse.objects.exists()


def test_a_workbook_that_crashes_the_reader_fails_the_import_not_the_worker(officer, wave, monkeypatch):
    """Past the checks, the native reader's crash (SIGABRT) ends a child process: the
    import is rejected with a message and this process carries on."""
    from programs import spreadsheets

    monkeypatch.setattr(spreadsheets, "check_workbook", lambda data, max_rows: None)
    record = run_import(officer, wave, _xlsx_with_a_cell_at_xfd1048576(), name="jauh.xlsx")
    assert record.status == "rejected"
    assert "tidak dapat dibaca" in record.message
    assert not SurveyResponse.objects.exists()


def test_a_utf16_csv_is_read(officer, wave, jabar):
    businesses = [BusinessFactory(province=jabar) for _ in range(2)]
    text = pd.DataFrame([answer(b.nib) for b in businesses]).to_csv(index=False)
    for data in (text.encode("utf-16"), text.encode("utf-16-le")):
        SurveyResponse.objects.all().delete()
        record = run_import(officer, wave, data, name="excel-unicode.csv")
        assert record.status == "done", record.message
        assert SurveyResponse.objects.count() == 2


def test_a_shift_jis_csv_is_refused_naming_the_accepted_encodings(officer, wave):
    text = "NIB,名前,売上\n9120000000001,東京の工場,１０００\n" * 3
    record = run_import(officer, wave, text.encode("shift_jis"), name="jepang.csv")
    assert record.status == "rejected"
    assert "UTF-8, UTF-16, Windows-1252" in record.message
    assert "\x00" not in record.message


def test_a_csv_100000_columns_wide_is_refused_with_a_short_message(officer, wave):
    header = ",".join(f"kolom{index}" for index in range(100_000))
    record = run_import(officer, wave, (header + "\n" + "1," * 99_999 + "1\n").encode(), name="lebar.csv")
    assert record.status == "rejected"
    assert "100.000 kolom" in record.message and len(record.message) < 300


def test_unknown_columns_are_listed_up_to_twenty(officer, wave):
    header = ",".join(["NIB"] + [f"aneh{index}" for index in range(150)])
    record = run_import(officer, wave, (header + "\n" + "1," * 150 + "1\n").encode(), name="aneh.csv")
    assert record.status == "rejected"
    assert "dan 130 lainnya" in record.message and len(record.message) < 1000


def test_stored_messages_have_no_control_characters_and_are_capped():
    from programs.spreadsheets import clean_message

    assert clean_message("a\x00b\x07c") == "abc"
    assert len(clean_message("x" * 10_000)) == 500
