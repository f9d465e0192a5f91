"""Exports of the business list: CSV streamed by the web process, XLSX built by a worker.

What a file holds
    The rows of ``Business.objects.visible_to(user)`` narrowed by the list page's filters
    (:class:`~programs.filtersets.BusinessFilterSet`, fed the same query parameters), in id
    order. Filters the list page would reject export nothing, as the list shows nothing.

Columns
    Every column has a stable machine key equal to the API field name (``BUSINESS_COLUMNS``).
    Row 1 holds the Indonesian headers: files are always written in the portal's language
    (``settings.LANGUAGE_CODE``) whatever the UI language of the requester, because a
    re-import matches a column by its Indonesian header or by its key. The XLSX carries the
    keys too, on a second sheet named ``Kolom``: one row per column of the data sheet, in
    the same order, with the header in column A and the key in column B. A reader that wants
    keys reads ``Kolom`` and renames the data sheet's columns; nothing on the data sheet
    (hidden rows, comments) has to be skipped. Related records come as code plus name
    (``province`` = ``"32"``, ``province_name`` = ``"Jawa Barat"``; ``regency`` =
    ``"32.01"``; ``sector`` = slug), ``export_destinations`` as comma-joined ISO codes,
    ``scale``/``status``/``is_exporter`` as their Indonesian labels, times in the user's
    province's time zone (Asia/Jakarta otherwise).

Personal data
    ``nik``, ``phone`` and ``email`` are columns only for users who may see personal data on
    every row they can list (:func:`programs.selectors.can_see_personal_data`, UU PDP
    27/2022); for anyone else the three columns are absent, not empty.

Formula injection
    Text a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return) gets a leading apostrophe in both formats, unless it is a
    plain signed number such as an E.164 phone (:func:`neutralise`); numbers stay numbers.
    A CSV opened in Excel still turns 16-digit NIKs into rounded numbers; the XLSX stores
    every text column as text, so people working in Excel should take the XLSX.

Size
    The CSV is generated while it is sent (a server-side cursor read in chunks, one query for
    all rows), so it never times out. The XLSX is an :class:`~programs.models.ExportJob` run
    by Celery (:func:`export_start`, :func:`export_run`), written with xlsxwriter in
    constant-memory mode and reporting its progress every ``PROGRESS_EVERY`` rows.
"""
import csv
import io
import logging
import re
import tempfile
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filtersets import BusinessFilterSet
from .jobs import dispatch, run_job
from .models import Business, ExportJob
from .selectors import can_see_personal_data

logger = logging.getLogger(__name__)

#: Rows fetched per round trip from the server-side cursor.
CHUNK_SIZE = 2000
#: Rows between two progress updates of an XLSX job.
PROGRESS_EVERY = 2000
#: CSV rows gathered into one chunk of the streamed response (one socket write each).
CSV_ROWS_PER_CHUNK = 500
#: Data rows an Excel sheet can hold (1,048,576 rows less the header).
XLSX_MAX_ROWS = 1_048_575


@dataclass(frozen=True)
class Column:
    key: str  # the API field name
    header: str  # lazy translation; resolved in the file's language
    source: object = None  # a query expression, or None for the model field named ``key``
    number: bool = False  # written as a number in the XLSX


BUSINESS_COLUMNS = [
    Column("id", gettext_lazy("ID"), number=True),
    Column("name", gettext_lazy("Business name")),
    Column("nib", gettext_lazy("NIB")),
    Column("owner_name", gettext_lazy("Owner name")),
    Column("nik", gettext_lazy("NIK")),
    Column("phone", gettext_lazy("Phone")),
    Column("email", gettext_lazy("E-mail")),
    Column("address", gettext_lazy("Address")),
    Column("province", gettext_lazy("Province code"), F("province__code")),
    Column("province_name", gettext_lazy("Province"), F("province__name")),
    Column("regency", gettext_lazy("Regency or city code"), F("regency__code")),
    Column("regency_name", gettext_lazy("Regency or city"), F("regency__name")),
    Column("sector", gettext_lazy("Sector code"), F("sector__slug")),
    Column("sector_name", gettext_lazy("Sector"), F("sector__name")),
    Column("kbli_code", gettext_lazy("KBLI code")),
    Column("scale", gettext_lazy("Scale")),
    Column("workforce", gettext_lazy("Workforce"), number=True),
    Column("investment", gettext_lazy("Investment value (Rp)"), number=True),
    Column("year_founded", gettext_lazy("Year founded"), number=True),
    Column("main_products", gettext_lazy("Main products")),
    Column("is_exporter", gettext_lazy("Exporter")),
    Column("export_destinations", gettext_lazy("Export destinations")),
    Column("status", gettext_lazy("Status")),
    Column("created_at", gettext_lazy("Registered at")),
    Column("updated_at", gettext_lazy("Last updated")),
]
PERSONAL_KEYS = frozenset({"nik", "phone", "email"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]\d+\Z")


class ExportError(Exception):
    """A failure whose message (already translated) can be shown to the user as it is."""


def neutralise(value):
    """Make text safe to open in a spreadsheet: ``=cmd()`` becomes ``'=cmd()``; other values pass.

    A signed plain number (``+6281234567890``, the E.164 form every phone is stored in, or
    ``-5``) is left alone: a spreadsheet reads it as a number, never as a formula, and an
    apostrophe in front of every phone would only spoil the column.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _SIGNED_NUMBER.match(value):
        return "'" + value
    return value


def export_params(query, kind="businesses"):
    """The list filters in ``query`` (a QueryDict) as a JSON-able ``{name: [values]}``.

    Only the FilterSet's own parameters are kept (not ``page`` or the CSRF token), so a job
    records exactly what decides its rows; filters added to the FilterSet later are kept too.
    """
    params = {}
    filterset = EXPORT_KINDS[kind].filterset if kind in EXPORT_KINDS else BusinessFilterSet
    for name in filterset.base_filters:
        values = [value for value in query.getlist(name) if value != ""]
        if values:
            params[name] = values
    return params


def _as_querydict(params):
    query = QueryDict(mutable=True)
    for name, values in (params or {}).items():
        query.setlist(name, values if isinstance(values, list) else [values])
    return query


def business_export_queryset(user, params):
    """The rows ``user`` may export, filtered as the list page filters them."""
    queryset = Business.objects.visible_to(user)
    filterset = BusinessFilterSet(params, queryset=queryset)
    # The list page (FilterView, strict) shows nothing for invalid filters; an export that
    # fell back to "everything" would hand out more than the user was looking at.
    queryset = filterset.qs if filterset.is_valid() else queryset.none()
    return queryset.order_by("pk")


def business_columns(user):
    """The columns ``user`` gets: all of them, less the personal ones if they may not see those."""
    personal = can_see_personal_data(user)
    return [column for column in BUSINESS_COLUMNS if personal or column.key not in PERSONAL_KEYS]


def export_timezone(user):
    """The officer's province time zone (WIB/WITA/WIT), the portal's default otherwise."""
    profile = getattr(user, "profile", None)
    province = getattr(profile, "province", None) if profile is not None else None
    if province is not None and province.timezone:
        return zoneinfo.ZoneInfo(province.timezone)
    return timezone.get_default_timezone()


@dataclass
class BusinessExport:
    """One export, ready to write: resolved headers and a lazy iterator of typed rows.

    Row values are ``str`` (already neutralised), ``int``, naive local ``datetime`` or None.
    """

    columns: list
    headers: list
    rows: object
    queryset: object


def business_export(user, params):
    """Prepare the export of ``user``'s business list filtered by ``params`` (a QueryDict).

    Everything that depends on the language or the time zone is resolved here, at once: a
    streamed CSV is generated after the view has returned, when the request's language and
    time zone may no longer be active (and a worker has neither).
    """
    columns = business_columns(user)
    queryset = business_export_queryset(user, params)
    with translation.override(settings.LANGUAGE_CODE):
        headers = [str(column.header) for column in columns]
        labels = {
            "scale": {value: str(label) for value, label in Business._meta.get_field("scale").choices},
            "status": {value: str(label) for value, label in Business.Status.choices},
            "is_exporter": {True: _("Yes"), False: _("No")},
        }
    zone = export_timezone(user)

    def convert(key, value):
        if value is None:
            return None
        if key in labels:
            return labels[key].get(value, value)
        if key == "export_destinations":
            return ", ".join(value or [])
        if isinstance(value, datetime):
            return timezone.localtime(value, zone).replace(tzinfo=None, microsecond=0)
        return value

    return columns_export(queryset, columns, headers, convert)


def columns_export(queryset, columns, headers, convert):
    """An export of ``queryset``'s ``columns``: one query (joined to what the columns' sources
    name) read from a server-side cursor in chunks, each value passed through
    ``convert(key, value)`` and :func:`neutralise`."""
    expressions = {column.key: column.source for column in columns if column.source is not None}
    fields = [f"x_{column.key}" if column.key in expressions else column.key for column in columns]
    keys = [column.key for column in columns]
    values = queryset.annotate(**{f"x_{key}": expression for key, expression in expressions.items()}).values_list(*fields)

    def rows():
        for record in values.iterator(chunk_size=CHUNK_SIZE):
            yield [neutralise(convert(key, value)) for key, value in zip(keys, record)]

    return BusinessExport(columns=columns, headers=headers, rows=rows(), queryset=queryset)


# --- CSV, streamed ------------------------------------------------------------------------------


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def business_csv_stream(user, params):
    """Return an iterator of text chunks forming a CSV file (BOM first, so Excel reads UTF-8).

    Headers and labels are resolved when this is called; rows are read while the chunks
    are consumed.
    """
    return csv_stream(business_export(user, params))


def csv_stream(export, *, delimiter=","):
    """The chunks of a CSV of ``export`` (any :class:`BusinessExport`-shaped export)."""

    def chunks():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter)
        buffer.write("\ufeff")
        writer.writerow(export.headers)
        for count, row in enumerate(export.rows, start=1):
            writer.writerow([_csv_cell(value) for value in row])
            if count % CSV_ROWS_PER_CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return chunks()


# --- XLSX, by a worker ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportKind:
    """What an XLSX job of one kind exports: ``build(user, params)`` returns a
    :class:`BusinessExport`-shaped export (columns, headers, rows, queryset) of the rows
    ``user`` may see filtered by ``params`` (a QueryDict of ``filterset``'s parameters)."""

    build: object
    filterset: type
    sheet: object  # lazy translation: the data sheet's name
    file_prefix: str
    title: object = gettext_lazy("Export of businesses (XLSX)")
    back_label: object = gettext_lazy("Back to the businesses")
    back_url: object = None  # callable(params) → the list the export came from


def export_kind_of(job):
    return EXPORT_KINDS.get(job.kind, EXPORT_KINDS["businesses"])


#: Export kinds by name (``ExportJob.kind``). Apps that depend on ``programs`` add theirs
#: with :func:`register_export_kind` (``programs`` never imports them).
EXPORT_KINDS = {
    "businesses": ExportKind(
        build=business_export, filterset=BusinessFilterSet, sheet=gettext_lazy("Businesses"), file_prefix="usaha",
        back_url=lambda params: reverse("business-list"),
    ),
}


def register_export_kind(name, kind):
    EXPORT_KINDS[name] = kind


def export_start(*, user, kind, params):
    """Record an XLSX export job for ``user`` and queue it once the record is committed.

    ``params`` is the ``{name: [values]}`` of :func:`export_params`. If the user already has
    the same export waiting or running (a double click), that job is returned instead.
    """
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    with transaction.atomic():
        pending = ExportJob.objects.filter(
            user=user, kind=kind, file_format="xlsx", params=params,
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
        ).first()
        if pending is not None:
            # A job the broker did not take yet is sent again rather than left waiting.
            return pending.refresh_status()
        job = ExportJob(user=user, kind=kind, file_format="xlsx", params=params)
        job.full_clean()
        job.save()
        # The worker must find the row: queued only after the commit.
        dispatch(job)
    return job


def _write_business_xlsx(path, export, *, on_progress, sheet=gettext_lazy("Businesses")):
    """Write ``export`` to an XLSX file at ``path``; return the number of data rows written."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,  # rows go to disk as written: a million rows in a few MB of RAM
            "tmpdir": str(path.parent),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        sheet_name, key_header = str(sheet)[:31], [_("Header"), _("Key")]
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    columns = export.columns
    sheet.freeze_panes(1, 0)
    for index, header in enumerate(export.headers):
        sheet.write_string(0, index, header, bold)
    written = 0
    for written, row in enumerate(export.rows, start=1):
        if written > XLSX_MAX_ROWS:
            with translation.override(settings.LANGUAGE_CODE):
                raise ExportError(_too_many_rows_message(written))
        for index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(written, index, value, when)
            elif columns[index].number and isinstance(value, int):
                sheet.write_number(written, index, value)
            else:
                sheet.write_string(written, index, str(value))
        if written % PROGRESS_EVERY == 0:
            on_progress(written)
    sheet.autofilter(0, 0, max(written, 1), len(columns) - 1)
    keys = workbook.add_worksheet("Kolom")
    keys.write_row(0, 0, key_header, bold)
    for index, (column, header) in enumerate(zip(columns, export.headers), start=1):
        keys.write_string(index, 0, header)
        keys.write_string(index, 1, column.key)
    workbook.close()
    return written


def _too_many_rows_message(count):
    return _(
        "The list has more than %(limit)s rows, more than one Excel sheet can hold. "
        "Narrow the filters (for example by province) or download the CSV."
    ) % {"limit": f"{XLSX_MAX_ROWS:,}".replace(",", ".")}


def export_run(*, job_id):
    """Build the file of export job ``job_id``; return the job as it ends.

    The job goes queued → running → done (``file`` saved under MEDIA_ROOT, ``done_rows`` =
    ``total_rows``) or → failed (``error`` holds a message for the user; the traceback is
    logged). ``done_rows`` is updated with its own UPDATE every ``PROGRESS_EVERY`` rows, so
    the progress page (another connection) sees it while the file is being written. A job
    already done or failed (a redelivered message) is left alone.
    """
    return run_job(ExportJob, job_id, _export_run)


def _export_run(job):
    job = ExportJob.objects.select_related("user").get(pk=job.pk)
    try:
        kind = EXPORT_KINDS[job.kind]
        export = kind.build(job.user, _as_querydict(job.params))
        total = export.queryset.count()
        if total > XLSX_MAX_ROWS:
            with translation.override(settings.LANGUAGE_CODE):
                raise ExportError(_too_many_rows_message(total))
        job.report(total_rows=total)
        with tempfile.TemporaryDirectory(prefix="ikm-export-") as directory:
            path = Path(directory) / "export.xlsx"
            written = _write_business_xlsx(path, export, on_progress=lambda done: job.report(done_rows=done), sheet=kind.sheet)
            with path.open("rb") as handle:
                job.file.save(f"{kind.file_prefix}-{timezone.localdate():%Y%m%d}-{job.pk}.xlsx", File(handle), save=False)
        # Rows added or removed while writing: the file is what counts.
        job.report(
            status=ExportJob.Status.DONE, file=job.file.name, total_rows=written, done_rows=written,
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        if job.file:
            job.file.delete(save=False)
        if isinstance(error, ExportError):
            message = str(error)
        elif isinstance(error, SoftTimeLimitExceeded):
            with translation.override(settings.LANGUAGE_CODE):
                message = _(
                    "The export took longer than %(minutes)s minutes and was stopped. Narrow the "
                    "filters (for example by province) or download the CSV."
                ) % {"minutes": settings.JOB_TIME_LIMIT // 60}
        else:
            with translation.override(settings.LANGUAGE_CODE):
                message = _(
                    "The export could not be completed. Try again; if it fails again, contact the "
                    "helpdesk and give the export number %(number)s."
                ) % {"number": job.pk}
        job.report(status=ExportJob.Status.FAILED, error=message, file="", finished_at=timezone.now())
    return ExportJob.objects.get(pk=job.pk)
