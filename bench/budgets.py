"""Benchmark of the budget pages, the indicators API and the indicators refresh at scale:
10 fiscal years × 38 provinces × 2,000 activities and 1,000,000 realisation entries.

Data are generated in SQL (generate_series) with the running sums set to match the entries,
so every constraint holds as if the services had written them.

Prints:
- the time to generate the data;
- full refresh of the indicators of every year vs the same statement run bare in psql
  (target ratio ≤ 1.5);
- median / p95 server time and SQL queries of the ranking page, a province page and
  /api/v1/budget-indicators/ (target p95 ≤ 100 ms, query counts constant).

Run: scripts/bench.sh bench/budgets.py [--years 10] [--activities 2000] [--entries 1000000] [--runs 30]
"""
import argparse
import os
import subprocess
import tempfile
import time

from _common import ROOT, bench_user, connection, report, time_requests  # noqa: F401  (sets Django up)

from django.test import Client

from budgets import indicators
from budgets.models import Allocation, Indicator
from programs.models import Province

FIRST_YEAR = 2016


def generate(years, activities_per_allocation, entries):
    """Allocations, activities and realisation entries, in SQL."""
    admin = bench_user("bench.budgets.admin", "ministry-admin")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO budgets_allocation (year, province_id, satker_code, satker_name, original_ceiling, ceiling, blocked, planned, realised, created_at, updated_at)
               SELECT y, p.id, lpad((p.id * 100 + y %% 100)::text, 6, '0'), 'Dinas Perindustrian ' || p.name, 4000000000000, 3800000000000, 0, 0, 0, now(), now()
               FROM generate_series(%s, %s) AS y CROSS JOIN programs_province p
               ON CONFLICT DO NOTHING""",
            [FIRST_YEAR, FIRST_YEAR + years - 1],
        )
        cursor.execute(
            """INSERT INTO budgets_activity (allocation_id, kind, name, output, unit, target, regency_id, mode, planned_start, planned_end,
                                            status, status_reason, budget, realised, created_at, updated_at)
               SELECT a.id, (ARRAY['new-entrepreneurs','ppe-bimtek','mentoring','online-training','facilitation'])[1 + n %% 5],
                      'Kegiatan ' || n, 'Keluaran ' || n, (ARRAY['participants','masks','businesses'])[1 + n %% 3], 50 + n %% 400, NULL,
                      (ARRAY['online','offline','hybrid'])[1 + n %% 3], make_date(a.year, 1 + n %% 10, 1), make_date(a.year, 2 + n %% 10, 1),
                      (ARRAY['done','running','planned','postponed'])[1 + n %% 4], CASE WHEN n %% 4 = 3 THEN 'PSBB' ELSE '' END,
                      1500000000, 0, now(), now()
               FROM budgets_allocation a CROSS JOIN generate_series(1, %s) AS n""",
            [activities_per_allocation],
        )
        cursor.execute("SELECT count(*) FROM budgets_activity")
        activity_count = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO budgets_realisation (allocation_id, activity_id, payment_number, date, amount, account, description, entered_by_id, created_at)
               SELECT t.allocation_id, t.id, 'SP2D-' || e.n, make_date(a.year, 1 + e.n %% 12, 1 + e.n %% 28), 1000000 + (e.n %% 50) * 100000,
                      '521211', '', %s, now()
               FROM generate_series(0, %s - 1) AS e(n)
               JOIN budgets_activity t ON t.id = (SELECT min(id) FROM budgets_activity) + e.n %% %s
               JOIN budgets_allocation a ON a.id = t.allocation_id""",
            [admin.pk, entries, activity_count],
        )
        cursor.execute(
            """UPDATE budgets_activity t SET realised = s.total FROM (SELECT activity_id, sum(amount) AS total FROM budgets_realisation GROUP BY 1) s
               WHERE s.activity_id = t.id"""
        )
        cursor.execute(
            """UPDATE budgets_allocation a SET planned = s.planned, realised = s.realised
               FROM (SELECT allocation_id, sum(budget) AS planned, sum(realised) AS realised FROM budgets_activity GROUP BY 1) s
               WHERE s.allocation_id = a.id"""
        )
        cursor.execute("VACUUM ANALYZE budgets_realisation")
        cursor.execute("VACUUM ANALYZE budgets_activity")
    return time.perf_counter() - started


def bare_seconds(years):
    """The indicators statement of every year, run alone in psql (its INSERT included)."""
    from django.utils import timezone

    statements = []
    with connection.cursor() as cursor:
        for year in years:
            params = {"year": year, "now": timezone.now(), "q1": 0.15, "q2": 0.4, "q3": 0.65, "q4": 0.95,
                      "w_absorption": 20.0, "w_rpd": 15.0, "w_revisions": 5.0, "w_output": 25.0}
            statements.append(f"DELETE FROM budgets_indicator WHERE year = {year};")
            statements.append(cursor.mogrify(indicators.INDICATORS_SQL, params).decode() + ";")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("SET jit = off;\n\\timing on\n")
        script.write("\n".join(statements))
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGHOST": settings_dict["HOST"], "PGUSER": settings_dict["USER"], "PGDATABASE": settings_dict["NAME"]}
    if settings_dict.get("PORT"):
        env["PGPORT"] = str(settings_dict["PORT"])
    psql = subprocess.run(["bash", "-c", f"ls {ROOT}/.venv/lib/python3*/site-packages/postgresql/bin/psql 2>/dev/null | head -1"], capture_output=True, text=True).stdout.strip() or "psql"
    output = subprocess.run([psql, "-X", "-q", "-f", script.name], env=env, capture_output=True, text=True).stdout
    return sum(float(line.split()[1].replace(",", "")) for line in output.splitlines() if line.startswith("Time:")) / 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if not Allocation.objects.filter(year=FIRST_YEAR).exists():
        seconds = generate(args.years, args.activities, args.entries)
        print(f"generated {Allocation.objects.count():,} allocations, {args.activities:,} activities each, {args.entries:,} realisation entries in {seconds:.1f} s")
    years = sorted(set(Allocation.objects.values_list("year", flat=True)))
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        for year in years:
            indicators.refresh(year)
        timings.append(time.perf_counter() - started)
    refresh_time = sorted(timings)[1]
    bare = sorted(bare_seconds(years) for _ in range(3))[1]
    print(f"indicators refresh of {len(years)} years ({Indicator.objects.count():,} rows): median {refresh_time:.2f} s; bare in psql {bare:.2f} s -> ratio {refresh_time / bare:.2f} (target <= 1.5)")

    west_java = Province.objects.get(code="32")
    staff = bench_user("bench.budgets.staff", "ministry-staff")
    officer = bench_user("bench.budgets.officer", "officer", province=west_java)
    year = years[len(years) // 2]
    allocation = Allocation.objects.get(year=year, province=west_java)
    cases = [
        ("staff", staff, f"ranking page ({year})", f"/budgets/?year={year}"),
        ("public", None, f"ranking page, public ({year})", f"/budgets/?year={year}"),
        ("officer 32", officer, "province page (2,000 activities)", f"/budgets/allocations/{allocation.pk}/"),
        ("staff", staff, "API indicators, one year, all provinces", f"/api/v1/budget-indicators/?year={year}&month=12"),
        ("officer 32", officer, "API indicators, own province, one year", f"/api/v1/budget-indicators/?year={year}&province=32"),
    ]
    for who, user, label, url in cases:
        client = Client()
        if user is not None:
            client.force_login(user)
        median, p95, queries = time_requests(client, url, runs=args.runs)
        report(f"{label} [{who}]", median, p95, queries, 100)


if __name__ == "__main__":
    main()
