"""Declining a nomination from the buyer's shortlist: ministry staff may, officers not; each
nomination shows its status, a scheduled one its meeting (and cannot be declined)."""
import datetime
import re

import pytest

from marketplace import buyers as services
from marketplace.models import Nomination

from .buyer_helpers import make_buyer


@pytest.fixture
def nomination(db, staff_user, officer, business_jabar):
    buyer = make_buyer(staff_user)
    return services.nomination_create(user=officer, buyer=buyer, business=business_jabar, note="Siap ekspor")


def decline_forms(body):
    return re.findall(r'action="/marketplace/nominations/(\d+)/decline/"', body)


def test_staff_decline_a_nomination_from_the_shortlist(nomination, client, staff_user):
    client.force_login(staff_user)
    shortlist = f"/marketplace/buyers/{nomination.buyer_id}/shortlist/"
    body = client.get(shortlist).content.decode()
    assert decline_forms(body) == [str(nomination.pk)] and "Diusulkan" in body and ">Tolak<" in body
    response = client.post(f"/marketplace/nominations/{nomination.pk}/decline/")
    assert response.status_code == 302 and response["Location"] == shortlist
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DECLINED
    body = client.get(shortlist).content.decode()
    assert f"Usulan {nomination.business.name} ditolak." in body and "Ditolak" in body and not decline_forms(body)


def test_officers_see_the_status_but_may_not_decline(nomination, client, officer, other_officer, owner):
    client.force_login(officer)
    body = client.get(f"/marketplace/buyers/{nomination.buyer_id}/shortlist/").content.decode()
    assert "Diusulkan" in body and not decline_forms(body)
    assert client.post(f"/marketplace/nominations/{nomination.pk}/decline/").status_code == 403
    client.force_login(other_officer)  # a nomination of another province is not theirs to see
    assert client.post(f"/marketplace/nominations/{nomination.pk}/decline/").status_code == 404
    client.force_login(owner)
    assert client.post(f"/marketplace/nominations/{nomination.pk}/decline/").status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.NOMINATED


def test_a_scheduled_nomination_links_its_meeting_and_is_not_declined(nomination, client, staff_user, business_jabar):
    meeting = services.nominations_schedule(user=staff_user, buyer=nomination.buyer, nominations=[nomination],
                                            data={"mode": "virtual", "date": datetime.date(2020, 9, 14), "facilitator": "attache"})
    client.force_login(staff_user)
    shortlist = f"/marketplace/buyers/{nomination.buyer_id}/shortlist/"
    body = client.get(shortlist).content.decode()
    assert f'href="/marketplace/meetings/{meeting.pk}/"' in body and "Dijadwalkan" in body and not decline_forms(body)
    response = client.post(f"/marketplace/nominations/{nomination.pk}/decline/", follow=True)
    assert "Hanya usulan yang masih menunggu yang dapat ditolak; usulan ini berstatus dijadwalkan." in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SCHEDULED and nomination.meeting == meeting
