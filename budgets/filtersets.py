import django_filters
from django.utils.translation import gettext_lazy as _

from programs.models import Province

from .models import Activity, Allocation, Indicator, OutputReport, Realisation, Revision, WithdrawalPlan


class AllocationFilterSet(django_filters.FilterSet):
    """Serves the allocation pages and ``/api/v1/budget-allocations/``."""

    province = django_filters.ModelChoiceFilter(field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"))

    class Meta:
        model = Allocation
        fields = ["year", "province"]


class RevisionFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="allocation__year", label=_("Fiscal year"))
    province = django_filters.CharFilter(field_name="allocation__province__code", label=_("Province"))

    class Meta:
        model = Revision
        fields = ["allocation", "year", "province", "kind"]


class ActivityFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="allocation__year", label=_("Fiscal year"))
    province = django_filters.CharFilter(field_name="allocation__province__code", label=_("Province"))

    class Meta:
        model = Activity
        fields = ["allocation", "year", "province", "kind", "status", "mode"]


class RealisationFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="allocation__year", label=_("Fiscal year"))
    province = django_filters.CharFilter(field_name="allocation__province__code", label=_("Province"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_until = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = Realisation
        fields = ["allocation", "activity", "year", "province", "account", "date_from", "date_until"]


class IndicatorFilterSet(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"))

    class Meta:
        model = Indicator
        fields = ["year", "province", "month"]


class WithdrawalPlanFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="allocation__year", label=_("Fiscal year"))
    province = django_filters.CharFilter(field_name="allocation__province__code", label=_("Province"))

    class Meta:
        model = WithdrawalPlan
        fields = ["allocation", "year", "province"]


class OutputReportFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="activity__allocation__year", label=_("Fiscal year"))
    province = django_filters.CharFilter(field_name="activity__allocation__province__code", label=_("Province"))

    class Meta:
        model = OutputReport
        fields = ["activity", "year", "province"]
