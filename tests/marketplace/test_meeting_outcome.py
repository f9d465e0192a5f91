"""Ministry staff record a meeting's outcome on its page, through the service the API uses:
what is refused is said next to the field, and nothing changes then."""
import datetime
import re

import pytest
from django.utils import timezone

from marketplace.models import MatchingMeeting

from .meeting_helpers import MeetingFactory


@pytest.fixture
def meeting(db, business_jabar):
    return MeetingFactory(date=datetime.date(2020, 9, 1), businesses=[business_jabar])


def field_errors(response, field):
    return re.findall(rf'id="id_{field}_error">([^<]*)<', response.content.decode())


def test_staff_record_the_outcome(meeting, client, staff_user):
    client.force_login(staff_user)
    page = client.get(f"/marketplace/meetings/{meeting.pk}/outcome/")
    assert page.status_code == 200 and "Hasil temu bisnis 01-09-2020" in page.content.decode()
    response = client.post(f"/marketplace/meetings/{meeting.pk}/outcome/", {
        "outcome": "MoU meja jati", "follow_ups": "Pengiriman pertama Desember", "mou_signed": "on", "mou_value": "Rp 250.000.000", "realised_value": "50000000"})
    assert response.status_code == 302 and response["Location"] == f"/marketplace/meetings/{meeting.pk}/"
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.follow_ups, meeting.mou_signed, meeting.mou_value, meeting.realised_value) == (
        "MoU meja jati", "Pengiriman pertama Desember", True, 250_000_000, 50_000_000)
    body = client.get(response["Location"]).content.decode()
    assert "Hasil pertemuan disimpan." in body and "Rp 250.000.000" in body and "Pengiriman pertama Desember" in body
    # The businesses and buyers stay as they were.
    assert meeting.businesses.count() == 1 and meeting.buyers.count() == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"mou_signed": "on", "mou_value": "-5"}, "mou_value", "Nilai tidak boleh negatif."),
    ({"realised_value": "-1.000"}, "realised_value", "Nilai tidak boleh negatif."),
    ({"mou_value": "100000000"}, "mou_value", "Nilai MoU hanya diisi untuk MoU yang sudah ditandatangani."),
    ({"mou_value": "1,5"}, "mou_value", "Tulis jumlah rupiah bulat"),
])
def test_refusals_are_shown_next_to_the_field(meeting, client, staff_user, data, field, message):
    client.force_login(staff_user)
    response = client.post(f"/marketplace/meetings/{meeting.pk}/outcome/", {"outcome": "Dicoba", **data})
    assert response.status_code == 400
    assert any(error.startswith(message) for error in field_errors(response, field)), field_errors(response, field)
    meeting.refresh_from_db()
    assert meeting.outcome == "" and meeting.mou_value == 0 and meeting.realised_value == 0


def test_a_meeting_still_to_come_has_no_mou_yet(db, client, staff_user, business_jabar):
    meeting = MeetingFactory(date=timezone.localdate() + datetime.timedelta(days=7), businesses=[business_jabar])
    client.force_login(staff_user)
    response = client.post(f"/marketplace/meetings/{meeting.pk}/outcome/", {"mou_signed": "on", "mou_value": "10000000"})
    assert response.status_code == 400
    assert "Pertemuan yang belum berlangsung belum punya MoU atau nilai realisasi." in response.content.decode()
    assert not MatchingMeeting.objects.get(pk=meeting.pk).mou_signed


def test_only_ministry_staff_record_outcomes(meeting, client, officer, other_officer, owner, admin_user):
    client.force_login(officer)
    assert client.get(f"/marketplace/meetings/{meeting.pk}/outcome/").status_code == 403
    assert client.post(f"/marketplace/meetings/{meeting.pk}/outcome/", {"outcome": "x"}).status_code == 403
    client.force_login(other_officer)
    assert client.get(f"/marketplace/meetings/{meeting.pk}/outcome/").status_code == 404
    client.force_login(owner)
    assert client.post(f"/marketplace/meetings/{meeting.pk}/outcome/", {"outcome": "x"}).status_code == 404
    assert MatchingMeeting.objects.get(pk=meeting.pk).outcome == ""
    client.force_login(admin_user)
    assert client.post(f"/marketplace/meetings/{meeting.pk}/outcome/", {"outcome": "Oleh admin"}).status_code == 302
