"""Demo export buyer matching (``seed_demo``), small and quick: fifteen foreign buyers found by
industry attachés, trade promotion offices (ITPC) and embassies; export commitments of crafts,
furniture, garment and food businesses of the demo registry signed in 2019–early 2020, most
held because of COVID-19 in 2020, some renegotiating, resumed or realised in 2021, a few
cancelled; three virtual business-matching meetings with MoUs, and nominations waiting for
ministry staff to schedule them.
"""
import datetime
from decimal import Decimal

import numpy as np
from django.db import transaction

from programs.models import Business, Sector

from .models import Buyer, Commitment, MatchingMeeting, Nomination

#: company, country, country name, source, sectors, HS codes wanted.
BUYERS = [
    ("Pacific Home Furnishings LLC", "US", "United States", "attache", ["wood-furniture"], ["9403", "9401"]),
    ("Great Lakes Apparel Co.", "US", "United States", "itpc", ["textiles-clothing-leather"], ["6109", "6205"]),
    ("Hudson Specialty Foods Inc.", "US", "United States", "itpc", ["food-beverages"], ["0901", "2008"]),
    ("Sakura Zakka KK", "JP", "Japan", "attache", ["crafts-miscellaneous"], ["4602", "6304"]),
    ("Osaka Living Trading KK", "JP", "Japan", "itpc", ["wood-furniture"], ["9403"]),
    ("Kanto Fine Foods KK", "JP", "Japan", "embassy", ["food-beverages"], ["1905", "0306"]),
    ("Holland Rattan Import BV", "NL", "Netherlands", "embassy", ["wood-furniture", "crafts-miscellaneous"], ["4602", "9401"]),
    ("Rotterdam Batik House BV", "NL", "Netherlands", "fair", ["textiles-clothing-leather", "crafts-miscellaneous"], ["5208", "6214"]),
    ("Sydney Coastal Homewares Pty Ltd", "AU", "Australia", "attache", ["wood-furniture", "crafts-miscellaneous"], ["9403", "4419"]),
    ("Melbourne Organic Pantry Pty Ltd", "AU", "Australia", "itpc", ["food-beverages"], ["0801", "1801"]),
    ("Al Noor Modest Fashion Trading", "SA", "Saudi Arabia", "embassy", ["textiles-clothing-leather"], ["6204", "6206"]),
    ("Jeddah Date & Snack Company", "SA", "Saudi Arabia", "itpc", ["food-beverages"], ["2008", "1905"]),
    ("Hamburg Kunsthandwerk GmbH", "DE", "Germany", "fair", ["crafts-miscellaneous"], ["4602", "6913"]),
    ("Dubai Interiors Trading LLC", "AE", "United Arab Emirates", "attache", ["wood-furniture"], ["9403"]),
    ("Seoul Natural Foods Co., Ltd.", "KR", "Korea, Republic of", "embassy", ["food-beverages", "crafts-miscellaneous"], ["0901", "4602"]),
]
#: Products per sector: name, HS code, (low, high) value in US dollars.
PRODUCTS = {
    "wood-furniture": [("Kursi rotan sintetis", "940180", (8_000, 60_000)), ("Meja makan kayu jati", "940360", (10_000, 90_000))],
    "crafts-miscellaneous": [("Keranjang anyaman pandan", "460212", (3_000, 25_000)), ("Kerajinan batok kelapa", "441990", (2_000, 15_000))],
    "textiles-clothing-leather": [("Kemeja batik", "620530", (5_000, 50_000)), ("Kaos katun", "610910", (4_000, 40_000)), ("Gamis muslimah", "620442", (6_000, 45_000))],
    "food-beverages": [("Kopi arabika sangrai", "090121", (5_000, 40_000)), ("Keripik tempe", "200899", (2_000, 20_000)), ("Kue kering", "190590", (2_000, 18_000))],
}
USD_IDR = {2019: 14_100, 2020: 14_600}
REASONS_HELD = ["Pembeli menunda pesanan karena penutupan toko di negaranya (COVID-19).", "Pengiriman tertahan: pelabuhan tujuan membatasi kegiatan (COVID-19).",
                "Pembeli meminta penundaan sampai permintaan pulih setelah pandemi."]
LIMIT = 80


@transaction.atomic
def seed(*, user, rng=None):
    """Buyers, commitments, meetings and nominations, once (a database with buyers is left as
    it is). Returns the number of commitments added."""
    if Buyer.objects.exists():
        return 0
    rng = rng or np.random.default_rng(2020)
    sectors = {sector.slug: sector for sector in Sector.objects.filter(slug__in=PRODUCTS)}
    buyers = []
    for company, country, name, source, slugs, codes in BUYERS:
        buyer = Buyer(company=company, country=country, country_name=name, source=source, hs_codes=codes,
                      contact_notes="Kontak melalui atase perindustrian." if source == "attache" else "")
        buyer._history_user = user
        buyer.save()
        buyer.sectors.set([sectors[slug] for slug in slugs if slug in sectors])
        buyers.append((buyer, slugs))
    businesses = list(Business.objects.filter(sector__slug__in=PRODUCTS, status=Business.Status.ACTIVE, scale__in=["small", "medium"])
                      .order_by("pk").values_list("pk", "sector__slug")[: LIMIT * 4])
    chosen = [businesses[index] for index in sorted(rng.choice(len(businesses), size=min(LIMIT, len(businesses)), replace=False))] if businesses else []
    commitments = []
    for business_id, slug in chosen:
        matching = [buyer for buyer, slugs in buyers if slug in slugs]
        buyer = matching[int(rng.integers(len(matching)))]
        product, hs_code, (low, high) = PRODUCTS[slug][int(rng.integers(len(PRODUCTS[slug])))]
        signed = datetime.date(2019, 9, 1) + datetime.timedelta(days=int(rng.integers(0, 180)))
        usd = int(rng.integers(low, high) // 100 * 100)
        status = str(rng.choice(["held", "renegotiating", "resumed", "realised", "cancelled"], p=[0.55, 0.15, 0.12, 0.12, 0.06]))
        value_idr = usd * USD_IDR[signed.year]
        status_date = (datetime.date(2020, 3, 15) + datetime.timedelta(days=int(rng.integers(0, 120))) if status in ("held", "cancelled")
                       else datetime.date(2021, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 270))))
        commitments.append(Commitment(
            business_id=business_id, buyer=buyer, product=product, hs_code=hs_code, currency="USD", value=Decimal(usd), value_idr=value_idr,
            signed=signed, status=status, status_date=status_date,
            reason=REASONS_HELD[int(rng.integers(len(REASONS_HELD)))] if status == "held" else "Pembeli menutup usahanya." if status == "cancelled" else "",
            value_realised=int(value_idr * rng.uniform(0.6, 1.0)) // 1000 * 1000 if status == "realised" else 0, created_by=user,
        ))
    Commitment.objects.bulk_create(commitments)
    _seed_meetings(buyers, chosen, rng=rng, user=user)
    return len(commitments)


def _seed_meetings(buyers, chosen, *, rng, user):
    by_sector = {}
    for business_id, slug in chosen:
        by_sector.setdefault(slug, []).append(business_id)
    plans = [  # buyer index, date, facilitator, MoU value (Rp), realised, outcome
        (0, datetime.date(2020, 8, 18), "attache", 2_400_000_000, 900_000_000, "Pembeli memesan sampel kursi rotan; MoU pembelian untuk 2021."),
        (3, datetime.date(2020, 9, 9), "itpc", 750_000_000, 0, "Pembeli tertarik pada keranjang pandan; menunggu pembukaan kembali toko."),
        (10, datetime.date(2020, 11, 24), "embassy", 0, 0, "Pembeli meminta katalog dan sertifikat halal; tindak lanjut Januari 2021."),
    ]
    for index, date, facilitator, mou_value, realised, outcome in plans:
        buyer, slugs = buyers[index]
        participants = [business_id for slug in slugs for business_id in by_sector.get(slug, [])][:4]
        if not participants:
            continue
        meeting = MatchingMeeting(mode=MatchingMeeting.Mode.VIRTUAL, date=date, facilitator=facilitator, outcome=outcome,
                                  follow_ups="Kirim sampel dan daftar harga FOB." if mou_value else "Lengkapi katalog produk.",
                                  mou_signed=bool(mou_value), mou_value=mou_value, realised_value=realised, created_by=user)
        meeting._history_user = user
        meeting.save()
        meeting.businesses.set(participants)
        meeting.buyers.set([buyer])
        Nomination.objects.bulk_create([Nomination(buyer=buyer, business_id=business_id, status=Nomination.Status.SCHEDULED, meeting=meeting, nominated_by=user)
                                        for business_id in participants])
    # Nominations still waiting for ministry staff to schedule them.
    buyer, slugs = buyers[8]
    waiting = [business_id for slug in slugs for business_id in by_sector.get(slug, [])][:3]
    Nomination.objects.bulk_create([Nomination(buyer=buyer, business_id=business_id, nominated_by=user, note="Siap ekspor; pernah ikut pameran.")
                                    for business_id in waiting])
