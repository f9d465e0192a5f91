"""Demo marketplace onboarding (``seed_demo``), small and quick: shops on the four partners'
marketplaces for part of the demo registry (2020, most through the partners' reports and the
Bangga Buatan Indonesia campaign, some after a workshop), the demo owner's shops (one
unconfirmed, added by the owner), and two partner reports with realistic mess: phones written
``08…``, ``+62…`` and ``62…``, NIBs missing, names with ``CV.``/``UD`` — the first refused
whole because the same seller is in it twice, the corrected one applied, with the sellers it
could not match waiting in the confirm queue of Jawa Barat's officers.
"""
import datetime

import numpy as np
import pandas as pd
from django.core.files.base import ContentFile
from django.db import transaction

from programs.models import Business, Event, Regency

from .figures import settle_shops
from .imports import HEADERS, import_run
from .models import Marketplace, Onboarding, PartnerReport

#: Shops per demo business at most, and the share of the registry (bounded) that has one.
SHARE, LIMIT = 0.35, 3_000
YEAR = 2020
STATUSES = ["registered", "products_listed", "first_sale", "inactive"]


@transaction.atomic
def seed(*, user, rng=None):
    """Shops and reports, once (a database with shops is left as it is). Returns shops added."""
    if Onboarding.objects.exists() or PartnerReport.objects.exists():
        return 0
    rng = rng or np.random.default_rng(YEAR)
    marketplaces = list(Marketplace.objects.filter(code__in=["tokopedia", "shopee", "blibli", "bukalapak"]).order_by("pk"))
    if not marketplaces:
        return 0
    added = _seed_shops(marketplaces, rng=rng, user=user)
    _seed_owner_shops(marketplaces, user=user)
    _seed_reports(marketplaces[0], rng=rng, user=user)
    return added


def _seed_shops(marketplaces, *, rng, user):
    businesses = list(Business.objects.filter(owner__isnull=True).order_by("pk").values_list("pk", "province_id", "sector_id", "scale")[: int(LIMIT / SHARE)])
    chosen = [businesses[index] for index in np.flatnonzero(rng.random(len(businesses)) < SHARE)][:LIMIT]
    events = list(Event.objects.filter(starts_at__year=YEAR).values_list("pk", flat=True)[:50])
    start = datetime.date(YEAR, 4, 1)
    shops = []
    for (business_id, province_id, sector_id, scale), day, market, status, products, source in zip(
        chosen, rng.integers(0, 270, len(chosen)), rng.integers(0, len(marketplaces), len(chosen)),
        rng.choice(STATUSES, len(chosen), p=[0.3, 0.35, 0.3, 0.05]), rng.integers(0, 80, len(chosen)),
        rng.choice(["partner", "bbi", "workshop"], len(chosen), p=[0.5, 0.35, 0.15]),
    ):
        event = int(rng.choice(events)) if source == "workshop" and events else None
        shops.append(Onboarding(
            business_id=business_id, marketplace=marketplaces[int(market)], province_id=province_id, sector_id=sector_id, scale=scale, onboarded=start + datetime.timedelta(days=int(day)),
            shop_name=f"Toko {business_id}", shop_url=f"{marketplaces[int(market)].url}/toko-{business_id}", source="bbi" if source == "workshop" and event is None else str(source),
            event_id=event, status=str(status), products_listed=0 if status == "registered" else int(products), created_by=user,
        ))
    Onboarding.objects.bulk_create(shops, batch_size=2_000)
    settle_shops([shop.business_id for shop in shops])
    return len(shops)


def _seed_owner_shops(marketplaces, *, user):
    business = Business.objects.filter(owner__username="pemilik@demo.ikm.go.id").first()
    if business is None:
        return
    Onboarding.objects.get_or_create(business=business, marketplace=marketplaces[0], defaults={
        "province_id": business.province_id, "shop_name": "Konveksi Pemilik Demo Official", "shop_url": "https://www.tokopedia.com/konveksipemilikdemo",
        "onboarded": datetime.date(YEAR, 6, 20), "source": "partner", "status": "first_sale", "products_listed": 18, "created_by": user,
    })
    Onboarding.objects.get_or_create(business=business, marketplace=marketplaces[1], defaults={
        "province_id": business.province_id, "shop_name": "Masker Kain Pemilik Demo", "shop_url": "https://shopee.co.id/maskerpemilikdemo",
        "onboarded": datetime.date(YEAR, 8, 3), "source": "owner", "status": "products_listed", "products_listed": 6, "confirmed": False,
        "created_by": business.owner,
    })


def _phone_shapes(phone, shape):
    """``+6281234567890`` as partners write it: ``0812-3456-7890``, ``+62 812 3456 7890``, ``6281234567890``."""
    national = phone[3:]
    return [f"0{national[:3]}-{national[3:7]}-{national[7:]}", f"+62 {national[:3]} {national[3:7]} {national[7:]}", phone[1:]][shape % 3]


def _report_rows(rng):
    """About forty rows of Tokopedia's July report for Jawa Barat: most match the registry
    (by NIB, by phones in three shapes, by name), some do not."""
    bandung = Regency.objects.get(code="32.73")
    registry = list(Business.objects.filter(province_id=bandung.province_id, owner__isnull=True).exclude(phone="").order_by("pk")[:30]
                    .values_list("name", "nib", "phone", "regency__code"))
    rows = []
    for index, (name, nib, phone, regency) in enumerate(registry):
        by_phone = index % 3 != 0 or not nib
        rows.append({
            HEADERS["seller_id"]: f"TKP-{70000 + index}", HEADERS["name"]: ("CV. " if index % 4 == 0 else "") + name.upper() if by_phone else name,
            HEADERS["nib"]: "" if by_phone else nib, HEADERS["phone"]: _phone_shapes(phone, index) if by_phone else "",
            HEADERS["regency"]: regency, HEADERS["shop_name"]: f"{name} Official", HEADERS["shop_url"]: f"tokopedia.com/toko{70000 + index}",
            HEADERS["onboarded"]: (datetime.date(YEAR, 7, 1) + datetime.timedelta(days=int(rng.integers(0, 28)))).strftime("%d-%m-%Y"),
            HEADERS["status"]: ["terdaftar", "produk tayang", "penjualan pertama"][index % 3], HEADERS["products_listed"]: str(int(rng.integers(0, 40))),
            HEADERS["sales"]: f"Rp {int(rng.integers(0, 50)) * 100_000:,}".replace(",", ".") if index % 3 == 2 else "",
        })
    for index, (name, phone) in enumerate([("UD Keripik Tempe Bu Eni", "0813-2100-4455"), ("Rajut Mandiri", "62 857 2233 1100"),
                                           ("CV. Sepatu Cibaduyut Jaya", "+62 878 1200 3344"), ("Dodol Garut Ibu Nani", "0821 4455 6677")]):
        rows.append({
            HEADERS["seller_id"]: f"TKP-{80000 + index}", HEADERS["name"]: name, HEADERS["nib"]: "", HEADERS["phone"]: phone, HEADERS["regency"]: bandung.code,
            HEADERS["shop_name"]: name.replace("UD ", "").replace("CV. ", ""), HEADERS["shop_url"]: f"https://www.tokopedia.com/toko{80000 + index}",
            HEADERS["onboarded"]: f"2020-07-{10 + index:02d}", HEADERS["status"]: "terdaftar", HEADERS["products_listed"]: "0", HEADERS["sales"]: "",
        })
    return rows


def _upload(marketplace, rows, *, name, user):
    data = pd.DataFrame(rows).to_csv(index=False, sep=";").encode("utf-8-sig")
    record = PartnerReport(marketplace=marketplace, month=datetime.date(YEAR, 7, 1), user=user, original_name=name)
    record.file.save(name, ContentFile(data), save=False)
    record.save()
    return import_run(import_id=record.pk)


def _seed_reports(marketplace, *, rng, user):
    rows = _report_rows(rng)
    if len(rows) < 6:
        return
    # The partner's first file lists one seller twice: refused whole, with the row report.
    _upload(marketplace, [*rows, dict(rows[-1])], name="tokopedia-jabar-juli-2020.csv", user=user)
    _upload(marketplace, rows, name="tokopedia-jabar-juli-2020-perbaikan.csv", user=user)
