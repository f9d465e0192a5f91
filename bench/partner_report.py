"""Benchmark of a partner report at the BBI's scale: 1,000,000 sellers imported and matched
end to end (issue 14: at least 50,000 rows/s, memory bounded).

The report is written from the registry by one SQL COPY (not timed) with the mess partners
send: seller IDs, NIB missing for a third of the rows, phones as ``08…``, ``+62 …`` and
``62…`` with spaces and dashes, names with ``CV.``/``UD`` and in capitals, regencies by code or
by name, dates as ``15-06-2020`` or ``2020-06-15``, Indonesian status words, sales as
``Rp 1.250.000``, URLs with and without ``https://``, and 2 % sellers the registry does not
know (they go to the confirm queue).

The import runs in a child process, as a worker runs it (read from storage, checked, matched,
written with its history), so its peak memory is its own. Prints rows/s and peak RSS of the
first import, the same file again (nothing changes), and next month's report (statuses and
sales changed). Before each run the tables the last one wrote are vacuumed and autovacuum is
let finish (as it does in the hours between two reports): otherwise a vacuum of ten million
shops shares the two cores with the import timed and the figures vary by half.

Run: scripts/bench.sh bench/partner_report.py [--rows 1000000] [--businesses 2500000]
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

from _common import connection  # noqa: F401  (sets Django up)

from django.core.files import File
from django.core.management import call_command

from marketplace.figures import settle_shops
from marketplace.models import Marketplace, PartnerReport, SellerReview
from programs.models import Business

REPORT_SQL = """
    COPY (
        WITH picked AS (
            SELECT b.id, b.name, b.nib, b.phone, r.code AS regency_code, r.name AS regency_name, row_number() OVER (ORDER BY b.id) AS n
            FROM programs_business b JOIN programs_regency r ON r.id = b.regency_id
            WHERE b.id %% %(stride)s = 0 ORDER BY b.id LIMIT %(known)s
        ), sellers AS (
            SELECT 'TKP-' || id AS seller_id,
                   CASE n %% 4 WHEN 0 THEN 'CV. ' || name WHEN 1 THEN upper(name) WHEN 2 THEN 'UD ' || name ELSE name END AS name,
                   CASE WHEN n %% 3 = 0 THEN '' ELSE coalesce(nib, '') END AS nib,
                   CASE n %% 3 WHEN 0 THEN regexp_replace(phone, '^\\+62(\\d{3})(\\d{4})(\\d+)$', '0\\1-\\2-\\3')
                               WHEN 1 THEN regexp_replace(phone, '^\\+62(\\d{3})(\\d{4})(\\d+)$', '+62 \\1 \\2 \\3')
                               ELSE substr(phone, 2) END AS phone,
                   CASE WHEN n %% 5 = 0 THEN regency_name ELSE regency_code END AS regency,
                   'Toko ' || name AS shop_name,
                   CASE n %% 3 WHEN 0 THEN '' WHEN 1 THEN 'https://mitra.example/toko-' || id ELSE 'mitra.example/toko-' || id END AS shop_url,
                   to_char(DATE '2020-04-01' + (n * 7919 %% 270)::int, CASE WHEN n %% 2 = 0 THEN 'DD-MM-YYYY' ELSE 'YYYY-MM-DD' END) AS onboarded,
                   (ARRAY['terdaftar', 'produk tayang', 'penjualan pertama', 'tidak aktif', 'Aktif'])[1 + (n + %(shift)s) %% 5] AS status,
                   ((n + %(shift)s) %% 80)::text AS products,
                   CASE WHEN n %% 4 = 0 THEN '' ELSE 'Rp ' || replace(to_char(((n + %(shift)s) %% 500) * 25000, 'FM999,999,999'), ',', '.') END AS sales
            FROM picked
            UNION ALL
            SELECT 'TKP-X' || k, 'Usaha Baru ' || k, '', '0857' || lpad((k * 7)::text, 8, '0'), '32.73', 'Toko Baru ' || k, '',
                   '15-06-2020', 'terdaftar', '0', ''
            FROM generate_series(1, %(unknown)s) AS k
        )
        SELECT seller_id AS "ID Penjual", name AS "Nama Usaha", nib AS "NIB", phone AS "Nomor HP", regency AS "Kode Kabupaten/Kota",
               shop_name AS "Nama Toko", shop_url AS "URL Toko", onboarded AS "Tanggal Bergabung", status AS "Status",
               products AS "Jumlah Produk", sales AS "Penjualan Bulan Ini (Rp)"
        FROM sellers
    ) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';')
"""


def write_report(path, rows, *, shift=0):
    unknown = rows // 50
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM programs_business")
        businesses = cursor.fetchone()[0]
        stride = max(1, businesses // (rows - unknown))
        sql = cursor.mogrify(REPORT_SQL, {"stride": stride, "known": rows - unknown, "unknown": unknown, "shift": shift}).decode()
        with open(path, "w", encoding="utf-8") as handle:
            cursor.cursor.copy_expert(sql, handle)


#: The tables an import writes: vacuumed before each timed run, as autovacuum does in the
#: hours between two reports, so one run's clean-up does not share the machine with the next.
WRITTEN_TABLES = [
    "marketplace_onboarding", "marketplace_historicalonboarding", "marketplace_onboardingsales",
    "marketplace_historicalonboardingsales", "marketplace_sellerreview", "marketplace_onboarding_changed",
]


def quiet_database():
    """Vacuum what the last run wrote and wait for autovacuum workers to finish (not timed)."""
    with connection.cursor() as cursor:
        for table in WRITTEN_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        for _attempt in range(600):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND state = 'active'")
            if not cursor.fetchone()[0]:
                return
            time.sleep(1)


def run_import(label, path, *, month, user, marketplace):
    """The import in a child process, on a quiet database; prints rows/s and the child's peak memory."""
    quiet_database()
    record = PartnerReport(marketplace=marketplace, month=month, user=user, original_name=os.path.basename(path))
    with open(path, "rb") as handle:
        record.file.save(os.path.basename(path), File(handle), save=False)
    record.save()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--import-id", str(record.pk)], check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    record.refresh_from_db()
    rows = record.rows_total
    print(f"{label}: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s (target >= 50,000); status {record.status}; "
          f"{record.rows_matched:,} matched ({record.rows_created:,} shops added, {record.rows_updated:,} updated), {record.rows_queued:,} to confirm; "
          f"peak memory of the import {max(peak, before) / 1024:,.0f} MB")
    if record.status != "done":
        print("   ", record.message[:500])
    return record


def child(import_id):
    from marketplace.imports import import_run

    started = time.perf_counter()
    import_run(import_id=import_id)
    print(f"    (the job itself: {time.perf_counter() - started:.2f} s; the rest is the process starting)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--businesses", type=int, default=2_500_000)
    parser.add_argument("--import-id", type=int)
    args = parser.parse_args()
    if args.import_id:
        return child(args.import_id)

    import datetime

    from _common import bench_user

    if Business.objects.count() < args.businesses:
        started = time.monotonic()
        call_command("seed_demo", businesses=args.businesses, responses=0, events=0, registrations=0, stdout=open(os.devnull, "w"))
        print(f"seed_demo --businesses {args.businesses:,}: {time.monotonic() - started:.1f} s")
    # A marketplace of its own, so the shops other benchmarks made (bench/onboarding.py's ten
    # million) stay as they are and are there, as at the BBI's scale.
    marketplace, _created = Marketplace.objects.get_or_create(code="mitra-bench", defaults={"name": "Mitra Benchmark", "url": "https://mitra.example"})
    admin = bench_user("bench.partner.admin", "ministry-admin")
    # A clean slate for this marketplace: the first import adds every shop.
    with connection.cursor() as cursor:
        # Removed in SQL, so the businesses' first shops are settled here (the portal's own
        # deletions go through the model, whose signal does it).
        cursor.execute("DROP TABLE IF EXISTS bench_removed")
        cursor.execute("CREATE TEMP TABLE bench_removed AS SELECT business_id FROM marketplace_onboarding WHERE marketplace_id = %s", [marketplace.pk])
        cursor.execute("DELETE FROM marketplace_sellerreview WHERE marketplace_id = %s", [marketplace.pk])
        cursor.execute("DELETE FROM marketplace_onboardingsales WHERE onboarding_id IN (SELECT id FROM marketplace_onboarding WHERE marketplace_id = %s)", [marketplace.pk])
        cursor.execute("DELETE FROM marketplace_onboarding WHERE marketplace_id = %s", [marketplace.pk])
        cursor.execute("DELETE FROM marketplace_sellerdecision WHERE marketplace_id = %s", [marketplace.pk])
        settle_shops(businesses_sql="business_id IN (SELECT business_id FROM bench_removed)")
        cursor.execute("VACUUM ANALYZE marketplace_onboarding")
    folder = tempfile.mkdtemp(prefix="bench-partner-")
    june, july = os.path.join(folder, "laporan-juni.csv"), os.path.join(folder, "laporan-juli.csv")
    started = time.perf_counter()
    write_report(june, args.rows)
    write_report(july, args.rows, shift=1)
    print(f"reports written ({args.rows:,} rows, {os.path.getsize(june) / 1e6:.0f} MB each) in {time.perf_counter() - started:.1f} s over "
          f"{Business.objects.count():,} businesses")
    run_import("first import (June)", june, month=datetime.date(2020, 6, 1), user=admin, marketplace=marketplace)
    run_import("the same file again", june, month=datetime.date(2020, 6, 1), user=admin, marketplace=marketplace)
    run_import("next month's report (July: statuses, products and sales changed)", july, month=datetime.date(2020, 7, 1), user=admin, marketplace=marketplace)
    print(f"confirm queue: {SellerReview.objects.filter(marketplace=marketplace, state='pending').count():,} sellers waiting")


if __name__ == "__main__":
    main()
