"""Uploads of the satker's payment orders: checked whole, all or nothing, with a row report;
the same month sent again changes nothing (issue 13, point 4)."""
import datetime
import io

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.imports import import_run, template_xlsx
from budgets.models import Activity, Allocation, Realisation, RealisationImport
from tests.factories import make_activity, make_allocation


def csv_bytes(rows, sep=";"):
    return pd.DataFrame(rows).to_csv(index=False, sep=sep).encode("utf-8-sig")


def run_import(user, allocation, data, name="sp2d-juli.csv"):
    record = RealisationImport(allocation=allocation, user=user, original_name=name)
    record.file.save(name, SimpleUploadedFile(name, data), save=False)
    record.save()
    return import_run(import_id=record.pk)


def entry(number, activity, amount="Rp 5.000.000", date="15-07-2020", account="521211", **extra):
    return {"Nomor SP2D": number, "Tanggal SP2D": date, "Nilai SP2D": amount, "Akun": account, "ID Kegiatan": activity.pk, "Uraian": "Honor narasumber", **extra}


@pytest.fixture
def allocation(jabar):
    return make_allocation(jabar, ceiling=100_000_000)


@pytest.fixture
def activities(allocation):
    return make_activity(allocation, budget=30_000_000), make_activity(allocation, budget=20_000_000, name="Pendampingan IKM")


def test_a_clean_file_is_recorded_whole_with_its_history_and_sums(officer, allocation, activities):
    first, second = activities
    rows = [entry(f"SP2D-{n}", first) for n in range(4)] + [entry("SP2D-9", second, amount="12.500.000", date="2020-08-03")]
    record = run_import(officer, allocation, csv_bytes(rows))
    assert record.status == "done", record.message
    assert record.rows_created == 5 and "5" in record.message
    assert Realisation.objects.count() == 5
    first.refresh_from_db(), second.refresh_from_db(), allocation.refresh_from_db()
    assert (first.realised, second.realised, allocation.realised) == (20_000_000, 12_500_000, 32_500_000)
    assert Realisation.objects.get(payment_number="SP2D-9").date == datetime.date(2020, 8, 3)
    # Who recorded each entry, and when, is in its history.
    assert Realisation.history.filter(history_type="+", history_user=officer).count() == 5


def test_sending_the_same_month_again_changes_nothing(officer, allocation, activities):
    first, _second = activities
    data = csv_bytes([entry(f"SP2D-{n}", first) for n in range(3)])
    run_import(officer, allocation, data)
    again = run_import(officer, allocation, data)
    assert again.status == "done" and again.rows_created == 0 and again.rows_unchanged == 3
    allocation.refresh_from_db()
    assert Realisation.objects.count() == 3 and allocation.realised == 15_000_000


@pytest.mark.parametrize("change, column, message", [
    ({"Tanggal SP2D": "15-07-2021"}, "date", "tahun anggaran 2020"),
    ({"Tanggal SP2D": "31-02-2020"}, "date", "bukan tanggal"),
    ({"Nilai SP2D": "-5000000"}, "amount", "lebih dari nol"),
    ({"Nilai SP2D": "5.000,50"}, "amount", "rupiah bulat"),
    ({"Nilai SP2D": "0"}, "amount", "lebih dari nol"),
    ({"Nilai SP2D": "99999999999999999"}, "amount", "Paling banyak"),
    ({"Akun": "421211"}, "account", "diawali 5"),
    ({"ID Kegiatan": 999999}, "activity", "Tidak ada kegiatan"),
    ({"Nomor SP2D": ""}, "payment_number", "nomor SP2D"),
])
def test_a_bad_row_rejects_the_file_and_writes_nothing(officer, allocation, activities, change, column, message):
    first, _second = activities
    rows = [entry("SP2D-1", first), {**entry("SP2D-2", first), **change}]
    record = run_import(officer, allocation, csv_bytes(rows))
    assert record.status == "rejected"
    assert "tidak ada data yang ditulis" in record.message
    assert [error["row"] for error in record.errors] == [3]
    assert record.errors[0]["column"] == column and message.lower() in record.errors[0]["message"].lower(), record.errors
    assert not Realisation.objects.exists()
    report = pd.read_excel(io.BytesIO(record.error_report.read()), engine="calamine")
    assert list(report["Baris"]) == [3]


def test_a_cancelled_activity_and_a_number_given_twice_are_row_errors(officer, allocation, activities):
    first, second = activities
    Activity.objects.filter(pk=second.pk).update(status="cancelled", status_reason="PSBB")
    record = run_import(officer, allocation, csv_bytes([entry("SP2D-1", first), entry("SP2D-1", first), entry("SP2D-3", second)]))
    assert record.status == "rejected"
    problems = {(error["row"], error["column"]) for error in record.errors}
    assert problems == {(2, "payment_number"), (3, "payment_number"), (4, "activity")}
    assert "dibatalkan" in " ".join(error["message"] for error in record.errors)


def test_more_than_is_left_on_an_activity_rejects_its_rows_and_says_what_is_left(officer, allocation, activities):
    first, second = activities
    rows = [entry("SP2D-1", first, amount="20.000.000"), entry("SP2D-2", first, amount="15.000.000"), entry("SP2D-3", second)]
    record = run_import(officer, allocation, csv_bytes(rows))
    assert record.status == "rejected"
    assert {error["row"] for error in record.errors} == {2, 3}
    assert "Rp 30.000.000" in record.errors[0]["message"]  # what is left on the activity
    assert not Realisation.objects.exists()
    assert Allocation.objects.get(pk=allocation.pk).realised == 0


def test_a_payment_number_already_recorded_with_other_figures_is_a_row_error(officer, allocation, activities):
    first, _second = activities
    run_import(officer, allocation, csv_bytes([entry("SP2D-1", first)]))
    record = run_import(officer, allocation, csv_bytes([entry("SP2D-1", first, amount="6.000.000"), entry("SP2D-2", first)]))
    assert record.status == "rejected"
    assert [(error["row"], error["column"]) for error in record.errors] == [(2, "payment_number")]
    assert "Rp 5.000.000" in record.errors[0]["message"]
    assert Realisation.objects.count() == 1


@pytest.mark.parametrize("headers, named", [
    (["Nomor SP2D", "Tanggal SP2D", "Nilai SP2D", "Akun"], "ID Kegiatan"),  # missing
    (["Nomor SP2D", "Tgl Bayar", "Nilai SP2D", "Akun", "ID Kegiatan"], "Tgl Bayar"),  # renamed
])
def test_missing_or_renamed_columns_are_named(officer, allocation, activities, headers, named):
    data = (",".join(headers) + "\n" + ",".join(["SP2D-1", "15-07-2020", "5000000", "521211", str(activities[0].pk)][: len(headers)]) + "\n").encode()
    record = run_import(officer, allocation, data)
    assert record.status == "rejected" and named in record.message
    assert not Realisation.objects.exists()


def test_the_template_lists_the_activities_and_reads_back_as_an_upload(officer, allocation, activities):
    """An officer fills the template in Excel (dates as dates, amounts as numbers)."""
    first, _second = activities
    workbook = pd.read_excel(io.BytesIO(template_xlsx(allocation)), sheet_name=None, engine="calamine")
    listing = list(workbook.values())[1]
    assert set(listing["ID Kegiatan"]) == {activity.pk for activity in activities}
    filled = pd.DataFrame([{"Nomor SP2D": "SP2D-X1", "Tanggal SP2D": datetime.datetime(2020, 7, 15), "Nilai SP2D": 7_500_000,
                            "Akun": 521211, "ID Kegiatan": first.pk, "Uraian": "ATK"}])
    buffer = io.BytesIO()
    filled.to_excel(buffer, index=False)
    record = run_import(officer, allocation, buffer.getvalue(), name="sp2d.xlsx")
    assert record.status == "done", (record.message, record.errors)
    stored = Realisation.objects.get()
    assert (stored.date, stored.amount, stored.account) == (datetime.date(2020, 7, 15), 7_500_000, "521211")


def test_an_officer_of_another_province_cannot_upload(client, other_officer, allocation):
    """The closed year's allocation is public (the page is readable), but not theirs to enter."""
    client.force_login(other_officer)
    upload = SimpleUploadedFile("sp2d.csv", b"x", content_type="text/csv")
    assert client.post(reverse("budget-realisation-upload", args=[allocation.pk]), {"file": upload}).status_code == 403
    page = client.get(reverse("budget-province", args=[allocation.pk])).content.decode()
    assert reverse("budget-realisation-upload", args=[allocation.pk]) not in page
    assert not RealisationImport.objects.exists()


@pytest.mark.worker
def test_the_upload_page_runs_the_import_on_a_real_worker(client, transactional_db, django_db_serialized_rollback, celery_worker_process, jabar):
    import time

    from tests.factories import make_user

    officer = make_user("officer", province=jabar, username="petugas.sp2d")
    allocation = make_allocation(jabar, ceiling=100_000_000)
    activity = make_activity(allocation, budget=30_000_000)
    client.force_login(officer)
    upload = SimpleUploadedFile("sp2d.csv", csv_bytes([entry(f"SP2D-{n}", activity) for n in range(3)]), content_type="text/csv")
    response = client.post(reverse("budget-realisation-upload", args=[allocation.pk]), {"file": upload})
    record = RealisationImport.objects.get()
    assert response["Location"] == reverse("budget-import-detail", args=[record.pk])
    deadline = time.monotonic() + 30
    while record.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        record.refresh_from_db()
    assert record.status == "done", record.message
    page = client.get(reverse("budget-import-detail", args=[record.pk])).content.decode()
    assert "3 SP2D dicatat" in page
    assert client.get(reverse("budget-province", args=[allocation.pk])).context["left"] == 85_000_000
