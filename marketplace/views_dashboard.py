"""The onboarding dashboard (figures refreshed by the worker, never added up per request) and
the targets ministry staff set: onboarded over time against the target, by marketplace,
province, sector and scale, the pace, and workshop → onboarding conversion. Every table
downloads as XLSX."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programs.models import Province, Sector
from ikm_portal import pagecache
from programs.policy import MINISTRY, ORGANISERS
from programs.roles import province_id_of, role_of
from programs.scale import Scale
from programs.tables import table_xlsx
from programs.views.mixins import action_required, open_to

from . import figures, services
from .forms_targets import TargetForm
from .models import Marketplace, OnboardingTarget

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request, user):
    years, default = figures.years(user)
    chosen = request.GET.get("year", "")
    if chosen.isdigit() and int(chosen) in years:
        return int(chosen), years
    if chosen:
        raise Http404
    return default, years


def tables(user, year):
    """The dashboard's tables ``{name: {"title", "columns", "rows"}}`` (programs.tables, every
    one a download), the targets with their pace, and businesses onboarded per province id
    (for the map); cached per scope until the next refresh."""
    names = {
        "province": dict(Province.objects.values_list("pk", "name")),
        "marketplace": dict(Marketplace.objects.values_list("pk", "name")),
        "sector": dict(Sector.objects.values_list("pk", "name")),
        "scale": dict(Scale.choices),
    }
    counts = [(_("Businesses onboarded"), "int"), (_("Shops opened"), "int")]
    result, grouped = {}, {}
    for field, title, header in (
        ("marketplace", _("By marketplace"), _("Marketplace")), ("province", _("By province"), _("Province")),
        ("sector", _("By sector"), _("Sector")), ("scale", _("By scale"), _("Scale")),
    ):
        grouped[field] = figures.by(user, year, field)
        result[field] = {"title": title, "columns": [(header, "text"), *counts],
                         "rows": [[str(names[field].get(key, key)), businesses, shops] for key, shops, businesses in grouped[field]]}
    pace = figures.targets_with_pace(user, year, by_province=grouped["province"], by_marketplace=grouped["marketplace"])
    running = 0
    months = []
    for month, shops, businesses in figures.by(user, year, "month"):
        running += businesses
        months.append([month.strftime("%m-%Y"), businesses, shops, running])
    result["month"] = {"title": _("By month"), "columns": [(_("Month"), "text"), *counts, (_("Businesses onboarded to date"), "int")], "rows": months}
    result["targets"] = {
        "title": _("Targets and pace"),
        "columns": [(_("Target"), "text"), (_("Target"), "int"), (_("Achieved"), "int"), (_("Share"), "ratio"),
                    (_("Monthly pace achieved"), "int"), (_("Monthly pace needed"), "int"), (_("Met on (at this pace)"), "text")],
        "rows": [[_target_label(row["target"]), row["target"].target, row["achieved"], row["share"], round(row["achieved_pace"]),
                  round(row["needed_pace"]) if row["needed_pace"] is not None else None, row["met_on"].strftime("%d-%m-%Y") if row["met_on"] else "–"]
                 for row in pace],
    }
    for group, title, header, nameless in (
        ("province", _("Workshop conversion by organising office"), _("Organised by the office of"), _("Ministry of Industry (Ditjen IKMA)")),
        ("partner", _("Workshop conversion by partner"), _("Partner"), _("Without a partner")),
    ):
        result[f"conversion-{group}"] = {
            "title": title,
            "columns": [(header, "text"), (_("Attendees"), "int"), (_("Onboarded within 30 days"), "int"), (_("Onboarded within 90 days"), "int"),
                        (_("Within 30 days"), "ratio"), (_("Within 90 days"), "ratio")],
            "rows": [[row["name"] or nameless, row["attendees"], row["within_30"], row["within_90"], row["rate_30"], row["rate_90"]]
                     for row in figures.conversion(user, year, group)],
        }
    by_province_id = {key: businesses for key, _shops, businesses in grouped["province"]}
    return result, pace, by_province_id


def _map(businesses_by_province):
    """Businesses onboarded per shape of the 2020 map."""
    from programs.regions import map_shapes

    provinces = Province.objects.filter(pk__in=list(businesses_by_province)).select_related("parent_2020")
    shapes = map_shapes((province, {"value": businesses_by_province[province.pk]}) for province in provinces)
    return [{"code": shape["code"], "name": shape["name"], "value": shape["value"], "members": shape["members"]} for shape in shapes]


def _target_label(target):
    place = target.province.name if target.province_id else _("Indonesia")
    return f"{place} · {target.marketplace.name}" if target.marketplace_id else place


@require_GET
@open_to(ORGANISERS)
def dashboard(request):
    year, years = _year(request, request.user)
    scope = "all" if role_of(request.user) in MINISTRY else province_id_of(request.user)
    data, pace, by_province_id = pagecache.cached(figures.NAMESPACE, ("dashboard", 2, scope, year, get_language()), lambda: tables(request.user, year))
    wanted = request.GET.get("table", "")
    if request.GET.get("format") == "xlsx":
        if wanted not in data:
            raise Http404
        response = HttpResponse(table_xlsx(data[wanted], subtitle=str(year)), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="onboarding-{wanted}-{year}.xlsx"'
        return response
    national = next((row for row in pace if row["target"].province_id is None and row["target"].marketplace_id is None), None)
    months = data["month"]["rows"]
    chart = {
        "months": [row[0] for row in months], "onboarded": [row[3] for row in months],
        "target": [round(national["target"].target * int(row[0][:2]) / 12) for row in months] if national else [],
        "labels": {"onboarded": _("Businesses onboarded to date"), "target": _("Target, spread over the year")},
    }
    order = ["targets", "month", "marketplace", "scale", "province", "sector", "conversion-province", "conversion-partner"]
    cards = [{
        "name": name, "title": data[name]["title"], "columns": data[name]["columns"], "wide": name not in ("marketplace", "scale"),  # the two short tables share a row
        "rows": [list(zip(row, [kind for _header, kind in data[name]["columns"]])) for row in data[name]["rows"]],
    } for name in order]
    chart["map"] = _map(by_province_id)
    chart["labels"].update({"map": _("Businesses onboarded"), "merged": _("Together with")})
    return render(request, "marketplace/dashboard.html", {
        "year": year, "years": years, "cards": cards, "national": national, "pace": pace, "chart": chart,
        "total": sum(row[1] for row in months),
    })


@require_http_methods(["GET", "POST"])
@action_required("add", OnboardingTarget)
def target_create(request):
    """Ministry staff set a target (national, a province's, or a marketplace's)."""
    form = TargetForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_save(user=request.user, data=form.cleaned_data)
        except ValidationError as error:  # what changed between the form's check and the save
            form.add_error(None, error)
        else:
            messages.success(request, _("Target saved: %(target)s.") % {"target": _target_label(target)})
            return redirect(f"{redirect('marketplace-dashboard').url}?year={target.year}")
    return render(request, "marketplace/form.html", {"form": form, "title": _("New onboarding target"), "back": redirect("marketplace-dashboard").url})
