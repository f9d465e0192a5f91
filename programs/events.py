"""Events and registrations: who may register which business, seats and the waiting list.

Capacity is enforced inside the database transaction: every registration, cancellation and
capacity change locks the event row first (``select_for_update``), so concurrent requests
queue on that lock and ``seats_taken`` can never pass ``capacity`` (a CHECK constraint backs
this up). E-mails are queued to Celery only once the transaction has committed.
"""
import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Business, Event, Registration
from .roles import Role, province_id_of, role_of

logger = logging.getLogger(__name__)


def _notify(kind, registration_ids):
    from .tasks import send_registration_emails

    ids = list(registration_ids)

    def send():
        try:
            send_registration_emails.delay(kind, ids)
        except Exception as error:  # the registration is committed: a broker outage must not turn it into an error page
            logger.warning("%s e-mails for registrations %s not queued: %s", kind, ids[:10], error)

    if ids:
        transaction.on_commit(send)


def registrable_businesses(user):
    """The businesses ``user`` may register: those they may change (an owner's own, an
    officer's province's), when Event's policy lets them register at all."""
    from .policy import can

    if not can(user, "register", Event):
        return Business.objects.none()
    return Business.objects.editable_by(user)


def eligibility_problem(event, business):
    """Why ``business`` may not take part in ``event`` (translated), or None."""
    sectors = {sector.pk for sector in event.eligible_sectors.all()}
    provinces = {province.pk for province in event.eligible_provinces.all()}
    if sectors and business.sector_id not in sectors:
        return _("This event is for other sectors.")
    if provinces and business.province_id not in provinces:
        return _("This event is for businesses of other provinces.")
    if event.eligible_scales and business.scale not in event.eligible_scales:
        return _("This event is for businesses of another scale.")
    return None


def register(*, user, event_id, business):
    """Register ``business`` for the event: confirmed while seats remain, else on the waiting
    list. Raises ValidationError (translated) and changes nothing when it may not."""
    if not registrable_businesses(user).filter(pk=business.pk).exists():
        raise PermissionDenied(_("You may only register your own businesses."))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        now = timezone.now()
        if event.status != Event.Status.PUBLISHED:
            raise ValidationError({"event": _("This event is not open for registration.")})
        if now < event.registration_opens:
            raise ValidationError({"event": _("Registration has not opened yet.")})
        if now > event.registration_closes or now > event.starts_at:
            raise ValidationError({"event": _("Registration for this event has closed.")})
        problem = eligibility_problem(event, business)
        if problem:
            raise ValidationError({"business": problem})
        if Registration.objects.filter(event=event, business=business).exclude(status=Registration.Status.CANCELLED).exists():
            raise ValidationError({"business": _("This business is already registered for this event.")})
        registration = Registration(event=event, business=business, registered_by=user)
        if event.seats_taken < event.capacity:
            registration.status = Registration.Status.CONFIRMED
            event.seats_taken += 1
            event.save(update_fields=["seats_taken"])
        else:
            registration.status = Registration.Status.WAITING
            last = event.registrations.aggregate(last=Max("waiting_number"))["last"] or 0
            registration.waiting_number = last + 1
        registration.save()
        _notify("confirmed" if registration.status == Registration.Status.CONFIRMED else "waiting", [registration.pk])
    return registration


def _promote(event, seats):
    """Fill up to ``seats`` free seats from the waiting list, first come first served (locked event)."""
    waiting = list(
        event.registrations.select_for_update().filter(status=Registration.Status.WAITING).order_by("waiting_number")[:seats]
    )
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.waiting_number = None
        registration.save(update_fields=["status", "waiting_number"])
    if waiting:
        event.seats_taken += len(waiting)
        event.save(update_fields=["seats_taken"])
        _notify("promoted", [registration.pk for registration in waiting])
    return waiting


def cancel_registration(*, user, registration_id):
    """Cancel a registration (its owner, or an organiser); a freed seat goes to the first waiting."""
    with transaction.atomic():
        event_id = Registration.objects.filter(pk=registration_id).values_list("event_id", flat=True).first()
        if event_id is None:
            raise ValidationError(_("No such registration."))
        event = Event.objects.select_for_update().get(pk=event_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if not Registration.objects.editable_by(user).filter(pk=registration.pk).exists():
            raise PermissionDenied(_("You may not cancel this registration."))
        if registration.status == Registration.Status.CANCELLED:
            raise ValidationError(_("This registration is already cancelled."))
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.waiting_number = None
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "waiting_number", "cancelled_at"])
        if was_confirmed:
            event.seats_taken -= 1
            event.save(update_fields=["seats_taken"])
            if event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
                _promote(event, 1)
    return registration


def waiting_rank(registration):
    """1 for the first still waiting, and so on (None unless waiting)."""
    if registration.status != Registration.Status.WAITING:
        return None
    return Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.WAITING, waiting_number__lt=registration.waiting_number
    ).count() + 1


# What, when changed, participants are told about.
NOTIFIED_CHANGES = ("starts_at", "ends_at", "venue", "mode", "meeting_link", "timezone")


def event_save(*, user, form):
    """Create or change an event from a valid form within ``user``'s scope. A lower capacity
    may not go under the confirmed seats; a higher one fills seats from the waiting list."""
    event = form.instance
    is_new = event.pk is None
    with transaction.atomic():
        if not is_new:
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if form.cleaned_data["capacity"] < locked.seats_taken:
                form.add_error("capacity", _("%(taken)s seats are already confirmed; cancel registrations before lowering the capacity.") % {"taken": locked.seats_taken})
                raise ValidationError(form.errors)
            event.seats_taken = locked.seats_taken
            changed = [name for name in NOTIFIED_CHANGES if name in form.changed_data]
        else:
            event.created_by = user
            changed = []
        role = role_of(user)
        if role == Role.OFFICER:
            event.organiser_province_id = province_id_of(user)
        elif role == Role.MINISTRY_STAFF:
            event.organiser_province = None
        form.save()
        if not Event.objects.editable_by(user).filter(pk=event.pk).exists():
            raise PermissionDenied(_("You may only manage events of your own office."))
        if not is_new and event.status == Event.Status.PUBLISHED:
            if event.capacity > event.seats_taken:
                _promote(event, event.capacity - event.seats_taken)
            if changed:
                _notify("changed", event.registrations.active().values_list("pk", flat=True))
    return event


def event_cancel(*, user, event_id, reason=""):
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        if not Event.objects.editable_by(user).filter(pk=event.pk).exists():
            raise PermissionDenied(_("You may only manage events of your own office."))
        if event.status == Event.Status.CANCELLED:
            raise ValidationError(_("This event is already cancelled."))
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        _notify("cancelled", event.registrations.active().values_list("pk", flat=True))
    return event


def attendance_mark(*, user, event, attended_ids):
    """Mark who attended (the ids given) and who did not (the other confirmed participants)."""
    if not Event.objects.editable_by(user).filter(pk=event.pk).exists():
        raise PermissionDenied(_("You may only manage events of your own office."))
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded once the event has started."))
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    attended_ids = {int(pk) for pk in attended_ids}
    unknown = attended_ids - set(confirmed.values_list("pk", flat=True))
    if unknown:
        raise ValidationError(_("Only confirmed participants can be marked as present."))
    with transaction.atomic():
        present = confirmed.filter(pk__in=attended_ids).update(attended=True)
        confirmed.exclude(pk__in=attended_ids).update(attended=False)
    return present


def reminders_due(now=None):
    """Confirmed registrations of events starting tomorrow (local date of the event) not yet reminded."""
    now = now or timezone.now()
    soon = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=36))
    ids = []
    for event in soon:
        tz = _zone(event.timezone)
        if timezone.localtime(event.starts_at, tz).date() == timezone.localtime(now, tz).date() + datetime.timedelta(days=1):
            ids.extend(event.registrations.filter(status=Registration.Status.CONFIRMED, reminded_at__isnull=True).values_list("pk", flat=True))
    return ids


def _zone(name):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def business_registrations(user):
    """An owner's registrations (``my registrations``), newest events first."""
    return (
        Registration.objects.visible_to(user).filter(Q(business__owner=user))
        .select_related("event", "event__province", "business").order_by("-event__starts_at")
    )
