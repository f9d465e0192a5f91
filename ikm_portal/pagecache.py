"""Caching what many people read and few change: published figures and the public pages
showing them.

Entries live under a *namespace* (``"figures"``) whose generation number is part of every
key; the code that changes the data (the rollup refresh) calls :func:`bump` after its commit,
and every older entry is from then on never read again (it expires on its own). If Redis is
down the cache is a miss (ikm_portal.cache) and pages are computed as before.

:func:`cached` keeps computed data (the dashboard's figures) for everyone allowed to see
them; :func:`anonymous_page` keeps whole rendered pages for visitors who are not signed in.
A page's CSRF token is personal: it is taken out before the page is stored and each visitor
gets a fresh one when it is served, so the language switch keeps working.
"""
import functools
import hashlib
import re
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

#: Seconds an entry may be used even without a bump (events and other data change unseen).
DEFAULT_TIMEOUT = 10 * 60
_TOKEN_PLACEHOLDER = "__CSRF_TOKEN__"
_TOKEN_IN_PAGE = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def generation(namespace):
    """The namespace's current generation. A lost counter (evicted, Redis restarted) starts
    again from the clock, so no entry written before can match."""
    key = f"pagecache:generation:{namespace}"
    value = cache.get(key)
    if value is None:
        value = time.time_ns()
        if not cache.add(key, value, timeout=None):
            value = cache.get(key, value)
    return value


def bump(namespace):
    """Everything cached under ``namespace`` is out of date (call after the commit)."""
    cache.set(f"pagecache:generation:{namespace}", time.time_ns(), timeout=None)


def _key(namespace, parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"pagecache:{namespace}:{generation(namespace)}:{digest}"


def cached(namespace, parts, compute, *, timeout=DEFAULT_TIMEOUT):
    """``compute()``, or what it gave last time for the same ``parts`` in this generation."""
    key = _key(namespace, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def anonymous_page(namespace, *, timeout=DEFAULT_TIMEOUT):
    """Serve a view's successful GET responses to visitors who are not signed in from the
    cache (per path, query string, language and htmx request); signed-in users always get
    the view itself."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            parts = (request.path, request.GET.urlencode(), get_language(), bool(getattr(request, "htmx", False)))
            key = _key(namespace, parts)
            stored = cache.get(key)
            if stored is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming or response.cookies.keys() - {"csrftoken"}:
                    return response
                content = response.content.decode(response.charset)
                token = _TOKEN_IN_PAGE.search(content)
                if token:
                    content = content.replace(token.group(2), _TOKEN_PLACEHOLDER)
                stored = {"content": content, "content_type": response["Content-Type"], "headers": _kept_headers(response)}
                cache.set(key, stored, timeout=timeout)
            response = HttpResponse(stored["content"].replace(_TOKEN_PLACEHOLDER, get_token(request)), content_type=stored["content_type"])
            for name, value in stored["headers"].items():
                response[name] = value
            # Personal (its CSRF token) and language-dependent: no shared cache may keep it.
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorator


def _kept_headers(response):
    return {name: value for name, value in response.items() if name.lower() in ("content-language", "x-frame-options")}
