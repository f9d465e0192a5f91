"""A buyer's shortlist: the order on a small hand-built case, each criterion counted once,
one query, and only businesses the user may see."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import buyers as services
from marketplace.models import Marketplace, Onboarding
from programs.models import Registration, Sector
from tests.factories import BusinessFactory, make_event

from .buyer_helpers import make_buyer, make_commitment


@pytest.fixture
def case(db, jabar, kalsel, officer, staff_user):
    """Furniture buyer wanting HS 9403; businesses of Jawa Barat built to rank in a known order."""
    furniture, food = Sector.objects.get(slug="wood-furniture"), Sector.objects.get(slug="food-beverages")
    buyer = make_buyer(staff_user, hs_codes=["9403"], sectors=["wood-furniture"])
    other_buyer = make_buyer(staff_user, company="Other Buyer", hs_codes=["6109"], sectors=["textiles-clothing-leather"])
    b = {
        # sector 4 + medium 2 + held 1 + marketplace 1 + workshop 1 + product 4 = 13
        "ready": BusinessFactory(name="Mebel Siap Ekspor", province=jabar, sector=furniture, scale="medium"),
        # sector 4 + medium 2 = 6
        "medium": BusinessFactory(name="Mebel Menengah", province=jabar, sector=furniture, scale="medium"),
        # sector 4 + small 1 = 5
        "small": BusinessFactory(name="Mebel Kecil", province=jabar, sector=furniture, scale="small"),
        # sector 4 + micro 0 = 4
        "micro": BusinessFactory(name="Mebel Mikro", province=jabar, sector=furniture, scale="micro"),
        # food, but a commitment HS 940360 (product 4) + small 1 + held 1 = 6; ties with "medium", ranks after it (scale)
        "product": BusinessFactory(name="Aneka Rotan Pangan", province=jabar, sector=food, scale="small"),
        # no sector, no product: not listed
        "none": BusinessFactory(name="Keripik Tanpa Cocok", province=jabar, sector=food, scale="medium"),
        # a perfect match in another province: not for the Jawa Barat officer
        "kalsel": BusinessFactory(name="Mebel Banjar", province=kalsel, sector=furniture, scale="medium"),
    }
    make_commitment(officer, b["ready"], other_buyer, hs_code="940380")
    make_commitment(officer, b["product"], other_buyer, hs_code="940360")
    make_commitment(officer, b["none"], other_buyer, hs_code="6109", status="resumed", reason="", status_date=datetime.date(2021, 2, 1))
    Onboarding.objects.create(business=b["ready"], marketplace=Marketplace.objects.get(code="tokopedia"), province=jabar, shop_name="Mebel Siap",
                              onboarded=datetime.date(2020, 7, 1), source="bbi")
    window = {"registration_opens": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), "registration_closes": datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)}
    export_event = make_event(organiser_province=jabar, starts_in_days=-30, topics=["export-readiness"], **window)
    marketplace_event = make_event(organiser_province=jabar, starts_in_days=-30, topics=["marketplace"], **window)
    Registration.objects.create(event=export_event, business=b["ready"], status="confirmed", attended=True)
    # Not an export workshop, and one not attended: neither counts.
    Registration.objects.create(event=marketplace_event, business=b["small"], status="confirmed", attended=True)
    Registration.objects.create(event=export_event, business=b["micro"], status="confirmed", attended=False)
    return buyer, b


def test_the_order_and_scores(case, officer):
    buyer, b = case
    rows = list(services.buyer_shortlist(user=officer, buyer=buyer))
    assert [row.name for row in rows] == ["Mebel Siap Ekspor", "Mebel Menengah", "Aneka Rotan Pangan", "Mebel Kecil", "Mebel Mikro"]
    assert [row.score for row in rows] == [13, 6, 6, 5, 4]
    ready = rows[0]
    assert (ready.sector_match, ready.product_match, ready.scale_points, ready.held, ready.on_marketplace, ready.export_workshop) == (1, 1, 2, 1, 1, 1)


def test_businesses_the_user_may_not_see_are_left_out(case, officer, other_officer, staff_user):
    buyer, b = case
    assert b["kalsel"].pk not in {row.pk for row in services.buyer_shortlist(user=officer, buyer=buyer)}
    assert [row.name for row in services.buyer_shortlist(user=other_officer, buyer=buyer)] == ["Mebel Banjar"]
    assert "Mebel Banjar" in {row.name for row in services.buyer_shortlist(user=staff_user, buyer=buyer)}


def test_the_shortlist_is_one_query(case, officer):
    buyer, _b = case
    buyer = type(buyer).objects.prefetch_related("sectors").get(pk=buyer.pk)
    list(buyer.sectors.all())
    with CaptureQueriesContext(connection) as queries:
        list(services.buyer_shortlist(user=officer, buyer=buyer))
    # The buyer's sectors, then the ranked businesses.
    assert len(queries) <= 2


def test_the_shortlist_page_nominate_and_schedule(case, client, officer, staff_user):
    buyer, b = case
    client.force_login(officer)
    page = client.get(f"/marketplace/buyers/{buyer.pk}/shortlist/")
    assert page.status_code == 200 and "Mebel Siap Ekspor" in page.content.decode() and "Mebel Banjar" not in page.content.decode()
    response = client.post(f"/marketplace/buyers/{buyer.pk}/nominate/", {"business": b["ready"].pk})
    assert response.status_code == 302
    # A business of another province cannot be nominated by this officer.
    client.post(f"/marketplace/buyers/{buyer.pk}/nominate/", {"business": b["kalsel"].pk})
    assert [n.business for n in buyer.nominations.all()] == [b["ready"]]
    assert client.post(f"/marketplace/buyers/{buyer.pk}/schedule/", {}).status_code == 403
    client.force_login(staff_user)
    nomination = buyer.nominations.get()
    response = client.post(f"/marketplace/buyers/{buyer.pk}/schedule/", {"mode": "virtual", "date": "2020-08-20", "facilitator": "itpc", "nominations": [nomination.pk]})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "scheduled" and list(nomination.meeting.businesses.all()) == [b["ready"]]
