import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Business, Province


class BusinessFilterSet(django_filters.FilterSet):
    """Serves both the business list page and ``/api/v1/businesses/``."""

    province = django_filters.ModelChoiceFilter(
        field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province")
    )
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = Business
        fields = ["province", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value))
