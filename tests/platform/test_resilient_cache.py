"""With Redis unreachable the cache is a miss, not a 500, and it is not asked again on every call."""
import socket
import time

import pytest
from django.core.cache import cache
from django.test import override_settings


@pytest.fixture
def unreachable_cache():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here
    caches = {"default": {"BACKEND": "ikm_portal.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0", "OPTIONS": {"socket_connect_timeout": 1}}}
    with override_settings(CACHES=caches, CACHE_RETRY_SECONDS=30):
        yield


def test_reads_miss_and_writes_are_dropped(unreachable_cache):
    from ikm_portal.cache import cache_is_down

    assert cache.get("anything", "default") == "default"
    assert cache_is_down()
    assert cache.get_or_set("count", lambda: 42) == 42
    assert cache.add("flag", 1) is False
    cache.set("key", 1)
    cache.delete("key")
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_the_breaker_spares_each_call_the_time_out(unreachable_cache):
    cache.get("first")  # opens the breaker
    started = time.perf_counter()
    for _ in range(100):
        cache.get("again")
    assert time.perf_counter() - started < 0.05


def test_the_officers_home_and_anonymous_api_work_without_the_cache(unreachable_cache, client, officer):
    assert client.get("/api/v1/provinces/").status_code == 200  # throttled through the cache
    client.force_login(officer)
    assert client.get("/").status_code == 200
