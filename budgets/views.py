"""Budget pages: the provinces ranked by absorption (what Ditjen IKMA reads every month) and a
province's page (its activities, what is left to spend, what is late), with XLSX downloads."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy as _lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs.policy import EVERYONE, can
from programs.tables import table_xlsx
from programs.templatetags.ikm_format import month_name
from programs.views.upload_jobs import upload_job_views
from programs.views.mixins import action_required, open_to

from . import imports, selectors, services
from .forms import ActivityForm, AllocationForm, OutputReportForm, PlanForm, RealisationForm, RevisionForm, UploadForm
from .models import Activity, Allocation, IndicatorWeights, RealisationImport


def _year(request, user):
    available = selectors.years(user)
    chosen = request.GET.get("year", "")
    if chosen.isdigit() and int(chosen) in available:
        return int(chosen), available
    if chosen:
        raise Http404
    return (available[0] if available else None), available


@open_to(EVERYONE)
def ranking_page(request):
    """Absorption per province against the quarter's target; anyone sees closed years."""
    year, available = _year(request, request.user)
    rows = selectors.ranking(request.user, year) if year else []
    target = selectors.quarter_target(year) if year else None
    if request.GET.get("format") == "xlsx":
        return _ranking_xlsx(year, rows, target)
    shapes = selectors.map_shapes(rows)
    return render(request, "budgets/ranking.html", {
        "year": year, "years": available, "rows": rows, "totals": selectors.totals(rows), "target": target,
        "outputs": selectors.outputs(request.user, year) if year else [],
        "charts": {"map": [{"code": shape["code"], "name": shape["name"], "absorption": shape["absorption"], "members": shape["members"]} for shape in shapes],
                   "labels": {"absorption": _("Absorption"), "merged": _("Together with")}},
    })


@open_to(EVERYONE)
def indicators_page(request):
    """IKPA-style indicators per province for a month, weakest score first."""
    year, available = _year(request, request.user)
    today = timezone.localdate()
    default_month = today.month if year == today.year else 12
    chosen = request.GET.get("month", "")
    month = int(chosen) if chosen.isdigit() and 1 <= int(chosen) <= 12 else default_month
    rows = selectors.indicators(request.user, year, month) if year else []
    if request.GET.get("format") == "xlsx":
        return _xlsx({
            "title": _("Indicators %(month)s-%(year)s") % {"month": month, "year": year},
            "columns": [(_("Province code"), "text"), (_("Province"), "text"), (_("Absorption"), "ratio"), (_("Withdrawal plan deviation"), "ratio"),
                        (_("Revisions this quarter"), "int"), (_("Output achievement"), "ratio"), (_("Score"), "int")],
            "rows": [[row.province.code, row.province.name, row.absorption, row.rpd_deviation, row.revisions_in_quarter, row.output_achievement,
                      round(row.score, 1) if row.score is not None else None] for row in rows],
        }, f"indikator-dekon-{year}-{month:02d}.xlsx")
    return render(request, "budgets/indicators.html", {
        "year": year, "years": available, "month": month, "months": range(1, 13), "rows": rows,
        "weights": IndicatorWeights.current(), "target": selectors.QUARTER_TARGETS[(month - 1) // 3 + 1],
    })


@open_to(EVERYONE)
def refocusing_page(request):
    """Original against revised ceilings per province, and what the activities fund by kind."""
    year, available = _year(request, request.user)
    rows, kinds, national = selectors.refocusing(request.user, year) if year else ([], [], [])
    if request.GET.get("format") == "xlsx":
        return _xlsx({
            "title": _("Refocusing %(year)s") % {"year": year},
            "columns": [(_("Province code"), "text"), (_("Province"), "text"), (_("Original ceiling (Rp)"), "rupiah"), (_("Current ceiling (Rp)"), "rupiah"),
                        (_("Change (Rp)"), "rupiah"), (_("Blocked (Rp)"), "rupiah"), (_("Revisions"), "int")] + [(label, "rupiah") for _code, label in kinds],
            "rows": [[row.province.code, row.province.name, row.original_ceiling, row.ceiling, row.change, row.blocked, row.revision_count, *row.kinds] for row in rows],
        }, f"refocusing-dekon-{year}.xlsx")
    return render(request, "budgets/refocusing.html", {
        "year": year, "years": available, "rows": rows, "kinds": kinds, "national": national, "totals": selectors.totals(rows),
    })


@open_to(EVERYONE)
def outputs_page(request):
    """What the activities produced, per province and unit."""
    year, available = _year(request, request.user)
    rows, units, totals = selectors.outputs_by_province(request.user, year) if year else ([], [], [])
    if request.GET.get("format") == "xlsx":
        return _xlsx({
            "title": _("Outputs %(year)s") % {"year": year},
            "columns": [(_("Province code"), "text"), (_("Province"), "text")] + [(label, "int") for _unit, label in units],
            "rows": [[row["code"], row["name"], *row["cells"]] for row in rows],
        }, f"output-dekon-{year}.xlsx")
    return render(request, "budgets/outputs.html", {"year": year, "years": available, "rows": rows, "units": units, "totals": totals})


def _xlsx(table, filename):
    response = HttpResponse(table_xlsx(table), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _ranking_xlsx(year, rows, target):
    return _xlsx({
        "title": _("Absorption %(year)s") % {"year": year},
        "columns": [(_("Rank"), "int"), (_("Province code"), "text"), (_("Province"), "text"), (_("Original ceiling (Rp)"), "rupiah"),
                    (_("Current ceiling (Rp)"), "rupiah"), (_("Realised (Rp)"), "rupiah"), (_("Absorption"), "ratio"), (_("Quarter target"), "ratio")],
        "rows": [[index, row.province.code, row.province.name, row.original_ceiling, row.ceiling, row.realised, row.absorption, target]
                 for index, row in enumerate(rows, start=1)],
    }, f"penyerapan-dekon-{year}.xlsx")


ALLOCATIONS = Allocation.objects.select_related("province")


@require_GET
@action_required("view", ALLOCATIONS, lookup="pk")
def province_page(request, allocation):
    """A province's year: activities, what is left, what is late; officers record spending here."""
    if request.GET.get("format") == "xlsx":
        return _activities_xlsx(allocation)
    return _province(request, allocation, form=None, may_enter=can(request.user, "enter", allocation))


def _activities_xlsx(allocation):
    return _xlsx({
        "title": f"{allocation.province.name} {allocation.year}",
        "columns": [(_("ID"), "int"), (pgettext("budget", "Activity"), "text"), (_("Kind"), "text"), (_("Output"), "text"), (_("Regency or city"), "text"),
                    (_("Planned start month"), "text"), (_("Planned end month"), "text"), (_("Status"), "text"), (_("Budget (Rp)"), "rupiah"),
                    (_("Realised (Rp)"), "rupiah"), (_("Left to spend (Rp)"), "rupiah"), (_("Target volume"), "int"), (_("Output to date"), "int"), (_("Unit"), "text")],
        "rows": [[activity.pk, activity.name, str(activity.get_kind_display()), activity.output, activity.regency.name if activity.regency else "",
                  activity.planned_start.strftime("%m-%Y"), activity.planned_end.strftime("%m-%Y"), str(activity.get_status_display()), activity.budget,
                  activity.realised, activity.left, activity.target, activity.output_total, str(activity.get_unit_display())]
                 for activity in selectors.activity_rows(allocation).iterator(chunk_size=2000)],
    }, f"kegiatan-dekon-{allocation.province.code}-{allocation.year}.xlsx")


def _province(request, allocation, *, form, may_enter):
    overview = selectors.province_overview(allocation, page=request.GET.get("page"))
    if may_enter and form is None:
        # The list offers the activities of the page shown, the one chosen by its row's link first.
        chosen = request.GET.get("activity", "")
        form = RealisationForm(allocation=allocation, shown=[activity.pk for activity in overview["activities"]] + ([int(chosen)] if chosen.isdigit() else []),
                               initial={"activity": chosen if chosen.isdigit() else None})
    charts = {"curve": overview["curve"], "labels": {"realised": _("Realised (cumulative)"), "planned": _("Plan (cumulative)"),
                                                     "months": [month_name(number) for number in range(1, 13)]}}
    context = {"allocation": allocation, "form": form, "today": timezone.localdate(), "charts": charts, **overview}
    return render(request, "budgets/province.html", context)


@require_POST
@action_required("enter", ALLOCATIONS, lookup="pk")
def realisation_create(request, allocation):
    """Record one payment order from the province page; errors are shown next to the fields."""
    form = RealisationForm(request.POST, allocation=allocation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _realisation, created = services.realisation_add(
                user=request.user, activity=data["activity"], payment_number=data["payment_number"], date=data["date"],
                amount=data["amount"], account=data["account"], description=data["description"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            number = data["payment_number"]
            messages.success(request, _("Payment order %(number)s recorded.") % {"number": number} if created
                             else _("Payment order %(number)s was already recorded; nothing changed.") % {"number": number})
            return redirect("budget-province", allocation.pk)
    form.offer_only_the_chosen()
    return _province(request, allocation, form=form, may_enter=True)


def _show_errors(form, error):
    """A service's refusal, next to the field it names (or above the form)."""
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


# --- allocations, revisions and withdrawal plans ---------------------------------------------


@require_http_methods(["GET", "POST"])
@action_required("add", Allocation)
def allocation_create(request):
    """Ministry staff open a province's allocation for a fiscal year."""
    form = AllocationForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.allocation_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Allocation of %(province)s for %(year)s opened.") % {"province": allocation.province.name, "year": allocation.year})
            return redirect("budget-province", allocation.pk)
    return render(request, "budgets/form.html", {"form": form, "title": _("New allocation"), "back": redirect("budget-ranking").url})


@require_http_methods(["GET", "POST"])
@action_required("revise", ALLOCATIONS, lookup="pk")
def revision_create(request, allocation):
    """Record an approved revision; the ceiling and blocked amount become the revision's."""
    form = RevisionForm(request.POST or None, initial={"ceiling": allocation.ceiling, "blocked": allocation.blocked, "date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.revision_add(user=request.user, allocation=allocation, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Revision %(number)s recorded.") % {"number": revision.number})
            return redirect("budget-province", allocation.pk)
    return render(request, "budgets/form.html", {
        "form": form, "allocation": allocation, "title": _("Revise the ceiling"), "back": redirect("budget-province", allocation.pk).url,
    })


@require_http_methods(["GET", "POST"])
@action_required("enter", ALLOCATIONS, lookup="pk")
def plan_edit(request, allocation):
    """A new version of the monthly withdrawal plan (RPD); the previous versions are kept."""
    current = allocation.plans.order_by("-version").first()
    initial = {f"month_{number}": amount for number, amount in enumerate(current.months, start=1)} if current else {}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_save(user=request.user, allocation=allocation, months=form.months())
        except ValidationError as error:
            for message in error.message_dict.get("months", []) + error.message_dict.get("__all__", []):
                form.add_error(None, message)
        else:
            messages.success(request, _("Withdrawal plan version %(version)s saved.") % {"version": plan.version})
            return redirect("budget-province", allocation.pk)
    return render(request, "budgets/plan_form.html", {
        "form": form, "allocation": allocation, "current": current, "versions": allocation.plans.order_by("-version")[:12],
    })


# --- activities and their outputs -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@action_required("enter", ALLOCATIONS, lookup="pk")
def activity_create(request, allocation):
    return _activity_form(request, allocation, Activity(allocation=allocation))


ACTIVITIES = Activity.objects.select_related("allocation__province", "regency")


@require_http_methods(["GET", "POST"])
@action_required("change", ACTIVITIES, lookup="pk")
def activity_edit(request, activity):
    return _activity_form(request, activity.allocation, activity)


def _activity_form(request, allocation, activity):
    form = ActivityForm(request.POST or None, instance=activity, allocation=allocation, user=request.user)
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        data = form.cleaned_data
        try:
            services.activity_save(user=request.user, activity=activity, partners=data["partners"], events=data["events"], beneficiaries=data["beneficiary_nibs"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("budget-activity", activity.pk)
    back = redirect("budget-activity", activity.pk).url if activity.pk else redirect("budget-province", allocation.pk).url
    return render(request, "budgets/form.html", {
        "form": form, "allocation": allocation, "title": _("Edit the activity") if activity.pk else _("New activity"), "back": back,
    })


@require_GET
@action_required("view", ACTIVITIES, lookup="pk")
def activity_page(request, activity):
    """An activity with its outputs month by month, its spending and what it funded."""
    return _activity(request, activity, output_form=None)


def _activity(request, activity, *, output_form):
    may_enter = can(request.user, "change", activity)
    if may_enter and output_form is None:
        output_form = OutputReportForm(initial={"month": timezone.localdate().replace(day=1) if timezone.localdate().year == activity.allocation.year else activity.planned_end})
    context = {"activity": activity, "allocation": activity.allocation, "output_form": output_form, **selectors.activity_overview(activity)}
    return render(request, "budgets/activity.html", context)


@require_POST
@action_required("change", ACTIVITIES, lookup="pk")
def output_report_create(request, activity):
    form = OutputReportForm(request.POST)
    if form.is_valid():
        try:
            services.output_report_save(user=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Output of %(month)s recorded.") % {"month": form.cleaned_data["month"].strftime("%m-%Y")})
            return redirect("budget-activity", activity.pk)
    return _activity(request, activity, output_form=form)


# --- realisation uploads ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@action_required("enter", ALLOCATIONS, lookup="pk")
def realisation_upload(request, allocation):
    """Upload the finance system's export of payment orders; checked whole, all or nothing."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = imports.import_start(user=request.user, allocation=allocation, uploaded_file=form.cleaned_data["file"])
        return redirect("budget-import-detail", record.pk)
    uploads = RealisationImport.objects.visible_to(request.user).filter(allocation=allocation).select_related("user")[:20]
    return render(request, "budgets/upload.html", {"allocation": allocation, "form": form, "uploads": uploads})


@require_GET
@action_required("enter", ALLOCATIONS, lookup="pk")
def realisation_template(request, allocation):
    response = HttpResponse(imports.template_xlsx(allocation), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="templat-sp2d-{allocation.province.code}-{allocation.year}.xlsx"'
    return response


import_detail, import_retry, import_report = upload_job_views(
    RealisationImport.objects.select_related("allocation__province", "user"), template="budgets/import_detail.html",
    status_template="budgets/includes/import_status.html", detail_url="budget-import-detail", retry=imports.import_retry,
    retry_message=_lazy("The upload is being checked again."), report_name="kesalahan-sp2d",
)

