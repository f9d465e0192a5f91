"""Benchmark of the business registry with 1,000,000 businesses (issue: IKM registry).

Prints: seed_demo time; median/p95 server time and SQL queries of the business list page and
/api/v1/businesses/ (first page) with a province + sector filter and with a name search,
as an officer of Jawa Barat and as ministry staff. Target: p95 < 150 ms.

Run: scripts/bench.sh bench/businesses.py [--rows 1000000] [--runs 50]
"""
import argparse
import time

from _common import bench_user, connection, report, time_requests  # noqa: F401  (sets Django up)

from django.core.management import call_command
from django.test import Client

from programs.models import Business

TARGET_MS = 150


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    existing = Business.objects.count()
    if existing < args.rows:
        started = time.monotonic()
        call_command("seed_demo", businesses=args.rows, stdout=open("/dev/null", "w"))
        elapsed = time.monotonic() - started
        added = Business.objects.count() - existing
        print(f"seed_demo --businesses {args.rows:,}: {elapsed:.1f} s for {added:,} rows ({added / elapsed:,.0f} rows/s, accounts included)")
    # Steady state, as in production: statistics fresh and the visibility map set (right after
    # a bulk load autovacuum would otherwise run during the measurements).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE programs_business")
    print(f"businesses in the database: {Business.objects.count():,}")

    from programs.models import Province

    officer = bench_user("bench.officer", "officer", province=Province.objects.get(code="32"))
    staff = bench_user("bench.staff", "ministry-staff")
    cases = [
        ("list page, province + sector", "/businesses/?province=32&sector=food-beverages"),
        ("list page, name search 'sari'", "/businesses/?q=sari"),
        ("API first page, province + sector", "/api/v1/businesses/?province=32&sector=food-beverages"),
        ("API first page, name search 'sari'", "/api/v1/businesses/?q=sari"),
    ]
    for who, user in (("officer 32", officer), ("ministry staff", staff)):
        client = Client()
        client.force_login(user)
        for label, url in cases:
            median, p95, queries = time_requests(client, url, runs=args.runs)
            report(f"{label} [{who}]", median, p95, queries, TARGET_MS)


if __name__ == "__main__":
    main()
