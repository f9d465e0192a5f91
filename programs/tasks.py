from celery import shared_task
from django.db import OperationalError

from .exports import export_run
from .jobs import job_task_options, watchdog


@shared_task(**job_task_options(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3))
def export_run_task(job_id):
    """Build one export file (see programs.exports.export_run); retried if the database was unreachable."""
    export_run(job_id=job_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_registration_emails(kind, registration_ids):
    """Tell participants about their registration: confirmed, waiting, promoted, changed,
    cancelled or reminder. One e-mail per registration with an e-mail address."""
    from .event_emails import send

    return send(kind, registration_ids)


@shared_task
def send_event_reminders():
    """Beat, daily: remind confirmed participants of events that start tomorrow."""
    from django.utils import timezone

    from .event_emails import send
    from .events import reminders_due
    from .models import Registration

    ids = reminders_due()
    sent = send("reminder", ids)
    Registration.objects.filter(pk__in=ids).update(reminded_at=timezone.now())
    return sent


@shared_task
def jobs_watchdog():
    """Beat, every minute: fail jobs whose worker died, send again jobs the broker refused."""
    return watchdog()
