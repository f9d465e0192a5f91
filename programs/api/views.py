import django_filters

from ..filtersets import BusinessFilterSet
from ..models import Business, Organisation, Province, Regency, Sector
from .base import ScopedModelViewSet, ScopedReadOnlyModelViewSet
from .serializers import BusinessSerializer, OrganisationSerializer, ProvinceSerializer, RegencySerializer, SectorSerializer


class ReferenceViewSet(ScopedReadOnlyModelViewSet):
    """Reference data is public (their policy: anyone views)."""


class ProvinceViewSet(ReferenceViewSet):
    """The 38 provinces by Kemendagri code; ``parent_2020`` names the 2020 province of those created in 2022."""

    queryset = Province.objects.select_related("parent_2020")
    serializer_class = ProvinceSerializer
    lookup_field = "code"


class RegencyFilterSet(django_filters.FilterSet):
    province = django_filters.CharFilter(field_name="province__code", label="Province code")

    class Meta:
        model = Regency
        fields = ["province", "kind"]


class RegencyViewSet(ReferenceViewSet):
    """The 514 regencies and cities; ``?province=31`` lists one province's."""

    queryset = Regency.objects.select_related("province")
    serializer_class = RegencySerializer
    filterset_class = RegencyFilterSet
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{2}"


class SectorViewSet(ReferenceViewSet):
    queryset = Sector.objects.prefetch_related("kbli_divisions")
    serializer_class = SectorSerializer
    lookup_field = "slug"


class OrganisationViewSet(ReferenceViewSet):
    queryset = Organisation.objects.select_related("province")
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind"]
    lookup_field = "slug"


class BusinessViewSet(ScopedModelViewSet):
    """IKM businesses, scoped: officers their province, owners their own, ministry all (read)."""

    queryset = Business.objects.select_related("province", "regency", "sector")
    serializer_class = BusinessSerializer
    filterset_class = BusinessFilterSet
    ordering_fields = ["name", "created_at", "updated_at"]
