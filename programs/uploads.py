"""Uploaded spreadsheets, for every app that imports them (surveys, budgets, marketplace).

``read_table`` turns an XLSX or CSV upload into a DataFrame of raw text cells indexed by
spreadsheet row number, refusing with one message what cannot be used as a whole;
``header_problems`` names unknown, missing and repeated columns; ``bounded_errors`` keeps a
bounded account of row errors (every error counted, a hundred rows listed per kind) and
``error_report_xlsx`` writes the rows to correct. The hostile-file guards live in
``programs.spreadsheets``.
"""
import csv
import io
import re

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from pyarrow import ArrowException

from . import spreadsheets
from .spreadsheets import SpreadsheetRefused

MAX_FILE_BYTES = getattr(settings, "IMPORT_MAX_BYTES", getattr(settings, "SURVEY_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", getattr(settings, "SURVEY_IMPORT_MAX_ROWS", 200_000))


class FileRefused(Exception):
    """The file as a whole cannot be used (type, size, columns...): one message for the officer."""


def read_table(data, name, *, max_rows=None, max_bytes=None, text_dtype=str):
    """Read an uploaded XLSX or CSV into a DataFrame of raw cells; index = spreadsheet row numbers.
    ``max_rows`` and ``max_bytes`` raise the limits for uploads that are large by nature.
    ``text_dtype`` is the dtype of a CSV's cells when Arrow reads it (``"string[pyarrow]"``
    spares a caller that works on Arrow strings a conversion); other files' cells are objects."""
    if not data:
        raise FileRefused(_("The file is empty."))
    max_bytes = max_bytes or MAX_FILE_BYTES
    if len(data) > max_bytes:
        raise FileRefused(_("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": max_bytes // (1024 * 1024)})
    lowered = name.lower()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        # OLE2: an old .xls, or an .xlsx that Excel encrypted with a password.
        raise FileRefused(_("This is an old Excel (.xls) or password-protected workbook. Save it as an unprotected .xlsx or as CSV."))
    try:
        if data[:4] == b"PK\x03\x04" or lowered.endswith((".xlsx", ".xlsm")):
            frame = _read_xlsx(data, max_rows or MAX_ROWS)
        elif lowered.endswith((".csv", ".txt")) or _looks_like_text(data):
            frame = _read_csv(data, text_dtype)
        else:
            raise FileRefused(_("This is not a spreadsheet. Upload the .xlsx template or a CSV file."))
    except SpreadsheetRefused as refused:
        raise FileRefused(str(refused)) from None
    if frame.empty:
        raise FileRefused(_("The file has no data rows."))
    max_rows = max_rows or MAX_ROWS
    if len(frame) > max_rows:
        raise FileRefused(_("The file has %(rows)s rows; at most %(max)s are accepted at once.") % {"rows": len(frame), "max": max_rows})
    # The readers number the records from 0 and keep those numbers when they drop blank
    # rows, so a row is named as Excel shows it (row 1 is the header).
    frame.index = frame.index + 2
    return frame


#: The names of the files :func:`read_table` reads.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


def validate_spreadsheet_upload(uploaded_file, *, max_bytes=None):
    """Refuse at once, before a job is queued, an upload :func:`read_table` would refuse for
    its name or size (forms and the API; an empty file is the form field's own error, the
    contents are the job's to check). ``max_bytes`` as given to :func:`read_table`."""
    max_bytes = max_bytes or MAX_FILE_BYTES
    if uploaded_file.size > max_bytes:
        raise ValidationError(_("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": max_bytes // (1024 * 1024)}, code="too_big")
    if not (uploaded_file.name or "").lower().endswith(SPREADSHEET_SUFFIXES):
        raise ValidationError(_("This is not a spreadsheet. Upload the .xlsx template or a CSV file."), code="type")


def _looks_like_text(data):
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in sample


def _read_xlsx(data, max_rows):
    # Measured first, then read where a crash of the native reader cannot take the worker
    # down (surveys.spreadsheets). calamine reads 100,000 rows in about 2 s (openpyxl ~15 s).
    spreadsheets.check_workbook(data, max_rows=max_rows)
    return spreadsheets.read_workbook(data).dropna(how="all")


def _read_csv(data, text_dtype=str):
    text = spreadsheets.decode_text(data)
    first_line = text.split("\n", 1)[0]
    # Excel in an Indonesian locale writes ';' (the comma is its decimal separator).
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    spreadsheets.check_header(first_line, separator)
    options = {"sep": separator, "keep_default_na": False, "na_values": [""]}
    body = text.rstrip("\r\n")
    # Arrow's reader is five times faster (a million rows in half a second) but stricter: a
    # file it cannot read — short rows, an open quote — is read by pandas' own parser, whose
    # result and messages are the ones officers know. So is a file with empty lines, which
    # Arrow skips without counting them: the rows after them would be misnumbered.
    if "\n\n" not in body and "\n\r\n" not in body:
        try:
            return pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="pyarrow", dtype=text_dtype, **options).dropna(how="all")
        except (pd.errors.ParserError, ValueError, ArrowException):
            pass
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, skip_blank_lines=False, **options)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise FileRefused(_("The CSV file cannot be read: %(problem)s") % {"problem": spreadsheets.clean_message(str(exc).splitlines()[0], 200)}) from None
    except pd.errors.EmptyDataError:
        raise FileRefused(_("The file is empty.")) from None
    # Empty lines, lines of spaces and lines of separators only hold no row.
    blank = pd.concat([column.isna() | column.str.strip().eq("") for _name, column in frame.items()], axis=1).all(axis=1)
    return frame[~blank]




#: Date formats officers' and partners' spreadsheets use.
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


class DistinctCells:
    """A column parsed once per distinct cell (dates, codes and amounts repeat down a column);
    what is asked of the parsed values is answered once per distinct value too, and spread
    over the rows by the cells' codes — no Python per row. ``parse(None)`` answers the empty
    cells."""

    def __init__(self, series, parse):
        keys = series.astype(object).where(series.notna(), None)
        self.codes, uniques = pd.factorize(keys, use_na_sentinel=True)  # -1, the last value: the empty cells
        self.parsed = [parse(value) for value in uniques] + [parse(None)]
        self.index = series.index

    def values(self):
        """The parsed value of each row (object Series)."""
        values = np.empty(len(self.parsed), dtype=object)
        values[:] = self.parsed  # element-wise: the values may be tuples
        return pd.Series(values[self.codes], index=self.index, dtype=object)

    def where(self, test):
        """A boolean array: the rows whose parsed value passes ``test``."""
        return np.array([bool(test(value)) for value in self.parsed], dtype=bool)[self.codes]

    def derive(self, function, dtype):
        """A Series of ``function(parsed value)``, of ``dtype`` (``"Int64"`` keeps the missing ones)."""
        return pd.Series(pd.array([function(value) for value in self.parsed], dtype=dtype).take(self.codes), index=self.index)


def parse_distinct(series, parse):
    """``parse`` applied once per distinct cell of ``series``; ``parse(None)`` answers the
    empty cells (:class:`DistinctCells` for more than the values)."""
    return DistinctCells(series, parse).values()


def parse_date_cell(value):
    """A spreadsheet cell as a date: None when empty, ``"bad"`` when it is no date in
    :data:`DATE_FORMATS` (nor a date the reader already typed)."""
    import datetime

    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()[:30]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text[:10] if pattern == "%Y-%m-%d" else text, pattern).date()
        except ValueError:
            continue
    return "bad"


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


#: Rows listed (on the page and in the report) per kind of error; all are counted.
MAX_ROWS_PER_KIND = 100
_DIGITS = re.compile(r"\d[\d.,]*")


def map_headers(headers, by_name, required=()):
    """Map a file's headers to column keys (``by_name``: lower-cased header or alias → key).
    Returns ``(mapping, unknown, missing, repeated)``; ``missing`` are the ``required`` keys
    no header named."""
    mapping, unknown, seen, repeated = {}, [], set(), []
    for header in headers:
        name = str(header).strip()
        key = by_name.get(name.lower())
        if key is None:
            if name and not name.lower().startswith("unnamed:"):
                unknown.append(name)
            continue
        if key in seen:
            repeated.append(name)
        seen.add(key)
        mapping[header] = key
    return mapping, unknown, [key for key in required if key not in seen], repeated


def header_problems(*, unknown=(), missing=(), repeated=()):
    """One message naming what is wrong with a file's columns, or "" when nothing is."""
    problems = []
    if unknown:
        problems.append(_("Unknown column(s): %(names)s.") % {"names": spreadsheets.name_list(list(unknown))})
    if missing:
        problems.append(_("Missing column(s): %(names)s.") % {"names": spreadsheets.name_list(list(missing))})
    if repeated:
        problems.append(_("Column(s) given twice: %(names)s.") % {"names": spreadsheets.name_list(list(repeated))})
    if problems:
        problems.append(_("Download the template to see the expected columns."))
    return " ".join(problems)


def bounded_errors(errors):
    """``(kept, per_kind)`` of ``(row, column, message)`` errors: messages cleaned, sorted by
    row; only the first ``MAX_ROWS_PER_KIND`` rows of each kind kept, so a file with the same
    mistake on 200,000 rows gives a report of a few hundred. ``per_kind`` maps
    (column, message pattern) to [count, an example message]."""
    kept, per_kind = [], {}
    for row, column, message in sorted(errors, key=lambda error: (error[0], error[1] or "")):
        message = spreadsheets.clean_message(message)
        kind = per_kind.setdefault((column, _DIGITS.sub("#", message)), [0, message])
        kind[0] += 1
        if kind[0] <= MAX_ROWS_PER_KIND:
            kept.append((row, column, message))
    return kept, per_kind


#: Errors stored on an import record for its page (the report file has the kept ones).
MAX_ERRORS_KEPT = 500


def keep_rejection(record, raw, errors, *, headers):
    """Store on an import ``record`` (with ``error_count``, ``errors`` and ``error_report``
    fields) a bounded account of its ``(row, column, message)`` errors and the XLSX of the
    rows to correct; returns the message for the officer. ``headers`` maps column keys to
    the headers the officer's file uses."""
    kept, per_kind = bounded_errors(errors)
    record.error_count = len(errors)
    record.errors = [
        {"row": int(row), "column": column or "", "header": headers.get(column, column or ""), "message": message}
        for row, column, message in kept[:MAX_ERRORS_KEPT]
    ]
    summary = [(headers.get(column, column or ""), example, count) for (column, _pattern), (count, example) in per_kind.items()]
    record.error_report.save(f"import-{record.pk}-errors.xlsx", ContentFile(error_report_xlsx(raw, kept, summary=summary)), save=False)
    rows = len({row for row, _column, _message in errors})
    return _("%(errors)s problem(s) in %(rows)s row(s); nothing was written. Correct them and upload the file again.") % {"errors": len(errors), "rows": rows}


def finish_job(record, status, *, message, rows_done=None):
    """Give an import record its final status and message (cleaned and capped)."""
    record.status = status
    record.message = spreadsheets.clean_message(message, 2000)
    record.finished_at = timezone.now()
    if rows_done is not None:
        record.rows_done = rows_done
    record.save()
    return record
