"""Benchmark of the onboarding dashboard at the BBI's scale: 10,000,000 shops over 2,500,000
businesses (issue 14), with DuckDB computing the same figures from the same rows as the
yardstick (DuckDB is used here only, never by the portal).

Prints:
- the time seed_demo takes to add the businesses and the shops;
- a full refresh of the figures (median of 3) against DuckDB's time for the same GROUP BY on
  the same rows (target: within 3×), and whether both give the same totals;
- the refresh of one province (what a partner report of that province triggers);
- median / p95 and queries of the dashboard (staff and an officer), from the cache and
  computed (cache cleared before each request) — target p95 ≤ 100 ms, queries constant.

Run: scripts/bench.sh bench/onboarding.py [--businesses 2500000] [--onboardings 10000000] [--runs 30]
"""
import argparse
import os
import tempfile
import time

from _common import bench_user, connection, report, time_requests  # noqa: F401  (sets Django up)

from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from marketplace import figures
from marketplace.models import Onboarding, OnboardingFigures
from programs.models import Business, Province

DUCKDB_SQL = """
    WITH own AS (SELECT id, business_id, marketplace_id, province_id, onboarded FROM onboarding WHERE confirmed),
    firsts AS (SELECT arg_min(id, (onboarded, id)) AS id FROM own GROUP BY business_id)
    SELECT date_trunc('month', own.onboarded) AS month, own.province_id, own.marketplace_id, b.sector_id, b.scale,
           count(*) AS shops, count(f.id) AS new_businesses
    FROM own JOIN business b ON b.id = own.business_id LEFT JOIN firsts f ON f.id = own.id
    GROUP BY ALL
"""


def duckdb_seconds():
    """Copy the rows out of PostgreSQL (not timed), then time DuckDB's GROUP BY (median of 3)."""
    import duckdb

    folder = tempfile.mkdtemp(prefix="bench-duckdb-")
    paths = {"onboarding": os.path.join(folder, "onboarding.csv"), "business": os.path.join(folder, "business.csv")}
    with connection.cursor() as cursor, open(paths["onboarding"], "w") as onboarding, open(paths["business"], "w") as business:
        cursor.cursor.copy_expert("COPY (SELECT id, business_id, marketplace_id, province_id, onboarded, confirmed FROM marketplace_onboarding) TO STDOUT WITH (FORMAT csv, HEADER)", onboarding)
        cursor.cursor.copy_expert("COPY (SELECT id, sector_id, scale FROM programs_business) TO STDOUT WITH (FORMAT csv, HEADER)", business)
    database = duckdb.connect()
    database.execute(f"CREATE TABLE onboarding AS SELECT * FROM read_csv_auto('{paths['onboarding']}')")
    database.execute(f"CREATE TABLE business AS SELECT * FROM read_csv_auto('{paths['business']}')")
    timings, totals = [], None
    for _ in range(3):
        started = time.perf_counter()
        rows = database.execute(f"SELECT count(*), sum(shops), sum(new_businesses) FROM ({DUCKDB_SQL})").fetchone()
        timings.append(time.perf_counter() - started)
        totals = rows
    return sorted(timings)[1], totals


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=2_500_000)
    parser.add_argument("--onboardings", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    if Business.objects.count() < args.businesses:
        started = time.monotonic()
        call_command("seed_demo", businesses=args.businesses, responses=0, events=0, registrations=0, stdout=open(os.devnull, "w"))
        print(f"seed_demo --businesses {args.businesses:,}: {time.monotonic() - started:.1f} s")
    missing = args.onboardings - Onboarding.objects.count()
    if missing > 0:
        started = time.monotonic()
        call_command("seed_demo", businesses=args.businesses, responses=0, events=0, registrations=0, onboardings=missing, stdout=open(os.devnull, "w"))
        print(f"seed_demo --onboardings {missing:,}: {time.monotonic() - started:.1f} s (figures refreshed included)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE marketplace_onboarding")
    print(f"shops: {Onboarding.objects.count():,} over {Business.objects.count():,} businesses")

    timings = []
    for _ in range(3):
        rows, seconds = figures.refresh()
        timings.append(seconds)
    portal = sorted(timings)[1]
    duck, totals = duckdb_seconds()
    ours = OnboardingFigures.objects.values_list("shops", "new_businesses")
    same = (len(ours), sum(row[0] for row in ours), sum(row[1] for row in ours)) == tuple(int(value) for value in totals)
    print(f"full refresh ({rows:,} figure rows): median {portal:.2f} s; DuckDB on the same rows {duck:.2f} s -> ratio {portal / duck:.2f} (target <= 3); same totals: {same}")
    west_java = Province.objects.get(code="32")
    _rows, seconds = figures.refresh([west_java.pk])
    print(f"refresh of one province (Jawa Barat, after its partner report): {seconds:.2f} s")

    staff = bench_user("bench.onboarding.staff", "ministry-staff")
    officer = bench_user("bench.onboarding.officer", "officer", province=west_java)
    for who, user in (("staff", staff), ("officer 32", officer)):
        client = Client()
        client.force_login(user)
        median, p95, queries = time_requests(client, "/marketplace/dashboard/?year=2021", runs=args.runs)
        report(f"dashboard 2021, cached [{who}]", median, p95, queries, 100)
        samples = []
        for _ in range(min(args.runs, 10)):
            cache.clear()
            started = time.perf_counter()
            client.get("/marketplace/dashboard/?year=2021")
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        print(f"dashboard 2021, computed (cache cleared) [{who}]: median {samples[len(samples) // 2]:.1f} ms, max {samples[-1]:.1f} ms")


if __name__ == "__main__":
    main()
