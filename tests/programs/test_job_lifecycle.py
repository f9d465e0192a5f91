"""No job stays queued or running for ever: a refused send is re-sent, a silent job is
failed with a message, a final job is not run again, a job that keeps killing its worker
is given up."""
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from programs import jobs
from programs.models import ExportJob


@pytest.fixture
def job(officer):
    return ExportJob.objects.create(user=officer, kind="businesses")


def test_a_send_the_broker_refuses_leaves_the_job_waiting_and_the_watchdog_sends_it(job, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("programs.tasks.export_run_task.apply_async", side_effect=BrokerDown("Connection refused")):
        jobs.dispatch(job, on_commit=False)
    job.refresh_from_db()
    assert job.status == "queued" and job.dispatched_at is None and job.is_waiting_for_broker

    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    with mock.patch("programs.tasks.export_run_task.apply_async") as sent:
        assert jobs.watchdog()["ExportJob"] == (0, 1)
    sent.assert_called_once_with(args=[job.pk], queue=None)
    job.refresh_from_db()
    assert job.dispatched_at is not None and not job.is_waiting_for_broker


def test_a_running_job_whose_heartbeat_stopped_is_failed_with_a_message(job, settings):
    settings.JOB_STALE_SECONDS = 60
    ExportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now() - timedelta(seconds=61))
    fresh = ExportJob.objects.create(user=job.user, kind="businesses", status="running", heartbeat_at=timezone.now())
    assert jobs.watchdog()["ExportJob"][0] == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == "failed" and "proses server yang menjalankannya berhenti" in job.error and job.finished_at
    assert fresh.status == "running"


def test_a_final_job_is_not_run_again(job):
    ExportJob.objects.filter(pk=job.pk).update(status="done")
    work = mock.Mock()
    assert jobs.run_job(ExportJob, job.pk, work).status == "done"
    work.assert_not_called()


def test_a_job_that_keeps_killing_its_worker_is_given_up(job, settings):
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempts=settings.JOB_MAX_ATTEMPTS)
    work = mock.Mock()
    ended = jobs.run_job(ExportJob, job.pk, work)
    work.assert_not_called()
    assert ended.status == "failed" and "3 kali" in ended.error


def test_the_claim_marks_the_job_running_and_counts_the_attempt(job, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    seen = {}

    def work(claimed):
        seen.update(status=claimed.status, attempts=claimed.attempts)
        return claimed

    jobs.run_job(ExportJob, job.pk, work)
    assert seen == {"status": "running", "attempts": 1}
