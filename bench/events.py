"""Benchmark of the event list with 10,000 events and 1,000,000 registrations.

Prints seeding time and the median / p95 server time and SQL queries of the event list page
(public, owner, with filters) and /api/v1/events/. Target: p95 < 150 ms.

Run: scripts/bench.sh bench/events.py [--events 10000] [--registrations 1000000] [--runs 50]
"""
import argparse

from _common import bench_user, connection, report, run_seed, time_requests  # noqa: F401  (sets Django up)

from django.test import Client

from programs.models import Event, Registration

TARGET_MS = 150


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if Event.objects.count() < args.events:
        run_seed(businesses=200_000, responses=0, events=args.events, registrations=args.registrations)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE programs_event")
            cursor.execute("VACUUM ANALYZE programs_registration")
    print(f"events: {Event.objects.count():,}, upcoming published: {Event.objects.upcoming().count():,}, registrations: {Registration.objects.count():,}")
    owner = bench_user("bench.events.owner", "owner")
    cases = [
        ("public", None, "event list, first page", "/events/"),
        ("public", None, "event list, province 32", "/events/?province=32"),
        ("public", None, "event list, topic + mode", "/events/?topic=marketplace&mode=online"),
        ("public", None, "event list, date range, page 3", "/events/?starts_from=2026-12-01&starts_until=2027-03-31&page=3"),
        ("owner", owner, "event list, first page", "/events/"),
        ("public", None, "API /api/v1/events/ first page", "/api/v1/events/"),
    ]
    for who, user, label, url in cases:
        client = Client()
        if user is not None:
            client.force_login(user)
        median, p95, queries = time_requests(client, url, runs=args.runs)
        report(f"{label} [{who}]", median, p95, queries, TARGET_MS)


if __name__ == "__main__":
    main()
