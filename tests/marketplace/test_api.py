"""``/api/v1/marketplace-onboardings/`` (with ``bulk/`` answering per item), ``marketplaces/``,
``partner-reports/``: scoped, the same validation as the forms, never a server error."""
import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.models import Onboarding
from programs.models import Event
from tests.factories import BusinessFactory, make_event


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def item(business, **overrides):
    return {"business": business.pk, "marketplace": "tokopedia", "shop_name": "Toko Uji", "shop_url": "https://www.tokopedia.com/tokouji",
            "onboarded": "2020-06-15", "status": "registered", "products_listed": 5, **overrides}


def test_an_officer_records_a_shop_of_their_province(officer, business_jabar):
    response = client_for(officer).post("/api/v1/marketplace-onboardings/", item(business_jabar), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["province"] == "32" and body["marketplace"] == "tokopedia" and body["confirmed"] is True and body["source"] == "partner"


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"marketplace": "lazada-x"}, "marketplace", "tokopedia"),  # the known codes are listed
    ({"shop_url": "bukan url"}, "shop_url", "URL"),
    ({"products_listed": -1}, "products_listed", "0"),
    ({"onboarded": "2999-01-01"}, "onboarded", ""),
    ({"source": "workshop"}, "event", ""),
])
def test_bad_input_is_refused_with_a_field_message(officer, business_jabar, overrides, field, words):
    response = client_for(officer).post("/api/v1/marketplace-onboardings/", item(business_jabar, **overrides), format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not Onboarding.objects.exists()


def test_a_business_of_another_province_is_refused(officer, business_kalsel):
    response = client_for(officer).post("/api/v1/marketplace-onboardings/", item(business_kalsel), format="json")
    assert response.status_code == 400 and "business" in response.json()
    assert not Onboarding.objects.exists()


def test_a_workshop_shop_names_the_event(officer, business_jabar, jabar):
    event = make_event(organiser_province=jabar, starts_in_days=-10, registration_opens=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
                       registration_closes=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC))
    response = client_for(officer).post("/api/v1/marketplace-onboardings/", item(business_jabar, source="workshop", event=event.pk), format="json")
    assert response.status_code == 201, response.json()
    assert Onboarding.objects.get().event == event and Event.objects.get().marketplace_onboardings.count() == 1


def test_bulk_answers_each_item(officer, business_jabar, business_kalsel, jabar):
    other = BusinessFactory(name="Keripik Jabar", province=jabar)
    Onboarding.objects.create(business=other, marketplace_id=1, province=jabar, shop_name="Lama", onboarded=datetime.date(2020, 5, 1), source="bbi")
    client = client_for(officer)
    response = client.post("/api/v1/marketplace-onboardings/bulk/", {"onboardings": [
        item(business_jabar), item(business_kalsel), item(other, marketplace=Onboarding.objects.get().marketplace.code, shop_name="Baru"), "bukan objek",
    ]}, format="json")
    assert response.status_code == 207
    results = response.json()["results"]
    assert [result["status"] for result in results] == ["created", "error", "updated", "error"]
    assert Onboarding.objects.get(business=other).shop_name == "Baru"
    again = client.post("/api/v1/marketplace-onboardings/bulk/", {"onboardings": [item(business_jabar)]}, format="json")
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "updated"
    assert Onboarding.objects.count() == 2
    none = client.post("/api/v1/marketplace-onboardings/bulk/", {"onboardings": [item(business_kalsel)]}, format="json")
    assert none.status_code == 400
    assert client.post("/api/v1/marketplace-onboardings/bulk/", {"onboardings": []}, format="json").status_code == 400


def test_owners_may_not_send_bulk_lists(owner, business_jabar):
    assert client_for(owner).post("/api/v1/marketplace-onboardings/bulk/", {"onboardings": [item(business_jabar)]}, format="json").status_code == 403


def test_scoping_of_reads(officer, other_officer, owner, business_jabar, jabar):
    Onboarding.objects.create(business=business_jabar, marketplace_id=1, province=jabar, shop_name="Toko", onboarded=datetime.date(2020, 5, 1), source="bbi")
    assert client_for(officer).get("/api/v1/marketplace-onboardings/").json()["count"] == 1
    assert client_for(other_officer).get("/api/v1/marketplace-onboardings/").json()["count"] == 0
    assert client_for(owner).get("/api/v1/marketplace-onboardings/").json()["count"] == 1
    pk = Onboarding.objects.get().pk
    assert client_for(other_officer).post(f"/api/v1/marketplace-onboardings/{pk}/confirm/").status_code == 404


def test_an_owner_adds_an_unconfirmed_shop_an_officer_confirms(owner, officer, business_jabar):
    response = client_for(owner).post("/api/v1/marketplace-onboardings/", item(business_jabar), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["confirmed"] is False and response.json()["source"] == "owner"
    pk = response.json()["id"]
    assert client_for(owner).post(f"/api/v1/marketplace-onboardings/{pk}/confirm/").status_code == 403
    assert client_for(officer).post(f"/api/v1/marketplace-onboardings/{pk}/confirm/").json()["confirmed"] is True


def test_monthly_sales_are_corrected_not_doubled(officer, business_jabar, jabar):
    shop = Onboarding.objects.create(business=business_jabar, marketplace_id=1, province=jabar, shop_name="Toko", onboarded=datetime.date(2020, 5, 1), source="bbi")
    client = client_for(officer)
    assert client.post(f"/api/v1/marketplace-onboardings/{shop.pk}/sales/", {"month": "2020-07-15", "value": 1_000_000}, format="json").status_code == 200
    assert client.post(f"/api/v1/marketplace-onboardings/{shop.pk}/sales/", {"month": "2020-07-01", "value": 2_000_000}, format="json").status_code == 200
    assert list(shop.sales.values_list("month", "value")) == [(datetime.date(2020, 7, 1), 2_000_000)]
    assert client.post(f"/api/v1/marketplace-onboardings/{shop.pk}/sales/", {"month": "2020-07-01", "value": -5}, format="json").status_code == 400
    future = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    assert client.post(f"/api/v1/marketplace-onboardings/{shop.pk}/sales/", {"month": future, "value": 5}, format="json").status_code == 400


def test_ministry_staff_manage_marketplaces(staff_user, officer):
    response = client_for(staff_user).post("/api/v1/marketplaces/", {"name": "Lazada", "code": "Lazada", "url": "https://www.lazada.co.id"}, format="json")
    assert response.status_code == 201 and response.json()["code"] == "lazada"
    assert client_for(staff_user).post("/api/v1/marketplaces/", {"name": "Lazada 2", "code": "lazada"}, format="json").status_code == 400
    assert client_for(officer).post("/api/v1/marketplaces/", {"name": "X", "code": "x"}, format="json").status_code == 403
    assert client_for(officer).get("/api/v1/marketplaces/").json()["count"] == 5
