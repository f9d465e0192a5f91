from celery import shared_task
from django.db import InterfaceError, OperationalError

from .imports import import_run


@shared_task(acks_late=True)
def import_run_task(import_id):
    """Check and write one uploaded survey file (see surveys.imports.import_run)."""
    import_run(import_id=import_id)


@shared_task(
    acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=5,
    retry_backoff_max=120, max_retries=5,
)
def refresh_rollups_task(wave_id=None, province_ids=None, debounced=False):
    """Refresh impact rollups (retried when the database is unreachable or a lock times out,
    not on a programming error): one wave (the provinces pending for it when ``debounced``),
    or every wave with responses (the beat safety net). See surveys.rollups."""
    from .models import SurveyWave
    from .rollups import refresh, take_pending, waves_to_refresh

    if wave_id is None:
        return [refresh(wave=wave).rows for wave in waves_to_refresh()]
    wave = SurveyWave.objects.filter(pk=wave_id).first()
    if wave is None:  # deleted since the refresh was queued
        return None
    if debounced:
        province_ids = take_pending(wave)
    return refresh(wave=wave, provinces=province_ids).rows
