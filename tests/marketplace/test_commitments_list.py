"""The commitments monitor's list: filtered by status, buyer's country, sector and (ministry
staff) province, paginated, and its XLSX holding exactly the filtered rows."""
import datetime
import random
import re

import pytest

from marketplace.models import Commitment
from programs.models import Sector
from tests.factories import BusinessFactory

from .meeting_helpers import BuyerFactory, xlsx_rows


@pytest.fixture
def commitments(db, jabar, kalsel):
    rng = random.Random(7)
    sectors = list(Sector.objects.filter(slug__in=["wood-furniture", "food-beverages"]))
    buyers = [BuyerFactory(country="US", country_name="United States"), BuyerFactory(country="JP", country_name="Japan")]
    businesses = [BusinessFactory(province=place, sector=sector) for place in (jabar, kalsel) for sector in sectors]
    for number in range(70):
        status = rng.choice(["held", "resumed", "realised", "cancelled"])
        signed = datetime.date(2019, rng.randint(1, 12), rng.randint(1, 28))
        Commitment.objects.create(business=rng.choice(businesses), buyer=rng.choice(buyers), product=f"Produk {number}", hs_code="9403", currency="USD",
                                  value=1000, value_idr=(number + 1) * 1_000_000, signed=signed, status=status, status_date=signed,
                                  reason="COVID-19" if status in ("held", "cancelled") else "")


def products(response):
    assert response.status_code == 200
    return re.findall(r"(Produk \d+) <span", response.content.decode())


def expected(user, **filters):
    return [row.product for row in Commitment.objects.visible_to(user).filter(**filters).order_by("-signed", "-id")]


def every_page(client, query):
    found, page = [], 1
    while True:
        response = client.get(f"/marketplace/commitments/?{query}&page={page}")
        found += products(response)
        if f"page={page + 1}" not in response.content.decode():
            return found
        page += 1


@pytest.mark.parametrize(("query", "filters"), [
    ("", {}),
    ("status=held", {"status": "held"}),
    ("status=realised&country=JP", {"status": "realised", "buyer__country": "JP"}),
    ("sector=wood-furniture", {"business__sector__slug": "wood-furniture"}),
    ("province=63&status=cancelled", {"business__province__code": "63", "status": "cancelled"}),
])
def test_staff_filter_the_list_across_pages(commitments, client, staff_user, query, filters):
    client.force_login(staff_user)
    want = expected(staff_user, **filters)
    first = client.get(f"/marketplace/commitments/?{query}")
    assert products(first) == want[:25]
    assert f"{len(want)} komitmen" in first.content.decode()
    assert every_page(client, query) == want


def test_officers_list_their_province_without_a_province_filter(commitments, client, officer):
    client.force_login(officer)
    response = client.get("/marketplace/commitments/?province=63")
    assert 'name="province"' not in response.content.decode()
    assert every_page(client, "province=63") == expected(officer)
    assert set(Commitment.objects.filter(product__in=expected(officer)).values_list("business__province__code", flat=True)) == {"32"}


def test_the_country_choices_are_the_buyers_countries(commitments, client, staff_user):
    client.force_login(staff_user)
    body = client.get("/marketplace/commitments/").content.decode()
    assert '<option value="JP">Japan (JP)</option>' in body and '<option value="US">United States (US)</option>' in body


@pytest.mark.parametrize(("role", "query", "filters"), [
    ("staff_user", "status=held&sector=food-beverages", {"status": "held", "business__sector__slug": "food-beverages"}),
    ("officer", "country=US", {"buyer__country": "US"}),
])
def test_the_xlsx_holds_the_filtered_rows(commitments, client, request, role, query, filters):
    user = request.getfixturevalue(role)
    client.force_login(user)
    frame = xlsx_rows(client.get(f"/marketplace/commitments/?{query}&table=commitments&format=xlsx"))
    rows = list(Commitment.objects.visible_to(user).filter(**filters).select_related("business__province", "buyer").order_by("-signed", "-id"))
    assert list(frame["Produk"]) == [row.product for row in rows] == every_page(client, query)
    assert list(frame["Nilai (Rp)"]) == [row.value_idr for row in rows]
    assert list(frame["Provinsi"]) == [row.business.province.name for row in rows]
    assert list(frame["Negara"]) == [row.buyer.country_name for row in rows]


def test_on_a_phone_each_commitment_is_a_card_with_its_value(commitments, client, staff_user):
    client.force_login(staff_user)
    body = client.get("/marketplace/commitments/?status=held").content.decode()
    block = body.split('id="commitment-cards"', 1)[1].split('<div class="d-none d-md-block', 1)[0]
    rows = Commitment.objects.filter(status="held").order_by("-signed", "-id")[:25]
    assert re.findall(r'<div class="text-nowrap fw-semibold">(Rp [\d.]+)</div>', block) == [f"Rp {row.value_idr:,}".replace(",", ".") for row in rows]
    assert re.findall(r"· (Produk \d+) ·", block) == [row.product for row in rows]
