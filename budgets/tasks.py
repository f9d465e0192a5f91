from celery import shared_task
from django.db import InterfaceError, OperationalError

from programs.jobs import job_task_options


@shared_task(**job_task_options(autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3))
def refresh_indicators_task(year=None):
    """The indicators of one fiscal year, or (hourly beat) of every year with allocations."""
    from .indicators import refresh
    from .models import Allocation

    years = [year] if year else sorted(set(Allocation.objects.values_list("year", flat=True)))
    return {str(each): refresh(each)[0] for each in years}


@shared_task(**job_task_options())
def realisation_import_task(import_id):
    """Check and record one uploaded file of payment orders (see budgets.imports.import_run)."""
    from .imports import import_run

    import_run(import_id=import_id)
