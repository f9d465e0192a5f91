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

from .models import Activity, Allocation, OutputReport, Realisation, Revision

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
    return len(allocations)
