"""A task travels through the real Redis broker to a real worker process and back."""
import pytest

from ikm_portal.tasks import add, heartbeat

pytestmark = pytest.mark.worker


def test_worker_round_trip_through_redis(celery_worker_process):
    result = add.delay(2, 3)
    assert result.get(timeout=30) == 5
    assert result.successful()


def test_beat_heartbeat_is_visible_in_healthz(celery_worker_process, client):
    heartbeat.delay().get(timeout=30)
    body = client.get("/healthz").json()
    assert body["broker"]["mode"] == "redis"
    assert body["broker"]["last_worker_heartbeat"] is not None
