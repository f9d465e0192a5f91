"""Participants are told by e-mail, sent by Celery once the change is committed."""
import time
from unittest import mock

import pytest
from django.core import mail

from programs import events
from programs.event_emails import send
from programs.models import Registration
from tests.conftest import WORKER_MAIL_DIR
from tests.factories import BusinessFactory, make_event


@pytest.fixture
def send_now():
    """Run the e-mail task in this process (the worker test below runs it for real)."""
    with mock.patch("programs.tasks.send_registration_emails.delay", side_effect=send):
        yield


@pytest.fixture
def owned(owner, jabar):
    return [BusinessFactory(province=jabar, owner=owner) for _ in range(2)]


def test_confirmation_waiting_promotion_and_cancellation(owner, owned, jabar, officer, send_now, django_capture_on_commit_callbacks):
    event = make_event(capacity=1, organiser_province=jabar)
    with django_capture_on_commit_callbacks(execute=True):
        first = events.register(user=owner, event_id=event.pk, business=owned[0])
        events.register(user=owner, event_id=event.pk, business=owned[1])
    assert [message.subject for message in mail.outbox] == [
        f"Pendaftaran terkonfirmasi: {event.title}", f"Masuk daftar tunggu: {event.title}",
    ]
    assert mail.outbox[0].to == [owner.email]
    assert "https://zoom.us/j/123456789" in mail.outbox[0].body  # confirmed: the link
    assert "https://zoom.us" not in mail.outbox[1].body and "nomor 1" in mail.outbox[1].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        events.cancel_registration(user=owner, registration_id=first.pk)
    assert [message.subject for message in mail.outbox] == [f"Ada kursi kosong untuk Anda: {event.title}"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        events.event_cancel(user=officer, event_id=event.pk)
    assert [message.subject for message in mail.outbox] == [f"Dibatalkan: {event.title}"]


def test_nothing_is_sent_when_the_registration_is_refused(owner, owned, send_now, django_capture_on_commit_callbacks):
    event = make_event(status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Exception):
            events.register(user=owner, event_id=event.pk, business=owned[0])
    assert mail.outbox == []


def test_reminders_go_the_day_before_once(owner, owned, send_now):
    import datetime

    from django.utils import timezone

    from programs.tasks import send_event_reminders

    tomorrow = timezone.localtime().replace(hour=10, minute=0) + datetime.timedelta(days=1)
    event = make_event(starts_at=tomorrow, ends_at=tomorrow + datetime.timedelta(hours=2), registration_closes=tomorrow - datetime.timedelta(hours=2))
    later = make_event(starts_in_days=5)
    events.register(user=owner, event_id=event.pk, business=owned[0])
    events.register(user=owner, event_id=later.pk, business=owned[1])
    assert send_event_reminders() == 1
    assert [message.subject for message in mail.outbox] == [f"Besok: {event.title}"]
    assert send_event_reminders() == 0  # not twice


@pytest.mark.worker
def test_the_worker_sends_the_confirmation(transactional_db, django_db_serialized_rollback, celery_worker_process, jabar, owner):
    for old in WORKER_MAIL_DIR.glob("*"):
        old.unlink()
    business = BusinessFactory(province=jabar, owner=owner)
    event = make_event(capacity=5, title="Bimtek Masker Kain untuk Diuji")
    registration = events.register(user=owner, event_id=event.pk, business=business)  # committed: on_commit queues the task
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(WORKER_MAIL_DIR.glob("*.log")):
        time.sleep(0.2)
    files = list(WORKER_MAIL_DIR.glob("*.log"))
    assert files, "the worker sent no e-mail within 30 s"
    text = files[0].read_text()
    assert "Pendaftaran terkonfirmasi: Bimtek Masker Kain untuk Diuji" in text
    assert owner.email in text
