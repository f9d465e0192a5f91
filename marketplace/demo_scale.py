"""The onboarding targets of the seeds and onboardings at the BBI's scale (``seed_demo``).

Targets: 2020 nationally 2,000,000 (3.7 million were onboarded), 2021 nationally 6,100,000
(about 500,000 a month), and a partner's commitment per marketplace in 2021.

``seed_onboardings(total)`` writes ``total`` confirmed shops in SQL over the registry's
businesses (up to one per marketplace each), spread over 2020–2021 as the programme ran:
2020 ramping up from April (37 % of the shops), 2021 at an even monthly pace (63 %) — the
seeds' 3.7 and 6.1 million in proportion. The dashboard's figures are refreshed at the end.
"""
import time

from django.db import connection, transaction

from .models import Marketplace, OnboardingTarget

TARGETS = [
    (2020, None, 2_000_000, "Target nasional 2020"),
    (2021, None, 6_100_000, "Bangga Buatan Indonesia: 6,1 juta (± 500.000 per bulan)"),
    (2021, "tokopedia", 1_500_000, "Komitmen mitra"),
    (2021, "shopee", 1_500_000, "Komitmen mitra"),
]


def seed_targets():
    """The seeds' targets (once); returns how many were added."""
    added = 0
    marketplaces = dict(Marketplace.objects.values_list("code", "pk"))
    for year, code, target, note in TARGETS:
        if code and code not in marketplaces:
            continue
        _target, created = OnboardingTarget.objects.get_or_create(
            year=year, province=None, marketplace_id=marketplaces.get(code) if code else None, defaults={"target": target, "note": note},
        )
        added += created
    return added


#: Share of the shops opened in each month of 2020 (from April) and 2021, in tenths of a percent.
MONTH_WEIGHTS = [0, 0, 0, 20, 30, 35, 40, 45, 50, 50, 50, 50] + [52] * 12


@transaction.atomic
def seed_onboardings(total, *, user=None):
    """``total`` more shops at scale; returns ``(added, seconds)``."""
    from . import figures

    started = time.perf_counter()
    weights = MONTH_WEIGHTS
    months = [(2020 + index // 12, index % 12 + 1) for index in range(24)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM programs_business")
        businesses = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM marketplace_marketplace WHERE active ORDER BY id")
        marketplace_ids = [row[0] for row in cursor.fetchall()]
        room = businesses * len(marketplace_ids)
        if not businesses or not marketplace_ids:
            return 0, 0.0
        total = min(total, room)
        # Shop n goes to business n % B on marketplace n // B (distinct pairs while n < B × M),
        # opened on a day of the month its place in the weighted calendar gives.
        # Slot s of the weighted calendar → the first day of its month.
        slots = [f"{year}-{month:02d}-01" for (year, month), weight in zip(months, weights) for _slot in range(weight)]
        cursor.execute(
            """WITH b AS (SELECT id, province_id, sector_id, scale, row_number() OVER (ORDER BY id) - 1 AS k FROM programs_business)
               INSERT INTO marketplace_onboarding (business_id, marketplace_id, province_id, sector_id, scale, shop_name, shop_url, onboarded, source,
                                                   status, products_listed, confirmed, seller_id, created_by_id, created_at, updated_at)
               SELECT b.id, (%(marketplaces)s::bigint[])[1 + n / %(businesses)s], b.province_id, b.sector_id, b.scale, 'Toko ' || b.id, '',
                      (%(slots)s::date[])[1 + (n * 104729) %% %(slot_count)s] + ((n * 7919) %% 28)::int,
                      CASE WHEN n %% 3 = 0 THEN 'bbi' ELSE 'partner' END,
                      (ARRAY['registered','products_listed','first_sale','inactive'])[1 + n %% 4], n %% 40, true, '', %(user)s, now(), now()
               FROM generate_series(0::bigint, %(total)s - 1) AS n
               JOIN b ON b.k = n %% %(businesses)s
               ON CONFLICT DO NOTHING""",
            {"slots": slots, "slot_count": len(slots), "marketplaces": marketplace_ids, "businesses": businesses, "total": total,
             "user": getattr(user, "pk", None)},
        )
        added = cursor.rowcount
    figures.settle_shops(businesses_sql="business_id IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE marketplace_onboarding")
    figures.refresh()
    figures.refresh_conversion()
    return added, time.perf_counter() - started
