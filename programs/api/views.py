from rest_framework import permissions, viewsets

from ..filtersets import BusinessFilterSet
from ..models import Business, Province
from .base import ScopedModelViewSet
from .serializers import BusinessSerializer, ProvinceSerializer


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data, public: the 38 provinces by Kemendagri code."""

    queryset = Province.objects.select_related("parent_2020")
    serializer_class = ProvinceSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"


class BusinessViewSet(ScopedModelViewSet):
    queryset = Business.objects.select_related("province")
    serializer_class = BusinessSerializer
    filterset_class = BusinessFilterSet
    ordering_fields = ["name", "created_at"]
