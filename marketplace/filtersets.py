import django_filters
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Province, Regency, Sector
from programs.scale import Scale

from .forms import DateInput
from .models import Commitment, MatchingMeeting, Marketplace, Onboarding, OnboardingTarget, PartnerReport, SellerReview


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


# --- export buyer matching -------------------------------------------------------------------------


class CommitmentFilterSet(django_filters.FilterSet):
    """Serves the commitments monitor's list, its XLSX and ``/api/v1/export-commitments/``."""

    province = django_filters.ModelChoiceFilter(field_name="business__province", queryset=Province.objects.all(), to_field_name="code", label=_("Province"), empty_label=_("All"))
    sector = django_filters.ModelChoiceFilter(field_name="business__sector", queryset=Sector.objects.all(), to_field_name="slug", label=_("Sector"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=Commitment.Status.choices, label=_("Status"), empty_label=_("All"))
    country = django_filters.CharFilter(field_name="buyer__country", lookup_expr="iexact", label=_("Country code"))
    business = django_filters.NumberFilter(field_name="business", label=_("Business"))
    buyer = django_filters.NumberFilter(field_name="buyer", label=_("Buyer"))

    class Meta:
        model = Commitment
        fields = ["province", "sector", "status", "country", "business", "buyer"]


class MatchingMeetingFilterSet(django_filters.FilterSet):
    """Serves the meetings list, its XLSX and ``/api/v1/matching-meetings/``. ``province``: the
    meetings with a business of that province; ``stage``: where a meeting stands."""

    class Stage(models.TextChoices):
        UPCOMING = "upcoming", _("Still to come")
        AWAITING = "awaiting", _("Held, outcome not recorded")
        NO_MOU = "no-mou", _("Held, no MoU")
        MOU = "mou", _("MoU signed")
        REALISED = "realised", _("Value realised")

    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"), widget=DateInput)
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"), widget=DateInput)
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="by_stage", label=_("Stage"), empty_label=_("All"))
    mode = django_filters.ChoiceFilter(choices=MatchingMeeting.Mode.choices, label=_("Mode"), empty_label=_("All"))
    facilitator = django_filters.ChoiceFilter(choices=MatchingMeeting.Facilitator.choices, label=_("Facilitator"), empty_label=_("All"))
    province = django_filters.ModelChoiceFilter(queryset=Province.objects.all(), to_field_name="code", method="by_province", label=_("Province"), empty_label=_("All"))
    mou_signed = django_filters.BooleanFilter(label=_("MoU signed"))
    buyer = django_filters.NumberFilter(field_name="buyers", label=_("Buyer"))

    class Meta:
        model = MatchingMeeting
        fields = ["date_from", "date_to", "stage", "mode", "facilitator", "province", "mou_signed", "buyer"]

    @classmethod
    def stage_of(cls, meeting, today):
        """The stage a meeting is shown in (the first that applies, from the end)."""
        if meeting.date > today:
            return cls.Stage.UPCOMING
        if meeting.realised_value:
            return cls.Stage.REALISED
        if meeting.mou_signed:
            return cls.Stage.MOU
        return cls.Stage.NO_MOU if meeting.outcome else cls.Stage.AWAITING

    def by_stage(self, queryset, name, value):
        today = timezone.localdate()
        held = Q(date__lte=today)
        return queryset.filter({
            self.Stage.UPCOMING: Q(date__gt=today),
            self.Stage.AWAITING: held & Q(outcome="", mou_signed=False, realised_value=0),
            self.Stage.NO_MOU: held & Q(mou_signed=False) & ~Q(outcome="", realised_value=0),
            self.Stage.MOU: Q(mou_signed=True),
            self.Stage.REALISED: Q(realised_value__gt=0),
        }[value])

    def by_province(self, queryset, name, value: str):  # a Province; the hint tells the API schema its parameter is a (code) string
        # A subquery, not a join: one row per meeting.
        return queryset.filter(pk__in=MatchingMeeting.businesses.through.objects.filter(business__province=value).values("matchingmeeting_id"))
