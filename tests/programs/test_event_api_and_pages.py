"""Events through the API and the pages: scoped reads and writes for every role, filters,
the calendar file, the participant export and the certificate."""
import datetime
import io

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from programs import events
from programs.models import Event, Registration
from tests.factories import BusinessFactory, make_event


@pytest.fixture
def jabar_event(jabar):
    return make_event(organiser_province=jabar, capacity=2, title="Workshop Shopee Jawa Barat")


@pytest.fixture
def kalsel_event(kalsel):
    return make_event(organiser_province=kalsel, title="Bimtek Masker Kalimantan Selatan", mode="offline", province=kalsel, venue="Aula Dinas", meeting_link="")


def test_the_public_lists_published_events_only(client, jabar_event, kalsel_event):
    make_event(title="Rancangan belum terbit", status="draft")
    answer = client.get("/api/v1/events/").json()
    assert {item["title"] for item in answer["results"]} == {jabar_event.title, kalsel_event.title}
    assert all(item["meeting_link"] is None for item in answer["results"])
    page = client.get("/events/").content.decode()
    assert jabar_event.title in page and "Rancangan belum terbit" not in page
    assert client.get("/events/", {"province": "63"}).content.decode().count("stretched-link") == 1


def test_event_list_queries_do_not_grow(client, jabar):
    make_event(organiser_province=jabar)
    with CaptureQueriesContext(connection) as few:
        client.get("/events/")
    for _ in range(15):
        make_event(organiser_province=jabar)
    with CaptureQueriesContext(connection) as many:
        client.get("/events/")
    assert len(many) == len(few)


def test_an_officer_manages_only_own_province_events(client, officer, jabar_event, kalsel_event):
    client.force_login(officer)
    assert client.get(f"/events/{kalsel_event.pk}/participants/").status_code == 403
    assert client.get(f"/events/{jabar_event.pk}/participants/").status_code == 200
    assert client.patch(f"/api/v1/events/{kalsel_event.pk}/", {"capacity": 99}, content_type="application/json").status_code == 403
    assert client.patch(f"/api/v1/events/{jabar_event.pk}/", {"capacity": 99}, content_type="application/json").status_code == 200
    assert Event.objects.get(pk=kalsel_event.pk).capacity == 20
    assert client.get(f"/api/v1/events/{kalsel_event.pk}/registrations/").json()["count"] == 0
    assert client.post(f"/events/{kalsel_event.pk}/cancel/").status_code == 403
    assert Event.objects.get(pk=kalsel_event.pk).status == "published"


def test_an_officer_creates_an_event_with_field_errors_first(client, officer, jabar):
    client.force_login(officer)
    starts = (datetime.datetime.now() + datetime.timedelta(days=20)).replace(microsecond=0)
    payload = {
        "title": "Bimtek APD", "kind": "bimtek", "topics": ["ppe-production"], "mode": "offline", "province": "32",
        "venue": "", "starts_at": starts.isoformat() + "+07:00", "ends_at": (starts - datetime.timedelta(hours=1)).isoformat() + "+07:00",
        "timezone": "Asia/Jakarta", "capacity": 30, "registration_opens": "2020-01-01T08:00:00+07:00",
        "registration_closes": (starts - datetime.timedelta(days=1)).isoformat() + "+07:00", "status": "published",
    }
    response = client.post("/api/v1/events/", payload, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert "Acara harus berakhir setelah dimulai." in errors["ends_at"]
    assert "Isi tempat untuk acara tatap muka atau hibrida." in errors["venue"]
    assert not Event.objects.exists()
    payload.update(venue="Aula Disperindag Jabar", ends_at=(starts + datetime.timedelta(hours=4)).isoformat() + "+07:00")
    response = client.post("/api/v1/events/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Event.objects.get().organiser_province.code == "32"


def test_registering_and_cancelling_through_the_api(client, owner, jabar, jabar_event, business_kalsel):
    mine = BusinessFactory(province=jabar, owner=owner)
    client.force_login(owner)
    assert client.post(f"/api/v1/events/{jabar_event.pk}/register/", {"business": business_kalsel.pk}, content_type="application/json").status_code == 400
    answer = client.post(f"/api/v1/events/{jabar_event.pk}/register/", {"business": mine.pk}, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["status"] == "confirmed"
    twice = client.post(f"/api/v1/events/{jabar_event.pk}/register/", {"business": mine.pk}, content_type="application/json")
    assert twice.status_code == 400 and "sudah terdaftar" in str(twice.json())
    detail = client.get(f"/api/v1/events/{jabar_event.pk}/").json()
    assert detail["meeting_link"] == "https://zoom.us/j/123456789" and detail["seats_left"] == 1
    assert client.get(f"/api/v1/events/{jabar_event.pk}/registrations/").json()["count"] == 1
    cancelled = client.post(f"/api/v1/events/{jabar_event.pk}/cancel/", {"business": mine.pk}, content_type="application/json")
    assert cancelled.json()["status"] == "cancelled"
    assert Event.objects.get(pk=jabar_event.pk).seats_taken == 0


def test_calendar_file(client, jabar_event):
    response = client.get(f"/events/{jabar_event.pk}/calendar.ics")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in text and "SUMMARY:Workshop Shopee Jawa Barat" in text
    assert "zoom.us" not in text  # the link only for confirmed participants


def _attended(owner, officer, jabar, event):
    business = BusinessFactory(province=jabar, owner=owner, owner_name="Siti Rahayu", name="Konveksi Melati")
    registration = events.register(user=owner, event_id=event.pk, business=business)
    Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at - datetime.timedelta(days=11), ends_at=event.ends_at - datetime.timedelta(days=11))
    events.attendance_mark(user=officer, event=Event.objects.get(pk=event.pk), attended_ids=[registration.pk])
    return registration


def test_certificate_pdf_for_those_who_attended(client, owner, officer, jabar, jabar_event, other_officer):
    from pypdf import PdfReader

    registration = _attended(owner, officer, jabar, jabar_event)
    client.force_login(owner)
    response = client.get(f"/registrations/{registration.pk}/certificate.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("SERTIFIKAT KEHADIRAN", "Siti Rahayu", "Konveksi Melati", "Workshop Shopee Jawa Barat", f"IKM-{jabar_event.pk:06d}"):
        assert expected in text
    client.force_login(other_officer)
    assert client.get(f"/registrations/{registration.pk}/certificate.pdf").status_code == 404
    Registration.objects.filter(pk=registration.pk).update(attended=False)
    client.force_login(owner)
    assert client.get(f"/registrations/{registration.pk}/certificate.pdf").status_code == 404


def test_participant_export_and_attendance_page(client, owner, officer, jabar, jabar_event, staff_user):
    import pandas as pd

    _attended(owner, officer, jabar, jabar_event)
    client.force_login(officer)
    page = client.get(f"/events/{jabar_event.pk}/participants/").content.decode()
    assert "Konveksi Melati" in page and 'name="attended"' in page
    table = pd.read_excel(io.BytesIO(client.get(f"/events/{jabar_event.pk}/participants.xlsx").content), header=3, engine="calamine")
    assert list(table["Usaha"]) == ["Konveksi Melati"] and "Telepon" in table.columns
    client.force_login(staff_user)  # ministry staff: no personal columns, and not their event to manage
    assert client.get(f"/events/{jabar_event.pk}/participants.xlsx").status_code == 403


def test_overview_aggregates(client, owner, officer, jabar, jabar_event):
    _attended(owner, officer, jabar, jabar_event)
    client.force_login(officer)
    response = client.get("/events/overview/", {"year": Event.objects.get(pk=jabar_event.pk).starts_at.year})
    overview = response.context["overview"]
    assert overview["totals"]["events"] == 1 and overview["totals"]["present"] == 1 and overview["totals"]["attendance"] == 1
    assert overview["by_sector"][0]["participants"] == 1


def test_times_are_shown_in_the_events_own_zone(client, kalsel):
    import zoneinfo

    starts = datetime.datetime(2031, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))
    event = make_event(organiser_province=kalsel, timezone="Asia/Makassar", starts_at=starts, ends_at=starts + datetime.timedelta(hours=3),
                       registration_closes=starts - datetime.timedelta(days=1), starts_in_days=0)
    assert "09:00 WITA" in client.get("/events/").content.decode()
    assert "09:00–12:00 WITA" in client.get(f"/events/{event.pk}/").content.decode()


def test_participants_from_another_province_keep_their_phone(client, officer, jabar, kalsel, jabar_event):
    import pandas as pd

    local = BusinessFactory(province=jabar, phone="+6281211112222", name="IKM Lokal")
    visitor = BusinessFactory(province=kalsel, phone="+6281299998888", name="IKM Tamu")
    for business, who in ((local, officer),):
        events.register(user=who, event_id=jabar_event.pk, business=business)
    Registration.objects.create(event=jabar_event, business=visitor, status="confirmed")
    client.force_login(officer)
    page = client.get(f"/events/{jabar_event.pk}/participants/").content.decode()
    assert "+6281211112222" in page and "+6281299998888" not in page
    table = pd.read_excel(io.BytesIO(client.get(f"/events/{jabar_event.pk}/participants.xlsx").content), header=3, engine="calamine", dtype=str)
    phones = dict(zip(table["Usaha"], table["Telepon"].fillna("")))
    assert phones == {"IKM Lokal": "+6281211112222", "IKM Tamu": ""}


def test_event_dates_outside_the_programme_years_are_field_errors(client, officer):
    """A year like 0239 was stored, then answered with an offset no ISO 8601 reader accepts."""
    from tests.factories import make_event

    event = make_event(organiser_province=officer.profile.province)
    client.force_login(officer)
    response = client.patch(f"/api/v1/events/{event.pk}/", {"registration_opens": "0239-06-17T07:00:00Z"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["registration_opens"] == ["Isikan tanggal antara tahun 2000 dan 2100."]
    event.refresh_from_db()
    assert event.registration_opens.year > 2000
