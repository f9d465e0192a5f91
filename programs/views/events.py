"""Events: the public list and page (with calendar file), registration and "my registrations"
for IKM owners, and for organisers the event form, participants, attendance, exports,
certificates and an overview."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import event_documents, events
from ..filtersets import EventFilterSet
from ..forms import EventForm, RegistrationForm
from ..models import Event, Registration
from ..roles import Role, role_of
from ..selectors import can_see_personal_data

ORGANISERS = (Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF, Role.OFFICER)


def _event(request, pk):
    return get_object_or_404(Event.objects.visible_to(request.user).select_related("province", "regency", "organiser_province"), pk=pk)


def _editable_event(request, pk):
    event = _event(request, pk)
    if not Event.objects.editable_by(request.user).filter(pk=event.pk).exists():
        raise PermissionDenied
    return event


def event_list(request):
    """Upcoming published events, filtered by province, topic, kind, mode and date; a phone-first card list."""
    filterset = EventFilterSet(
        request.GET or None,
        queryset=Event.objects.visible_to(request.user).upcoming().select_related("province", "regency").order_by("starts_at", "pk"),
    )
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    context = {"filterset": filterset, "page": page, "events": page.object_list, "topics": dict(Event.Topic.choices), "can_organise": role_of(request.user) in ORGANISERS}
    template = "programs/includes/event_results.html" if request.htmx and not request.htmx.boosted else "programs/event_list.html"
    return render(request, template, context)


def event_detail(request, pk):
    event = _event(request, pk)
    user = request.user
    mine = []
    if user.is_authenticated:
        mine = list(Registration.objects.visible_to(user).filter(event=event, business__in=events.registrable_businesses(user)).active().select_related("business"))
        for registration in mine:
            registration.rank = events.waiting_rank(registration)
    can_edit = Event.objects.editable_by(user).filter(pk=event.pk).exists()
    businesses = events.registrable_businesses(user).exclude(pk__in=[r.business_id for r in mine]).order_by("name") if user.is_authenticated else None
    now = timezone.now()
    context = {
        "event": event, "mine": mine, "can_edit": can_edit, "topics": dict(Event.Topic.choices),
        "partners": list(event.partners.all()), "sectors": list(event.eligible_sectors.all()), "eligible_provinces": list(event.eligible_provinces.all()),
        "show_link": can_edit or any(r.status == Registration.Status.CONFIRMED for r in mine),
        "registration_open": event.status == Event.Status.PUBLISHED and event.registration_opens <= now <= min(event.registration_closes, event.starts_at),
        "form": RegistrationForm(businesses=businesses) if businesses is not None and businesses.exists() else None,
        "zone_now": timezone.make_naive(event.starts_at, _zone(event)),
        "ends_local": timezone.make_naive(event.ends_at, _zone(event)),
    }
    return render(request, "programs/event_detail.html", context)


def _zone(event):
    import zoneinfo

    return zoneinfo.ZoneInfo(event.timezone)


def event_calendar(request, pk):
    """An .ics file for the user's calendar (the meeting link only for those allowed to see it)."""
    event = _event(request, pk)
    show_link = Event.objects.editable_by(request.user).filter(pk=event.pk).exists() or (
        request.user.is_authenticated
        and Registration.objects.visible_to(request.user).filter(event=event, status=Registration.Status.CONFIRMED, business__owner=request.user).exists()
    )
    url = request.build_absolute_uri(reverse("event-detail", args=[event.pk]))
    response = HttpResponse(event_documents.calendar_file(event, url=url, show_link=show_link), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="acara-{event.pk}.ics"'
    return response


@login_required
@require_POST
def event_register(request, pk):
    event = _event(request, pk)
    form = RegistrationForm(request.POST, businesses=events.registrable_businesses(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your businesses."))
        return redirect("event-detail", pk=event.pk)
    try:
        registration = events.register(user=request.user, event_id=event.pk, business=form.cleaned_data["business"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Registered: a seat is reserved for %(name)s.") % {"name": registration.business.name})
        else:
            messages.info(request, _("The event is full: %(name)s is number %(rank)s on the waiting list.") % {"name": registration.business.name, "rank": events.waiting_rank(registration)})
    return redirect("event-detail", pk=event.pk)


@login_required
@require_POST
def registration_cancel(request, pk):
    registration = get_object_or_404(Registration.objects.visible_to(request.user), pk=pk)
    try:
        events.cancel_registration(user=request.user, registration_id=registration.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The registration of %(name)s is cancelled.") % {"name": registration.business.name})
    return redirect(request.POST.get("next") or reverse("event-detail", args=[registration.event_id]))


@login_required
def my_registrations(request):
    registrations = list(events.business_registrations(request.user)[:200])
    for registration in registrations:
        registration.rank = events.waiting_rank(registration)
    return render(request, "programs/my_registrations.html", {"registrations": registrations, "now": timezone.now()})


@login_required
def event_manage(request):
    """The organiser's events (all statuses), with seats filled and the waiting list."""
    if role_of(request.user) not in ORGANISERS:
        raise PermissionDenied
    filterset = EventFilterSet(request.GET or None, queryset=Event.objects.editable_by(request.user).select_related("province").order_by("-starts_at", "pk"))
    page = Paginator(filterset.qs.annotate(waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING))), 50).get_page(request.GET.get("page"))
    return render(request, "programs/event_manage.html", {"filterset": filterset, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk=None):
    if role_of(request.user) not in ORGANISERS:
        raise PermissionDenied
    event = _editable_event(request, pk) if pk else Event(organiser_province=getattr(request.user.profile, "province", None))
    with timezone.override(_zone(event) if pk else timezone.get_current_timezone()):
        form = EventForm(request.POST or None, instance=event)
        if request.method == "POST" and form.is_valid():
            try:
                event = events.event_save(user=request.user, form=form)
            except ValidationError:
                pass  # the form carries the errors
            else:
                messages.success(request, _("The event is saved."))
                return redirect("event-detail", pk=event.pk)
        return render(request, "programs/event_form.html", {"form": form, "event": event if pk else None})


@login_required
@require_POST
def event_cancel(request, pk):
    event = _editable_event(request, pk)
    try:
        events.event_cancel(user=request.user, event_id=event.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The event is cancelled; participants are told by e-mail."))
    return redirect("event-detail", pk=event.pk)


def _participants(request, event):
    return (
        Registration.objects.visible_to(request.user).filter(event=event).active()
        .select_related("business", "business__regency", "business__sector", "business__owner")
        .order_by("status", "waiting_number", "business__name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_participants(request, pk):
    """Participants, attendance in bulk on the day, and the export."""
    event = _editable_event(request, pk)
    if request.method == "POST":
        try:
            present = events.attendance_mark(user=request.user, event=event, attended_ids=request.POST.getlist("attended"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance saved: %(count)s present.") % {"count": present})
        return redirect("event-participants", pk=event.pk)
    registrations = list(_participants(request, event))
    waiting_rank = 0
    for registration in registrations:
        # UU PDP: a participant from another province keeps their phone from this officer.
        registration.show_personal = can_see_personal_data(request.user, registration.business)
        if registration.status == Registration.Status.WAITING:
            waiting_rank += 1
            registration.rank = waiting_rank
    context = {
        "event": event, "registrations": registrations, "personal": can_see_personal_data(request.user),
        "started": event.starts_at <= timezone.now(),
        "confirmed": sum(r.status == Registration.Status.CONFIRMED for r in registrations),
        "present": sum(bool(r.attended) for r in registrations),
    }
    return render(request, "programs/event_participants.html", context)


@login_required
def event_participants_xlsx(request, pk):
    event = _editable_event(request, pk)
    data = event_documents.participants_xlsx(
        event, _participants(request, event), personal=can_see_personal_data(request.user),
        personal_for=lambda business: can_see_personal_data(request.user, business),
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="peserta-acara-{event.pk}.xlsx"'
    return response


@login_required
def certificate(request, pk):
    """The certificate of attendance, for the participant's owner and the organisers."""
    registration = get_object_or_404(Registration.objects.visible_to(request.user).select_related("event", "business", "business__regency"), pk=pk)
    if not registration.attended:
        raise Http404(_("A certificate is issued only to those who attended."))
    response = HttpResponse(event_documents.certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sertifikat-{registration.event_id}-{registration.pk}.pdf"'
    return response


@login_required
def event_overview(request):
    """Events by province, topic and month; seats filled, attendance and participants by sector (SQL aggregates, scoped)."""
    if role_of(request.user) not in ORGANISERS:
        raise PermissionDenied
    from ..selectors import events_overview

    year = int(request.GET.get("year") or timezone.localdate().year)
    return render(request, "programs/event_overview.html", {"overview": events_overview(request.user, year=year), "year": year, "years": range(2020, timezone.localdate().year + 2)})
