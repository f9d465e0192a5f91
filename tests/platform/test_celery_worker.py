"""A task travels through the real Redis broker to a real worker process and back."""
import pytest

from ikm_portal.tasks import add

pytestmark = pytest.mark.worker


def test_worker_round_trip_through_redis(celery_worker_process):
    result = add.delay(2, 3)
    assert result.get(timeout=30) == 5
    assert result.successful()


def test_the_workers_heartbeat_is_visible_in_healthz(celery_worker_process, transactional_db, django_db_serialized_rollback, staff_user, client):
    import time

    from programs.models import WorkerHeartbeat

    # The worker writes its heartbeat at start and every WORKER_HEARTBEAT_SECONDS (1 in tests).
    deadline = time.monotonic() + 10
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    client.force_login(staff_user)
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    worker = response.json()["worker"]
    assert worker["alive"] >= 1 and worker["age_seconds"] <= 5
