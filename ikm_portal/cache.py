"""Django's Redis cache, degraded rather than broken when Redis is down.

Everything the portal keeps in the cache can be recomputed: counts on landing pages,
published figures, API throttle history, debounce flags. So with Redis unreachable a read is
a miss and a write is dropped, and pages, the API and form entries keep working (slower,
unthrottled) instead of answering 500. After a failure the cache is not asked again for
``CACHE_RETRY_SECONDS``: each request would otherwise wait for the socket time-out once per
cache call. ``cache_is_down()`` tells /healthz.
"""
import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Monotonic time until which Redis is considered down (module-wide: one breaker per process).
_down_until = 0.0


def cache_is_down():
    return time.monotonic() < _down_until


def _degrade(on_failure):
    """Run the cache call unless Redis is known to be down; a Redis error opens the breaker
    and the call returns what ``on_failure`` makes of its arguments."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            global _down_until
            if cache_is_down():
                return on_failure(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                if not cache_is_down():
                    logger.warning("cache unavailable, serving without it for %ss: %s", _retry_seconds(), error)
                _down_until = time.monotonic() + _retry_seconds()
                return on_failure(*args, **kwargs)

        return wrapper

    return decorator


def _retry_seconds():
    return getattr(settings, "CACHE_RETRY_SECONDS", 5)


def _default(key, default=None, *args, **kwargs):
    return default


def _missing_key(key, *args, **kwargs):
    # What Django's backends raise for incr()/decr() of a key that is not there.
    raise ValueError(f"Key {key!r} not found")


class ResilientRedisCache(RedisCache):
    get = _degrade(_default)(RedisCache.get)
    get_many = _degrade(lambda keys, *a, **k: {})(RedisCache.get_many)
    has_key = _degrade(lambda key, *a, **k: False)(RedisCache.has_key)
    add = _degrade(lambda key, *a, **k: False)(RedisCache.add)
    set = _degrade(lambda key, *a, **k: None)(RedisCache.set)
    set_many = _degrade(lambda data, *a, **k: list(data))(RedisCache.set_many)
    touch = _degrade(lambda key, *a, **k: False)(RedisCache.touch)
    delete = _degrade(lambda key, *a, **k: False)(RedisCache.delete)
    delete_many = _degrade(lambda keys, *a, **k: None)(RedisCache.delete_many)
    incr = _degrade(_missing_key)(RedisCache.incr)
    clear = _degrade(lambda *a, **k: None)(RedisCache.clear)
