"""Benchmark of the onboarding dashboard at the BBI's scale: 10,000,000 shops over 2,500,000
businesses (issue 14), with DuckDB computing the same figures from the same rows as the
yardstick (DuckDB is used here only, never by the portal).

Prints:
- the time seed_demo takes to add the businesses and the shops;
- a full refresh of the figures (median of 3) against DuckDB computing the same figures from
  the same rows (target: within 3×) — from scratch (first shops sorted out, a join for sector
  and scale) and from the columns the portal reads — and whether the totals agree;
- the refresh after a report of one province, marketplace and month (only that cell);
- median / p95 and queries of the dashboard (staff and an officer), from the cache and
  computed (cache cleared before each request), and of its API (figures by each grouping,
  targets with their pace) — target p95 ≤ 100 ms, queries constant.

Run: scripts/bench.sh bench/onboarding.py [--businesses 2500000] [--onboardings 10000000] [--runs 30]
"""
import argparse
import datetime
import os
import tempfile
import time

from _common import bench_user, connection, report, time_requests  # noqa: F401  (sets Django up)

from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from marketplace import figures
from marketplace.models import Marketplace, Onboarding, OnboardingFigures
from programs.models import Business, Province

#: DuckDB from the raw rows: each business's first shop found by sorting, sector and scale
#: by a join to the registry — the figures from scratch.
DUCKDB_FROM_SCRATCH = """
    WITH own AS (SELECT id, business_id, marketplace_id, province_id, onboarded FROM onboarding WHERE confirmed),
    firsts AS (SELECT arg_min(id, (onboarded, id)) AS id FROM own GROUP BY business_id)
    SELECT date_trunc('month', own.onboarded) AS month, own.province_id, own.marketplace_id, b.sector_id, b.scale,
           count(*) AS shops, count(f.id) AS new_businesses
    FROM own JOIN business b ON b.id = own.business_id LEFT JOIN firsts f ON f.id = own.id
    GROUP BY ALL
"""
#: DuckDB from the same columns the portal's refresh reads (sector, scale and first shop kept
#: on the shop at write time).
DUCKDB_SAME_COLUMNS = """
    SELECT date_trunc('month', onboarded) AS month, province_id, marketplace_id, sector_id, scale,
           count(*) AS shops, count(*) FILTER (WHERE first_shop) AS new_businesses
    FROM onboarding WHERE confirmed
    GROUP BY ALL
"""


def duckdb_seconds():
    """Copy the rows out of PostgreSQL (not timed), then time DuckDB's GROUP BY both ways
    (median of 3 each): ``{name: (seconds, (rows, shops, new businesses))}``."""
    import duckdb

    folder = tempfile.mkdtemp(prefix="bench-duckdb-")
    paths = {"onboarding": os.path.join(folder, "onboarding.csv"), "business": os.path.join(folder, "business.csv")}
    with connection.cursor() as cursor, open(paths["onboarding"], "w") as onboarding, open(paths["business"], "w") as business:
        cursor.cursor.copy_expert("COPY (SELECT id, business_id, marketplace_id, province_id, sector_id, scale, first_shop, onboarded, confirmed "
                                  "FROM marketplace_onboarding) TO STDOUT WITH (FORMAT csv, HEADER)", onboarding)
        cursor.cursor.copy_expert("COPY (SELECT id, sector_id, scale FROM programs_business) TO STDOUT WITH (FORMAT csv, HEADER)", business)
    database = duckdb.connect()
    database.execute(f"CREATE TABLE onboarding AS SELECT * FROM read_csv_auto('{paths['onboarding']}')")
    database.execute(f"CREATE TABLE business AS SELECT * FROM read_csv_auto('{paths['business']}')")
    results = {}
    for name, sql in (("from scratch", DUCKDB_FROM_SCRATCH), ("same columns", DUCKDB_SAME_COLUMNS)):
        timings, totals = [], None
        for _ in range(3):
            started = time.perf_counter()
            totals = database.execute(f"SELECT count(*), sum(shops), sum(new_businesses) FROM ({sql})").fetchone()
            timings.append(time.perf_counter() - started)
        results[name] = (sorted(timings)[1], tuple(int(value) for value in totals))
    return results


def refresh_after_a_report(province, marketplace, month, shops):
    """What a partner report of one province and month leaves behind: ``shops`` of its shops
    re-dated within the month (the triggers note the one cell); then the refresh of what changed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE marketplace_onboarding SET onboarded = CASE WHEN extract(day FROM onboarded) = 1 THEN onboarded + 1 ELSE onboarded - 1 END
               WHERE id IN (SELECT id FROM marketplace_onboarding WHERE province_id = %s AND marketplace_id = %s
                            AND onboarded >= %s AND onboarded < %s::date + interval '1 month' LIMIT %s)""",
            [province.pk, marketplace.pk, month, month, shops],
        )
        changed = cursor.rowcount
    rows, seconds = figures.refresh(changed_only=True)
    return changed, rows, seconds


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
    ours = OnboardingFigures.objects.values_list("shops", "new_businesses")
    ours = (len(ours), sum(row[0] for row in ours), sum(row[1] for row in ours))
    print(f"full refresh of the portal ({rows:,} figure rows): median {portal:.2f} s")
    for name, (duck, totals) in duckdb_seconds().items():
        print(f"  DuckDB {name}: {duck:.2f} s -> ratio {portal / duck:.2f} (target <= 3); same totals: {totals == ours}")
    west_java = Province.objects.get(code="32")
    changed, rows, seconds = refresh_after_a_report(west_java, Marketplace.objects.get(code="tokopedia"), datetime.date(2021, 3, 1), 5_000)
    print(f"refresh after a report of Jawa Barat, Tokopedia, March 2021 ({changed:,} shops changed): {rows:,} figure rows rewritten in {seconds:.2f} s")

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
        for grouping in ("month", "province", "marketplace", "sector", "scale"):
            url = f"/api/v1/onboarding-figures/?year=2021&by={grouping}"
            median, p95, queries = time_requests(client, url, runs=args.runs)
            report(f"API onboarding-figures by {grouping} [{who}]", median, p95, queries, 100)
        median, p95, queries = time_requests(client, "/api/v1/onboarding-targets/?year=2021", runs=args.runs)
        report(f"API onboarding-targets 2021 with pace [{who}]", median, p95, queries, 100)


if __name__ == "__main__":
    main()
