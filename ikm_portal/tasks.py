from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "celery:last-heartbeat"


@shared_task
def heartbeat():
    """Record that a worker ran a task; /healthz shows when it last did."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now


@shared_task
def add(x, y):
    """A trivial task for checking the worker round trip."""
    return x + y
