"""The impact dashboards: national (ministry staff; the public sees published waves), and a
province's page (where officers land). Filters swap the page body with htmx; every table
under a chart downloads as XLSX or CSV."""
import functools

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ikm_portal import pagecache
from django.urls import reverse

from programs.models import Province
from programs.policy import can
from programs.tables import table_xlsx
from programs.views.mixins import action_required
from programs.roles import Role, role_of
from programs.scale import Scale

from . import dashboards, impact
from .forms import ImpactSliceForm
from .models import ImpactRollup


def _context(request, *, province=None):
    form = ImpactSliceForm(request.GET, user=request.user)
    context = {"form": form, "province": province, "role": role_of(request.user)}
    if not form.is_valid():
        context["problem"] = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return context
    slice_ = form.impact_slice(province=province)
    data = impact.dashboard(request.user, slice_)
    query = request.GET.urlencode()
    context.update(
        slice=slice_, summary=data["summary"], query=query, is_public=role_of(request.user) in (None, Role.OWNER),
        scale_label=dict(Scale.choices).get(slice_.scale, ""),
        # Tables and charts are built (once) only when the template's cached fragment is not
        # there: the template calls these.
        tables=functools.cache(lambda: dashboards.tables(data)), charts=functools.cache(lambda: dashboards.charts(data)),
        figures_key=":".join(map(str, (
            pagecache.generation("figures"), impact.figures_scope(request.user), slice_.wave.pk, getattr(slice_.province, "pk", ""),
            getattr(slice_.sector, "pk", ""), slice_.scale, slice_.verified_only, query, timezone.get_current_timezone_name(),
        ))),
    )
    if province is not None:
        context["steepest"] = impact.steepest_declines(request.user, slice_, summary=data["summary"])
    if data["summary"] is not None and data["summary"].left_out and can(request.user, "review", slice_.wave):
        # Those who follow responses up are led to the ones left out.
        where = f"?province={province.code}" if province is not None else ""
        context["left_out_url"] = reverse("survey-follow-up", args=[slice_.wave.code]) + where
    return context


def _render(request, template, context):
    if request.htmx and not request.htmx.boosted:
        return render(request, "surveys/includes/impact_body.html", context)
    return render(request, template, context)


def national_page(request, *, template="surveys/impact_national.html", extra=None):
    """Headline figures, map, charts and tables for the nation (or the filtered slice).
    The ministry's home page is this page with a few more lines (``template``, ``extra``)."""
    return _render(request, template, {**_context(request), **(extra or {})})


def province_page(request, province, *, template="surveys/impact_province.html", extra=None):
    """The same for one province, with its regencies and the businesses hit hardest."""
    return _render(request, template, {**_context(request, province=province), **(extra or {})})


@action_required("view", ImpactRollup)
@pagecache.anonymous_page("figures")
def national_dashboard(request):
    return national_page(request)


@action_required("view", Province.objects.select_related("parent_2020"), lookup="code", field="code")
@pagecache.anonymous_page("figures")
def province_dashboard(request, province):
    return province_page(request, province)


@action_required("view", ImpactRollup)
def table_download(request, name, fmt):
    """One dashboard table as XLSX or CSV, for the same filters (``province`` in the query
    string for a province page)."""
    if name not in dashboards.TABLES or fmt not in ("xlsx", "csv"):
        raise Http404
    form = ImpactSliceForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=400, content_type="text/plain; charset=utf-8")
    slice_ = form.impact_slice()
    table = dashboards.tables(impact.dashboard(request.user, slice_)).get(name)
    if table is None:
        raise Http404
    where = slice_.province.name if slice_.province else _("Indonesia")
    filtered = not table.get("unfiltered")  # regencies: every sector and scale, said in the title
    subtitle = " · ".join(filter(None, [
        slice_.wave.code, where, slice_.sector.name if slice_.sector and filtered else "",
        str(dict(Scale.choices).get(slice_.scale, "")) if filtered else "",
        _("verified responses only") if slice_.verified_only else "",
    ]))
    filename = f"dampak-{slugify(table['title'])}-{slice_.wave.code}{'-' + slice_.province.code if slice_.province else ''}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(dashboards.table_csv(table, language=get_language()), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            table_xlsx(table, subtitle=subtitle),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
