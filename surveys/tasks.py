from celery import shared_task

from .imports import import_run


@shared_task(acks_late=True)
def import_run_task(import_id):
    """Check and write one uploaded survey file (see surveys.imports.import_run)."""
    import_run(import_id=import_id)
