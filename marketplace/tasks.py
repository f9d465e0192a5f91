from celery import shared_task

from programs.jobs import job_task_options


@shared_task(**job_task_options())
def partner_report_task(import_id):
    """Check, match and apply one uploaded partner report (see marketplace.imports.import_run)."""
    from .imports import import_run

    import_run(import_id=import_id)
