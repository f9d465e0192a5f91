"""Registering for events: seats, the waiting list, cancelling, and every refusal changing nothing."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from programs import events
from programs.models import Event, Province, Registration, Sector
from tests.factories import BusinessFactory, make_event, make_user


@pytest.fixture
def owned(owner, jabar):
    return [BusinessFactory(province=jabar, owner=owner) for _ in range(3)]


def test_seats_then_waiting_list_then_promotion(owner, owned):
    event = make_event(capacity=2)
    first, second, third = (events.register(user=owner, event_id=event.pk, business=b) for b in owned)
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    assert events.waiting_rank(third) == 1
    events.cancel_registration(user=owner, registration_id=first.pk)
    third.refresh_from_db()
    event.refresh_from_db()
    assert third.status == "confirmed" and third.waiting_number is None
    assert event.seats_taken == 2


@pytest.mark.parametrize("problem, expected", [
    ("closed window", "Pendaftaran untuk acara ini sudah ditutup"),
    ("not yet open", "Pendaftaran belum dibuka"),
    ("draft", "tidak dibuka untuk pendaftaran"),
    ("cancelled", "tidak dibuka untuk pendaftaran"),
    ("other sector", "untuk sektor lain"),
    ("other scale", "skala usaha lain"),
    ("other province", "provinsi lain"),
])
def test_refusals_change_nothing(owner, owned, problem, expected):
    now = timezone.now()
    event = make_event(capacity=5)
    if problem == "closed window":
        event.registration_closes = now - datetime.timedelta(minutes=1)
        event.registration_opens = now - datetime.timedelta(days=2)
    elif problem == "not yet open":
        event.registration_opens = now + datetime.timedelta(days=1)
    elif problem in ("draft", "cancelled"):
        event.status = problem
    elif problem == "other sector":
        event.save()
        event.eligible_sectors.set([Sector.objects.exclude(pk=owned[0].sector_id).first()])
    elif problem == "other scale":
        event.eligible_scales = ["medium"]
    elif problem == "other province":
        event.save()
        event.eligible_provinces.set([Province.objects.get(code="63")])
    event.save()
    with pytest.raises(ValidationError) as refused:
        events.register(user=owner, event_id=event.pk, business=owned[0])
    assert expected in " ".join(refused.value.messages)
    event.refresh_from_db()
    assert event.seats_taken == 0 and not Registration.objects.exists()


def test_the_same_business_twice_is_refused(owner, owned):
    event = make_event()
    events.register(user=owner, event_id=event.pk, business=owned[0])
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        events.register(user=owner, event_id=event.pk, business=owned[0])
    assert Registration.objects.count() == 1 and Event.objects.get().seats_taken == 1


def test_someone_elses_business_is_refused(owner, business_kalsel):
    event = make_event()
    with pytest.raises(PermissionDenied):
        events.register(user=owner, event_id=event.pk, business=business_kalsel)
    assert not Registration.objects.exists()


def test_an_officer_registers_only_own_province_businesses(officer, jabar, business_kalsel):
    event = make_event()
    local = BusinessFactory(province=jabar)
    assert events.register(user=officer, event_id=event.pk, business=local).status == "confirmed"
    with pytest.raises(PermissionDenied):
        events.register(user=officer, event_id=event.pk, business=business_kalsel)


def test_capacity_cannot_drop_below_confirmed_seats(client, officer, owner, owned, jabar):
    event = make_event(capacity=5, organiser_province=jabar)
    for business in owned:
        events.register(user=owner, event_id=event.pk, business=business)
    client.force_login(officer)
    from programs.forms import EventForm

    data = {name: value for name, value in EventForm(instance=event).initial.items() if value is not None}
    data.update(capacity=2, topics=event.topics, starts_at=event.starts_at.strftime("%Y-%m-%dT%H:%M"), ends_at=event.ends_at.strftime("%Y-%m-%dT%H:%M"),
                registration_opens=event.registration_opens.strftime("%Y-%m-%dT%H:%M"), registration_closes=event.registration_closes.strftime("%Y-%m-%dT%H:%M"))
    data = {key: value for key, value in data.items() if not isinstance(value, list) or value}
    response = client.post(f"/events/{event.pk}/edit/", data)
    assert response.status_code == 200
    assert "3 kursi sudah dikonfirmasi" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5


def test_raising_capacity_promotes_the_waiting_list(owner, owned, officer, jabar):
    from programs.forms import EventForm

    event = make_event(capacity=1, organiser_province=jabar)
    for business in owned:
        events.register(user=owner, event_id=event.pk, business=business)
    form = EventForm(data={**EventForm(instance=event).initial, "capacity": 3, "province": "", "regency": "", "topics": ["marketplace"],
                           "eligible_sectors": [], "eligible_provinces": [], "partners": [], "eligible_scales": []}, instance=event, wall_clock_times=False)
    assert form.is_valid(), form.errors
    events.event_save(user=officer, form=form)
    assert Registration.objects.filter(status="confirmed").count() == 3
    assert Event.objects.get().seats_taken == 3


def test_my_registrations_page(client, owner, owned):
    event = make_event(capacity=1)
    events.register(user=owner, event_id=event.pk, business=owned[0])
    events.register(user=owner, event_id=event.pk, business=owned[1])
    client.force_login(owner)
    page = client.get("/events/mine/").content.decode()
    assert event.title in page
    assert "Terkonfirmasi" in page and "Daftar tunggu: nomor 1" in page


def test_registering_through_the_page(client, owner, owned):
    event = make_event(capacity=1)
    client.force_login(owner)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert owned[0].name in page and "https://zoom.us" not in page
    response = client.post(f"/events/{event.pk}/register/", {"business": owned[0].pk}, follow=True)
    page = response.content.decode()
    assert "kursi disediakan" in page
    assert "https://zoom.us/j/123456789" in page  # the link, now that the seat is confirmed
    response = client.post(f"/events/{event.pk}/register/", {"business": owned[1].pk}, follow=True)
    assert "daftar tunggu" in response.content.decode()
