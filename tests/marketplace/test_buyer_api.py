"""``/api/v1/export-buyers/``, ``export-commitments/``, ``matching-meetings/``,
``buyer-nominations/``: scoped, the services' validation, never a server error."""
import pytest
from rest_framework.test import APIClient

from marketplace.models import Buyer, Commitment, MatchingMeeting, Nomination

from .buyer_helpers import make_buyer, make_commitment


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def commitment_item(business, the_buyer, **overrides):
    return {"business": business.pk, "buyer": the_buyer.pk, "product": "Meja jati", "hs_code": "940360", "currency": "USD", "value": "15000.00",
            "value_idr": 210_000_000, "signed": "2019-12-02", "status": "held", "reason": "Pembeli menunda karena COVID-19", **overrides}


@pytest.fixture
def buyer(staff_user):
    return make_buyer(staff_user)


def test_staff_create_a_buyer_with_sectors_by_slug(staff_user):
    response = client_for(staff_user).post("/api/v1/export-buyers/", {"company": "Riyadh Home Trading", "country": "sa", "hs_codes": ["9403", "4602"],
                                                                     "sectors": ["wood-furniture", "crafts-miscellaneous"], "source": "embassy"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["country"] == "SA" and body["country_name"] == "Saudi Arabia" and sorted(body["sectors"]) == ["crafts-miscellaneous", "wood-furniture"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"country": "ZZ"}, "country"), ({"hs_codes": ["1"]}, "hs_codes"), ({"hs_codes": "9403"}, "hs_codes"), ({"sectors": ["no-such-sector"]}, "sectors"),
    ({"source": "rumour"}, "source"), ({"company": ""}, "company"),
])
def test_bad_buyers_are_refused(staff_user, payload, field):
    data = {"company": "Osaka Craft KK", "country": "JP", "hs_codes": ["4602"], "sectors": ["crafts-miscellaneous"], "source": "itpc", **payload}
    response = client_for(staff_user).post("/api/v1/export-buyers/", data, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Buyer.objects.exists()


def test_officers_read_buyers_but_do_not_add_them_and_owners_do_not_read(officer, owner, buyer):
    assert client_for(officer).get("/api/v1/export-buyers/").json()["count"] == 1
    assert client_for(officer).post("/api/v1/export-buyers/", {"company": "X", "country": "US", "source": "fair"}, format="json").status_code == 403
    assert client_for(owner).get("/api/v1/export-buyers/").status_code == 403
    assert client_for(None).get("/api/v1/export-buyers/").status_code == 401


def test_an_officer_records_a_commitment(officer, business_jabar, buyer):
    response = client_for(officer).post("/api/v1/export-commitments/", commitment_item(business_jabar, buyer), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["province"] == "32" and body["value_idr"] == 210_000_000 and body["status_date"] == "2019-12-02"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"signed": "2999-01-01"}, "signed"), ({"value": "-1"}, "value"), ({"value_idr": -1}, "value_idr"), ({"currency": "ABC"}, "currency"),
    ({"reason": ""}, "reason"), ({"status": "cancelled", "reason": ""}, "reason"), ({"hs_code": "9"}, "hs_code"), ({"hs_code": "94-03"}, "hs_code"),
    ({"status": "lost"}, "status"), ({"signed": "kemarin"}, "signed"), ({"value_idr": "banyak"}, "value_idr"), ({"buyer": 999999}, "buyer"),
])
def test_bad_commitments_are_refused(officer, business_jabar, buyer, overrides, field):
    response = client_for(officer).post("/api/v1/export-commitments/", commitment_item(business_jabar, buyer, **overrides), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Commitment.objects.exists()


def test_a_business_of_another_province_is_refused(officer, business_kalsel, buyer):
    response = client_for(officer).post("/api/v1/export-commitments/", commitment_item(business_kalsel, buyer), format="json")
    assert response.status_code == 400 and "business" in response.json()
    assert not Commitment.objects.exists()


def test_commitments_are_scoped(officer, other_officer, owner, business_jabar, business_kalsel, buyer):
    mine = make_commitment(officer, business_jabar, buyer)
    theirs = make_commitment(other_officer, business_kalsel, buyer)
    assert [row["id"] for row in client_for(officer).get("/api/v1/export-commitments/").json()["results"]] == [mine.pk]
    assert client_for(officer).get(f"/api/v1/export-commitments/{theirs.pk}/").status_code == 404
    assert client_for(officer).get("/api/v1/export-commitments/?province=63").json()["count"] == 0
    # The owner reads their own business's commitment and changes nothing.
    assert [row["id"] for row in client_for(owner).get("/api/v1/export-commitments/").json()["results"]] == [mine.pk]
    assert client_for(owner).patch(f"/api/v1/export-commitments/{mine.pk}/", {"status": "resumed"}, format="json").status_code == 403


def test_officers_nominate_and_staff_schedule_a_meeting(officer, staff_user, business_jabar, business_kalsel, buyer):
    response = client_for(officer).post("/api/v1/buyer-nominations/", {"buyer": buyer.pk, "business": business_jabar.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert client_for(officer).post("/api/v1/buyer-nominations/", {"buyer": buyer.pk, "business": business_jabar.pk}, format="json").status_code == 400
    assert client_for(officer).post("/api/v1/buyer-nominations/", {"buyer": buyer.pk, "business": business_kalsel.pk}, format="json").status_code == 400
    meeting = {"mode": "virtual", "date": "2020-09-15", "facilitator": "attache", "businesses": [business_jabar.pk], "buyers": [buyer.pk],
               "outcome": "Pembeli meminta sampel", "mou_signed": True, "mou_value": 500_000_000}
    assert client_for(officer).post("/api/v1/matching-meetings/", meeting, format="json").status_code == 403
    response = client_for(staff_user).post("/api/v1/matching-meetings/", meeting, format="json")
    assert response.status_code == 201, response.json()
    assert Nomination.objects.get().status == "scheduled"
    assert client_for(officer).get("/api/v1/matching-meetings/").json()["count"] == 1


@pytest.mark.parametrize(("overrides", "field"), [({"mou_value": -1}, "mou_value"), ({"businesses": []}, "businesses"), ({"businesses": [999999]}, "businesses"),
                                                  ({"buyers": ["x"]}, "buyers"), ({"mode": "telepathy"}, "mode"), ({"date": None}, "date")])
def test_bad_meetings_are_refused(staff_user, business_jabar, buyer, overrides, field):
    meeting = {"mode": "virtual", "date": "2020-09-15", "facilitator": "attache", "businesses": [business_jabar.pk], "buyers": [buyer.pk],
               "mou_signed": True, "mou_value": 1, **overrides}
    response = client_for(staff_user).post("/api/v1/matching-meetings/", meeting, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not MatchingMeeting.objects.exists()
