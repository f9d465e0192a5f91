"""Shared helpers of the export buyer matching tests."""
import datetime
from decimal import Decimal

from django.utils import translation

from marketplace import buyers as services
from marketplace.models import Buyer, Commitment
from programs.models import Sector


def make_buyer(user, *, company="Pacific Home Goods Inc.", country="US", hs_codes=("9403",), sectors=("wood-furniture",), source="attache"):
    with translation.override("en"):
        return services.buyer_save(user=user, data={"company": company, "country": country, "hs_codes": list(hs_codes), "source": source},
                                   sectors=list(Sector.objects.filter(slug__in=sectors)))


def commitment_data(**overrides):
    return {"product": "Kursi rotan", "hs_code": "940380", "currency": "USD", "value": Decimal("12000.00"), "value_idr": 175_000_000,
            "signed": datetime.date(2019, 11, 20), "status": Commitment.Status.HELD, "reason": "Pembeli menunda karena pandemi COVID-19", **overrides}


def make_commitment(user, business, buyer, **overrides):
    with translation.override("en"):
        return services.commitment_save(user=user, business=business, buyer=buyer, data=commitment_data(**overrides))


def any_buyer():
    return Buyer.objects.first()
