"""Spreadsheet imports of realisation: the monthly export of a satker's payment orders (SP2D)
from the finance system, with the portal's activity ID added to each row.

All or nothing, like survey uploads: the file is read and every row checked as a whole, then
— on the allocation and activity rows locked as ``budgets.services`` says — the sums are
checked against what is left and every row is written with its history in one statement, or
none is and the officer gets a report of the rows to correct. A payment order already
recorded with the same figures is left as it is (re-sending a month's export is safe); the
same number with other figures is an error on its row.
"""
import datetime
import io
import logging
import re

import numpy as np
import pandas as pd
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _, pgettext

from programs.bulk import copy_frame
from programs.fields import parse_rupiah
from programs.jobs import dispatch, run_job
from programs.uploads import FileRefused, finish_job, header_problems, keep_rejection, map_headers, parse_date_cell, parse_distinct, read_table

from .models import MONEY_LIMIT, Activity, Allocation, Realisation, RealisationImport
from .services import _indicators_changed, rupiah

logger = logging.getLogger(__name__)

#: key → (header in the template, other headers accepted, required). Headers are the
#: finance system's Indonesian names; the keys are the API's field names.
COLUMNS = {
    "payment_number": ("Nomor SP2D", ["No SP2D", "No. SP2D", "Nomor", "payment_number"], True),
    "date": ("Tanggal SP2D", ["Tgl SP2D", "Tanggal", "date"], True),
    "amount": ("Nilai SP2D", ["Nilai", "Jumlah", "Nilai (Rp)", "amount"], True),
    "account": ("Akun", ["Kode Akun", "account"], True),
    "activity": ("ID Kegiatan", ["ID Kegiatan Portal", "Kegiatan", "activity"], True),
    "description": ("Uraian", ["Keterangan", "description"], False),
}
HEADERS = {key: header for key, (header, _aliases, _required) in COLUMNS.items()}
_BY_NAME = {name.lower(): key for key, (header, aliases, _required) in COLUMNS.items() for name in [header, *aliases]}
_ACCOUNT = re.compile(r"^5\d{5}$")


def to_keys(frame):
    """Rename the file's headers to keys; refuse unknown, missing or repeated columns."""
    required = [key for key, (_header, _aliases, required) in COLUMNS.items() if required]
    mapping, unknown, missing, repeated = map_headers(frame.columns, _BY_NAME, required)
    missing = [HEADERS[key] for key in missing]
    problems = header_problems(unknown=unknown, missing=missing, repeated=repeated)
    if problems:
        raise FileRefused(problems)
    frame = frame[list(mapping)].rename(columns=mapping)
    if "description" not in frame:
        frame["description"] = ""
    return frame


def _amount(value):
    if value is None or value == "":
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else "bad"
    try:
        return parse_rupiah(value)
    except ValueError:
        return "bad"


def _account(value):
    if value is None or value == "":
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    text = str(value).strip()
    return text if _ACCOUNT.match(text) else "bad"


def _activity_id(value):
    if value is None or value == "":
        return None
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else "bad"
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 12 else "bad"


def check(frame, *, allocation):
    """Parse and check every row without the database's sums: ``(rows, errors)`` where
    ``rows`` is a DataFrame of typed values (rows with errors dropped) and ``errors`` a list of
    ``(row, column, message)``."""
    errors = []

    def flag(mask, column, message):
        errors.extend((row, column, message) for row in frame.index[mask])

    number = frame["payment_number"].astype("string").str.strip().fillna("")
    flag((number == "").to_numpy(), "payment_number", _("Write the payment order number."))
    flag((number.str.len() > 40).to_numpy(), "payment_number", _("A payment order number has at most 40 characters."))
    repeated = number.duplicated(keep=False) & (number != "")
    flag(repeated.to_numpy(), "payment_number", _("This payment order number is in the file more than once."))

    dates = parse_distinct(frame["date"], parse_date_cell)
    flag(dates.isna().to_numpy(), "date", _("Write the date, e.g. 15-06-2020."))
    flag((dates == "bad").to_numpy(), "date", _("This is not a date; write it as 15-06-2020 or 2020-06-15."))
    good_date = dates.map(lambda value: isinstance(value, datetime.date))
    outside = good_date & dates.map(lambda value: isinstance(value, datetime.date) and value.year != allocation.year)
    flag(outside.to_numpy(), "date", _("The date must fall within fiscal year %(year)s.") % {"year": allocation.year})

    amounts = parse_distinct(frame["amount"], _amount)
    flag(amounts.isna().to_numpy(), "amount", _("Write the amount in rupiah."))
    flag((amounts == "bad").to_numpy(), "amount", _("Write a whole rupiah amount, e.g. 25000000, 25.000.000 or Rp 25.000.000."))
    numeric = amounts.map(lambda value: value if isinstance(value, int) else None)
    flag(numeric.map(lambda value: value is not None and value <= 0).to_numpy(dtype=bool), "amount", _("The amount must be more than zero."))
    flag(numeric.map(lambda value: value is not None and value > MONEY_LIMIT).to_numpy(dtype=bool), "amount", _("At most %(limit)s.") % {"limit": rupiah(MONEY_LIMIT)})

    accounts = parse_distinct(frame["account"], _account)
    flag(accounts.isna().to_numpy(), "account", _("Write the expenditure account, e.g. 521211."))
    flag((accounts == "bad").to_numpy(), "account", _("An expenditure account has 6 digits and starts with 5, e.g. 521211."))

    activity_ids = parse_distinct(frame["activity"], _activity_id)
    flag(activity_ids.isna().to_numpy(), "activity", _("Write the activity's ID (shown on the province page and in the template)."))
    flag((activity_ids == "bad").to_numpy(), "activity", _("An activity ID is a whole number."))
    given = {value for value in activity_ids.unique() if isinstance(value, int)}
    statuses = dict(allocation.activities.filter(pk__in=given).values_list("pk", "status"))
    known = activity_ids.map(lambda value: not isinstance(value, int) or value in statuses)
    flag(~known.to_numpy(dtype=bool), "activity", _("No activity with this ID in %(province)s %(year)s.") % {"province": allocation.province.name, "year": allocation.year})
    cancelled = activity_ids.map(lambda value: statuses.get(value) == Activity.Status.CANCELLED if isinstance(value, int) else False)
    flag(cancelled.to_numpy(dtype=bool), "activity", _("This activity is cancelled: nothing can be spent on it."))

    description = frame["description"].astype("string").fillna("").str.strip()
    flag((description.str.len() > 300).to_numpy(), "description", _("At most 300 characters."))

    bad_rows = {row for row, _column, _message in errors}
    keep = ~frame.index.isin(list(bad_rows))
    rows = pd.DataFrame({
        "payment_number": number[keep], "date": dates[keep], "amount": numeric[keep],
        "account": accounts[keep], "activity_id": activity_ids[keep], "description": description[keep],
    })
    return rows, errors


def write(rows, *, allocation, user):
    """Check the sums on locked rows and write every new payment order with its history, in
    the caller's transaction. Returns ``(created, unchanged, errors)``; with errors nothing is
    written (the caller rolls back).

    Set-based: the rows are copied into a staging table, and the comparison with what is
    recorded, the sums per activity and the insert are each one statement."""
    # The locking rule of budgets.services: the allocation row first, then its activities.
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    with connection.cursor() as cursor:
        # The commit need not wait for its WAL to reach the disk: the import's own status,
        # written after it by an ordinary commit, flushes it (the log is written in order).
        cursor.execute("SET LOCAL synchronous_commit TO off")
    ids = sorted({int(value) for value in rows["activity_id"].unique()})
    activities = {activity.pk: activity for activity in Activity.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    with connection.cursor() as cursor:
        _stage(cursor, rows)
        # Payment orders already recorded: the same figures are left alone, others are errors.
        cursor.execute(
            """SELECT s.row_no, s.payment_number, r.amount, r.date FROM realisation_stage s
               JOIN budgets_realisation r ON r.allocation_id = %s AND r.payment_number = s.payment_number
               WHERE (r.activity_id, r.amount, r.date, r.account) IS DISTINCT FROM (s.activity_id, s.amount, s.date, s.account)
               ORDER BY s.row_no LIMIT 10000""",
            [allocation.pk],
        )
        errors = [(row, "payment_number", _(
            "Payment order %(number)s is already recorded with %(amount)s on %(date)s; a payment number is used once."
        ) % {"number": number, "amount": rupiah(amount), "date": date.strftime("%d-%m-%Y")}) for row, number, amount, date in cursor.fetchall()]
        if errors:
            return 0, 0, errors
        cursor.execute(
            "DELETE FROM realisation_stage s USING budgets_realisation r WHERE r.allocation_id = %s AND r.payment_number = s.payment_number",
            [allocation.pk],
        )
        unchanged = cursor.rowcount
        cursor.execute("SELECT activity_id, sum(amount), array_agg(row_no ORDER BY row_no) FROM realisation_stage GROUP BY 1")
        spent = cursor.fetchall()
    for activity_id, total, row_numbers in spent:
        activity = activities[activity_id]
        left = activity.budget - activity.realised
        if total > left:
            message = _("The file's new payments for activity %(id)s add up to %(total)s; only %(left)s is left to spend on it.") % {
                "id": activity.pk, "total": rupiah(int(total)), "left": rupiah(max(left, 0))}
            errors.extend((row, "amount", message) for row in row_numbers)
    total = sum(int(amount) for _activity, amount, _rows in spent)
    left = allocation.available - allocation.realised
    if total > left and not errors:
        raise FileRefused(_("The file's new payments add up to %(total)s; only %(left)s of the allocation (ceiling less blocked) is left to spend.") % {
            "total": rupiah(total), "left": rupiah(max(left, 0))})
    if errors or not spent:
        return 0, unchanged, errors
    created = _insert(allocation=allocation, user=user)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE budgets_activity a SET realised = a.realised + s.total, updated_at = now() "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS s(id, total) WHERE a.id = s.id",
            [[activity_id for activity_id, _total, _rows in spent], [int(amount) for _activity, amount, _rows in spent]],
        )
        cursor.execute("UPDATE budgets_allocation SET realised = realised + %s, updated_at = now() WHERE id = %s", [total, allocation.pk])
    _indicators_changed(allocation.year)
    return created, unchanged, errors


def _stage(cursor, rows):
    """COPY the checked rows (with their spreadsheet row numbers) into a temporary table."""
    out = pd.DataFrame({
        "row_no": rows.index.astype("int64"), "activity_id": rows["activity_id"].astype("int64"), "payment_number": rows["payment_number"].astype(str),
        "date": [value.isoformat() for value in rows["date"]], "amount": rows["amount"].astype("int64"),
        "account": rows["account"].astype(str), "description": rows["description"].astype(str),
    })
    # Dropped at commit; dropped here too for a second import in the same transaction.
    cursor.execute("DROP TABLE IF EXISTS pg_temp.realisation_stage")
    cursor.execute(
        "CREATE TEMP TABLE realisation_stage (row_no int, activity_id bigint, payment_number text, date date, amount bigint, account text, description text) ON COMMIT DROP"
    )
    copy_frame(cursor, "realisation_stage", out, texts=["payment_number", "account", "description"])


def _insert(*, allocation, user):
    """Insert the staged payment orders and their history ('+' entries by ``user``) in one
    statement; returns how many."""
    columns = ["allocation_id", "activity_id", "payment_number", "date", "amount", "account", "description", "entered_by_id", "created_at"]
    history = Realisation.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH written AS (
                    INSERT INTO budgets_realisation ({", ".join(columns)})
                    SELECT %(allocation)s, activity_id, payment_number, date, amount, account, description, %(user)s, %(now)s
                    FROM realisation_stage
                    RETURNING id, {", ".join(columns)}
                )
                INSERT INTO {history} (id, {", ".join(columns)}, history_date, history_change_reason, history_type, history_user_id)
                SELECT id, {", ".join(columns)}, %(now)s, %(reason)s, '+', %(user)s FROM written""",
            {"allocation": allocation.pk, "user": user.pk, "now": timezone.now(), "reason": "import"},
        )
        return cursor.rowcount


# --- the job ----------------------------------------------------------------------------------


def import_start(*, user, allocation, uploaded_file):
    """Keep the upload and its record, and queue the import (run at once without a worker)."""
    record = RealisationImport(allocation=allocation, user=user, original_name=uploaded_file.name[:255])
    record.file.save(uploaded_file.name, uploaded_file, save=False)
    record.save()
    dispatch(record)
    return record


def import_retry(record):
    record.report(status=RealisationImport.Status.QUEUED, message="", attempts=0, dispatched_at=None, heartbeat_at=None, finished_at=None, rows_done=0)
    dispatch(record)
    return record


def import_run(*, import_id):
    """Run an import to its end: ``done`` with every row recorded, or ``rejected`` with the
    row errors and an XLSX of the rows to correct."""
    return run_job(RealisationImport, import_id, _import_run)


class _Rejected(Exception):
    def __init__(self, errors):
        super().__init__("rows with errors")
        self.errors = errors


def _import_run(record):
    record = RealisationImport.objects.select_related("allocation__province", "user").get(pk=record.pk)
    allocation = record.allocation
    Status = RealisationImport.Status
    try:
        record.report(status=Status.RUNNING, message=_("Reading the file…"))
        with record.file.open("rb") as handle:
            data = handle.read()
        raw = read_table(data, record.original_name)
        record.rows_total = len(raw)
        record.report(rows_total=record.rows_total, message=_("Checking %(rows)s rows…") % {"rows": f"{len(raw):,}".replace(",", ".")})
        rows, errors = check(to_keys(raw), allocation=allocation)
        if errors:
            return finish_job(record, Status.REJECTED, message=keep_rejection(record, raw, errors, headers=HEADERS))
        record.report(rows_done=int(len(raw) * 0.5), message=_("Writing %(rows)s rows…") % {"rows": f"{len(raw):,}".replace(",", ".")})
        try:
            with transaction.atomic():
                created, unchanged, errors = write(rows, allocation=allocation, user=record.user)
                if errors:
                    raise _Rejected(errors)
        except _Rejected as rejected:
            return finish_job(record, Status.REJECTED, message=keep_rejection(record, raw, rejected.errors, headers=HEADERS))
    except FileRefused as refused:
        return finish_job(record, Status.REJECTED, message=str(refused))
    except SoftTimeLimitExceeded:
        return finish_job(record, Status.FAILED, message=_("The import took longer than %(minutes)s minutes and was stopped; nothing was written. Split the file into smaller ones and upload them one by one.") % {"minutes": settings.JOB_TIME_LIMIT // 60})
    except Exception:
        logger.exception("realisation import %s failed", record.pk)
        return finish_job(record, Status.FAILED, message=_("The import stopped because of an error on our side; nothing was written. Try again, or contact the helpdesk."))
    record.rows_created, record.rows_unchanged = created, unchanged
    return finish_job(record, Status.DONE, rows_done=len(raw), message=_(
        "%(created)s payment orders recorded; %(unchanged)s were already recorded and left as they were."
    ) % {"created": created, "unchanged": unchanged})


def template_xlsx(allocation):
    """The upload template: the columns with an example row, and the allocation's activities
    with their IDs on a second sheet."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet("SP2D")
    sheet.write_row(0, 0, list(HEADERS.values()), bold)
    sheet.write_row(1, 0, ["200601301011234", f"15-06-{allocation.year}", "25.000.000", "521211", "", _("Honorarium of the trainers")])
    sheet.set_column(0, len(HEADERS) - 1, 20)
    listing = workbook.add_worksheet(_("Activities")[:31])
    listing.write_row(0, 0, [HEADERS["activity"], pgettext("budget", "Activity"), _("Budget (Rp)"), _("Left to spend (Rp)")], bold)
    for index, (pk, name, budget, realised) in enumerate(allocation.activities.exclude(status=Activity.Status.CANCELLED).order_by("pk").values_list("pk", "name", "budget", "realised").iterator(), start=1):
        listing.write_row(index, 0, [pk, name, budget, budget - realised])
    listing.set_column(1, 1, 60)
    listing.set_column(2, 3, 18)
    workbook.close()
    return buffer.getvalue()
