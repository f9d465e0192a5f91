"""Buyers (ministry staff manage them, organisers read them), meetings and nominations."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from marketplace import buyers as services
from marketplace.models import Buyer, Commitment, MatchingMeeting, Nomination
from programs.models import Sector
from tests.factories import BusinessFactory

from .buyer_helpers import make_buyer


def test_staff_add_a_buyer_with_its_country_name(staff_user):
    buyer = make_buyer(staff_user, country="jp", hs_codes=["6109", "61.10"])
    assert buyer.country == "JP" and buyer.country_name == "Japan" and buyer.hs_codes == ["6109", "6110"]
    assert [sector.slug for sector in buyer.sectors.all()] == ["wood-furniture"]


@pytest.mark.parametrize(("overrides", "field"), [({"country": "XX"}, "country"), ({"country": "USA"}, "country"), ({"hs_codes": ["9"]}, "hs_codes"),
                                                  ({"hs_codes": ["12345678901"]}, "hs_codes"), ({"hs_codes": ["94a3"]}, "hs_codes"), ({"company": ""}, "company")])
def test_bad_buyers_are_refused(staff_user, overrides, field):
    data = {"company": "Nordic Living BV", "country": "NL", "hs_codes": ["9403"], "source": "itpc", **overrides}
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.buyer_save(user=staff_user, data=data, sectors=[])
    assert field in caught.value.message_dict
    assert not Buyer.objects.exists()


def test_only_ministry_staff_manage_buyers_and_owners_do_not_see_them(officer, owner, staff_user):
    with pytest.raises(PermissionDenied):
        services.buyer_save(user=officer, data={"company": "X", "country": "US", "source": "fair"}, sectors=[])
    buyer = make_buyer(staff_user)
    assert list(Buyer.objects.visible_to(officer)) == [buyer]
    assert not Buyer.objects.visible_to(owner).exists() and not Buyer.objects.visible_to(None).exists()


def test_officers_nominate_their_province_and_staff_schedule(officer, other_officer, staff_user, business_jabar, business_kalsel):
    buyer = make_buyer(staff_user)
    nomination = services.nomination_create(user=officer, buyer=buyer, business=business_jabar)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.nomination_create(user=officer, buyer=buyer, business=business_kalsel)
    assert "business" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.nomination_create(user=officer, buyer=buyer, business=business_jabar)  # twice
    with pytest.raises(PermissionDenied):
        services.nominations_schedule(user=officer, buyer=buyer, nominations=[nomination], data={})
    meeting = services.nominations_schedule(user=staff_user, buyer=buyer, nominations=[nomination],
                                            data={"mode": "virtual", "date": datetime.date(2020, 8, 12), "facilitator": "attache"})
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SCHEDULED and nomination.meeting == meeting
    assert list(meeting.businesses.all()) == [business_jabar] and list(meeting.buyers.all()) == [buyer]
    # Officers read the meetings with a business of their province only.
    assert list(MatchingMeeting.objects.visible_to(officer)) == [meeting]
    assert not MatchingMeeting.objects.visible_to(other_officer).exists()
    assert not MatchingMeeting.objects.editable_by(officer).exists()


def test_a_meeting_refuses_negative_values_and_an_unsigned_mou_value(staff_user, business_jabar):
    buyer = make_buyer(staff_user)
    base = {"mode": "virtual", "date": datetime.date(2020, 8, 12), "facilitator": "embassy"}
    for data, field in [({"mou_value": -1, "mou_signed": True}, "mou_value"), ({"realised_value": -1}, "realised_value"),
                        ({"mou_value": 5_000_000, "mou_signed": False}, "mou_value")]:
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            services.meeting_save(user=staff_user, data={**base, **data}, businesses=[business_jabar], buyers=[buyer])
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.meeting_save(user=staff_user, data=base, businesses=[], buyers=[buyer])
    assert "businesses" in caught.value.message_dict
    assert not MatchingMeeting.objects.exists()


def test_the_buyer_pages(client, staff_user, officer):
    client.force_login(staff_user)
    response = client.post("/marketplace/buyers/new/", {"company": "Brisbane Teak Co.", "country": "au", "hs_codes": "9403, 4419", "source": "attache",
                                                        "sectors": [Sector.objects.get(slug="wood-furniture").pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    buyer = Buyer.objects.get()
    assert buyer.country_name == "Australia" and buyer.hs_codes == ["9403", "4419"]
    response = client.post(f"/marketplace/buyers/{buyer.pk}/edit/", {"company": "Brisbane Teak Co.", "country": "QQ", "hs_codes": "9", "source": "attache"})
    assert response.status_code == 200 and "ISO 3166-1" in response.content.decode()
    assert "Brisbane Teak Co." in client.get("/marketplace/buyers/").content.decode()
    client.force_login(officer)
    assert client.get("/marketplace/buyers/").status_code == 200
    assert client.get("/marketplace/buyers/new/").status_code == 403
    page = client.get("/marketplace/commitments/")
    assert page.status_code == 200 and "/marketplace/commitments/new/" in page.content.decode()


def test_an_officer_records_a_commitment_on_the_page(client, officer, staff_user, business_jabar, business_kalsel):
    buyer = make_buyer(staff_user)
    client.force_login(officer)
    data = {"nib": business_jabar.nib, "buyer": buyer.pk, "product": "Kursi rotan", "hs_code": "940180", "currency": "usd", "value": "9000",
            "value_idr": "126000000", "signed": "2019-10-01", "status": "held", "reason": "Ditunda pembeli (COVID-19)"}
    assert client.post("/marketplace/commitments/new/", {**data, "nib": business_kalsel.nib}).status_code == 200
    assert client.post("/marketplace/commitments/new/", {**data, "reason": ""}).status_code == 200
    assert not Commitment.objects.exists()
    assert client.post("/marketplace/commitments/new/", data).status_code == 302
    assert Commitment.objects.get().currency == "USD"


def test_an_officer_moves_a_commitment_on_the_page_and_not_another_provinces(client, officer, other_officer, staff_user, business_jabar, business_kalsel):
    from .buyer_helpers import make_commitment

    buyer = make_buyer(staff_user)
    mine = make_commitment(officer, business_jabar, buyer)
    theirs = make_commitment(other_officer, business_kalsel, buyer)
    client.force_login(officer)
    assert client.get(f"/marketplace/commitments/{theirs.pk}/edit/").status_code == 404
    page = client.get(f"/marketplace/commitments/{mine.pk}/edit/")
    assert page.status_code == 200
    data = {"buyer": buyer.pk, "product": mine.product, "hs_code": mine.hs_code, "currency": "USD", "value": "12000", "value_idr": mine.value_idr,
            "signed": "2019-11-20", "status": "realised", "reason": "", "value_realised": "150000000"}
    assert client.post(f"/marketplace/commitments/{mine.pk}/edit/", data).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "realised" and mine.value_realised == 150_000_000 and mine.business == business_jabar
    assert mine.history.count() == 2
