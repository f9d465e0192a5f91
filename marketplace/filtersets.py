import django_filters
from django.utils.translation import gettext_lazy as _

from programs.models import Province, Regency, Sector
from programs.scale import Scale

from .models import Marketplace, Onboarding, OnboardingTarget, PartnerReport, SellerReview


class MarketplaceFilterSet(django_filters.FilterSet):
    class Meta:
        model = Marketplace
        fields = ["active"]


class OnboardingFilterSet(django_filters.FilterSet):
    """Serves the onboarding list page, its XLSX and ``/api/v1/marketplace-onboardings/``.
    Marketplaces by code, provinces and regencies by Kemendagri code, sectors by slug."""

    q = django_filters.CharFilter(method="search", label=_("Shop, business or NIB"))
    marketplace = django_filters.ModelChoiceFilter(field_name="marketplace", queryset=Marketplace.objects.all(), to_field_name="code", label=_("Marketplace"), empty_label=_("All"))
    province = django_filters.ModelChoiceFilter(field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"))
    regency = django_filters.ModelChoiceFilter(field_name="business__regency", queryset=Regency.objects.all(), to_field_name="code", label=_("Regency or city"), empty_label=_("All"))
    sector = django_filters.ModelChoiceFilter(field_name="business__sector", queryset=Sector.objects.all(), to_field_name="slug", label=_("Sector"), empty_label=_("All"))
    scale = django_filters.ChoiceFilter(field_name="business__scale", choices=Scale.choices, label=_("Scale"), empty_label=_("All"))
    source = django_filters.ChoiceFilter(choices=Onboarding.Source.choices, label=_("How it came about"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=Onboarding.Status.choices, label=_("Status"), empty_label=_("All"))
    confirmed = django_filters.BooleanFilter(label=_("Confirmed"))
    onboarded_from = django_filters.DateFilter(field_name="onboarded", lookup_expr="gte", label=_("Onboarded from"))
    onboarded_to = django_filters.DateFilter(field_name="onboarded", lookup_expr="lte", label=_("Onboarded until"))
    business = django_filters.NumberFilter(field_name="business", label=_("Business"))

    class Meta:
        model = Onboarding
        fields = ["q", "marketplace", "province", "regency", "sector", "scale", "source", "status", "confirmed", "onboarded_from", "onboarded_to", "business"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        if value.isdigit() and len(value) == 13:
            return queryset.filter(business__nib=value)
        return queryset.filter(shop_name__icontains=value) | queryset.filter(business__name__icontains=value)


class PartnerReportFilterSet(django_filters.FilterSet):
    marketplace = django_filters.ModelChoiceFilter(field_name="marketplace", queryset=Marketplace.objects.all(), to_field_name="code", label=_("Marketplace"), empty_label=_("All"))

    class Meta:
        model = PartnerReport
        fields = ["marketplace", "status", "month"]


class SellerReviewFilterSet(django_filters.FilterSet):
    marketplace = django_filters.ModelChoiceFilter(field_name="marketplace", queryset=Marketplace.objects.all(), to_field_name="code", label=_("Marketplace"), empty_label=_("All"))
    state = django_filters.ChoiceFilter(choices=SellerReview.State.choices, label=_("State"), empty_label=_("All"))
    reason = django_filters.ChoiceFilter(choices=SellerReview.Reason.choices, label=_("Reason"), empty_label=_("All"))

    class Meta:
        model = SellerReview
        fields = ["marketplace", "state", "reason", "report"]


class OnboardingTargetFilterSet(django_filters.FilterSet):
    """Serves ``/api/v1/onboarding-targets/``: provinces by Kemendagri code, marketplaces by code."""

    year = django_filters.NumberFilter(label=_("Year"))
    province = django_filters.ModelChoiceFilter(field_name="province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"))
    marketplace = django_filters.ModelChoiceFilter(field_name="marketplace", queryset=Marketplace.objects.all(), to_field_name="code", label=_("Marketplace"), empty_label=_("All"))

    class Meta:
        model = OnboardingTarget
        fields = ["year", "province", "marketplace"]
