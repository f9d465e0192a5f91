from celery import shared_task
from django.db import OperationalError

from .exports import export_run


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def export_run_task(job_id):
    """Build one export file (see programs.exports.export_run); retried if the database was unreachable."""
    export_run(job_id=job_id)
