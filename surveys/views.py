from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView

from programs.exports import export_params, export_start
from programs.filtersets import scope_place_filters
from programs.models import Business, Province
from programs.policy import RouteRule, can
from programs.roles import Role, province_id_of, role_of
from programs.views.upload_jobs import upload_job_views
from programs.views.mixins import ActionRequiredMixin, action_required, safe_next

from . import review
from .choices import ReviewStatus
from .filtersets import SurveyResponseFilterSet
from .forms import ResponseForm, ReviewForm, SurveyWaveForm, UploadForm
from . import imports
from .imports import import_start
from .models import ProvinceSubmission, SurveyImport, SurveyResponse, SurveyWave
from .selectors import completeness, responses_with_warnings
from .services import ANSWER_FIELDS, EntryRefused, response_save, wave_entry_check, wave_save
from .exports import response_csv_stream
from .workbook import template_xlsx


WAVES = SurveyWave.objects.select_related("province")


def _can_enter(user, wave):
    try:
        wave_entry_check(wave=wave, user=user)
    except EntryRefused:
        return False
    return True


@action_required("view", SurveyWave)
def wave_list(request):
    user = request.user
    waves = SurveyWave.objects.visible_to(user).select_related("province")
    editable = set(SurveyWave.objects.editable_by(user).values_list("pk", flat=True)) if can(user, "change", SurveyWave) else set()
    context = {
        "waves": waves, "editable": editable, "can_create": can(user, "add", SurveyWave),
        "can_enter": can(user, "enter_responses", SurveyWave), "can_review": can(user, "review", SurveyWave),
    }
    return render(request, "surveys/wave_list.html", context)


@require_http_methods(["GET", "POST"])
@action_required("add", SurveyWave)
def wave_create(request):
    """Ministry staff run national waves; officers may run waves for their own province."""
    return _wave_form_page(request, None)


@require_http_methods(["GET", "POST"])
@action_required("change", SurveyWave, lookup="code", field="code")
def wave_edit(request, wave):
    return _wave_form_page(request, wave)


def _wave_form_page(request, wave):
    # Which provinces a wave may be for follows the user's scope; the saved wave is checked
    # against ``editable_by`` below all the same.
    role = role_of(request.user)
    if role == Role.OFFICER:
        provinces, national = Province.objects.filter(pk=province_id_of(request.user)), False
    elif role == Role.MINISTRY_STAFF:
        provinces, national = Province.objects.none(), True
    else:
        provinces, national = Province.objects.all(), True
    form = SurveyWaveForm(request.POST or None, instance=wave, province_choices=provinces, national_allowed=national)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = wave_save(user=request.user, wave=form.save(commit=False))
            if not can(request.user, "change", saved):
                raise PermissionDenied
        messages.success(request, _("Survey wave %(code)s saved.") % {"code": saved.code})
        return redirect("survey-wave-list")
    return render(request, "surveys/wave_form.html", {"form": form, "wave": wave})


@action_required("enter_responses", WAVES, lookup="code", field="code")
def business_search(request, wave):
    """Autocomplete for the entry form: businesses the user may survey, by NIB or name."""
    query = request.GET.get("q", "").strip()
    matches = Business.objects.none()
    if len(query) >= 2:
        businesses = Business.objects.editable_by(request.user).select_related("regency")
        if wave.province_id:
            businesses = businesses.filter(province_id=wave.province_id)
        if query.isdigit():
            matches = businesses.filter(nib__startswith=query)[:10]
        else:
            matches = businesses.filter(Q(name__icontains=query))[:10]
    return render(request, "surveys/includes/business_matches.html", {"matches": matches, "wave": wave, "query": query})


@require_http_methods(["GET", "POST"])
@action_required("enter_responses", WAVES, lookup="code", field="code")
def response_entry(request, wave):
    """Form entry built for speed: pick a business, type, "save and next"."""
    if not _can_enter(request.user, wave):
        try:
            wave_entry_check(wave=wave, user=request.user)
        except EntryRefused as refused:
            messages.error(request, str(refused))
        return redirect("survey-wave-list")
    business = None
    business_id = request.POST.get("business") or request.GET.get("business")
    if business_id and str(business_id).isdigit():
        business = Business.objects.editable_by(request.user).select_related("regency", "province").filter(pk=business_id).first()
        if business is None:
            raise Http404
    existing = SurveyResponse.objects.filter(wave=wave, business=business).first() if business else None
    initial = {field: getattr(existing, field) for field in ANSWER_FIELDS} if existing else None
    form = ResponseForm(request.POST or None, initial=initial) if business else None
    warnings = existing.warnings if existing else []
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            response = response_save(
                user=request.user, wave=wave, business=business, data=form.cleaned_data,
                confirm_warnings=form.cleaned_data["confirm_warnings"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            if response.warnings and not response.warnings_confirmed:
                messages.warning(request, _("Saved with warnings: please check them."))
                return redirect(f"{reverse('survey-entry', args=[wave.code])}?business={business.pk}")
            messages.success(request, _("Response of “%(name)s” saved.") % {"name": business.name})
            if "save_next" in request.POST:
                return redirect("survey-entry", wave.code)
            return redirect("survey-response-list", wave.code)
    from .choices import Warning as ResponseWarning

    warning_labels = [ResponseWarning(code).label for code in warnings if code in ResponseWarning.values]
    return render(
        request, "surveys/response_entry.html",
        {"wave": wave, "business": business, "form": form, "existing": existing, "warning_labels": warning_labels},
    )


class ResponseListView(ActionRequiredMixin, FilterView):
    """A wave's responses within the user's scope."""

    model = SurveyResponse
    route_rule = RouteRule(model=SurveyWave, action="view", lookup="code", field="code")
    route_queryset = WAVES
    filterset_class = SurveyResponseFilterSet
    paginate_by = 50
    template_name = "surveys/response_list.html"

    def get_queryset(self):
        self.wave = self.checked_object
        # In the order of the (wave, business) index: a page of 50 is read from it, whereas
        # sorting a province's 60,000 answers by name (a join) took 160 ms at a million rows.
        return super().get_queryset().filter(wave=self.wave).select_related("business", "province", "regency", "sector").order_by("business_id")

    def get_filterset(self, filterset_class):
        return scope_place_filters(super().get_filterset(filterset_class), self.request.user, self.request.GET.get("province"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["wave"] = self.wave
        context["can_enter"] = _can_enter(self.request.user, self.wave)
        context["can_review"] = can(self.request.user, "review", SurveyResponse)
        if can(self.request.user, "export_responses", self.wave):
            query = self.request.GET.copy()
            query.pop("page", None)
            context.update(
                querystring=query.urlencode(), csv_url=reverse("survey-response-export-csv", args=[self.wave.code]),
                xlsx_url=reverse("survey-response-export-xlsx", args=[self.wave.code]),
            )
        return context


def _export_query(request, wave):
    """The list's filters with the wave of the page (the export never spans waves)."""
    query = request.GET.copy()
    query["wave"] = wave.code
    return query


@require_GET
@never_cache
@action_required("export_responses", WAVES, lookup="code", field="code")
def response_export_csv(request, wave):
    """The filtered, scoped responses as a CSV streamed while it is read (``;``: Excel in Indonesian)."""
    response = StreamingHttpResponse(response_csv_stream(request.user, _export_query(request, wave)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jawaban-survei-{wave.code}-{timezone.localdate():%Y%m%d}.csv"'
    response["X-Accel-Buffering"] = "no"
    return response


@require_POST
@action_required("export_responses", WAVES, lookup="code", field="code")
def response_export_xlsx(request, wave):
    """Queue an XLSX of the filtered responses and show its progress."""
    job = export_start(user=request.user, kind="survey-responses", params=export_params(_export_query(request, wave), kind="survey-responses"))
    return redirect("export-detail", job.pk)


@action_required("enter_responses", WAVES, lookup="code", field="code")
def template_download(request, wave):
    response = HttpResponse(template_xlsx(wave), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="templat-survei-{wave.code}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@action_required("enter_responses", WAVES, lookup="code", field="code")
def upload(request, wave):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave_entry_check(wave=wave, user=request.user)
        except EntryRefused as refused:
            form.add_error("file", str(refused))
        else:
            record = import_start(user=request.user, wave=wave, uploaded_file=form.cleaned_data["file"])
            return redirect("survey-import-detail", record.pk)
    imports = SurveyImport.objects.visible_to(request.user).filter(wave=wave).select_related("user")[:20]
    return render(request, "surveys/upload.html", {"wave": wave, "form": form, "imports": imports})


import_detail, import_retry, import_report = upload_job_views(
    SurveyImport.objects.select_related("wave"), template="surveys/import_detail.html", status_template="surveys/includes/import_status.html",
    detail_url="survey-import-detail", retry=imports.import_retry, retry_message=_lazy("The upload is being checked again."), report_name="kesalahan-impor",
)


@require_http_methods(["GET", "POST"])
@action_required("review", WAVES, lookup="code", field="code")
def review_page(request, wave):
    """Submit (officers), verify / return / unlock (verifiers), province by province."""
    if request.method == "POST":
        form = ReviewForm(request.POST)
        form.is_valid()
        province = Province.objects.filter(code=request.POST.get("province", "")[:10]).first()
        if province is None:
            messages.error(request, _("Choose a province."))
            return redirect("survey-review", wave.code)
        action = request.POST.get("action")
        comment = form.cleaned_data.get("comment", "")
        try:
            if action == "submit":
                count = review.submission_submit(user=request.user, wave=wave, province_id=province.pk)
            elif action in ("verify", "return"):
                count = review.submission_decide(user=request.user, wave=wave, province_id=province.pk, verify=action == "verify", comment=comment)
            elif action == "unlock":
                count = review.submission_unlock(user=request.user, wave=wave, province_id=province.pk, reason=comment)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(province)s: %(count)s response(s) updated.") % {"province": province.name, "count": count})
        return redirect("survey-review", wave.code)
    table = completeness(wave=wave, user=request.user)
    submissions = {s.province_id: s for s in ProvinceSubmission.objects.visible_to(request.user).filter(wave=wave).prefetch_related("events__user")}
    verifiable = review.provinces_where(request.user, "verify", wave=wave, province_ids=[row["province"].pk for row in table])
    submittable = review.provinces_where(request.user, "submit", wave=wave, province_ids=[row["province"].pk for row in table])
    for row in table:
        row["submission"] = submissions.get(row["province"].pk)
        row["can_verify"] = row["province"].pk in verifiable
        row["can_submit"] = row["province"].pk in submittable
    return render(request, "surveys/review.html", {"wave": wave, "table": table, "statuses": ReviewStatus})


@action_required("review", WAVES, lookup="code", field="code")
def completeness_page(request, wave):
    table = completeness(wave=wave, user=request.user)
    totals = {key: sum(row[key] for row in table) for key in ("expected", "entered", "submitted", "verified", "on_time", "warnings")}
    warnings = responses_with_warnings(wave=wave, user=request.user)
    context = {"wave": wave, "table": table, "totals": totals, "warnings": warnings, "can_confirm": can(request.user, "confirm_warnings", SurveyResponse)}
    return render(request, "surveys/completeness.html", context)


@require_POST
@action_required("confirm_warnings", SurveyResponse.objects.select_related("wave"), lookup="pk")
def confirm_warnings(request, response):
    response.warnings_confirmed = True
    response.save(update_fields=["warnings_confirmed", "updated_at"])
    messages.success(request, _("Warnings confirmed."))
    return safe_next(request, reverse("survey-completeness", args=[response.wave.code]))
