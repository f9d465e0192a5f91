"""Spreadsheet uploads of survey responses: read, check whole, then write all or nothing.

One code path for the upload page (through a Celery task) and ``manage.py import_survey``.
"""
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from programs.jobs import dispatch, run_job
from programs.uploads import FileRefused, finish_job, header_problems, keep_rejection, read_table

from .columns import COLUMNS, map_headers
from .models import SurveyImport
from .services import EntryRefused, responses_check, responses_write, wave_entry_check

logger = logging.getLogger(__name__)


def to_keys(frame):
    """Rename headers to keys; refuse unknown, missing or repeated columns."""
    mapping, unknown, missing, repeated = map_headers(frame.columns)
    headers = {column.key: column.header for column in COLUMNS}
    problems = header_problems(unknown=unknown, missing=[f"{headers[key]} ({key})" for key in missing], repeated=repeated)
    if problems:
        raise FileRefused(problems)
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
    """Keep a bounded account of the errors (see programs.uploads.keep_rejection)."""
    headers = {column.key: column.header for column in COLUMNS}
    message = keep_rejection(record, raw, errors, headers=headers)
    return _finish(record, SurveyImport.Status.REJECTED, message=message)


def _finish(record, status, *, message, rows_done=None):
    return finish_job(record, status, message=message, rows_done=rows_done)


