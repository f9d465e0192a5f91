import django_filters
from django.utils.translation import gettext_lazy as _

from programs.models import Province, Regency, Sector
from programs.scale import Scale

from .choices import OperatingStatus, ReviewStatus
from .choices import Warning as ResponseWarning
from .models import SurveyResponse, SurveyWave


class SurveyResponseFilterSet(django_filters.FilterSet):
    """Serves the responses page and ``/api/v1/survey-responses/``."""

    wave = django_filters.ModelChoiceFilter(field_name="wave", queryset=SurveyWave.objects.all(), to_field_name="code", label=_("Wave"), empty_label=_("All"))
    province = django_filters.ModelChoiceFilter(field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"))
    regency = django_filters.ModelChoiceFilter(field_name="regency", queryset=Regency.objects.all(), to_field_name="code", label=_("Regency or city"), empty_label=_("All"))
    sector = django_filters.ModelChoiceFilter(field_name="sector", queryset=Sector.objects.all(), to_field_name="slug", label=_("Sector"), empty_label=_("All"))
    scale = django_filters.ChoiceFilter(choices=Scale.choices, label=_("Scale"))
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("Review status"))
    operating_status = django_filters.ChoiceFilter(choices=OperatingStatus.choices, label=_("Operating status"))
    nib = django_filters.CharFilter(field_name="business__nib", label=_("NIB"))

    class Meta:
        model = SurveyResponse
        fields = ["wave", "province", "regency", "sector", "scale", "status", "operating_status", "nib"]


class SurveyWaveFilterSet(django_filters.FilterSet):
    province = django_filters.CharFilter(field_name="province__code", label=_("Province"))
    national = django_filters.BooleanFilter(field_name="province", lookup_expr="isnull", label=_("National"))

    class Meta:
        model = SurveyWave
        fields = ["status", "province", "national"]


class FollowUpFilterSet(django_filters.FilterSet):
    """The follow-up list: place, kind of warning, and whether it is still to be confirmed
    (the view shows unconfirmed warnings when ``state`` is not given)."""

    STATES = [("unconfirmed", _("Not yet confirmed")), ("confirmed", _("Confirmed")), ("all", _("All"))]

    province = django_filters.ModelChoiceFilter(field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"))
    regency = django_filters.ModelChoiceFilter(field_name="regency", queryset=Regency.objects.all(), to_field_name="code", label=_("Regency or city"), empty_label=_("All"))
    warning = django_filters.ChoiceFilter(choices=ResponseWarning.choices, method="filter_warning", label=_("Warning"), empty_label=_("All"))
    state = django_filters.ChoiceFilter(choices=STATES, method="filter_state", label=_("Confirmation"), empty_label=None)

    class Meta:
        model = SurveyResponse
        fields = ["province", "regency", "warning", "state"]

    def filter_warning(self, queryset, name, value):
        return queryset.filter(warnings__contains=[value])

    def filter_state(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(warnings_confirmed=value == "confirmed")
