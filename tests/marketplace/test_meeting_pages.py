"""The business-matching meetings list and page: who sees which meetings, the filters, the
XLSX of the filtered list, and what a meeting page shows (businesses of other provinces
only counted for an officer)."""
import datetime
import re

import pytest
from django.utils import timezone

from marketplace.models import MatchingMeeting, Nomination
from tests.factories import BusinessFactory

from .meeting_helpers import BuyerFactory, MeetingFactory, xlsx_rows


def listed(response):
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'href="/marketplace/meetings/(\d+)/"', response.content.decode())]


@pytest.fixture
def meetings(db, business_jabar, business_kalsel, officer):
    buyer = BuyerFactory(company="Kyoto Interior KK")
    today = timezone.localdate()
    jabar_only = MeetingFactory(date=datetime.date(2020, 9, 1), businesses=[business_jabar], buyers=[buyer], mou_signed=True,
                                mou_value=100_000_000, realised_value=20_000_000, outcome="MoU kursi rotan")
    joint = MeetingFactory(date=datetime.date(2020, 10, 5), businesses=[business_jabar, business_kalsel], buyers=[buyer], mode="in_person",
                           outcome="Sampel dikirim", follow_ups="Kirim katalog")
    kalsel_only = MeetingFactory(date=datetime.date(2021, 2, 1), businesses=[business_kalsel], buyers=[buyer])
    upcoming = MeetingFactory(date=today + datetime.timedelta(days=30), businesses=[business_jabar], buyers=[buyer], facilitator="embassy")
    Nomination.objects.create(buyer=buyer, business=business_jabar, status="scheduled", meeting=joint, nominated_by=officer, note="Siap ekspor")
    return {"jabar": jabar_only, "joint": joint, "kalsel": kalsel_only, "upcoming": upcoming}


@pytest.mark.parametrize(("role", "expected"), [
    ("staff_user", ["upcoming", "kalsel", "joint", "jabar"]),
    ("admin_user", ["upcoming", "kalsel", "joint", "jabar"]),
    ("officer", ["upcoming", "joint", "jabar"]),
    ("other_officer", ["kalsel", "joint"]),
])
def test_each_role_lists_the_meetings_of_its_scope_newest_first(meetings, client, request, role, expected):
    client.force_login(request.getfixturevalue(role))
    assert listed(client.get("/marketplace/meetings/")) == [meetings[name].pk for name in expected]


def test_owners_and_visitors_are_refused(meetings, client, owner):
    assert "/accounts/login/" in client.get("/marketplace/meetings/")["Location"]
    client.force_login(owner)
    assert client.get("/marketplace/meetings/").status_code == 403
    assert client.get(f"/marketplace/meetings/{meetings['jabar'].pk}/").status_code == 404


@pytest.mark.parametrize(("query", "expected"), [
    ("date_from=2020-10-01&date_to=2020-12-31", ["joint"]),
    ("date_to=2020-12-31", ["joint", "jabar"]),
    ("stage=upcoming", ["upcoming"]),
    ("stage=mou", ["jabar"]),
    ("stage=realised", ["jabar"]),
    ("stage=no-mou", ["joint"]),
    ("stage=awaiting", ["kalsel"]),
    ("province=63", ["kalsel", "joint"]),
    ("mode=in_person", ["joint"]),
])
def test_filters(meetings, client, staff_user, query, expected):
    client.force_login(staff_user)
    assert listed(client.get(f"/marketplace/meetings/?{query}")) == [meetings[name].pk for name in expected]


def test_officers_have_no_province_filter(meetings, client, officer):
    client.force_login(officer)
    page = client.get("/marketplace/meetings/?province=63")
    assert 'name="province"' not in page.content.decode()
    assert listed(page) == [meetings[name].pk for name in ["upcoming", "joint", "jabar"]]


def test_the_xlsx_holds_the_filtered_rows(meetings, client, staff_user, business_jabar, business_kalsel):
    client.force_login(staff_user)
    query = "date_from=2020-01-01&date_to=2021-12-31"
    frame = xlsx_rows(client.get(f"/marketplace/meetings/?{query}&format=xlsx"))
    shown = listed(client.get(f"/marketplace/meetings/?{query}"))
    rows = [MatchingMeeting.objects.get(pk=pk) for pk in shown]
    assert list(frame.iloc[:, 0]) == [meeting.date.strftime("%d-%m-%Y") for meeting in rows]
    assert list(frame.iloc[:, 8]) == [meeting.mou_value for meeting in rows]
    assert list(frame.iloc[:, 9]) == [meeting.realised_value for meeting in rows]
    joint = frame.iloc[shown.index(meetings["joint"].pk)]
    assert business_jabar.name in joint.iloc[3] and business_kalsel.name in joint.iloc[3]
    assert joint.iloc[4] == "Kyoto Interior KK (JP)" and joint.iloc[5] == "Sampel dikirim"


def test_an_officers_xlsx_counts_businesses_of_other_provinces_without_naming_them(meetings, client, officer, business_kalsel):
    client.force_login(officer)
    frame = xlsx_rows(client.get("/marketplace/meetings/?stage=no-mou&format=xlsx"))
    assert len(frame) == 1
    assert business_kalsel.name not in frame.iloc[0, 3] and "1 dari provinsi lain" in frame.iloc[0, 3]


def test_a_meeting_page_shows_everything_about_it(meetings, client, staff_user, business_jabar, business_kalsel):
    client.force_login(staff_user)
    body = client.get(f"/marketplace/meetings/{meetings['joint'].pk}/").content.decode()
    for text in ["5 Oktober 2020", "Tatap muka", "Atase perindustrian", business_jabar.name, business_kalsel.name, "Kyoto Interior KK",
                 "Sampel dikirim", "Kirim katalog", "Siap ekspor", "Dijadwalkan", "Catat hasilnya"]:
        assert text in body, text
    body = client.get(f"/marketplace/meetings/{meetings['jabar'].pk}/").content.decode()
    assert "Rp 100.000.000" in body and "Rp 20.000.000" in body


def test_an_officer_sees_their_provinces_businesses_and_a_count_of_the_others(meetings, client, officer, other_officer, business_jabar, business_kalsel):
    client.force_login(officer)
    body = client.get(f"/marketplace/meetings/{meetings['joint'].pk}/").content.decode()
    assert business_jabar.name in body and business_kalsel.name not in body
    assert "dan 1 IKM dari provinsi lain" in body
    assert "Catat hasilnya" not in body  # ministry staff record outcomes
    assert client.get(f"/marketplace/meetings/{meetings['kalsel'].pk}/").status_code == 404


def test_the_list_names_up_to_three_businesses_and_counts_the_others(meetings, client, staff_user, officer, jabar, business_jabar, business_kalsel):
    MeetingFactory(date=datetime.date(2020, 11, 2), businesses=[BusinessFactory(province=jabar, name=f"Anyaman {n}") for n in range(5)])
    client.force_login(staff_user)
    body = client.get("/marketplace/meetings/?date_from=2020-11-01&date_to=2020-11-30").content.decode()
    assert listed_names(body) == "Anyaman 0, Anyaman 1, Anyaman 2 dan 2 lainnya"
    client.force_login(officer)  # the joint meeting: their business named, the other province's counted
    body = client.get("/marketplace/meetings/?stage=no-mou").content.decode()
    assert listed_names(body) == f"{business_jabar.name} dan 1 lainnya"


def listed_names(body):
    return re.search(r'<div class="small text-muted text-break">([^<]*)</div>', body).group(1).strip()
