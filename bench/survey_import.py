"""Benchmark of survey uploads: 100,000 rows end to end (parse, validate, upsert, history).

Prints, for a CSV and an XLSX file, the first import (all rows new) and the re-import of the
same file (all rows updated): seconds, rows/s and peak memory (max RSS of the process that
ran the import). Targets: CSV >= 25,000 rows/s, XLSX >= 15,000 rows/s, memory bounded.

Run: scripts/bench.sh bench/survey_import.py [--rows 100000]
"""
import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT  # noqa: F401  (sets Django up)

import numpy as np
import pandas as pd
from django.core.management import call_command

from programs.models import Business

# Another checkout may be benchmarking at the same time: IKM_BENCH_DIR keeps the files apart.
WORK = Path(os.environ.get("IKM_BENCH_DIR", "/tmp/ikm-bench-import"))


def make_files(rows):
    """A CSV (Indonesian style: ';' and 1.234.567) and an XLSX with the same answers."""
    from surveys.columns import COLUMNS

    nibs = list(Business.objects.exclude(nib=None).order_by("id").values_list("nib", flat=True)[:rows])
    if len(nibs) < rows:
        raise SystemExit(f"only {len(nibs)} businesses with an NIB; seed more")
    rng = np.random.default_rng(7)
    before = rng.integers(5_000_000, 500_000_000, rows)
    after = (before * rng.uniform(0.1, 1.1, rows)).astype(np.int64)
    workers = rng.integers(1, 40, rows)
    header = {column.key: column.header for column in COLUMNS}
    frame = pd.DataFrame({
        header["nib"]: nibs,
        header["turnover_before"]: [f"{value:,}".replace(",", ".") for value in before],
        header["turnover_after"]: [f"{value:,}".replace(",", ".") for value in after],
        header["workers_before"]: workers,
        header["workers_after"]: np.maximum(workers - rng.integers(0, 3, rows), 0),
        header["workers_furloughed"]: np.minimum(rng.integers(0, 3, rows), workers),
        header["operating_status"]: rng.choice(["normal", "reduced", "temporarily-closed"], rows),
        header["problems"]: rng.choice(["demand", "demand; raw-material", "cash-flow; logistics", ""], rows),
        header["needs"]: rng.choice(["marketplace", "credit; online-marketing", ""], rows),
        header["notes"]: "",
    })
    WORK.mkdir(exist_ok=True)
    paths = {}
    for version, delta in (("", 0), ("-changed", 1000)):
        # The "-changed" files give every business a new turnover: a re-import of all updates.
        changed = frame.copy()
        changed[header["turnover_after"]] = [f"{value + delta:,}".replace(",", ".") for value in after]
        paths[f"csv{version}"] = WORK / f"survei{version}.csv"
        changed.to_csv(paths[f"csv{version}"], sep=";", index=False)
        changed[header["turnover_before"]] = before  # numbers in the workbook are numeric cells
        changed[header["turnover_after"]] = after + delta
        paths[f"xlsx{version}"] = WORK / f"survei{version}.xlsx"
        with pd.ExcelWriter(paths[f"xlsx{version}"], engine="xlsxwriter") as writer:
            changed.to_excel(writer, index=False)
    return paths


def child(path, wave_code, username):
    """Run one import in this (child) process, print seconds and rows."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from surveys.imports import import_run
    from surveys.models import SurveyImport, SurveyWave

    user = get_user_model().objects.get(username=username)
    wave = SurveyWave.objects.get(code=wave_code)
    data = Path(path).read_bytes()
    started = time.perf_counter()
    record = SurveyImport(wave=wave, user=user, original_name=Path(path).name)
    record.file.save(Path(path).name, SimpleUploadedFile(Path(path).name, data), save=False)
    record.save()
    record = import_run(import_id=record.pk)
    elapsed = time.perf_counter() - started
    if record.status != "done":
        print(f"FAILED {record.status}: {record.message} {record.errors[:3]}", file=sys.stderr)
        raise SystemExit(1)
    print(f"{elapsed:.3f} {record.rows_created} {record.rows_updated}")


def measure(label, path, wave_code, username, target):
    process = subprocess.Popen([sys.executable, __file__, "--child", str(path), wave_code, username], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{label}: import failed")
    seconds, created, updated = output.split()
    rows = int(created) + int(updated)
    rate = rows / float(seconds)
    verdict = "OK" if rate >= target else f"UNDER TARGET ({target:,} rows/s)"
    print(f"{label:<34} {rows:>7,} rows ({int(created):,} new, {int(updated):,} updated) in {float(seconds):6.2f} s = {rate:8,.0f} rows/s, "
          f"peak memory {usage.ru_maxrss / 1024:6.0f} MiB  {verdict}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from surveys.models import SurveyResponse as Responses

    # Earlier waves with answers from most of these businesses: the checks compare each row
    # with the business's previous answer and its sector's range, as in production.
    if Business.objects.exclude(nib=None).count() < args.rows or Responses.objects.count() < args.rows:
        call_command("seed_demo", businesses=int(args.rows * 1.2), responses=args.rows, stdout=io.StringIO())
    from tests.factories import make_user, make_wave

    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(username="bench.admin").exists():
        make_user("ministry-admin", username="bench.admin")
    from surveys.models import SurveyResponse, SurveyWave

    from django.db import connection

    codes = ["bench-csv", "bench-xlsx"]
    with connection.cursor() as cursor:  # start from empty waves (set-based: 100,000s of rows)
        cursor.execute("SELECT id FROM surveys_surveywave WHERE code = ANY(%s)", [codes])
        waves = [row[0] for row in cursor.fetchall()]
        for table in ("surveys_historicalsurveyresponse", "surveys_surveyresponse", "surveys_surveyimport"):
            cursor.execute(f"DELETE FROM {table} WHERE wave_id = ANY(%s)", [waves])
    # The waves themselves through the model, which removes what hangs on them (figures of a
    # refresh, turnover ranges).
    SurveyWave.objects.filter(pk__in=waves).delete()
    import datetime

    from surveys.outliers import refresh_ranges

    for code in codes:
        # Reported after the demo waves, so they are its earlier waves.
        refresh_ranges(make_wave(code, reported_month=datetime.date(2021, 3, 1), opens_on=datetime.date(2021, 3, 15), closes_on=datetime.date(2021, 4, 30)))
    earlier = Responses.objects.filter(business__nib__in=Business.objects.exclude(nib=None).order_by("id").values("nib")[:args.rows]).values("business").distinct().count()
    print(f"businesses of the files with an answer in an earlier wave: {earlier:,}")
    started = time.perf_counter()
    paths = make_files(args.rows)
    print(f"files written in {time.perf_counter() - started:.1f} s: CSV {paths['csv'].stat().st_size / 2**20:.1f} MiB, XLSX {paths['xlsx'].stat().st_size / 2**20:.1f} MiB")
    for kind, target in (("csv", 25_000), ("xlsx", 15_000)):
        wave = f"bench-{kind}"
        measure(f"{kind.upper()}, first import (all new)", paths[kind], wave, "bench.admin", target)
        measure(f"{kind.upper()}, re-import, every row changed", paths[f"{kind}-changed"], wave, "bench.admin", target)
        measure(f"{kind.upper()}, re-import of the same file", paths[f"{kind}-changed"], wave, "bench.admin", target)
    from django.db.models import Count

    history = SurveyResponse.history.filter(wave__code="bench-csv").values("history_type").annotate(n=Count("history_id"))
    print("history rows for the CSV wave:", {row["history_type"]: row["n"] for row in history})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    else:
        main()
