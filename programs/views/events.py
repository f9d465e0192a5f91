"""Events: the public list and page (with calendar file), registration and "my registrations"
for IKM owners, and for organisers the event form, participants, attendance, exports,
certificates and an overview."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import event_documents, events
from ..filtersets import EventFilterSet
from ..forms import EventForm, RegistrationForm
from ..models import Event, Registration
from ..policy import can
from ..selectors import businesses_with_personal_data, can_see_personal_data
from .mixins import action_required, safe_next

EVENTS = Event.objects.select_related("province", "regency", "organiser_province")


@action_required("view", Event)
def event_list(request):
    """Upcoming published events, filtered by province, topic, kind, mode and date; a phone-first card list."""
    filterset = EventFilterSet(
        request.GET or None,
        queryset=Event.objects.visible_to(request.user).upcoming().select_related("province", "regency").order_by("starts_at", "pk"),
    )
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    context = {"filterset": filterset, "page": page, "events": page.object_list, "topics": dict(Event.Topic.choices), "can_organise": can(request.user, "change", Event)}
    template = "programs/includes/event_results.html" if request.htmx and not request.htmx.boosted else "programs/event_list.html"
    return render(request, template, context)


@action_required("view", EVENTS, lookup="pk")
def event_detail(request, event):
    user = request.user
    mine = []
    if user.is_authenticated:
        mine = list(Registration.objects.visible_to(user).filter(event=event, business__in=events.registrable_businesses(user)).active().select_related("business"))
        for registration in mine:
            registration.rank = events.waiting_rank(registration)
    can_edit = can(user, "change", event)
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


@action_required("view", EVENTS, lookup="pk")
def event_calendar(request, event):
    """An .ics file for the user's calendar (the meeting link only for those allowed to see it)."""
    show_link = can(request.user, "change", event) or (
        request.user.is_authenticated
        and Registration.objects.visible_to(request.user).filter(event=event, status=Registration.Status.CONFIRMED, business__owner=request.user).exists()
    )
    url = request.build_absolute_uri(reverse("event-detail", args=[event.pk]))
    response = HttpResponse(event_documents.calendar_file(event, url=url, show_link=show_link), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="acara-{event.pk}.ics"'
    return response


@require_POST
@action_required("register", EVENTS, lookup="pk")
def event_register(request, event):
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


@require_POST
@action_required("cancel", Registration.objects.select_related("business"), lookup="pk")
def registration_cancel(request, registration):
    try:
        events.cancel_registration(user=request.user, registration_id=registration.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The registration of %(name)s is cancelled.") % {"name": registration.business.name})
    return safe_next(request, reverse("event-detail", args=[registration.event_id]))


@action_required("view", Registration)
def my_registrations(request):
    registrations = list(events.business_registrations(request.user)[:200])
    for registration in registrations:
        registration.rank = events.waiting_rank(registration)
    return render(request, "programs/my_registrations.html", {"registrations": registrations, "now": timezone.now()})


@action_required("change", Event)
def event_manage(request):
    """The organiser's events (all statuses), with seats filled and the waiting list."""
    filterset = EventFilterSet(request.GET or None, queryset=Event.objects.editable_by(request.user).select_related("province").order_by("-starts_at", "pk"))
    page = Paginator(filterset.qs.annotate(waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING))), 50).get_page(request.GET.get("page"))
    return render(request, "programs/event_manage.html", {"filterset": filterset, "page": page})


@require_http_methods(["GET", "POST"])
@action_required("add", Event)
def event_create(request):
    profile = getattr(request.user, "profile", None)
    return _event_form_page(request, Event(organiser_province=getattr(profile, "province", None)), is_new=True)


@require_http_methods(["GET", "POST"])
@action_required("change", EVENTS, lookup="pk")
def event_edit(request, event):
    return _event_form_page(request, event, is_new=False)


def _event_form_page(request, event, *, is_new):
    with timezone.override(timezone.get_current_timezone() if is_new else _zone(event)):
        form = EventForm(request.POST or None, instance=event)
        if request.method == "POST" and form.is_valid():
            try:
                event = events.event_save(user=request.user, form=form)
            except ValidationError:
                pass  # the form carries the errors
            else:
                messages.success(request, _("The event is saved."))
                return redirect("event-detail", pk=event.pk)
        return render(request, "programs/event_form.html", {"form": form, "event": None if is_new else event})


@require_POST
@action_required("cancel", EVENTS, lookup="pk")
def event_cancel(request, event):
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


@require_http_methods(["GET", "POST"])
@action_required("manage_participants", EVENTS, lookup="pk")
def event_participants(request, event):
    """Participants, attendance in bulk on the day, and the export."""
    if request.method == "POST":
        try:
            present = events.attendance_mark(user=request.user, event=event, attended_ids=request.POST.getlist("attended"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance saved: %(count)s present.") % {"count": present})
        return redirect("event-participants", pk=event.pk)
    registrations = list(_participants(request, event))
    # UU PDP: a participant from another province keeps their phone from this officer.
    personal_ids = businesses_with_personal_data(request.user, {r.business_id for r in registrations})
    waiting_rank = 0
    for registration in registrations:
        registration.show_personal = registration.business_id in personal_ids
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


@action_required("manage_participants", EVENTS, lookup="pk")
def event_participants_xlsx(request, event):
    registrations = list(_participants(request, event))
    personal_ids = businesses_with_personal_data(request.user, {r.business_id for r in registrations})
    data = event_documents.participants_xlsx(
        event, registrations, personal=can_see_personal_data(request.user),
        personal_for=lambda business: business.pk in personal_ids,
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="peserta-acara-{event.pk}.xlsx"'
    return response


@action_required("view", Registration.objects.select_related("event", "business", "business__regency"), lookup="pk")
def certificate(request, registration):
    """The certificate of attendance, for the participant's owner and the organisers."""
    if not registration.attended:
        raise Http404(_("A certificate is issued only to those who attended."))
    response = HttpResponse(event_documents.certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sertifikat-{registration.event_id}-{registration.pk}.pdf"'
    return response


@action_required("overview", Event)
def event_overview(request):
    """Events by province, topic and month; seats filled, attendance and participants by sector (SQL aggregates, scoped)."""
    from ..selectors import events_overview

    this_year = timezone.localdate().year
    years = range(2020, this_year + 2)
    given = request.GET.get("year", "").strip()
    year, year_error = this_year, None
    if given:
        if given.isdigit() and int(given) in years:
            year = int(given)
        else:
            # Said next to the picker (400), with this year's figures below: not a 500, not a silent swap.
            year_error = _("Choose a year from %(first)s to %(last)s.") % {"first": years[0], "last": years[-1]}
    context = {"overview": events_overview(request.user, year=year), "year": year, "years": years, "year_error": year_error}
    return render(request, "programs/event_overview.html", context, status=400 if year_error else 200)
