"""Export buyer matching pages: buyers (ministry staff manage them), a buyer's shortlist of
businesses (officers nominate, ministry staff schedule a meeting), commitments recorded by
officers, and the commitments monitor with an XLSX of every table."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs.models import Business, Sector
from programs.pagination import CappedCountPaginator
from programs.policy import MINISTRY, can
from programs.roles import role_of
from programs.tables import table_xlsx
from programs.views.mixins import action_required

from . import buyers as services
from .filtersets import CommitmentFilterSet
from .forms import DateInput
from .models import Buyer, Commitment, MatchingMeeting, Nomination
from .views import XLSX, XLSX_MAX_ROWS, _show_errors


# --- forms ---------------------------------------------------------------------------------------------


class BuyerForm(forms.Form):
    company = forms.CharField(label=gettext_lazy("Company"), max_length=200)
    country = forms.CharField(label=gettext_lazy("Country code"), max_length=2, help_text=gettext_lazy("ISO 3166-1, e.g. US, JP, NL."))
    hs_codes = forms.CharField(label=gettext_lazy("HS codes wanted"), required=False, help_text=gettext_lazy("Separated by commas, e.g. 9403, 6109."))
    sectors = forms.ModelMultipleChoiceField(queryset=Sector.objects.all(), label=gettext_lazy("Sectors wanted"), required=False, widget=forms.CheckboxSelectMultiple)
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=Buyer.Source.choices)
    contact_notes = forms.CharField(label=gettext_lazy("Contact notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def data_for_service(self):
        data = {name: self.cleaned_data[name] for name in ("company", "country", "source", "contact_notes")}
        data["hs_codes"] = [code.strip() for code in self.cleaned_data["hs_codes"].split(",") if code.strip()]
        return data


class CommitmentForm(forms.Form):
    """Officers name the business by its NIB (a province has thousands)."""

    nib = forms.RegexField(regex=r"^\d{13}$", label=gettext_lazy("NIB of the business"), max_length=13,
                           error_messages={"invalid": gettext_lazy("An NIB has exactly 13 digits.")})
    buyer = forms.ModelChoiceField(queryset=Buyer.objects.none(), label=gettext_lazy("Buyer"))
    product = forms.CharField(label=gettext_lazy("Product"), max_length=200)
    hs_code = forms.CharField(label=gettext_lazy("HS code"), max_length=13)
    currency = forms.CharField(label=gettext_lazy("Contract currency"), max_length=3, initial="USD")
    value = forms.DecimalField(label=gettext_lazy("Value (contract currency)"), max_digits=18, decimal_places=2)
    value_idr = forms.IntegerField(label=gettext_lazy("Value (Rp)"))
    signed = forms.DateField(label=gettext_lazy("Signed on"), widget=DateInput)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Commitment.Status.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    value_realised = forms.IntegerField(label=gettext_lazy("Value realised (Rp)"), initial=0, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["buyer"].queryset = Buyer.objects.visible_to(user)
        self.fields["signed"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        cleaned = super().clean()
        nib = cleaned.get("nib") if not self.fields["nib"].disabled else None
        if nib:
            cleaned["business"] = Business.objects.visible_to(self.user).filter(nib=nib).first()
            if cleaned["business"] is None:
                self.add_error("nib", _("No business with this NIB in your province."))
        return cleaned

    def data_for_service(self):
        data = {name: self.cleaned_data[name] for name in services.COMMITMENT_FIELDS if name in self.cleaned_data}
        if data.get("value_realised") is None:
            data["value_realised"] = 0
        return data


class ScheduleForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=MatchingMeeting.Mode.choices)
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    facilitator = forms.ChoiceField(label=gettext_lazy("Facilitator"), choices=MatchingMeeting.Facilitator.choices)
    nominations = forms.ModelMultipleChoiceField(queryset=Nomination.objects.none(), label=gettext_lazy("Nominated businesses"), widget=forms.CheckboxSelectMultiple)


# --- buyers --------------------------------------------------------------------------------------------


@require_GET
@action_required("view", Buyer)
def buyer_list(request):
    buyers = Buyer.objects.visible_to(request.user).prefetch_related("sectors")
    return render(request, "marketplace/buyers/buyer_list.html", {"buyers": buyers, "may_add": can(request.user, "add", Buyer)})


@require_http_methods(["GET", "POST"])
@action_required("add", Buyer)
def buyer_create(request):
    return _buyer_form(request, instance=None)


@require_http_methods(["GET", "POST"])
@action_required("change", Buyer, lookup="pk")
def buyer_edit(request, buyer):
    return _buyer_form(request, instance=buyer)


def _buyer_form(request, *, instance):
    initial = None
    if instance is not None:
        initial = {"company": instance.company, "country": instance.country, "hs_codes": ", ".join(instance.hs_codes), "sectors": list(instance.sectors.all()),
                   "source": instance.source, "contact_notes": instance.contact_notes}
    form = BuyerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.buyer_save(user=request.user, data=form.data_for_service(), sectors=list(form.cleaned_data["sectors"]), instance=instance)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Buyer saved."))
            return redirect("marketplace-buyer-list")
    title = _("Edit the buyer") if instance else _("New buyer")
    return render(request, "marketplace/buyers/form.html", {"form": form, "title": title, "back": redirect("marketplace-buyer-list").url})


# --- shortlist, nominations, scheduling ----------------------------------------------------------------


@require_GET
@action_required("view", Buyer, lookup="pk")
def buyer_shortlist(request, buyer):
    """Businesses the user may see, ranked for the buyer (see :func:`marketplace.buyers.buyer_shortlist`)."""
    return _shortlist_page(request, buyer)


def _shortlist_page(request, buyer, *, schedule_form=None, status=200):
    user = request.user
    nominations = Nomination.objects.visible_to(user).filter(buyer=buyer).select_related("business__province", "meeting")
    nominated = {nomination.business_id for nomination in nominations}
    if schedule_form is None and can(user, "schedule", buyer):
        schedule_form = ScheduleForm(initial={"mode": MatchingMeeting.Mode.VIRTUAL, "facilitator": MatchingMeeting.Facilitator.ATTACHE})
    if schedule_form is not None:
        schedule_form.fields["nominations"].queryset = nominations.filter(status=Nomination.Status.NOMINATED)
    context = {
        "buyer": buyer, "rows": services.buyer_shortlist(user=user, buyer=buyer), "nominations": nominations, "nominated": nominated,
        "may_nominate": can(user, "nominate", buyer), "schedule_form": schedule_form, "weights": services.WEIGHTS,
    }
    return render(request, "marketplace/buyers/shortlist.html", context, status=status)


@require_POST
@action_required("nominate", Buyer, lookup="pk")
def buyer_nominate(request, buyer):
    business = Business.objects.visible_to(request.user).filter(pk=request.POST.get("business") if str(request.POST.get("business", "")).isdigit() else None).first()
    if business is None:
        messages.error(request, _("Choose a business of the shortlist."))
    else:
        try:
            services.nomination_create(user=request.user, buyer=buyer, business=business, note=request.POST.get("note", "")[:1000])
        except ValidationError as error:
            for message in sum(error.message_dict.values(), []):
                messages.error(request, message)
        else:
            messages.success(request, _("%(business)s is nominated for %(buyer)s.") % {"business": business.name, "buyer": buyer.company})
    return redirect("marketplace-buyer-shortlist", buyer.pk)


@require_POST
@action_required("schedule", Buyer, lookup="pk")
def buyer_schedule(request, buyer):
    form = ScheduleForm(request.POST)
    form.fields["nominations"].queryset = Nomination.objects.visible_to(request.user).filter(buyer=buyer, status=Nomination.Status.NOMINATED)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("mode", "date", "facilitator")}
        try:
            services.nominations_schedule(user=request.user, buyer=buyer, nominations=list(form.cleaned_data["nominations"].select_related("business")), data=data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Meeting scheduled."))
            return redirect("marketplace-buyer-shortlist", buyer.pk)
    return _shortlist_page(request, buyer, schedule_form=form, status=400)


# --- commitments ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@action_required("add", Commitment)
def commitment_create(request):
    return _commitment_form(request, instance=None)


@require_http_methods(["GET", "POST"])
@action_required("change", Commitment.objects.select_related("business", "buyer"), lookup="pk")
def commitment_edit(request, commitment):
    """A commitment's status over time: renegotiating, resumed, realised (with the value), cancelled."""
    return _commitment_form(request, instance=commitment)


def _commitment_form(request, *, instance):
    initial = None
    if instance is not None:
        initial = {name: getattr(instance, name) for name in services.COMMITMENT_FIELDS}
        initial.update(nib=instance.business.nib, buyer=instance.buyer_id)
    form = CommitmentForm(request.POST or None, user=request.user, initial=initial)
    if instance is not None:
        form.fields["nib"].disabled = True
    if request.method == "POST" and form.is_valid():
        business = instance.business if instance is not None else form.cleaned_data["business"]
        try:
            services.commitment_save(user=request.user, business=business, buyer=form.cleaned_data["buyer"], data=form.data_for_service(), instance=instance)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Commitment saved."))
            return redirect("marketplace-commitments")
    title = _("Edit the export commitment") if instance else _("New export commitment")
    return render(request, "marketplace/buyers/form.html", {"form": form, "title": title, "back": redirect("marketplace-commitments").url})


def monitor_tables(figures):
    """The monitor's tables in the shape of :func:`programs.tables.table_xlsx`, keyed for ``?table=``."""
    rupiah, count, text = "rupiah", "int", "text"
    meetings = reverse("marketplace-meeting-list")
    return {
        "country": {"title": _("Held commitments by buyer's country"), "columns": [(_("Country"), text), (_("Commitments"), count), (_("Value (Rp)"), rupiah)],
                    "rows": [[row["buyer__country_name"], row["count"], row["value_idr"]] for row in figures["by_country"]]},
        "sector": {"title": _("Held commitments by sector"), "columns": [(_("Sector"), text), (_("Commitments"), count), (_("Value (Rp)"), rupiah)],
                   "rows": [[row["business__sector__name"], row["count"], row["value_idr"]] for row in figures["by_sector"]]},
        "month": {"title": _("Value resumed and realised by month"), "columns": [(_("Month"), text), (_("Resumed (Rp)"), rupiah), (_("Realised (Rp)"), rupiah)],
                  "rows": [[row["month"].strftime("%m-%Y"), row["resumed"], row["realised"]] for row in figures["over_time"]]},
        "province": {"title": _("Commitments by province"), "columns": [(_("Province"), text), (_("Held (Rp)"), rupiah), (_("Renegotiating (Rp)"), rupiah),
                                                                        (_("Resumed (Rp)"), rupiah), (_("Realised (Rp)"), rupiah), (_("Cancelled (Rp)"), rupiah)],
                     "rows": [[row["business__province__name"], row["held"], row["renegotiating"], row["resumed"], row["realised"], row["cancelled"]]
                              for row in figures["by_province"]]},
        "mou": {"title": _("Business matching: MoUs signed and realised"),
                "columns": [(_("Province"), text), (_("Meetings"), count), (_("MoUs signed"), count), (_("MoU value (Rp)"), rupiah), (_("Realised (Rp)"), rupiah)],
                "rows": [*([row["name"], row["meetings"], row["signed"], row["mou_value"], row["realised"]] for row in figures["mous_by_province"]),
                         [_("Indonesia (each meeting once)"), figures["mous"]["meetings"], figures["mous"]["signed"], figures["mous"]["mou_value"], figures["mous"]["realised"]]],
                "links": [*(f"{meetings}?province={row['code']}" for row in figures["mous_by_province"]), meetings],
                "note": _("A meeting with businesses of several provinces counts in each of those provinces, so the provinces may add up to more than "
                          "the national total, where each meeting counts once.")},
    }


#: Rows of the monitor's list of commitments on a page.
COMMITMENTS_PER_PAGE = 25


def commitment_filterset(request):
    """The monitor's list of commitments: the user's scope, filtered (province for ministry
    staff; officers and owners have one), the buyers' countries to choose from."""
    user = request.user
    rows = Commitment.objects.visible_to(user).select_related("business__province", "business__sector", "buyer").order_by("-signed", "-id")
    filterset = CommitmentFilterSet(request.GET, queryset=rows)
    fields = filterset.form.fields
    if role_of(user) not in MINISTRY:
        fields.pop("province")
    for name in ("business", "buyer"):  # kept from a link, not offered (ids)
        fields[name].widget = forms.HiddenInput()
    countries = rows.order_by("buyer__country").values_list("buyer__country", "buyer__country_name").distinct()
    fields["country"].label = _("Country")
    fields["country"].widget = forms.Select(choices=[("", _("All")), *((code, f"{name} ({code})") for code, name in countries)])
    return filterset


def _commitments_xlsx(rows):
    rupiah, text = "rupiah", "text"
    table = {
        "title": _("Export commitments"),
        "columns": [(_("Business"), text), (_("NIB"), text), (_("Province"), text), (_("Sector"), text), (_("Buyer"), text), (_("Country"), text),
                    (_("Product"), text), (_("HS code"), text), (_("Signed on"), text), (_("Status"), text), (_("Status since"), text),
                    (_("Value (Rp)"), rupiah), (_("Value realised (Rp)"), rupiah)],
        "rows": [[row.business.name, row.business.nib or "", row.business.province.name, row.business.sector.name, row.buyer.company, row.buyer.country_name,
                  row.product, row.hs_code, row.signed.strftime("%d-%m-%Y"), row.get_status_display(), row.status_date.strftime("%d-%m-%Y"),
                  row.value_idr, row.value_realised] for row in rows],
    }
    response = HttpResponse(table_xlsx(table), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="komitmen-ekspor.xlsx"'
    return response


@require_GET
@action_required("view", Commitment)
def commitments_monitor(request):
    """Held commitments by country and sector, value resumed and realised by month, MoUs per
    province, and the commitments themselves (filtered, paginated); ``?table=<key>&format=xlsx``
    downloads one table, ``?table=commitments&format=xlsx`` the filtered list."""
    filterset = commitment_filterset(request)
    commitments = filterset.qs if filterset.is_valid() else Commitment.objects.none()
    if request.GET.get("format") == "xlsx" and request.GET.get("table") == "commitments":
        return _commitments_xlsx(commitments[:XLSX_MAX_ROWS])
    tables = monitor_tables(services.commitments_monitor(user=request.user))
    if request.GET.get("format") == "xlsx":
        table = tables.get(request.GET.get("table", ""))
        if table is None:
            raise Http404
        response = HttpResponse(table_xlsx(table), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="komitmen-ekspor-{request.GET["table"]}.xlsx"'
        return response
    for table in tables.values():
        kinds = [kind for _header, kind in table["columns"]]
        links = table.get("links") or [None] * len(table["rows"])
        table["cells"] = [(list(zip(row, kinds)), link) for row, link in zip(table["rows"], links)]
    page = CappedCountPaginator(commitments, COMMITMENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "marketplace/buyers/monitor.html", {
        "tables": tables, "filter": filterset, "page_obj": page, "commitments": page.object_list, "querystring": query.urlencode(),
        "may_add": can(request.user, "add", Commitment), "may_view_buyers": can(request.user, "view", Buyer),
        "may_view_meetings": can(request.user, "view", MatchingMeeting)})
