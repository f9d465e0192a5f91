"""/healthz answers 200 when the database and Redis answer, 503 when Redis is stopped."""
import shutil
import socket
import subprocess
import time

import pytest
from django.test import override_settings


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok"}
    assert body["cache"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"


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


def test_503_when_redis_is_stopped(client, db, own_redis):
    process, url = own_redis
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    with override_settings(REDIS_URL=url, CACHES=caches):
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


def test_healthz_tells_how_old_the_newest_figures_are(client, db):
    from surveys.rollups import refresh
    from tests.factories import make_businesses, make_responses, make_wave
    from programs.models import Province

    wave = make_wave("2020-04")
    make_responses(wave, make_businesses(3, provinces=[Province.objects.get(code="32")]))
    refresh(wave=wave)
    response = client.get("/healthz")
    assert response.status_code == 200
    newest = response.json()["newest_rollup"]
    assert newest["computed_at"] and 0 <= newest["age_seconds"] < 60
