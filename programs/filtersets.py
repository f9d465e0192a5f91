import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Business, Event, Profile, Province, Regency, Sector
from .roles import Role
from .scale import Scale


def scope_place_filters(filterset, user, chosen_province=None):
    """Offer the places a user works in: an officer their province and its regencies (not all
    38 and every regency); others every province, and the regencies of the chosen one."""
    from .roles import province_id_of, role_of

    fields = filterset.form.fields
    if role_of(user) == Role.OFFICER:
        province_id = province_id_of(user)
        fields["province"].queryset = fields["province"].queryset.filter(pk=province_id)
        fields["regency"].queryset = Regency.objects.filter(province_id=province_id)
    else:
        fields["regency"].queryset = Regency.objects.filter(province__code=chosen_province) if chosen_province else Regency.objects.none()
    fields["province"].widget.attrs.update({"hx-get": "/regions/regency-options/", "hx-target": "#id_regency", "hx-trigger": "change"})
    return filterset


class BusinessFilterSet(django_filters.FilterSet):
    """Serves the business list page, its exports and ``/api/v1/businesses/``.

    Provinces and regencies are named by Kemendagri code, sectors by slug.
    """

    q = django_filters.CharFilter(method="search", label=_("Name or NIB"))
    province = django_filters.ModelChoiceFilter(
        field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"),
    )
    regency = django_filters.ModelChoiceFilter(
        field_name="regency", queryset=Regency.objects.all(), to_field_name="code", label=_("Regency or city"), empty_label=_("All"),
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sector", queryset=Sector.objects.all(), to_field_name="slug", label=_("Sector"), empty_label=_("All"),
    )
    scale = django_filters.ChoiceFilter(choices=Scale.choices, label=_("Scale"))
    status = django_filters.ChoiceFilter(choices=Business.Status.choices, label=_("Status"))
    is_exporter = django_filters.BooleanFilter(label=_("Exporter"), widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]))

    class Meta:
        model = Business
        fields = ["q", "province", "regency", "sector", "scale", "status", "is_exporter"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A 13-digit number is an NIB; anything else is searched in the name (trigram index).
        if value.isdigit() and len(value) == 13:
            return queryset.filter(nib=value)
        return queryset.filter(Q(name__icontains=value) | Q(nib=value))


class EventFilterSet(django_filters.FilterSet):
    """Serves the event list page and ``/api/v1/events/``."""

    province = django_filters.ModelChoiceFilter(
        field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"),
        empty_label=_("All provinces and online"),
    )
    topic = django_filters.ChoiceFilter(choices=Event.Topic.choices, method="with_topic", label=_("Topic"))
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices, label=_("Kind"))
    mode = django_filters.ChoiceFilter(choices=Event.Mode.choices, label=_("Mode"))
    starts_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts_until = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    status = django_filters.ChoiceFilter(choices=Event.Status.choices, label=_("Status"))

    class Meta:
        model = Event
        fields = ["province", "topic", "kind", "mode", "starts_from", "starts_until", "status"]

    def with_topic(self, queryset, name, value):
        return queryset.filter(topics__contains=[value])


class AccountFilterSet(django_filters.FilterSet):
    """Serves the account list page and ``/api/v1/accounts/`` (rows are profiles)."""

    q = django_filters.CharFilter(method="search", label=_("Name, user name or e-mail"))
    role = django_filters.ChoiceFilter(field_name="user__groups__name", choices=Role.choices, label=_("Role"))
    province = django_filters.ModelChoiceFilter(
        field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"),
    )
    is_active = django_filters.BooleanFilter(
        field_name="user__is_active", label=_("Active"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Profile
        fields = ["q", "role", "province", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(user__username__icontains=value) | Q(user__email__icontains=value)
            | Q(user__first_name__icontains=value) | Q(user__last_name__icontains=value)
        )
