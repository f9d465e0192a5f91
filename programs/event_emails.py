"""The e-mails participants get about their registration (sent by Celery tasks)."""
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Registration


def _subjects():
    return {
        "confirmed": _("Registration confirmed: %(title)s"),
        "waiting": _("On the waiting list: %(title)s"),
        "promoted": _("A seat is free for you: %(title)s"),
        "changed": _("Changed: %(title)s"),
        "cancelled": _("Cancelled: %(title)s"),
        "reminder": _("Tomorrow: %(title)s"),
    }


def recipient(registration):
    business = registration.business
    for address in (getattr(business.owner, "email", ""), business.email, getattr(registration.registered_by, "email", "")):
        if address:
            return address
    return None


def send(kind, registration_ids):
    """Send one e-mail of ``kind`` per registration (in Indonesian, the portal's language)."""
    from .events import waiting_rank

    registrations = Registration.objects.filter(pk__in=registration_ids).select_related(
        "event", "event__province", "event__regency", "business", "business__owner", "registered_by"
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for registration in registrations:
            address = recipient(registration)
            if not address:
                continue
            event = registration.event
            zone = zoneinfo.ZoneInfo(event.timezone)
            context = {
                "kind": kind, "registration": registration, "event": event, "business": registration.business,
                "starts": timezone.make_naive(event.starts_at, zone), "ends": timezone.make_naive(event.ends_at, zone),
                "rank": waiting_rank(registration),
                "show_link": registration.status == Registration.Status.CONFIRMED and kind != "cancelled",
                "site": settings.PORTAL_BASE_URL,
            }
            body = render_to_string("programs/emails/registration.txt", context)
            messages.append(EmailMessage(_subjects()[kind] % {"title": event.title}, body, None, [address]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
