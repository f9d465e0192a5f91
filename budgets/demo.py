"""Demo deconcentration budgets for fiscal year 2020 (``seed_demo``): the 34 provinces of that
year, refocusing revisions in April–May, activities mostly in June–July and some postponed to
August–September because of PSBB, realistic absorption (most provinces 85–99 %, a few low,
Kalimantan Utara on top at 99.95 %), and the cases the ministry reported: South Kalimantan's
garment IKM with an order for 100,000 masks from the COVID-19 task force, 10 IKM in Central
Sulawesi making 3,000 masks, South Sumatra's bimtek on hazmat suits, face shields and cloth
masks, Bangli (Bali) on two-layer cloth masks.

Rows are written in bulk with their running sums set to match (the services' invariants hold:
Σ activity budgets ≤ ceiling − blocked, Σ realisation ≤ each budget).
"""
import datetime

import numpy as np
from django.db import transaction

from programs.models import Province, Regency

from .models import Activity, Allocation, OutputReport, Realisation, Revision, WithdrawalPlan

YEAR = 2020
#: Provinces with their seed case: (kind, name, output, unit, target, regency name or None).
CASES = {
    "63": [("ppe-bimtek", "Fasilitasi produksi masker kain untuk Satgas COVID-19", "IKM garmen memproduksi masker pesanan Satgas", "masks", 100_000, None)],
    "72": [("ppe-bimtek", "Bimtek produksi masker kain bagi 10 IKM", "Masker kain diproduksi 10 IKM", "masks", 3_000, None)],
    "16": [
        ("ppe-bimtek", "Bimtek pembuatan baju hazmat", "Baju hazmat diproduksi IKM", "hazmat-suits", 1_500, None),
        ("ppe-bimtek", "Bimtek pembuatan face shield", "Face shield diproduksi IKM", "face-shields", 5_000, None),
    ],
    "51": [("ppe-bimtek", "Bimtek masker kain dua lapis di Bangli", "Masker kain dua lapis diproduksi", "masks", 10_000, "BANGLI")],
}
GENERIC = [
    ("new-entrepreneurs", "Penumbuhan wirausaha baru IKM", "Wirausaha baru tumbuh", "new-entrepreneurs", 40),
    ("online-training", "Pelatihan pemasaran daring bagi IKM", "Peserta terlatih pemasaran daring", "participants", 100),
    ("mentoring", "Pendampingan IKM terdampak COVID-19", "IKM didampingi", "businesses", 30),
    ("facilitation", "Fasilitasi sertifikasi dan promosi produk IKM", "IKM difasilitasi", "businesses", 25),
]
LOW = {"91": 0.42, "92": 0.55, "53": 0.61}  # a few provinces that spent little
TOP = {"65": 0.9995}  # Kalimantan Utara topped the ranking


@transaction.atomic
def seed_year(*, user, year=YEAR, rng=None):
    """Allocations, revisions, activities, realisation and outputs of ``year`` (once)."""
    if Allocation.objects.filter(year=year).exists():
        return 0
    rng = rng or np.random.default_rng(year)
    provinces = list(Province.objects.filter(parent_2020__isnull=True).order_by("code"))
    allocations = []
    for province in provinces:
        ceiling = int(round(rng.uniform(1.5e9, 4.5e9), -6))
        allocations.append(Allocation(
            year=year, province=province, satker_code=f"{int(province.code):02d}{rng.integers(1000, 9999)}",
            satker_name=f"Dinas Perindustrian Provinsi {province.name}", original_ceiling=ceiling, ceiling=ceiling,
        ))
    Allocation.objects.bulk_create(allocations)
    regencies = {}
    for regency_id, province_id, name in Regency.objects.values_list("id", "province_id", "name"):
        regencies.setdefault(province_id, []).append((regency_id, name))
    revisions, activities = [], []
    for allocation in allocations:
        # April–May 2020: refocused onto IKM hit by COVID-19 (−10 to −30 %).
        revised = int(round(allocation.original_ceiling * rng.uniform(0.7, 0.9), -6))
        revisions.append(Revision(
            allocation=allocation, number=1, date=datetime.date(year, int(rng.choice([4, 5])), int(rng.integers(2, 28))),
            kind=Revision.Kind.REFOCUSING, reason="Refocusing anggaran untuk penanganan dampak COVID-19 pada IKM",
            document=f"S-{rng.integers(100, 999)}/IKMA/{year}", ceiling=revised, created_by=user,
        ))
        allocation.ceiling = revised
        plans = [(kind, name, output, unit, target, regency) for kind, name, output, unit, target, regency in CASES.get(allocation.province.code, [])]
        plans += [(*generic, None) for generic in GENERIC[: 4 - min(len(plans), 2)]]
        # Activities plan at least what the province will spend (absorption fixed here).
        allocation.demo_absorption = TOP.get(allocation.province.code) or LOW.get(allocation.province.code) or float(rng.uniform(0.85, 0.99))
        shares = rng.dirichlet(np.ones(len(plans))) * max(rng.uniform(0.93, 1.0), min(1.0, allocation.demo_absorption + 0.0004))
        for (kind, name, output, unit, target, regency_name), share in zip(plans, shares):
            own = regencies.get(allocation.province_id, [])
            regency_id = next((rid for rid, rname in own if regency_name and regency_name in rname.upper()), None)
            if regency_id is None and own:
                regency_id = own[int(rng.integers(len(own)))][0]
            postponed = rng.random() < 0.2
            start = datetime.date(year, 8 if postponed else 6, 1)
            activities.append(Activity(
                allocation=allocation, kind=kind, name=name, output=output, unit=unit, target=target, regency_id=regency_id,
                mode=str(rng.choice(["online", "offline", "hybrid"], p=[0.3, 0.4, 0.3])),
                planned_start=start, planned_end=start.replace(month=start.month + 1),
                actual_start=start, actual_end=start.replace(month=start.month + 1),
                status=Activity.Status.DONE, status_reason="Diundur ke Agustus–September karena PSBB" if postponed else "",
                budget=int(share * revised) // 1000 * 1000,
            ))
    Revision.objects.bulk_create(revisions)
    Activity.objects.bulk_create(activities)
    entries, reports = [], []
    by_allocation = {}
    for activity in activities:
        by_allocation.setdefault(activity.allocation_id, []).append(activity)
    for allocation in allocations:
        target_spend = int(allocation.ceiling * allocation.demo_absorption)
        own = by_allocation[allocation.pk]
        budget_total = sum(activity.budget for activity in own)
        for activity in own:
            spend = min(activity.budget, int(target_spend * activity.budget / budget_total))
            parts = int(rng.integers(2, 6))
            amounts = [spend // parts] * (parts - 1) + [spend - spend // parts * (parts - 1)]
            for number, amount in enumerate(amounts):
                month = min(activity.planned_start.month + number // 2, 12)
                entries.append(Realisation(
                    allocation=allocation, activity=activity, payment_number=f"{activity.pk:05d}/SP2D/{number + 1:02d}/{year}",
                    date=datetime.date(year, month, int(rng.integers(1, 28))), amount=amount, account=str(rng.choice(["521211", "521213", "524111", "526211"])),
                    description=activity.name[:300], entered_by=user,
                ))
            activity.realised = spend
            allocation.realised += spend
            achieved = int(activity.target * rng.uniform(0.85, 1.1)) if activity.target != 100_000 else 100_000
            reports.append(OutputReport(activity=activity, month=activity.planned_end, volume=achieved, evidence="Laporan kegiatan dan dokumentasi", entered_by=user))
        allocation.planned = budget_total
    Realisation.objects.bulk_create(entries, batch_size=2000)
    OutputReport.objects.bulk_create(reports)
    Activity.objects.bulk_update(activities, ["realised"])
    Allocation.objects.bulk_update(allocations, ["ceiling", "planned", "realised"])
    WithdrawalPlan.objects.bulk_create(_plans(allocations, entries, user=user, rng=rng))
    _partners_and_beneficiaries(activities, rng=rng)
    from .indicators import refresh

    refresh(year)
    return len(allocations)


def _partners_and_beneficiaries(activities, *, rng):
    """PPE trainings worked with the COVID-19 task force; each activity reached a few of its
    province's registered businesses (as many as the demo registry holds)."""
    from programs.models import Business, Organisation

    task_force = Organisation.objects.filter(kind=Organisation.Kind.TASK_FORCE).first()
    businesses = {}
    for business_id, province_id in Business.objects.values_list("pk", "province_id"):
        businesses.setdefault(province_id, []).append(business_id)
    Partners, Beneficiaries = Activity.partners.through, Activity.beneficiaries.through
    partners, beneficiaries = [], []
    for activity in activities:
        if task_force and activity.kind == Activity.Kind.PPE_BIMTEK:
            partners.append(Partners(activity_id=activity.pk, organisation_id=task_force.pk))
        own = businesses.get(activity.allocation.province_id, [])
        for business_id in rng.choice(own, min(len(own), int(rng.integers(2, 8))), replace=False) if own else []:
            beneficiaries.append(Beneficiaries(activity_id=activity.pk, business_id=int(business_id)))
    Partners.objects.bulk_create(partners)
    Beneficiaries.objects.bulk_create(beneficiaries)


def _plans(allocations, entries, *, user, rng):
    """Two versions of each withdrawal plan (RPD): January's, on the original ceiling spread
    over June–December; and the one revised after refocusing, close to what was then spent
    month by month (within 0.9–1.15 of it, never above what is available)."""
    spent = {}
    for entry in entries:
        months = spent.setdefault(entry.allocation_id, [0] * 12)
        months[entry.date.month - 1] += entry.amount
    plans = []
    for allocation in allocations:
        first = [0] * 5 + [allocation.original_ceiling // 7] * 7
        revised = [int(amount * rng.uniform(0.9, 1.15)) // 1000 * 1000 for amount in spent.get(allocation.pk, [0] * 12)]
        excess = sum(revised) - allocation.available
        if excess > 0:  # trimmed from the last months planned
            for month in reversed(range(12)):
                cut = min(excess, revised[month])
                revised[month] -= cut
                excess -= cut
        plans.append(WithdrawalPlan(allocation=allocation, version=1, months=first, created_by=user))
        plans.append(WithdrawalPlan(allocation=allocation, version=2, months=revised, created_by=user))
    return plans


def seed_years(*, user, years, activities, entries, first_year=2016, every_province=False):
    """Fiscal years of budget data at scale, written in SQL (generate_series) with the running
    sums set to match, so every constraint holds as if the services had written them: per
    allocation a refocusing revision in April and a withdrawal plan, ``activities`` activities
    (one output report each once held), and ``entries`` realisation entries spread over all.

    Years that already have allocations (the demo's 2020) are left alone. The provinces are
    those of each year (34 until 2021, 38 from 2022) unless ``every_province`` (the benchmark's
    "10 years × 38 provinces"). Returns ``(years added, seconds)``; the indicators of the
    years added are computed at the end."""
    import time

    from django.db import connection

    from . import indicators

    started = time.perf_counter()
    existing = set(Allocation.objects.values_list("year", flat=True))
    wanted = [year for year in range(first_year, first_year + years) if year not in existing]
    if not wanted:
        return [], 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO budgets_allocation (year, province_id, satker_code, satker_name, original_ceiling, ceiling, blocked, planned, realised, created_at, updated_at)
               SELECT y, p.id, lpad(((p.id * 100 + y %% 100) %% 1000000)::text, 6, '0'), 'Dinas Perindustrian Provinsi ' || p.name,
                      4000000000000, 3800000000000, 0, 0, 0, now(), now()
               FROM unnest(%s::int[]) AS y CROSS JOIN programs_province p
               WHERE %s OR y >= 2022 OR p.parent_2020_id IS NULL""",
            [wanted, every_province],
        )
        new = "SELECT id, year FROM budgets_allocation WHERE year = ANY(%s)"
        cursor.execute(
            f"""INSERT INTO budgets_revision (allocation_id, number, date, kind, reason, document, ceiling, blocked, created_by_id, created_at)
                SELECT a.id, 1, make_date(a.year, 4, 20), 'refocusing', 'Refocusing dan realokasi anggaran', 'S-' || a.id || '/' || a.year,
                       3800000000000, 0, %s, now()
                FROM ({new}) a""",
            [user.pk, wanted],
        )
        cursor.execute(
            f"""INSERT INTO budgets_activity (allocation_id, kind, name, output, unit, target, regency_id, mode, planned_start, planned_end,
                                             status, status_reason, budget, realised, created_at, updated_at)
                SELECT a.id, (ARRAY['new-entrepreneurs','ppe-bimtek','mentoring','online-training','facilitation'])[1 + n %% 5],
                       'Kegiatan ' || n, 'Keluaran ' || n, (ARRAY['participants','masks','businesses'])[1 + n %% 3], 50 + n %% 400, NULL,
                       (ARRAY['online','offline','hybrid'])[1 + n %% 3], make_date(a.year, 1 + n %% 10, 1), make_date(a.year, 2 + n %% 10, 1),
                       (ARRAY['done','running','planned','postponed'])[1 + n %% 4], CASE WHEN n %% 4 = 3 THEN 'PSBB' ELSE '' END,
                       1500000000, 0, now(), now()
                FROM ({new}) a CROSS JOIN generate_series(1, %s) AS n""",
            [wanted, activities],
        )
        cursor.execute(
            f"""INSERT INTO budgets_outputreport (activity_id, month, volume, evidence, entered_by_id, updated_at)
                SELECT t.id, t.planned_end, (t.target * (60 + t.id %% 50)) / 100, 'Laporan kegiatan', %s, now()
                FROM budgets_activity t JOIN ({new}) a ON a.id = t.allocation_id WHERE t.status IN ('done', 'running')""",
            [user.pk, wanted],
        )
        cursor.execute(f"SELECT min(t.id), count(*) FROM budgets_activity t JOIN ({new}) a ON a.id = t.allocation_id", [wanted])
        first_activity, activity_count = cursor.fetchone()
        # Activity ids of the years added are consecutive (one INSERT); entries go round them.
        cursor.execute(
            """INSERT INTO budgets_realisation (allocation_id, activity_id, payment_number, date, amount, account, description, entered_by_id, created_at)
               SELECT t.allocation_id, t.id, 'SP2D-' || e.n, make_date(a.year, 1 + e.n %% 12, 1 + e.n %% 28), 1000000 + (e.n %% 50) * 100000,
                      '521211', '', %s, now()
               FROM generate_series(0, %s - 1) AS e(n)
               JOIN budgets_activity t ON t.id = %s + e.n %% %s
               JOIN budgets_allocation a ON a.id = t.allocation_id""",
            [user.pk, entries, first_activity, activity_count],
        )
        cursor.execute(
            f"""UPDATE budgets_activity t SET realised = s.total
                FROM (SELECT r.activity_id, sum(r.amount) AS total FROM budgets_realisation r JOIN ({new}) a ON a.id = r.allocation_id GROUP BY 1) s
                WHERE s.activity_id = t.id""",
            [wanted],
        )
        cursor.execute(
            f"""UPDATE budgets_allocation a SET planned = s.planned, realised = s.realised
                FROM (SELECT t.allocation_id, sum(t.budget) AS planned, sum(t.realised) AS realised
                      FROM budgets_activity t JOIN ({new}) n ON n.id = t.allocation_id GROUP BY 1) s
                WHERE s.allocation_id = a.id""",
            [wanted],
        )
        # The withdrawal plan: the ceiling spread over the months the activities run, as
        # satkers plan it (little in the first quarter, most mid-year).
        cursor.execute(
            f"""INSERT INTO budgets_withdrawalplan (allocation_id, version, months, created_by_id, created_at)
                SELECT a.id, 1, to_jsonb(ARRAY[2,3,5,6,9,11,11,12,11,10,10,10]::bigint[]), %s, now() FROM ({new}) a""",
            [user.pk, wanted],
        )
        cursor.execute(
            f"""UPDATE budgets_withdrawalplan p SET months = (
                    SELECT jsonb_agg(x.share::bigint * al.realised / 100 ORDER BY x.month)
                    FROM jsonb_array_elements_text(p.months) WITH ORDINALITY AS x(share, month), budgets_allocation al WHERE al.id = p.allocation_id)
                FROM ({new}) a WHERE a.id = p.allocation_id""",
            [wanted],
        )
    with connection.cursor() as cursor:
        for table in ("budgets_realisation", "budgets_activity", "budgets_outputreport"):
            cursor.execute(f"ANALYZE {table}")
    for year in wanted:
        indicators.refresh(year)
    return wanted, time.perf_counter() - started
