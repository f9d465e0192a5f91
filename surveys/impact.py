"""Reading the impact rollups: one slice, its breakdowns and its trend, within the user's scope.

Every read goes through ``ImpactRollup.objects.visible_to(user)`` and ``SurveyWave.objects
.visible_to(user)``; a page or API answer costs a fixed number of queries whatever the data.
"""
import dataclasses

from django.db.models import Exists, F, FloatField, OuterRef, Q
from django.db.models.functions import Cast

from ikm_portal import pagecache
from programs.models import Province, Sector
from programs.roles import Role, province_id_of, role_of
from programs.scale import Scale

from .choices import Need, Problem
from .models import ImpactRollup, SurveyResponse, SurveyWave

BAND_FIELDS = ["band_grew", "band_0_25", "band_25_50", "band_50_70", "band_70_plus", "band_closed"]
BREAKDOWNS = ("province", "sector", "scale", "regency")


@dataclasses.dataclass
class ImpactSlice:
    """Which figures: a wave, a province (None = the nation), a sector and a scale (None =
    all), over all responses or verified ones only."""
    wave: SurveyWave
    province: Province | None = None
    sector: Sector | None = None
    scale: str = ""
    verified_only: bool = False


def waves_with_figures(user):
    """Waves the user may see that have rollups, newest first."""
    return (
        SurveyWave.objects.visible_to(user)
        .filter(Exists(ImpactRollup.objects.filter(wave=OuterRef("pk"))))
        .select_related("province")
        .order_by("-reported_month", "code")
    )


def slice_filter(slice_, *, breakdown=None):
    """The rows of ``slice_`` broken down by one dimension (or the slice's own row)."""
    conditions = Q(wave=slice_.wave, verified_only=slice_.verified_only)
    if breakdown == "regency":
        return conditions & Q(province=slice_.province, regency__isnull=False, sector__isnull=True, scale="")
    conditions &= Q(regency__isnull=True)
    conditions &= Q(province__isnull=False) if breakdown == "province" else Q(province=slice_.province)
    conditions &= Q(sector__isnull=False) if breakdown == "sector" else Q(sector=slice_.sector)
    conditions &= ~Q(scale="") if breakdown == "scale" else Q(scale=slice_.scale or "")
    return conditions


def rollups(user, slice_, *, breakdown=None):
    """Rollup rows visible to ``user``: the slice's own row, or its breakdown."""
    return (
        ImpactRollup.objects.visible_to(user)
        .filter(slice_filter(slice_, breakdown=breakdown))
        .select_related("wave", "province", "regency", "sector")
    )


def trend(user, slice_):
    """The slice's figures in every wave the user may see, oldest first (same scope)."""
    waves = SurveyWave.objects.visible_to(user)
    if slice_.wave.province_id is None:
        waves = waves.filter(province__isnull=True)
    else:
        waves = waves.filter(province_id=slice_.wave.province_id)
    return (
        ImpactRollup.objects.visible_to(user)
        .filter(wave__in=waves, verified_only=slice_.verified_only, province=slice_.province, regency__isnull=True,
                sector=slice_.sector, scale=slice_.scale or "")
        .select_related("wave", "province", "sector")
        .order_by("wave__reported_month", "wave__code")
    )


def dashboard(user, slice_):
    """Everything a dashboard shows for ``slice_`` in one query (the trend in a second):
    the summary row and its breakdowns by province, sector, scale and (for a province) regency.
    Kept in the cache for everyone who sees the same figures, until the next refresh."""
    parts = ("dashboard", figures_scope(user), slice_.wave.pk, getattr(slice_.province, "pk", None), getattr(slice_.sector, "pk", None), slice_.scale, slice_.verified_only)
    return pagecache.cached("figures", parts, lambda: _dashboard(user, slice_))


def figures_scope(user):
    """Users who see the same rollups (ImpactRollup.visible_to): the public, the ministry,
    and each province's officers."""
    role = role_of(user)
    if role == Role.OFFICER:
        return f"officer-{province_id_of(user)}"
    return role.value if role in (Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF) else "public"


def _dashboard(user, slice_):
    wanted = slice_filter(slice_) | slice_filter(slice_, breakdown="sector") | slice_filter(slice_, breakdown="scale")
    if slice_.province is None:
        wanted |= slice_filter(slice_, breakdown="province")
    else:
        wanted |= slice_filter(slice_, breakdown="regency")
    rows = list(ImpactRollup.objects.visible_to(user).filter(wanted).select_related("province", "regency", "sector"))
    summary = None
    by = {name: [] for name in BREAKDOWNS}
    for row in rows:
        if row.regency_id is not None:
            by["regency"].append(row)
        elif slice_.province is None and row.province_id is not None:
            by["province"].append(row)
        elif row.sector_id is not None and slice_.sector is None:
            by["sector"].append(row)
        elif row.scale and not slice_.scale:
            by["scale"].append(row)
        else:
            summary = row
    by["province"].sort(key=lambda row: row.province.code)
    by["regency"].sort(key=lambda row: row.regency.code)
    by["sector"].sort(key=lambda row: row.sector.name)
    scale_order = {value: index for index, value in enumerate(Scale.values)}
    by["scale"].sort(key=lambda row: scale_order.get(row.scale, 99))
    return {"summary": summary, "by": by, "trend": list(trend(user, slice_))}


def ranked(counts, choices):
    """``[(code, label, count)]`` of a problems or needs count dict, most named first."""
    labels = dict(choices.choices)
    return sorted(((code, labels.get(code, code), counts.get(code, 0)) for code in choices.values), key=lambda item: -item[2])


def problems_ranked(row):
    return ranked(row.problems if row else {}, Problem)


def needs_ranked(row):
    return ranked(row.needs if row else {}, Need)


def map_shapes(province_rows):
    """Figures per 2020 map shape: provinces created in 2022 are added to the province they
    were part of in 2020 (the map has the 34 shapes of 2020). Sums, so the decline of a shape
    is 1 − Σafter ÷ Σbefore over all its businesses with a baseline."""
    shapes = {}
    for row in province_rows:
        parent = row.province.parent_2020 if row.province.parent_2020_id else row.province
        shape = shapes.setdefault(parent.code, {"code": parent.code, "name": parent.name, "responses": 0, "before": 0, "after": 0, "members": []})
        shape["responses"] += row.responses
        shape["before"] += row.turnover_before
        shape["after"] += row.turnover_after_with_baseline
        shape["members"].append(row.province.name)
    for shape in shapes.values():
        shape["decline"] = 1 - shape["after"] / shape["before"] if shape["before"] else None
    return sorted(shapes.values(), key=lambda shape: shape["code"])


def steepest_declines(user, slice_, *, summary=None, limit=15):
    """Businesses of the province with the steepest decline that asked for help, for the
    province page. Names are given only where the user may see the business itself.

    For the whole province the refresh has already picked them (``summary.steepest``); a
    sector or scale filter picks them from the responses."""
    from programs.models import Business

    responses = (
        SurveyResponse.objects.visible_to(user)
        .filter(wave=slice_.wave, province=slice_.province, turnover_before__gt=0)
        .exclude(needs=[])
        .exclude(~Q(warnings=[]) & Q(warnings_confirmed=False))  # left out of the figures, as in the rollups
        .select_related("business", "regency", "sector")
        .annotate(decline=1 - Cast("turnover_after", FloatField()) / F("turnover_before"))
        .order_by("-decline", "id")
    )
    if summary is not None and slice_.sector is None and not slice_.scale:
        responses = responses.filter(pk__in=summary.steepest[:limit])
    else:
        if slice_.sector is not None:
            responses = responses.filter(sector=slice_.sector)
        if slice_.scale:
            responses = responses.filter(scale=slice_.scale)
        if slice_.verified_only:
            responses = responses.filter(status="verified")
    rows = list(responses[:limit])
    named = set(Business.objects.visible_to(user).filter(pk__in=[row.business_id for row in rows]).values_list("pk", flat=True))
    needs = dict(Need.choices)
    return [
        {
            "name": row.business.name if row.business_id in named else None,
            "business_id": row.business_id if row.business_id in named else None,
            "regency": row.regency.name, "sector": row.sector.name, "decline": row.decline,
            "needs": [needs.get(code, code) for code in row.needs],
        }
        for row in rows
    ]
