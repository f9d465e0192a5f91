"""``/api/v1/onboarding-figures/`` and ``…/conversion/``: the onboarding dashboard's figures
as JSON, read from the rollup tables through :mod:`marketplace.figures` (the same helpers the
page uses, so the numbers are the page's), scoped like the page: organisers only, officers
their province. A few queries per request, however many onboardings there are; the rows are
cached per scope until the next refresh, like the page's tables."""
import datetime

from django import forms
from django.db.models import Sum
from django.utils.translation import get_language, gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from ikm_portal import pagecache
from programs.api.base import PolicyPermission
from programs.models import Province, Sector
from programs.policy import MINISTRY
from programs.roles import province_id_of, role_of
from programs.scale import Scale

from .. import figures
from ..models import Marketplace, OnboardingFigures, OnboardingTarget, WorkshopConversion

#: What the figures can be grouped by (the dashboard's tables).
GROUPS = ["month", "province", "marketplace", "sector", "scale"]
#: What workshop conversion can be grouped by: the organising office's province, or partner.
CONVERSION_GROUPS = ["province", "partner"]


def targets_pace(user, targets, *, today=None):
    """``{target pk: figures.pace(...)}`` for ``targets``, with ``achieved`` counted as the
    dashboard counts it (:func:`marketplace.figures.targets_with_pace`): shops opened on the
    target's marketplace, else businesses onboarded in its province, else in every province
    the user sees. Two grouped queries, whatever the number of targets and years."""
    if not targets:
        return {}
    first, last = min(target.year for target in targets), max(target.year for target in targets)
    rows = OnboardingFigures.objects.visible_to(user).filter(month__gte=datetime.date(first, 1, 1), month__lte=datetime.date(last, 12, 31))
    businesses_in = {(row["month__year"], row["province"]): row["count"]
                     for row in rows.values("month__year", "province").annotate(count=Sum("new_businesses")).order_by()}
    shops_on = {(row["month__year"], row["marketplace"]): row["count"]
                for row in rows.values("month__year", "marketplace").annotate(count=Sum("shops")).order_by()}
    result = {}
    for target in targets:
        if target.marketplace_id:
            achieved = shops_on.get((target.year, target.marketplace_id), 0)
        elif target.province_id:
            achieved = businesses_in.get((target.year, target.province_id), 0)
        else:
            achieved = sum(count for (year, _province), count in businesses_in.items() if year == target.year)
        result[target.pk] = figures.pace(target, achieved, today=today)
    return result


class FiguresQueryForm(forms.Form):
    """The query parameters: ``year`` (default: the dashboard's, the newest year with figures)
    and what the rows are grouped by (``by`` or, for conversion, ``group``)."""

    year = forms.IntegerField(required=False, min_value=2015, max_value=2100)
    group = forms.CharField(required=False, max_length=20)

    def __init__(self, data, *, user, name, choices):
        super().__init__({"year": data.get("year", ""), "group": data.get(name, "")})
        self.user, self.name, self.choices = user, name, choices

    def clean_group(self):
        value = self.cleaned_data["group"] or self.choices[0]
        if value not in self.choices:
            raise forms.ValidationError(_("Cannot group by “%(value)s”; use one of: %(choices)s.") % {"value": value, "choices": ", ".join(self.choices)})
        return value

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is None:
            _years, year = figures.years(self.user)
        return year

    def parameters(self):
        """``(year, group)``, or a 400 naming the parameter at fault."""
        if not self.is_valid():
            raise ValidationError({self.name if field == "group" else field: list(errors) for field, errors in self.errors.items()})
        return self.cleaned_data["year"], self.cleaned_data["group"]


def _scope(user):
    return "all" if role_of(user) in MINISTRY else province_id_of(user)


def _schema(rows, *, group, choices, year, grouping):
    """The schema of a figures view: its two query parameters, a page of ``rows``."""
    return extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description=year), OpenApiParameter(group, OpenApiTypes.STR, enum=choices, description=grouping)],
        responses=rows(many=True),
    )


class _FiguresView(generics.GenericAPIView):
    permission_classes = [PolicyPermission]
    policy_model = OnboardingFigures
    policy_action = "view"
    filter_backends = []
    #: The query parameter naming the grouping, and its choices (the first is the default).
    group_parameter, groups = "by", GROUPS

    def get(self, request):
        year, group = FiguresQueryForm(request.query_params, user=request.user, name=self.group_parameter, choices=self.groups).parameters()
        parts = (type(self).__name__, _scope(request.user), year, group, get_language())
        rows = pagecache.cached(figures.NAMESPACE, parts, lambda: self.rows(request.user, year, group))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FiguresRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    key = serializers.CharField(help_text=_("The month (2020-07), province code, marketplace code, sector slug or scale."))
    name = serializers.CharField(help_text=_("The month, province, marketplace, sector or scale as the dashboard names it."))
    shops = serializers.IntegerField(help_text=_("Confirmed shops opened."))
    new_businesses = serializers.IntegerField(help_text=_("Businesses whose first confirmed shop it was."))
    target = serializers.IntegerField(allow_null=True, help_text=_("The year's target of this province or marketplace (provinces: businesses, marketplaces: shops); null when none is set or for other groupings."))
    new_businesses_to_date = serializers.IntegerField(allow_null=True, help_text=_("By month: businesses onboarded in the year up to this month."))
    target_to_date = serializers.IntegerField(allow_null=True, help_text=_("By month: the national target spread evenly over the year, up to this month."))


def _names(field):
    """``{pk or value: (key, name)}`` of the grouping's rows, as the dashboard names them."""
    if field == "province":
        return {pk: (code, name) for pk, code, name in Province.objects.values_list("pk", "code", "name")}
    if field == "marketplace":
        return {pk: (code, name) for pk, code, name in Marketplace.objects.values_list("pk", "code", "name")}
    if field == "sector":
        return {pk: (slug, name) for pk, slug, name in Sector.objects.values_list("pk", "slug", "name")}
    return {value: (value, str(label)) for value, label in Scale.choices}


@_schema(
    FiguresRowSerializer, group="by", choices=GROUPS,
    year=_("The year, e.g. 2020 (default: the newest year with figures, as on the dashboard)."),
    grouping=_("Group the rows by month (in order), province, marketplace, sector or scale (largest first). Default: month."),
)
class OnboardingFiguresView(_FiguresView):
    """The dashboard's onboarding figures of a year, grouped by month, province, marketplace,
    sector or scale: confirmed shops opened and businesses onboarded (a business counts once,
    in the month of its first confirmed shop), with the targets the dashboard shows."""

    serializer_class = FiguresRowSerializer

    def rows(self, user, year, field):
        grouped = figures.by(user, year, field)
        empty = {"target": None, "new_businesses_to_date": None, "target_to_date": None}
        if field == "month":
            national = OnboardingTarget.objects.visible_to(user).filter(year=year, province=None, marketplace=None).first()
            running, rows = 0, []
            for month, shops, businesses in grouped:
                running += businesses
                rows.append({**empty, "year": year, "key": month.strftime("%Y-%m"), "name": month.strftime("%m-%Y"), "shops": shops, "new_businesses": businesses,
                             "new_businesses_to_date": running, "target_to_date": round(national.target * month.month / 12) if national else None})
            return rows
        names = _names(field)
        targets = {}
        if field in ("province", "marketplace"):
            other = "marketplace" if field == "province" else "province"
            targets = dict(OnboardingTarget.objects.visible_to(user).filter(year=year, **{f"{other}__isnull": True, f"{field}__isnull": False})
                           .values_list(f"{field}_id", "target"))
        return [{**empty, "year": year, "key": names.get(key, (key,))[0], "name": names.get(key, (key, key))[1], "shops": shops,
                 "new_businesses": businesses, "target": targets.get(key)} for key, shops, businesses in grouped]


class ConversionRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    name = serializers.CharField(allow_null=True, help_text=_("The organising office's province, or the partner (null: workshops without a partner)."))
    attendees = serializers.IntegerField()
    within_30 = serializers.IntegerField(help_text=_("Attendees with a shop within 30 days of the workshop's start."))
    within_90 = serializers.IntegerField(help_text=_("Attendees with a shop within 90 days of the workshop's start."))
    rate_30 = serializers.FloatField(allow_null=True, help_text=_("within_30 ÷ attendees."))
    rate_90 = serializers.FloatField(allow_null=True, help_text=_("within_90 ÷ attendees."))


@_schema(
    ConversionRowSerializer, group="group", choices=CONVERSION_GROUPS,
    year=_("The workshops' year, e.g. 2020 (default: as on the dashboard)."),
    grouping=_("Per organising office's province, or per partner. Default: province."),
)
class WorkshopConversionView(_FiguresView):
    """Marketplace and online-marketing workshops of a year: of their attendees, how many had
    a shop within 30 and 90 days (the dashboard's conversion tables)."""

    policy_model = WorkshopConversion
    serializer_class = ConversionRowSerializer
    group_parameter, groups = "group", CONVERSION_GROUPS

    def rows(self, user, year, group):
        return [{"year": year, **row} for row in figures.conversion(user, year, group)]
