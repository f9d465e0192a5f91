from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from programs.jobs import job_task_options

from .imports import import_run


@shared_task(**job_task_options())
def import_run_task(import_id):
    """Check and write one uploaded survey file (see surveys.imports.import_run)."""
    import_run(import_id=import_id)


@shared_task(**job_task_options(autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, retry_backoff_max=120, max_retries=5))
def refresh_rollups_task(wave_id=None, province_ids=None, debounced=False):
    """Refresh impact rollups (retried when the database is unreachable or a lock times out,
    not on a programming error): the slices pending for one wave when ``debounced``, else one
    wave (or its ``province_ids``), or every wave with responses (the hourly safety net). See
    surveys.rollups."""
    from .models import SurveyWave
    from .rollups import pending_refresh_started, refresh, refresh_pending, waves_to_refresh

    if wave_id is None:
        return [refresh(wave=wave).rows for wave in waves_to_refresh()]
    wave = SurveyWave.objects.filter(pk=wave_id).first()
    if wave is None:  # deleted since the refresh was queued
        return None
    if debounced:
        pending_refresh_started(wave)
        result = refresh_pending(wave=wave)
        return result and result.rows
    return refresh(wave=wave, provinces=province_ids).rows


@shared_task(**job_task_options(autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3))
def refresh_pending_task():
    """Beat, every minute: refresh what writes marked pending and no debounced task took
    (the broker was down when they were written, or a worker died mid-refresh)."""
    from .rollups import refresh_pending, waves_pending

    # Marks younger than that belong to a debounced refresh that is still on its way.
    grace = 2 * settings.ROLLUP_REFRESH_DELAY + 5
    results = [refresh_pending(wave=wave) for wave in waves_pending(older_than=grace)]
    return sum(result.rows for result in results if result)


@shared_task(**job_task_options(autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3))
def refresh_turnover_ranges_task(wave_id=None):
    """The outlier ranges of one wave, or (hourly beat) of every open wave: see surveys.outliers."""
    from .models import SurveyWave
    from .outliers import refresh_ranges

    waves = SurveyWave.objects.filter(pk=wave_id) if wave_id else SurveyWave.objects.filter(status=SurveyWave.Status.OPEN)
    return {wave.code: refresh_ranges(wave) for wave in waves}
