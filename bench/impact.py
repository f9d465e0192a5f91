"""Benchmark of the impact rollups and dashboards with 1,000,000 survey responses.

Prints:
- full refresh of every demo wave (median of 3), and the same aggregation statements run bare
  in psql (with the refresh's session settings, and with the server's defaults) — target ratio ≤ 1.5;
- refresh of one province (Jawa Barat, biggest wave): alone, and with the national totals
  (what the debounced task does) — target ≤ 1 s for the province;
- time from a committed upload to fresh figures, through a real Celery worker and Redis with the
  production debounce delay — target ≤ 60 s;
- server time (median, p95) and SQL queries of the dashboard pages and /api/v1/impact/summary/ —
  targets p95 ≤ 100 ms (page) and ≤ 50 ms (API);
- the same for the follow-up list, a response page and the response list (issue 12) — target
  p95 ≤ 100 ms, queries independent of the data.

Run: scripts/bench.sh bench/impact.py [--responses 1000000] [--runs 50]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from _common import ROOT, bench_user, connection, report, run_seed, time_requests  # noqa: F401  (sets Django up)

from django.test import Client

from programs.models import Province
from surveys import rollups
from surveys.models import ImpactRollup, SurveyResponse, SurveyWave


def seed(responses):
    existing = SurveyResponse.objects.count()
    if existing >= responses:
        return
    run_seed(responses=responses)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_surveyresponse")
        cursor.execute("VACUUM ANALYZE programs_business")


def full_refresh(waves):
    started = time.perf_counter()
    for wave in waves:
        rollups.refresh(wave=wave)
    return time.perf_counter() - started


def bare_sql_seconds(waves, *, with_settings):
    """The refresh's aggregation statements (both bases, every wave) run alone in psql."""
    statements = []
    for wave in waves:
        for verified in (False, True):
            where = f"wave_id = {wave.pk}" + (" AND status = 'verified'" if verified else "")
            statements.append(rollups.aggregate_sql(grouping_sets=rollups._PROVINCE_SETS + rollups._NATIONAL_SETS, where=where))
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        if with_settings:
            script.write(rollups.ROLLUP_SESSION_SETTINGS.replace("SET LOCAL", "SET") + ";\n")
        script.write("\\o /dev/null\n\\timing on\n")
        for statement in statements:
            script.write(statement.strip() + ";\n")
    settings_dict = connection.settings_dict
    env = dict(os.environ, PGHOST=settings_dict["HOST"] or "", PGUSER=settings_dict["USER"], PGDATABASE=settings_dict["NAME"],
               PGPORT=str(settings_dict["PORT"] or ""), PGPASSWORD=settings_dict["PASSWORD"] or "")
    output = subprocess.run(["psql", "-X", "-q", "-f", script.name], env=env, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    times = [float(value) for value in re.findall(r"Time: ([0-9.]+) ms", output)]
    return sum(times[-len(statements):]) / 1000


def import_to_fresh_figures(wave, officer):
    """Upload 5,000 changed answers of Jawa Barat businesses; seconds until the figures that
    include them are in place, refreshed by a real worker after the debounce delay."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from surveys.columns import COLUMNS
    from surveys.imports import import_run
    from surveys.models import SurveyImport

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ikm_portal", "worker", "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        from ikm_portal.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5) and time.monotonic() < deadline:
            pass
        rows = list(
            SurveyResponse.objects.filter(wave=wave, province=officer.profile.province).exclude(business__nib=None)
            .values_list("business__nib", "turnover_before", "turnover_after", "workers_before", "operating_status")[:5000]
        )
        keys = [column.key for column in COLUMNS if column.key in ("nib", "turnover_before", "turnover_after", "workers_before", "workers_after", "operating_status")]
        lines = [";".join(keys)]
        for nib, before, after, workers, status in rows:
            values = {"nib": nib, "turnover_before": before, "turnover_after": after + 1000, "workers_before": workers, "workers_after": workers, "operating_status": status}
            lines.append(";".join(str(values[key]) for key in keys))
        data = ("\n".join(lines) + "\n").encode()
        SurveyWave.objects.filter(pk=wave.pk).update(status=SurveyWave.Status.OPEN)
        SurveyResponse.objects.filter(wave=wave, province=officer.profile.province).update(status="draft")
        record = SurveyImport(wave=wave, user=officer, original_name="bench.csv", province=officer.profile.province)
        record.file.save("bench.csv", SimpleUploadedFile("bench.csv", data), save=False)
        record.save()
        record = import_run(import_id=record.pk)
        committed = time.monotonic()
        assert record.status == "done", record.message
        newest = SurveyResponse.objects.filter(wave=wave).order_by("-updated_at").values_list("updated_at", flat=True).first()
        deadline = committed + 180
        while time.monotonic() < deadline:
            row = ImpactRollup.objects.filter(wave=wave, verified_only=False, province=None, regency=None, sector=None, scale="").first()
            if row is not None and row.newest_response_at >= newest:
                return time.monotonic() - committed, len(rows)
            time.sleep(0.2)
        return None, len(rows)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    seed(args.responses)
    waves = list(rollups.waves_to_refresh())
    total = SurveyResponse.objects.count()
    print(f"responses in the database: {total:,} in {len(waves)} waves")

    full = [full_refresh(waves) for _ in range(3)]
    bare_same = statistics.median(bare_sql_seconds(waves, with_settings=True) for _ in range(3))
    bare_default = statistics.median(bare_sql_seconds(waves, with_settings=False) for _ in range(3))
    refresh_time = statistics.median(full)
    print(f"full refresh of {len(waves)} waves ({ImpactRollup.objects.count():,} rollup rows): median {refresh_time:.2f} s (runs: {', '.join(f'{t:.2f}' for t in full)})")
    print(f"bare aggregation in psql, same session settings (jit off, work_mem): {bare_same:.2f} s -> ratio {refresh_time / bare_same:.2f} (target <= 1.5)")
    print(f"bare aggregation in psql, server defaults (jit on): {bare_default:.2f} s -> ratio {refresh_time / bare_default:.2f}")

    west_java = Province.objects.get(code="32")
    biggest = max(waves, key=lambda wave: wave.responses.count())
    in_province = SurveyResponse.objects.filter(wave=biggest, province=west_java).count()
    alone, with_nation = [], []
    for _ in range(5):
        alone.append(rollups.refresh(wave=biggest, provinces=[west_java.pk], national=False).seconds)
        with_nation.append(rollups.refresh(wave=biggest, provinces=[west_java.pk], national=True).seconds)
    print(f"refresh of one province (32, {in_province:,} responses in wave {biggest.code}): median {statistics.median(alone):.3f} s (target <= 1 s); "
          f"with the national totals ({biggest.responses.count():,} responses): {statistics.median(with_nation):.3f} s")

    from surveys.outliers import refresh_ranges

    newest = SurveyWave.objects.order_by("-reported_month").first()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        groups = refresh_ranges(newest)
        timings.append(time.perf_counter() - started)
    learned = SurveyResponse.objects.filter(status="verified", wave__reported_month__lt=newest.reported_month).count()
    print(f"outlier ranges of wave {newest.code} from {learned:,} verified answers ({groups} sector x scale groups): median {statistics.median(timings):.2f} s")

    officer = bench_user("bench.impact.officer", "officer", province=west_java)
    staff = bench_user("bench.impact.staff", "ministry-staff")
    # Statistics as autovacuum keeps them: another benchmark (survey_import) may just have
    # written 100,000s of responses, and a plan made on stale counts is not the page's.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE surveys_surveyresponse")
    published = SurveyWave.objects.filter(status=SurveyWave.Status.PUBLISHED).order_by("-reported_month").first()
    cases = [
        ("staff", staff, "national dashboard (home)", "/", 100),
        ("staff", staff, "national dashboard, sector + scale filter", f"/impact/?wave={biggest.code}&sector=food-beverages&scale=micro", 100),
        ("staff", staff, "national dashboard, htmx body, verified only", f"/impact/?wave={biggest.code}&verified=on", 100),
        ("officer 32", officer, "province page (home)", "/", 100),
        ("public", None, "public dashboard", f"/impact/?wave={published.code}", 100),
        ("staff", staff, "API summary, nation", f"/api/v1/impact/summary/?wave={biggest.code}", 50),
        ("staff", staff, "API summary, province + sector + scale", f"/api/v1/impact/summary/?wave={biggest.code}&province=32&sector=food-beverages&scale=small", 50),
        ("public", None, "API summary, public", f"/api/v1/impact/summary/?wave={published.code}", 50),
    ]
    latest = SurveyWave.objects.exclude(status=SurveyWave.Status.PUBLISHED).filter(responses__isnull=False).order_by("-reported_month").first() or biggest
    warned = SurveyResponse.objects.filter(wave=latest, province=west_java).exclude(warnings=[]).order_by("pk").first()
    warned = warned or SurveyResponse.objects.filter(wave=latest, province=west_java).order_by("pk").first()
    print(f"follow-up: {SurveyResponse.objects.filter(wave=latest).exclude(warnings=[]).count():,} responses with warnings in wave {latest.code}")
    cases += [
        ("staff", staff, "follow-up list, nation", f"/surveys/{latest.code}/follow-up/", 100),
        ("officer 32", officer, "follow-up list, province", f"/surveys/{latest.code}/follow-up/", 100),
        ("officer 32", officer, "response page", f"/surveys/responses/{warned.pk}/", 100),
        ("officer 32", officer, "response list, province", f"/surveys/{latest.code}/responses/", 100),
    ]
    for who, user, label, url, target in cases:
        client = Client()
        if user is not None:
            client.force_login(user)
        if "htmx" in label:
            client.defaults["HTTP_HX_REQUEST"] = "true"
        median, p95, queries = time_requests(client, url, runs=args.runs)
        report(f"{label} [{who}]", median, p95, queries, target)

    seconds, rows = import_to_fresh_figures(latest, officer)
    delay = __import__("django.conf", fromlist=["settings"]).settings.ROLLUP_REFRESH_DELAY
    if seconds is None:
        print(f"upload of {rows:,} rows -> fresh figures: NOT within 180 s")
    else:
        print(f"upload of {rows:,} rows into wave {latest.code} -> fresh national figures: {seconds:.1f} s "
              f"(debounce delay {delay} s; target <= 60 s)")


if __name__ == "__main__":
    main()
