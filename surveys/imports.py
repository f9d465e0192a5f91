"""Spreadsheet uploads of survey responses: read, check whole, then write all or nothing.

One code path for the upload page (through a Celery task) and ``manage.py import_survey``.
"""
import csv
import io
import logging
import re

import pandas as pd
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.jobs import dispatch, run_job

from . import spreadsheets
from .columns import COLUMNS, map_headers
from .models import SurveyImport
from .services import EntryRefused, responses_check, responses_write, wave_entry_check
from .spreadsheets import SpreadsheetRefused

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = getattr(settings, "SURVEY_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
MAX_ROWS = getattr(settings, "SURVEY_IMPORT_MAX_ROWS", 200_000)
MAX_ERRORS_KEPT = 500


class FileRefused(Exception):
    """The file as a whole cannot be used (type, size, columns...): one message for the officer."""


def read_table(data, name):
    """Read an uploaded XLSX or CSV into a DataFrame of raw cells; index = spreadsheet row numbers."""
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(_("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    lowered = name.lower()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        # OLE2: an old .xls, or an .xlsx that Excel encrypted with a password.
        raise FileRefused(_("This is an old Excel (.xls) or password-protected workbook. Save it as an unprotected .xlsx or as CSV."))
    try:
        if data[:4] == b"PK\x03\x04" or lowered.endswith((".xlsx", ".xlsm")):
            frame = _read_xlsx(data)
        elif lowered.endswith((".csv", ".txt")) or _looks_like_text(data):
            frame = _read_csv(data)
        else:
            raise FileRefused(_("This is not a spreadsheet. Upload the .xlsx template or a CSV file."))
    except SpreadsheetRefused as refused:
        raise FileRefused(str(refused)) from None
    if frame.empty:
        raise FileRefused(_("The file has no data rows."))
    if len(frame) > MAX_ROWS:
        raise FileRefused(_("The file has %(rows)s rows; at most %(max)s are accepted at once.") % {"rows": len(frame), "max": MAX_ROWS})
    frame.index = range(2, len(frame) + 2)  # row 1 is the header
    return frame


def _looks_like_text(data):
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in sample


def _read_xlsx(data):
    # Measured first, then read where a crash of the native reader cannot take the worker
    # down (surveys.spreadsheets). calamine reads 100,000 rows in about 2 s (openpyxl ~15 s).
    spreadsheets.check_workbook(data, max_rows=MAX_ROWS)
    return spreadsheets.read_workbook(data).dropna(how="all")


def _read_csv(data):
    text = spreadsheets.decode_text(data)
    first_line = text.split("\n", 1)[0]
    # Excel in an Indonesian locale writes ';' (the comma is its decimal separator).
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    spreadsheets.check_header(first_line, separator)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise FileRefused(_("The CSV file cannot be read: %(problem)s") % {"problem": spreadsheets.clean_message(str(exc).splitlines()[0], 200)}) from None
    except pd.errors.EmptyDataError:
        raise FileRefused(_("The file is empty.")) from None
    return frame.dropna(how="all")


def to_keys(frame):
    """Rename headers to keys; refuse unknown, missing or repeated columns."""
    mapping, unknown, missing, repeated = map_headers(frame.columns)
    problems = []
    if unknown:
        problems.append(_("Unknown column(s): %(names)s.") % {"names": spreadsheets.name_list(unknown)})
    if missing:
        headers = {column.key: column.header for column in COLUMNS}
        problems.append(_("Missing column(s): %(names)s.") % {"names": spreadsheets.name_list([f"{headers[key]} ({key})" for key in missing])})
    if repeated:
        problems.append(_("Column(s) given twice: %(names)s.") % {"names": spreadsheets.name_list(repeated)})
    if problems:
        raise FileRefused(" ".join(problems + [_("Download the template to see the expected columns.")]))
    frame = frame[list(mapping)].rename(columns=mapping)
    # Formula cells arrive as text starting with '='; they are never evaluated.
    return frame


def import_start(*, user, wave, uploaded_file):
    """Keep the upload and its record, and queue the import (run at once without a worker)."""
    record = SurveyImport(wave=wave, user=user, original_name=uploaded_file.name[:255], province_id=getattr(getattr(user, "profile", None), "province_id", None))
    record.file.save(uploaded_file.name, uploaded_file, save=False)
    record.save()
    dispatch(record)
    return record


def import_retry(record):
    """Queue a failed import again (its file is kept); the attempts start over."""
    record.report(status=SurveyImport.Status.QUEUED, message="", attempts=0, dispatched_at=None, heartbeat_at=None, finished_at=None, rows_done=0)
    dispatch(record)
    return record


def import_run(*, import_id):
    """Run an import record to its end: ``done`` with every row written, or ``rejected`` with
    the list of (row, column, message) and an XLSX report of the offending rows. An import
    already final (a message delivered again) is left as it is."""
    return run_job(SurveyImport, import_id, _import_run)


def _import_run(record):
    record = SurveyImport.objects.select_related("wave", "user").get(pk=record.pk)
    stage = _stage_reporter(record)
    stage(_("Reading the file…"), 0.05)
    try:
        with record.file.open("rb") as handle:
            data = handle.read()
        wave_entry_check(wave=record.wave, user=record.user)
        raw = read_table(data, record.original_name)
        record.rows_total = len(raw)
        record.report(rows_total=record.rows_total)
        frame = to_keys(raw)
        stage(_("Checking %(rows)s rows…") % {"rows": f"{len(raw):,}".replace(",", ".")}, 0.3)
        result = responses_check(frame, wave=record.wave, user=record.user)
        if not result.ok:
            return _reject(record, raw, result.errors)
        stage(_("Writing %(rows)s rows…") % {"rows": f"{len(raw):,}".replace(",", ".")}, 0.7)
        from .signals import responses_changed

        with transaction.atomic():
            created, updated = responses_write(result, wave=record.wave, user=record.user, channel="upload", reason=f"import {record.pk}")
            responses_changed(wave=record.wave, province_ids=[record.province_id] if record.province_id else None)
    except (FileRefused, EntryRefused) as refused:
        return _finish(record, SurveyImport.Status.REJECTED, message=str(refused))
    except SoftTimeLimitExceeded:
        return _finish(record, SurveyImport.Status.FAILED, message=_("The import took longer than %(minutes)s minutes and was stopped; nothing was written. Split the file into smaller ones and upload them one by one.") % {"minutes": settings.JOB_TIME_LIMIT // 60})
    except Exception:
        logger.exception("survey import %s failed", record.pk)
        return _finish(record, SurveyImport.Status.FAILED, message=_("The import stopped because of an error on our side; nothing was written. Try again, or contact the helpdesk."))
    record.rows_created, record.rows_updated = created, updated
    return _finish(record, SurveyImport.Status.DONE, rows_done=created + updated, message=_("%(rows)s rows written: %(created)s new, %(updated)s updated.") % {"rows": created + updated, "created": created, "updated": updated})


def _stage_reporter(record):
    """Tell the progress page what the import is doing (a separate UPDATE, seen at once)."""

    def report(message, fraction):
        record.report(status=SurveyImport.Status.RUNNING, message=message, rows_done=int((record.rows_total or 0) * fraction))

    return report


def _reject(record, raw, errors):
    """Keep a bounded account of the errors: every error is counted, but only the first
    ``MAX_ROWS_PER_KIND`` rows of each kind are listed and put in the report, so a file
    with the same mistake on 200,000 rows gives a report of a few hundred."""
    ordered = sorted(errors, key=lambda error: (error[0], error[1] or ""))
    kept, per_kind = [], {}  # kind → [rows, an example]
    for row, column, message in ordered:
        message = spreadsheets.clean_message(message)
        kind = per_kind.setdefault((column, _DIGITS.sub("#", message)), [0, message])
        kind[0] += 1
        if kind[0] <= MAX_ROWS_PER_KIND:
            kept.append((row, column, message))
    record.error_count = len(ordered)
    headers = {column.key: column.header for column in COLUMNS}
    record.errors = [
        {"row": int(row), "column": column or "", "header": headers.get(column, column or ""), "message": message}
        for row, column, message in kept[:MAX_ERRORS_KEPT]
    ]
    summary = [(headers.get(column, column or ""), example, count) for (column, _pattern), (count, example) in per_kind.items()]
    record.error_report.save(f"import-{record.pk}-errors.xlsx", ContentFile(error_report_xlsx(raw, kept, summary=summary)), save=False)
    rows = len({row for row, _column, _message in ordered})
    return _finish(
        record, SurveyImport.Status.REJECTED,
        message=_("%(errors)s problem(s) in %(rows)s row(s); nothing was written. Correct them and upload the file again.") % {"errors": len(ordered), "rows": rows},
    )


#: Rows listed (on the page and in the report) per kind of error; all are counted.
MAX_ROWS_PER_KIND = 100
_DIGITS = re.compile(r"\d[\d.,]*")


def _finish(record, status, *, message, rows_done=None):
    record.status = status
    record.message = spreadsheets.clean_message(message, 2000)
    record.finished_at = timezone.now()
    if rows_done is not None:
        record.rows_done = rows_done
    record.save()
    return record


def error_report_xlsx(raw, errors, *, summary=()):
    """The offending rows as uploaded, with their row number and what is wrong, as XLSX bytes;
    with ``summary`` ((column, message, count) per kind of error), a sheet counting them."""
    messages = {}
    for row, column, message in errors:
        messages.setdefault(row, []).append(f"{column}: {message}" if column else str(message))
    rows = [row for row in raw.index if row in messages]
    report = raw.loc[rows].copy()
    report.insert(0, _("Row"), rows)
    report.insert(1, _("Problems"), ["; ".join(messages[row]) for row in rows])
    buffer = io.BytesIO()
    # Uploaded text is written as text: a cell like "=HYPERLINK(...)" must not become a formula.
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        report.to_excel(writer, index=False, sheet_name=_("Problems")[:31])
        writer.sheets[_("Problems")[:31]].set_column(1, 1, 60)
        if summary:
            counts = pd.DataFrame(summary, columns=[_("Column"), _("Problem"), _("Rows")]).sort_values(_("Rows"), ascending=False)
            counts.to_excel(writer, index=False, sheet_name=_("Summary")[:31])
            writer.sheets[_("Summary")[:31]].set_column(1, 1, 80)
    return buffer.getvalue()
