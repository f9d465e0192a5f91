"""``/api/v1/impact/``: the impact rollups, read-only, for anyone within what they may see
(the public: published waves). Filters: ``wave`` (code; default the newest), ``province``
(code), ``sector`` (slug), ``scale``, ``verified`` (true = verified responses only)."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from programs.api.base import PolicyPermission

from .. import impact
from ..forms import ImpactSliceForm
from ..models import ImpactRollup

SLICE_PARAMETERS = [
    OpenApiParameter("wave", OpenApiTypes.STR, description="Survey wave code, e.g. 2020-04 (default: the newest with figures)."),
    OpenApiParameter("province", OpenApiTypes.STR, description="Province code, e.g. 32 (default: the nation)."),
    OpenApiParameter("sector", OpenApiTypes.STR, description="Sector slug (default: all sectors)."),
    OpenApiParameter("scale", OpenApiTypes.STR, enum=["micro", "small", "medium"], description="Scale (default: all)."),
    OpenApiParameter("verified", OpenApiTypes.BOOL, description="Only verified responses."),
]


class ImpactFiguresSerializer(serializers.ModelSerializer):
    """One slice's figures. ``decline`` = 1 − Σafter ÷ Σbefore over businesses with turnover
    before > 0; ``median_decline`` and the quartiles are of those businesses' own declines."""

    wave = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    province_name = serializers.CharField(source="province.name", read_only=True, default=None, allow_null=True)
    regency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    regency_name = serializers.CharField(source="regency.name", read_only=True, default=None, allow_null=True)
    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    median_decline = serializers.FloatField(source="decline_median", allow_null=True)
    decline_quartiles = serializers.SerializerMethodField()
    bands = serializers.SerializerMethodField()
    as_of = serializers.DateTimeField(source="newest_response_at", allow_null=True)
    # Null for a slice nobody answered in: no figures were ever computed for it.
    computed_at = serializers.DateTimeField(allow_null=True, read_only=True)

    class Meta:
        model = ImpactRollup
        fields = [
            "wave", "province", "province_name", "regency", "regency_name", "sector", "scale", "verified_only",
            "responses", "with_baseline", "falling", "turnover_before", "turnover_after", "decline", "median_decline",
            "decline_quartiles", "bands", "workers_before", "workers_after", "workers_furloughed", "workers_laid_off",
            "problems", "needs", "diversified", "export_postponed", "export_postponed_value", "left_out", "as_of", "computed_at",
        ]
        extra_kwargs = {"left_out": {"help_text": "Responses left out of these figures: a warning nobody has confirmed yet."}}

    def get_decline_quartiles(self, row) -> list[float | None]:
        return [row.decline_p25, row.decline_median, row.decline_p75]

    def get_bands(self, row) -> dict[str, int]:
        return {field.removeprefix("band_"): getattr(row, field) for field in impact.BAND_FIELDS}


def _empty_row(slice_):
    """A slice nobody answered in: zero responses, no ratios."""
    counters = ("PositiveIntegerField", "BigIntegerField")
    zeros = {field.name: 0 for field in ImpactRollup._meta.concrete_fields if field.get_internal_type() in counters}
    return ImpactRollup(
        wave=slice_.wave, province=slice_.province, sector=slice_.sector, scale=slice_.scale, verified_only=slice_.verified_only,
        problems={}, needs={}, **zeros,
    )


class _ImpactView(generics.GenericAPIView):
    permission_classes = [PolicyPermission]
    policy_model = ImpactRollup
    policy_action = "view"
    serializer_class = ImpactFiguresSerializer
    filter_backends = []

    def get_slice(self):
        form = ImpactSliceForm(self.request.query_params, user=self.request.user)
        if not form.is_valid():
            raise ValidationError({field: [str(error) for error in errors] for field, errors in form.errors.items()})
        return form.impact_slice()


@extend_schema(parameters=SLICE_PARAMETERS, responses=ImpactFiguresSerializer)
class ImpactSummaryView(_ImpactView):
    """The figures of one slice: a wave × province (or nation) × sector × scale."""

    def get(self, request):
        slice_ = self.get_slice()
        row = impact.rollups(request.user, slice_).first()
        if row is None and ImpactRollup.objects.filter(impact.slice_filter(slice_)).exists():
            raise NotFound(_("These figures are not yours to see."))
        return Response(self.get_serializer(row or _empty_row(slice_)).data)


class _ImpactListView(_ImpactView):
    breakdown = None

    def get_queryset(self):
        slice_ = self.get_slice()
        if self.breakdown == "regency" and slice_.province is None:
            raise ValidationError({"province": [_("Give a province to break it down by regency.")]})
        if self.breakdown == "trend":
            return impact.trend(self.request.user, slice_)
        order = {"province": "province__code", "sector": "sector__name", "regency": "regency__code", "scale": "scale"}[self.breakdown]
        return impact.rollups(self.request.user, slice_, breakdown=self.breakdown).order_by(order)

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(parameters=SLICE_PARAMETERS, responses=ImpactFiguresSerializer(many=True))
class ImpactByProvinceView(_ImpactListView):
    """The slice's figures for each province (those the user may see)."""
    breakdown = "province"


@extend_schema(parameters=SLICE_PARAMETERS, responses=ImpactFiguresSerializer(many=True))
class ImpactBySectorView(_ImpactListView):
    """The slice's figures for each sector."""
    breakdown = "sector"


@extend_schema(parameters=SLICE_PARAMETERS, responses=ImpactFiguresSerializer(many=True))
class ImpactByScaleView(_ImpactListView):
    """The slice's figures for each scale (micro, small, medium)."""
    breakdown = "scale"


@extend_schema(parameters=SLICE_PARAMETERS, responses=ImpactFiguresSerializer(many=True))
class ImpactByRegencyView(_ImpactListView):
    """A province's figures for each of its regencies and cities (``province`` required)."""
    breakdown = "regency"


@extend_schema(parameters=SLICE_PARAMETERS, responses=ImpactFiguresSerializer(many=True))
class ImpactTrendView(_ImpactListView):
    """The slice's figures in each wave, oldest first (``wave`` picks national or a province's waves)."""
    breakdown = "trend"
