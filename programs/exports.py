"""Exports of the business list: CSV streamed, XLSX built by a worker with progress.

Columns carry stable keys equal to the API field names; the first row holds the Indonesian
headers (the XLSX also lists header → key on a "Kolom" sheet, so a re-import can use either).
Personal data (NIK, phone, e-mail) is included only for users who may see it (UU PDP).
Text that a spreadsheet would run as a formula (starting with = + - @ or a tab/CR) is
prefixed with an apostrophe; numbers stay numbers.
"""
import codecs
import csv
import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filtersets import BusinessFilterSet
from .models import Business, ExportJob
from .selectors import can_see_personal_data

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000

# (key, header, queryset expression or None for the field of the same name, is_number)
BUSINESS_COLUMNS = [
    ("id", gettext_lazy("ID"), None, True),
    ("name", gettext_lazy("Business name"), None, False),
    ("nib", gettext_lazy("NIB"), None, False),
    ("owner_name", gettext_lazy("Owner name"), None, False),
    ("nik", gettext_lazy("NIK"), None, False),
    ("phone", gettext_lazy("Phone"), None, False),
    ("email", gettext_lazy("E-mail"), None, False),
    ("address", gettext_lazy("Address"), None, False),
    ("province", gettext_lazy("Province code"), F("province__code"), False),
    ("province_name", gettext_lazy("Province"), F("province__name"), False),
    ("regency", gettext_lazy("Regency or city code"), F("regency__code"), False),
    ("regency_name", gettext_lazy("Regency or city"), F("regency__name"), False),
    ("sector", gettext_lazy("Sector code"), F("sector__slug"), False),
    ("sector_name", gettext_lazy("Sector"), F("sector__name"), False),
    ("kbli_code", gettext_lazy("KBLI code"), None, False),
    ("scale", gettext_lazy("Scale"), None, False),
    ("workforce", gettext_lazy("Workforce"), None, True),
    ("investment", gettext_lazy("Investment value (Rp)"), None, True),
    ("year_founded", gettext_lazy("Year founded"), None, True),
    ("main_products", gettext_lazy("Main products"), None, False),
    ("is_exporter", gettext_lazy("Exporter"), None, False),
    ("export_destinations", gettext_lazy("Export destinations"), None, False),
    ("status", gettext_lazy("Status"), None, False),
    ("created_at", gettext_lazy("Registered at"), None, False),
    ("updated_at", gettext_lazy("Last updated"), None, False),
]
PERSONAL_KEYS = {"nik", "phone", "email"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make text safe to open in a spreadsheet: ``=cmd()`` becomes ``'=cmd()``."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def business_export_queryset(user, params):
    """The rows a user may export, filtered as the list page (invalid filters: no filter)."""
    queryset = Business.objects.visible_to(user)
    filterset = BusinessFilterSet(params, queryset=queryset)
    if filterset.is_valid():
        queryset = filterset.qs
    return queryset.order_by("pk")


def business_columns(user):
    personal = can_see_personal_data(user)
    return [column for column in BUSINESS_COLUMNS if personal or column[0] not in PERSONAL_KEYS]


def business_rows(user, params):
    """Yield ``(columns, row)`` value tuples, read in chunks without one query per row."""
    columns = business_columns(user)
    expressions = {key: expression for key, _header, expression, _number in columns if expression is not None}
    queryset = business_export_queryset(user, params).annotate(**{f"x_{key}": expression for key, expression in expressions.items()})
    fields = [f"x_{key}" if key in expressions else key for key, *_rest in columns]
    choice_labels = {
        "scale": dict(Business._meta.get_field("scale").choices),
        "status": dict(Business.Status.choices),
    }
    for values in queryset.values_list(*fields).iterator(chunk_size=2000):
        row = []
        for (key, _header, _expression, _number), value in zip(columns, values):
            if key in choice_labels:
                value = str(choice_labels[key].get(value, value))
            elif key == "export_destinations":
                value = ", ".join(value or [])
            elif key == "is_exporter":
                value = _("Yes") if value else _("No")
            elif hasattr(value, "isoformat"):
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
            row.append(neutralise(value))
        yield row


class _Echo:
    def write(self, value):
        return value


def business_csv_stream(user, params):
    """Lines of a CSV file (UTF-8 with BOM, for Excel), generated as they are sent."""
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8.decode("utf-8")
    yield writer.writerow([str(header) for _key, header, *_rest in business_columns(user)])
    for row in business_rows(user, params):
        yield writer.writerow(["" if value is None else value for value in row])


# --- XLSX through a worker ------------------------------------------------------------------

EXPORT_KINDS = {"businesses"}


def export_start(*, user, kind, params):
    """Record an export job and queue it once the record is committed."""
    from .tasks import export_run_task

    if kind not in EXPORT_KINDS:
        raise ValueError(kind)
    job = ExportJob.objects.create(user=user, kind=kind, file_format="xlsx", params=params)
    transaction.on_commit(lambda: export_run_task.delay(job.pk))
    return job


def export_run(*, job_id):
    """Build the XLSX of a job, updating its progress; end ``done`` with a file or ``failed``."""
    import xlsxwriter

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status not in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING):
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=timezone.now())
    params = QueryDict(mutable=True)
    for key, values in (job.params or {}).items():
        params.setlist(key, values if isinstance(values, list) else [values])
    try:
        with translation.override("id"), tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            total = business_export_queryset(job.user, params).count()
            ExportJob.objects.filter(pk=job.pk).update(total_rows=total)
            workbook = xlsxwriter.Workbook(handle.name, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
            sheet = workbook.add_worksheet(_("Businesses")[:31])
            bold = workbook.add_format({"bold": True})
            columns = business_columns(job.user)
            for index, (_key, header, *_rest) in enumerate(columns):
                sheet.write_string(0, index, str(header), bold)
            written = 0
            for written, row in enumerate(business_rows(job.user, params), start=1):
                for index, value in enumerate(row):
                    if value is None:
                        continue
                    if columns[index][3] and isinstance(value, int):
                        sheet.write_number(written, index, value)
                    else:
                        sheet.write_string(written, index, str(value))
                if written % PROGRESS_EVERY == 0:
                    ExportJob.objects.filter(pk=job.pk).update(done_rows=written)
            keys = workbook.add_worksheet("Kolom")
            keys.write_row(0, 0, [_("Header"), _("Key")], bold)
            for index, (key, header, *_rest) in enumerate(columns, start=1):
                keys.write_row(index, 0, [str(header), key])
            workbook.close()
            handle.seek(0)
            job.refresh_from_db()
            job.file.save(f"usaha-{timezone.localdate():%Y%m%d}-{job.pk}.xlsx", File(handle), save=False)
            job.done_rows, job.status, job.finished_at = written, ExportJob.Status.DONE, timezone.now()
            job.save()
    except Exception:
        logger.exception("export %s failed", job.pk)
        with translation.override("id"):
            message = _("The export could not be completed. Try again; if it fails again, contact the helpdesk.")
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now())
    return ExportJob.objects.get(pk=job.pk)
