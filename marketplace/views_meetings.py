"""Business-matching meeting pages: the meetings of the user's scope (filters, XLSX), one
meeting with the businesses, buyers and nominations it joined, the outcome ministry staff
record, and declining a nomination from a buyer's shortlist."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView

from programs.models import Business
from programs.pagination import CappedCountPaginator
from programs.policy import MINISTRY, can
from programs.roles import role_of
from programs.tables import table_xlsx
from programs.views.mixins import ActionRequiredMixin, action_required

from . import buyers as services
from .filtersets import MatchingMeetingFilterSet
from .forms import MeetingOutcomeForm
from .models import Buyer, MatchingMeeting, Nomination
from .views import XLSX, XlsxListMixin, _show_errors


def meetings_for(user, rows):
    """``rows`` (meetings) with the businesses ``user`` may see among those taking part, and
    how many they may not (``others``: businesses of other provinces, for an officer)."""
    visible = Business.objects.visible_to(user)
    return rows.prefetch_related(
        Prefetch("businesses", queryset=visible.select_related("province").order_by("name"), to_attr="visible_businesses"),
        Prefetch("buyers", queryset=Buyer.objects.order_by("company")),
    ).annotate(
        business_count=Count("businesses", distinct=True),
        visible_count=Count("businesses", filter=Q(businesses__in=visible), distinct=True),
    )


#: Businesses named per meeting in the list (the page of a meeting names them all).
LISTED_BUSINESSES = 3


class MeetingListView(XlsxListMixin, ActionRequiredMixin, FilterView):
    """The meetings of the user's scope, newest first; ``?format=xlsx`` downloads the filtered list."""

    model = MatchingMeeting
    filterset_class = MatchingMeetingFilterSet
    paginate_by = 25
    paginator_class = CappedCountPaginator
    template_name = "marketplace/meetings/meeting_list.html"

    def get_queryset(self):
        return meetings_for(self.request.user, super().get_queryset()).order_by("-date", "-id")

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        fields = filterset.form.fields
        if role_of(self.request.user) not in MINISTRY:
            fields.pop("province")  # officers see their province's meetings
        for name in ("buyer", "mou_signed"):  # kept from a link, not offered (buyer ids; the stages say it)
            fields[name].widget = forms.HiddenInput()
        return filterset

    def xlsx(self, rows):
        return _meetings_xlsx(rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for meeting in context["object_list"]:
            meeting.stage = MatchingMeetingFilterSet.stage_of(meeting, today)
            meeting.shown = meeting.visible_businesses[:LISTED_BUSINESSES]
            meeting.more = meeting.business_count - len(meeting.shown)
        return context


def _businesses_text(meeting):
    names = [f"{business.name} ({business.province.name})" for business in meeting.visible_businesses]
    others = meeting.business_count - meeting.visible_count
    if others:
        names.append(_("%(count)s of other provinces") % {"count": others})
    return "; ".join(names)


def _meetings_xlsx(rows):
    rupiah, text = "rupiah", "text"
    table = {
        "title": _("Business matching meetings"),
        "columns": [(_("Date"), text), (_("Mode"), text), (_("Facilitator"), text), (_("Businesses"), text), (_("Buyers"), text),
                    (_("Outcome"), text), (_("Follow-ups"), text), (_("MoU signed"), text), (_("MoU value (Rp)"), rupiah), (_("Value realised (Rp)"), rupiah)],
        "rows": [[meeting.date.strftime("%d-%m-%Y"), meeting.get_mode_display(), meeting.get_facilitator_display(), _businesses_text(meeting),
                  "; ".join(f"{buyer.company} ({buyer.country})" for buyer in meeting.buyers.all()), meeting.outcome, meeting.follow_ups,
                  _("Yes") if meeting.mou_signed else _("No"), meeting.mou_value, meeting.realised_value] for meeting in rows],
    }
    response = HttpResponse(table_xlsx(table), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="temu-bisnis.xlsx"'
    return response


@require_GET
@action_required("view", MatchingMeeting, lookup="pk")
def meeting_detail(request, meeting):
    """A meeting: when and how, who took part, the nominations it came from and its outcome."""
    user = request.user
    meeting = meetings_for(user, MatchingMeeting.objects.filter(pk=meeting.pk)).get()
    meeting.stage = MatchingMeetingFilterSet.stage_of(meeting, timezone.localdate())
    nominations = (Nomination.objects.visible_to(user).filter(meeting=meeting).select_related("business__province", "buyer")
                   .order_by("buyer__company", "business__name"))
    return render(request, "marketplace/meetings/meeting_detail.html", {
        "meeting": meeting, "others": meeting.business_count - meeting.visible_count, "nominations": nominations,
        "may_change": can(user, "change", meeting),
    })


@require_http_methods(["GET", "POST"])
@action_required("change", MatchingMeeting, lookup="pk")
def meeting_outcome(request, meeting):
    """Ministry staff record the outcome, follow-ups, the MoU and the value realised."""
    initial = {name: getattr(meeting, name) for name in MeetingOutcomeForm.FIELDS}
    form = MeetingOutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_save(user=request.user, data=form.data_for_service(), businesses=list(meeting.businesses.all()),
                                  buyers=list(meeting.buyers.all()), instance=meeting)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The meeting's outcome is saved."))
            return redirect("marketplace-meeting-detail", meeting.pk)
    back = redirect("marketplace-meeting-detail", meeting.pk).url
    return render(request, "marketplace/meetings/outcome_form.html", {
        "form": form, "meeting": meeting, "back": back, "title": _("Outcome of the meeting of %(date)s") % {"date": meeting.date.strftime("%d-%m-%Y")},
    }, status=400 if form.errors else 200)


@require_POST
@action_required("decline", Nomination.objects.select_related("business", "buyer"), lookup="pk")
def nomination_decline(request, nomination):
    """Ministry staff decline a business nominated for a buyer (from the buyer's shortlist)."""
    try:
        services.nomination_decline(user=request.user, nomination=nomination)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The nomination of %(business)s is declined.") % {"business": nomination.business.name})
    return redirect("marketplace-buyer-shortlist", nomination.buyer_id)
