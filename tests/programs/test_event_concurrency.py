"""No overbooking: 100 registrations at once on 20 seats, each on its own database connection."""
import threading

from django.db import connection

from programs import events
from programs.models import Event, Registration
from tests.factories import make_businesses, make_event, make_user


def run_at_once(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # collected: the test fails with the reason
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_concurrent_registrations_never_overbook(transactional_db, django_db_serialized_rollback, jabar, monkeypatch):
    # Seats are the point here, not e-mails: queued e-mail tasks would be run by the session's
    # worker while this test's tables are flushed, and its reads could deadlock the flush.
    monkeypatch.setattr("programs.tasks.send_registration_emails.delay", lambda *args, **kwargs: None)
    officer = make_user("officer", province=jabar, username="petugas.serentak")
    event = make_event(capacity=20, organiser_province=jabar)
    businesses = make_businesses(110, provinces=[jabar])

    results, errors = run_at_once([lambda b=b: events.register(user=officer, event_id=event.pk, business=b) for b in businesses])

    assert errors == []
    assert Registration.objects.filter(event=event, status="confirmed").count() == 20
    waiting = list(Registration.objects.filter(event=event, status="waiting").order_by("waiting_number").values_list("waiting_number", flat=True))
    assert waiting == list(range(1, 91))  # in order, no gaps, no duplicates
    event.refresh_from_db()
    assert event.seats_taken == 20

    # Five cancellations at once promote exactly the first five waiting.
    confirmed = list(Registration.objects.filter(event=event, status="confirmed")[:5])
    first_waiting = list(Registration.objects.filter(event=event, status="waiting").order_by("waiting_number")[:5].values_list("pk", flat=True))
    results, errors = run_at_once([lambda r=r: events.cancel_registration(user=officer, registration_id=r.pk) for r in confirmed])
    assert errors == []
    assert Registration.objects.filter(event=event, status="confirmed").count() == 20
    assert set(Registration.objects.filter(pk__in=first_waiting).values_list("status", flat=True)) == {"confirmed"}
    assert Registration.objects.filter(event=event, status="waiting").count() == 85
    assert Event.objects.get(pk=event.pk).seats_taken == 20
