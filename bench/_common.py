"""Shared helpers for the benchmarks: Django set-up, timing and printing."""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikm_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_requests(client, url, *, runs=50, warmup=5):
    """Median and p95 server time (ms) of GET url, and the SQL queries of one request."""
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
    settings.DEBUG = True
    reset_queries()
    client.get(url)
    queries = len(connection.queries)
    settings.DEBUG = False
    return statistics.median(timings), percentile(timings, 0.95), queries


def report(label, median, p95, queries, target=None):
    verdict = "" if target is None else ("  OK" if p95 <= target else f"  OVER TARGET ({target} ms)")
    print(f"{label:<62} median {median:7.1f} ms   p95 {p95:7.1f} ms   queries {queries:3d}{verdict}")


def bench_user(username, role, province=None):
    """The benchmark's account with that role, created on first use."""
    from django.contrib.auth import get_user_model

    from tests.factories import make_user

    existing = get_user_model().objects.filter(username=username).first()
    return existing or make_user(role, province=province, username=username)


def run_seed(**options):
    """Run ``seed_demo`` with these options, printing its time and what it added."""
    import io

    from django.core.management import call_command

    started = time.monotonic()
    output = io.StringIO()
    call_command("seed_demo", stdout=output, **options)
    print(f"seed_demo {' '.join(f'--{name} {value:,}' for name, value in options.items())}: {time.monotonic() - started:.1f} s")
    for line in output.getvalue().splitlines():
        if line.startswith(("Added", "Impact")):
            print("  " + line)
