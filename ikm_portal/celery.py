"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""
import logging
import os
import threading

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikm_portal.settings")

app = Celery("ikm_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
_heartbeat_stopped = threading.Event()


@worker_ready.connect
def start_worker_heartbeat(sender, **kwargs):
    """Record in the database, every WORKER_HEARTBEAT_SECONDS, that this worker is alive; a
    thread of the worker's main process, so it beats while tasks run and Redis is down."""
    hostname = sender.hostname
    threading.Thread(target=_beat, args=(hostname,), name="worker-heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_worker_heartbeat(sender, **kwargs):
    # A worker stopped on purpose is gone at once from /healthz, not a minute later.
    _heartbeat_stopped.set()
    try:
        from programs.models import WorkerHeartbeat

        WorkerHeartbeat.objects.filter(hostname=getattr(sender, "hostname", "")).delete()
    except Exception as error:
        logger.warning("worker heartbeat not removed: %s", error)


def _beat(hostname):
    from django.conf import settings
    from django.db import close_old_connections, connection
    from django.utils import timezone

    from programs.models import WorkerHeartbeat

    started = timezone.now()
    while True:
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(
                hostname=hostname, defaults={"seen_at": timezone.now(), "broker": WorkerHeartbeat.broker_id()},
                create_defaults={"started_at": started, "seen_at": timezone.now(), "broker": WorkerHeartbeat.broker_id()},
            )
        except Exception as error:  # the database may be down for a while; keep beating
            logger.warning("worker heartbeat not written: %s", error)
            connection.close()
        if _heartbeat_stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
            return
