from celery import shared_task
from django.db import OperationalError

from programs.jobs import job_task_options


@shared_task(**job_task_options())
def partner_report_task(import_id):
    """Check, match and apply one uploaded partner report (see marketplace.imports.import_run)."""
    from .imports import import_run

    import_run(import_id=import_id)


@shared_task(**job_task_options(autoretry_for=(OperationalError,), retry_backoff=5, max_retries=3))
def refresh_figures_task(changed_only=False):
    """Onboarding figures of the cells writes changed (queued after a write), or all of them
    and the workshop conversion (hourly beat). See marketplace.figures."""
    from django.core.cache import cache

    from .figures import QUEUED_KEY, refresh, refresh_conversion

    if changed_only:
        cache.delete(QUEUED_KEY)  # a write from now on queues the next refresh
    rows, _seconds = refresh(changed_only=changed_only)
    if not changed_only:
        refresh_conversion()
    return rows
