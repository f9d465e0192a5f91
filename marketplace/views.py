"""Marketplace pages: the shops of the user's scope (filters, XLSX), adding a shop (officers;
owners their own), the marketplaces (ministry staff), partner report uploads with their
progress and row report, and the confirm queue (made for a phone)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView

from programs.filtersets import scope_place_filters
from programs.models import Business
from programs.pagination import CappedCountPaginator
from programs.policy import can
from programs.roles import Role, role_of
from programs.tables import table_xlsx
from programs.views.upload_jobs import upload_job_views
from programs.views.mixins import ActionRequiredMixin, action_required, safe_next

from . import imports, services
from .filtersets import OnboardingFilterSet, SellerReviewFilterSet
from .forms import MarketplaceForm, OnboardingForm, ReviewBusinessForm, ReviewSearchForm, UploadForm
from .models import Marketplace, Onboarding, PartnerReport, SellerReview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows of the onboarding list in one XLSX download.
XLSX_MAX_ROWS = 50_000


def _show_errors(form, error):
    for field, messages_ in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


# --- onboardings ------------------------------------------------------------------------------


class XlsxListMixin:
    """A filtered list page (FilterView) whose ``?format=xlsx`` downloads the filtered rows
    (at most XLSX_MAX_ROWS) through ``xlsx(rows)``; ``querystring`` is the filters without the page."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.get_filterset(self.get_filterset_class())
            rows = filterset.qs if filterset.is_valid() else self.get_queryset().none()
            return self.xlsx(rows[:XLSX_MAX_ROWS])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


class OnboardingListView(XlsxListMixin, ActionRequiredMixin, FilterView):
    """The shops of the user's scope, filtered; ``?format=xlsx`` downloads them."""

    model = Onboarding
    filterset_class = OnboardingFilterSet
    paginate_by = 25
    paginator_class = CappedCountPaginator
    template_name = "marketplace/onboarding_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("business__regency", "marketplace", "province", "event").order_by("-onboarded", "-id")

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if role_of(self.request.user) == Role.OWNER:
            return filterset
        return scope_place_filters(filterset, self.request.user, self.request.GET.get("province"))

    def xlsx(self, rows):
        return _onboardings_xlsx(rows)

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["marketplace/includes/onboarding_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = can(self.request.user, "add", Onboarding)
        context["may_confirm"] = can(self.request.user, "confirm", Onboarding)
        context["waiting"] = SellerReview.objects.visible_to(self.request.user).pending().count() if can(self.request.user, "view", SellerReview) else 0
        return context


def _onboardings_xlsx(rows):
    table = {
        "title": _("Marketplace onboardings"),
        "columns": [(_("Marketplace"), "text"), (_("Shop name"), "text"), (_("Shop URL"), "text"), (_("Business"), "text"), (_("NIB"), "text"),
                    (_("Province"), "text"), (_("Regency or city"), "text"), (_("Onboarded on"), "text"), (_("How it came about"), "text"),
                    (_("Status"), "text"), (_("Products listed"), "int"), (_("Confirmed"), "text")],
        "rows": [[row.marketplace.name, row.shop_name, row.shop_url, row.business.name, row.business.nib or "", row.province.name, row.business.regency.name,
                  row.onboarded.strftime("%d-%m-%Y"), row.get_source_display(), row.get_status_display(), row.products_listed,
                  _("Yes") if row.confirmed else _("No")] for row in rows],
    }
    response = HttpResponse(table_xlsx(table), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="onboarding-marketplace.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@action_required("add", Onboarding)
def onboarding_create(request):
    """Officers record a shop of their province; owners add their own (unconfirmed)."""
    return _onboarding_form(request, instance=None)


ONBOARDINGS = Onboarding.objects.select_related("business", "marketplace", "province")


@require_http_methods(["GET", "POST"])
@action_required("change", ONBOARDINGS, lookup="pk")
def onboarding_edit(request, onboarding):
    return _onboarding_form(request, instance=onboarding)


def _onboarding_form(request, *, instance):
    user = request.user
    # From the owner's home page: the business already chosen.
    initial = {"business": request.GET.get("business")} if instance is None and str(request.GET.get("business", "")).isdigit() else None
    form = OnboardingForm(request.POST or None, user=user, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.onboarding_save(user=user, business=form.cleaned_data["business"], marketplace=form.cleaned_data["marketplace"],
                                     data=form.onboarding_data(), instance=instance)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            if role_of(user) == Role.OWNER and instance is None:
                messages.success(request, _("Shop added. An officer of your province will check it."))
            else:
                messages.success(request, _("Shop saved."))
            return redirect("marketplace-onboarding-list")
    title = _("Edit the shop") if instance else _("Add a shop on a marketplace")
    return render(request, "marketplace/form.html", {"form": form, "title": title, "back": redirect("marketplace-onboarding-list").url})


@require_POST
@action_required("confirm", ONBOARDINGS, lookup="pk")
def onboarding_confirm(request, onboarding):
    services.onboarding_confirm(user=request.user, onboarding=onboarding)
    messages.success(request, _("%(shop)s is confirmed.") % {"shop": onboarding.shop_name})
    return safe_next(request, "marketplace-onboarding-list")


# --- marketplaces -----------------------------------------------------------------------------


@require_GET
@action_required("view", Marketplace)
def marketplace_list(request):
    from django.db.models import Count, Q

    rows = Marketplace.objects.visible_to(request.user).annotate(
        shops=Count("onboardings", filter=Q(onboardings__in=Onboarding.objects.visible_to(request.user))),
    )
    return render(request, "marketplace/marketplace_list.html", {"marketplaces": rows, "may_add": can(request.user, "add", Marketplace)})


@require_http_methods(["GET", "POST"])
@action_required("add", Marketplace)
def marketplace_create(request):
    return _marketplace_form(request, None)


@require_http_methods(["GET", "POST"])
@action_required("change", Marketplace, lookup="pk")
def marketplace_edit(request, marketplace):
    return _marketplace_form(request, marketplace)


def _marketplace_form(request, instance):
    form = MarketplaceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.marketplace_save(user=request.user, data=form.cleaned_data, instance=instance)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Marketplace saved."))
            return redirect("marketplace-list")
    title = _("Edit the marketplace") if instance else _("New marketplace")
    return render(request, "marketplace/form.html", {"form": form, "title": title, "back": redirect("marketplace-list").url})


# --- partner reports ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@action_required("add", PartnerReport)
def report_upload(request):
    """Upload a partner's list of onboarded sellers; checked whole, all or nothing."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = imports.import_start(user=request.user, marketplace=data["marketplace"], month=data["month"], uploaded_file=data["file"])
        return redirect("marketplace-report-detail", record.pk)
    uploads = PartnerReport.objects.visible_to(request.user).select_related("marketplace", "user")[:20]
    return render(request, "marketplace/upload.html", {"form": form, "uploads": uploads})


@require_GET
@action_required("add", PartnerReport)
def report_template(request):
    response = HttpResponse(imports.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="templat-laporan-mitra-marketplace.xlsx"'
    return response


report_detail, report_retry, report_errors = upload_job_views(
    PartnerReport.objects.select_related("marketplace", "province", "user"), template="marketplace/report_detail.html",
    status_template="marketplace/includes/report_status.html", detail_url="marketplace-report-detail", retry=imports.import_retry,
    retry_message=_lazy("The report is being checked again."), report_name="kesalahan-laporan-mitra",
)


# --- the confirm queue ---------------------------------------------------------------------


class ReviewListView(ActionRequiredMixin, FilterView):
    """The rows waiting for an officer of the user's province, oldest first."""

    model = SellerReview
    filterset_class = SellerReviewFilterSet
    paginate_by = 20
    paginator_class = CappedCountPaginator
    template_name = "marketplace/review_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("marketplace", "regency", "report").order_by("created_at", "row")

    def get_filterset_kwargs(self, filterset_class):
        # The rows still waiting, unless the user asks for others.
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = kwargs["data"].copy() if kwargs["data"] is not None else QueryDict(mutable=True)
        data.setdefault("state", SellerReview.State.PENDING)
        kwargs["data"] = data
        return kwargs


REVIEWS = SellerReview.objects.select_related("marketplace", "regency", "province", "report", "business")


@require_GET
@action_required("view", REVIEWS, lookup="pk")
def review_detail(request, review):
    """One row: its candidates, a search within the officer's scope, and the three answers."""
    return _review_page(request, review, business_form=None)


def _review_page(request, review, *, business_form):
    may_decide = can(request.user, "decide", review)
    search = ReviewSearchForm(request.GET or None)
    found = services.business_search(user=request.user, query=search.cleaned_data["q"]) if may_decide and search.is_valid() else []
    if may_decide and business_form is None:
        business_form = ReviewBusinessForm(user=request.user, review=review)
    return render(request, "marketplace/review_detail.html", {
        "review": review, "may_decide": may_decide and review.state == SellerReview.State.PENDING,
        "candidates": services.review_candidates(user=request.user, review=review), "search": search, "found": found, "business_form": business_form,
    })


@require_POST
@action_required("decide", REVIEWS, lookup="pk")
def review_create_business(request, review):
    """The seller is not in the registry: register it and record its shop."""
    business_form = ReviewBusinessForm(request.POST, user=request.user, review=review)
    if business_form.is_valid():
        try:
            services.review_create_business(user=request.user, review=review, data=business_form.business_data())
        except ValidationError as error:
            _show_errors(business_form, error)
        else:
            messages.success(request, _("Business registered and its shop recorded."))
            return redirect("marketplace-review-list")
    return _review_page(request, review, business_form=business_form)


@require_POST
@action_required("decide", REVIEWS, lookup="pk")
def review_decide(request, review):
    """Match the row to a business (a candidate or one found), or reject it."""
    try:
        if request.POST.get("answer") == "reject":
            services.review_reject(user=request.user, review=review)
            messages.success(request, _("Row rejected; this seller's rows in later reports will be skipped."))
        else:
            chosen = str(request.POST.get("business", ""))
            business = Business.objects.visible_to(request.user).filter(pk=int(chosen)).first() if chosen.isdigit() else None
            services.review_match(user=request.user, review=review, business=business)
            messages.success(request, _("Matched to %(business)s; later reports will use this answer.") % {"business": business.name})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("marketplace-review-detail", review.pk)
    return redirect("marketplace-review-list")
