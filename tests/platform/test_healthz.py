"""/healthz answers 200 when the database, Redis and a worker answer, 503 when Redis is
stopped or no worker is alive; the public learns only ok / not ok."""
import shutil
import socket
import subprocess
import time

import pytest
from django.test import override_settings


@pytest.fixture
def live_worker(db):
    """A worker heartbeat as a live worker writes it (see ikm_portal.celery)."""
    from django.utils import timezone

    from programs.models import WorkerHeartbeat

    return WorkerHeartbeat.objects.create(hostname="celery@test", broker=WorkerHeartbeat.broker_id(), started_at=timezone.now(), seen_at=timezone.now())


def test_healthy(client, staff_user, live_worker):
    client.force_login(staff_user)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok"}
    assert body["cache"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"
    assert body["worker"]["alive"] == 1 and body["worker"]["last_heartbeat"]


def test_the_public_learns_only_ok_or_not(client, live_worker):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_load_balancers_token_reads_the_details(client, live_worker, settings):
    settings.HEALTHZ_TOKEN = "s3cret-token"
    assert "database" not in client.get("/healthz", headers={"Authorization": "Bearer wrong"}).json()
    assert client.get("/healthz", headers={"Authorization": "Bearer s3cret-token"}).json()["database"] == {"status": "ok"}


def test_503_when_no_worker_is_alive(client, staff_user, live_worker):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(staff_user)
    live_worker.seen_at = timezone.now() - timedelta(minutes=5)
    live_worker.save()
    response = client.get("/healthz")
    assert response.status_code == 503
    worker = response.json()["worker"]
    assert worker["status"] == "error" and worker["alive"] == 0
    assert 290 <= worker["age_seconds"] <= 310  # when it was last seen, for the operator
    assert client.logout() is None
    assert client.get("/healthz").json() == {"status": "error"}


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, so stopping it does not disturb the others."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (the README's test command installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    if process.poll() is None:
        process.kill()
        process.wait()


def test_503_when_redis_is_stopped(client, staff_user, live_worker, own_redis):
    process, url = own_redis
    client.force_login(staff_user)
    caches = {"default": {"BACKEND": "ikm_portal.cache.ResilientRedisCache", "LOCATION": url, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    with override_settings(REDIS_URL=url, CACHES=caches):
        live_worker.broker = type(live_worker).broker_id()  # a worker of this Redis
        live_worker.save()
        assert client.get("/healthz").status_code == 200
        process.terminate()
        process.wait(timeout=10)
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"]["status"] == "error"
    assert body["cache"]["status"] == "error"
    assert body["database"]["status"] == "ok"


def test_healthz_tells_how_old_the_newest_figures_are(client, staff_user, live_worker):
    from surveys.rollups import refresh
    from tests.factories import make_businesses, make_responses, make_wave
    from programs.models import Province

    wave = make_wave("2020-04")
    make_responses(wave, make_businesses(3, provinces=[Province.objects.get(code="32")]))
    refresh(wave=wave)
    client.force_login(staff_user)
    response = client.get("/healthz")
    assert response.status_code == 200
    newest = response.json()["newest_rollup"]
    assert newest["computed_at"] and 0 <= newest["age_seconds"] < 60


def test_a_worker_of_another_broker_does_not_count(client, staff_user, live_worker):
    live_worker.broker = "another-broker"
    live_worker.save()
    client.force_login(staff_user)
    assert client.get("/healthz").status_code == 503
