from celery import shared_task

from .exports import export_run


@shared_task(acks_late=True)
def export_run_task(job_id):
    """Build one XLSX export (see programs.exports.export_run)."""
    export_run(job_id=job_id)
