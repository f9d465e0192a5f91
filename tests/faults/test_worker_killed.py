"""A worker killed mid-job: the import is failed with a message and can be retried (nothing
half-written, written once on retry); a refresh killed mid-way keeps its pending marks and
the figures catch up when a worker is back."""
import psycopg2
import pytest
from django.db import connection

from programs.locks import LockKey
from surveys.models import ImpactRollup, RollupPending, SurveyImport, SurveyResponse
from surveys.rollups import refresh
from tests.factories import BusinessFactory, make_businesses, make_responses, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes

from .conftest import APPLICATION_NAME, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.faults]


class Held:
    """A lock held by a connection of the test's own until released (a slow write elsewhere)."""

    def __init__(self, *statements):
        self.connection = psycopg2.connect(**connection.get_connection_params())
        with self.connection.cursor() as cursor:
            for statement, params in statements:
                cursor.execute(statement, params)

    def release(self):
        self.connection.rollback()
        self.connection.close()


def stack_waiting(query_start):
    """The pid of the stack's database session blocked on a lock in a statement starting so."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock' AND query ILIKE %s",
            [APPLICATION_NAME, query_start + "%"],
        )
        row = cursor.fetchone()
    return row and row[0]


def session_gone(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def test_an_import_whose_worker_is_killed_fails_with_a_message_and_a_retry_writes_it_once(stack, jabar, officer):
    wave = make_wave()
    businesses = [BusinessFactory(province=jabar) for _ in range(3)]
    browser = stack.session(officer)
    # Another upload into the same wave is writing: this one waits for its turn, running.
    other_upload = Held(("BEGIN", None), ("SELECT pg_advisory_xact_lock(%s, %s)", [int(LockKey.SURVEY_WAVE_WRITE), wave.pk]))
    try:
        page = browser.get(f"{stack.base}/surveys/{wave.code}/upload/", timeout=30)
        assert page.status_code == 200
        uploaded = browser.post(
            f"{stack.base}/surveys/{wave.code}/upload/", data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            files={"file": ("survei.csv", csv_bytes([answer(b.nib) for b in businesses]), "text/csv")},
            headers={"Referer": f"{stack.base}/surveys/{wave.code}/upload/"}, timeout=30,
        )
        assert uploaded.status_code == 200, uploaded.text[:500]
        record = SurveyImport.objects.get()
        pid = wait_for(lambda: stack_waiting("SELECT pg_advisory_xact_lock"), timeout=30, message=f"the import did not reach its write:\n{stack.worker.log()[-3000:]}")
        assert SurveyImport.objects.get().status == "running"
        stack.worker.kill()
    finally:
        other_upload.release()
    wait_for(lambda: session_gone(pid), timeout=30, message="the killed worker's database session lingered")
    assert not SurveyResponse.objects.exists()  # nothing half-written

    # The officer's page finds the job silent and says what happened; nothing stays "running".
    status_page = f"{stack.base}/surveys/imports/{record.pk}/"
    shown = []
    wait_for(lambda: shown.append(browser.get(status_page, timeout=30).text) or "Coba lagi" in shown[-1], timeout=30, message="the import still shows as running")
    assert "proses server yang menjalankannya berhenti" in shown[-1]
    assert SurveyImport.objects.get().status == "failed"

    stack.start_worker()
    retried = stack.post_form(browser, f"/surveys/imports/{record.pk}/retry/", {})
    assert retried.status_code == 200 and "Unggahan sedang diperiksa ulang." in retried.text
    wait_for(lambda: SurveyImport.objects.get().status == "done", timeout=60, message=f"the retry did not finish:\n{stack.worker.log()[-3000:]}")
    assert SurveyResponse.objects.filter(wave=wave).count() == 3
    assert "3 baris disimpan" in browser.get(status_page, timeout=30).text or SurveyImport.objects.get().rows_created == 3


def test_a_refresh_killed_midway_keeps_its_marks_and_the_figures_catch_up(stack, jabar):
    wave = make_wave()
    make_responses(wave, make_businesses(4, provinces=[jabar]))
    refresh(wave=wave)
    row = ImpactRollup.objects.get(wave=wave, verified_only=False, province=jabar, regency=None, sector=None, scale="")
    assert row.responses == 4

    # A reader holds the figures table: the refresh takes its marks, then waits to replace rows.
    reader = Held(("BEGIN", None), ("LOCK TABLE surveys_impactrollup IN SHARE MODE", None))
    try:
        make_responses(wave, make_businesses(1, provinces=[jabar]), seed=7)
        with connection.cursor() as cursor:  # as a write does, in its own transaction
            cursor.execute("INSERT INTO surveys_rolluppending (wave_id, province_id, marked_at) VALUES (%s, %s, now())", [wave.pk, jabar.pk])
        pid = wait_for(lambda: stack_waiting("DELETE FROM surveys_impactrollup"), timeout=60, message=f"no refresh reached the figures:\n{stack.worker.log()[-3000:]}")
        stack.worker.kill()
    finally:
        reader.release()
    wait_for(lambda: session_gone(pid), timeout=30, message="the killed worker's database session lingered")
    assert RollupPending.objects.filter(wave=wave, province=jabar).exists()  # the mark survived the crash
    assert ImpactRollup.objects.get(wave=wave, verified_only=False, province=jabar, regency=None, sector=None, scale="").responses == 4

    stack.start_worker()
    wait_for(
        lambda: ImpactRollup.objects.get(wave=wave, verified_only=False, province=jabar, regency=None, sector=None, scale="").responses == 5,
        timeout=60, message=f"the figures did not catch up:\n{stack.worker.log()[-3000:]}",
    )
    assert not RollupPending.objects.filter(wave=wave).exists()
