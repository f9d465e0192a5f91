"""Refreshing the rollups: atomic (a failed or killed refresh leaves the old figures),
serialised, per province, debounced after writes, and through a real worker after an import."""
import os
import signal
import subprocess
import sys
import threading
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, connections

from programs.models import Province
from surveys import rollups
from surveys.models import ImpactRollup, SurveyResponse
from tests.conftest import ROOT, subprocess_env
from tests.factories import make_businesses, make_responses, make_wave


def national(wave):
    return ImpactRollup.objects.get(wave=wave, verified_only=False, province=None, regency=None, sector=None, scale="")


@pytest.fixture
def wave(db):
    wave = make_wave("2020-04", status="published")
    provinces = list(Province.objects.filter(code__in=["32", "63"]))
    make_responses(wave, make_businesses(60, provinces=provinces), seed=2)
    return wave


def test_a_refresh_that_fails_midway_leaves_the_previous_figures(wave):
    rollups.refresh(wave=wave)
    before = national(wave)
    stored = ImpactRollup.objects.filter(wave=wave).count()
    SurveyResponse.objects.filter(wave=wave).update(turnover_after=0)

    real_execute = connection.cursor().__class__.execute
    calls = []

    def fail_on_second_insert(self, sql, params=None):
        if sql.startswith("INSERT INTO surveys_impactrollup"):
            calls.append(sql)
            if len(calls) == 2:  # the first basis is written, the verified one is not
                raise RuntimeError("database went away")
        return real_execute(self, sql, params)

    with mock.patch.object(connection.cursor().__class__, "execute", fail_on_second_insert):
        with pytest.raises(RuntimeError):
            rollups.refresh(wave=wave)
    after = national(wave)
    assert ImpactRollup.objects.filter(wave=wave).count() == stored
    assert (after.turnover_after, after.computed_at) == (before.turnover_after, before.computed_at)
    assert after.turnover_after > 0


@pytest.mark.worker
def test_a_refresh_killed_midway_leaves_the_previous_figures(transactional_db, django_db_serialized_rollback, wave):
    """The refresh runs in another process, is made to wait inside its transaction (a row of
    the old figures is locked), and is killed with SIGKILL there."""
    rollups.refresh(wave=wave)
    before = national(wave)
    SurveyResponse.objects.filter(wave=wave).update(turnover_after=0)

    blocker = connections.create_connection("default")
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute("SELECT id FROM surveys_impactrollup WHERE id = %s FOR UPDATE", [before.pk])
    process = subprocess.Popen(
        [sys.executable, "manage.py", "refresh_rollups", "--wave", wave.code], cwd=ROOT, env=subprocess_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        waiting = None
        while time.monotonic() < deadline and waiting is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM surveys_impactrollup%%'"
                )
                row = cursor.fetchone()
            waiting = row[0] if row else None
            time.sleep(0.1)
        assert waiting is not None, process.stdout.read() if process.poll() is not None else "refresh never reached its DELETE"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
    # The orphaned server process finishes its DELETE, finds no client and rolls back.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [waiting])
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.1)
    after = national(wave)
    assert (after.pk, after.turnover_after, after.computed_at) == (before.pk, before.turnover_after, before.computed_at)


def test_two_refreshes_at_once_do_not_collide(transactional_db, django_db_serialized_rollback, wave):
    errors = []

    def run():
        try:
            rollups.refresh(wave=wave)
        except Exception as error:  # collected to fail the test with the reason
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert national(wave).responses == 60
    # Exactly one set of figures: the unique slice constraint would have refused a second.
    assert ImpactRollup.objects.filter(wave=wave, province=None, regency=None, sector=None, scale="").count() == 2


def test_refreshing_one_province_changes_only_its_figures(wave):
    rollups.refresh(wave=wave)
    west_java, south_kalimantan = Province.objects.get(code="32"), Province.objects.get(code="63")
    kalsel_before = ImpactRollup.objects.get(wave=wave, verified_only=False, province=south_kalimantan, regency=None, sector=None, scale="")
    SurveyResponse.objects.filter(wave=wave).update(turnover_after=0)

    call_command("refresh_rollups", "--wave", wave.code, "--province", "32", stdout=open(os.devnull, "w"))

    jabar = ImpactRollup.objects.get(wave=wave, verified_only=False, province=west_java, regency=None, sector=None, scale="")
    kalsel = ImpactRollup.objects.get(wave=wave, verified_only=False, province=south_kalimantan, regency=None, sector=None, scale="")
    assert jabar.turnover_after == 0
    assert kalsel.turnover_after == kalsel_before.turnover_after > 0


def test_refresh_command_refuses_unknown_wave_and_province(wave):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No survey wave"):
        call_command("refresh_rollups", "--wave", "1999-01")
    with pytest.raises(CommandError, match="No province"):
        call_command("refresh_rollups", "--wave", wave.code, "--province", "99")


def test_a_burst_of_writes_queues_one_refresh_with_every_province(wave, settings, django_capture_on_commit_callbacks):
    settings.ROLLUP_REFRESH_DELAY = 30
    west_java, south_kalimantan = Province.objects.get(code="32"), Province.objects.get(code="63")
    with mock.patch("surveys.tasks.refresh_rollups_task.apply_async") as queued, django_capture_on_commit_callbacks(execute=True):
        rollups.mark_pending(wave=wave, province_ids=[west_java.pk])
        rollups.mark_pending(wave=wave, province_ids=[south_kalimantan.pk])
        rollups.mark_pending(wave=wave, province_ids=[west_java.pk])
    assert queued.call_count == 1
    assert queued.call_args.kwargs["countdown"] == 30
    result = rollups.refresh_pending(wave=wave)
    assert sorted(result.provinces) == sorted([west_java.pk, south_kalimantan.pk])
    # Taken once: a second refresh finds nothing, and once the queued task has started the
    # next write queues a new one.
    assert rollups.refresh_pending(wave=wave) is None
    rollups.pending_refresh_started(wave)
    with mock.patch("surveys.tasks.refresh_rollups_task.apply_async") as queued, django_capture_on_commit_callbacks(execute=True):
        rollups.mark_pending(wave=wave)
    assert queued.call_count == 1
    assert rollups.refresh_pending(wave=wave).provinces is None  # the whole wave


@pytest.mark.worker
def test_an_import_refreshes_the_figures_through_the_worker(
    client, transactional_db, django_db_serialized_rollback, celery_worker_process, jabar
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories import BusinessFactory, make_user
    from tests.surveys.test_import_pipeline import answer, csv_bytes

    officer = make_user("officer", province=jabar, username="petugas.rekap")
    wave = make_wave()
    businesses = [BusinessFactory(province=jabar) for _ in range(4)]
    client.force_login(officer)
    upload = SimpleUploadedFile("survei.csv", csv_bytes([answer(b.nib) for b in businesses]), content_type="text/csv")
    client.post(reverse("survey-upload", args=[wave.code]), {"file": upload})

    deadline = time.monotonic() + 60
    figures = None
    while figures is None and time.monotonic() < deadline:
        figures = ImpactRollup.objects.filter(wave=wave, verified_only=False, province=jabar, regency=None, sector=None, scale="").first()
        time.sleep(0.3)
    assert figures is not None, "no refresh within 60 s of the import"
    assert figures.responses == 4
    assert national(wave).responses == 4
    answer_ = client.get("/api/v1/impact/summary/", {"wave": wave.code, "province": "32"}).json()
    assert answer_["responses"] == 4


def test_refreshing_a_province_with_the_nation_updates_both(wave):
    """What the debounced task does after an officer's upload: the province and the national totals."""
    rollups.refresh(wave=wave)
    west_java, south_kalimantan = Province.objects.get(code="32"), Province.objects.get(code="63")
    kalsel_before = ImpactRollup.objects.get(wave=wave, verified_only=False, province=south_kalimantan, regency=None, sector=None, scale="")
    SurveyResponse.objects.filter(wave=wave, province=west_java).update(turnover_after=0)

    rollups.refresh(wave=wave, provinces=[west_java.pk])

    jabar = ImpactRollup.objects.get(wave=wave, verified_only=False, province=west_java, regency=None, sector=None, scale="")
    assert jabar.turnover_after == 0
    assert national(wave).turnover_after == kalsel_before.turnover_after
    assert ImpactRollup.objects.filter(wave=wave, province=None, sector__isnull=False, scale="", verified_only=False).count() > 0
