from celery import shared_task
from django.db import OperationalError

from programs.jobs import job_task_options


@shared_task(**job_task_options())
def partner_report_task(import_id):
    """Check, match and apply one uploaded partner report (see marketplace.imports.import_run)."""
    from .imports import import_run

    import_run(import_id=import_id)


@shared_task(**job_task_options(autoretry_for=(OperationalError,), retry_backoff=5, max_retries=3))
def refresh_figures_task(province_ids=None):
    """Onboarding figures of some provinces (after a write), or of all of them and the
    workshop conversion (hourly beat). See marketplace.figures."""
    from .figures import refresh, refresh_conversion

    rows, _seconds = refresh(province_ids)
    if province_ids is None:
        refresh_conversion()
    return rows
