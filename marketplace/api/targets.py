"""``/api/v1/onboarding-targets/``: the targets the user may see, each with the pace the
dashboard shows for it; ministry staff set and change them through the service the page's
form uses (:func:`marketplace.services.target_save`)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.api.base import ScopedModelViewSet
from programs.models import Province

from .. import services
from ..filtersets import OnboardingTargetFilterSet
from ..models import OnboardingTarget
from .figures import targets_pace
from .serializers import MarketplaceField


class TargetPaceSerializer(serializers.Serializer):
    """How the target stands, as on the dashboard: ``achieved`` counts businesses onboarded
    (national and province targets) or shops opened (a marketplace's target) in the year,
    within what the user may see; paces are per month."""

    achieved = serializers.IntegerField()
    share = serializers.FloatField(help_text=_("achieved ÷ target (may pass 1)."))
    achieved_pace = serializers.FloatField(help_text=_("Monthly pace achieved so far this year."))
    needed_pace = serializers.FloatField(allow_null=True, help_text=_("Monthly pace needed for the rest of the year (0 when met; null when the year is over and it was not)."))
    met_on = serializers.DateField(allow_null=True, help_text=_("The day the target is met at the pace achieved (null: nothing achieved yet, or centuries away)."))
    on_track = serializers.BooleanField(help_text=_("Met within the year at the pace achieved."))


class TargetListSerializer(serializers.ListSerializer):
    """Reads the pace of every target listed with two grouped queries, whatever their number."""

    def to_representation(self, data):
        targets = list(data.all() if hasattr(data, "all") else data)
        self.context["pace"] = targets_pace(self.context["request"].user, targets)
        return super().to_representation(targets)


class OnboardingTargetSerializer(serializers.ModelSerializer):
    """A year's target: national (no province, no marketplace), a province's (by Kemendagri
    code) or a marketplace's (by code, a partner's commitment, counted in shops)."""

    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(), allow_null=True, required=False)
    marketplace = MarketplaceField(allow_null=True, required=False)
    pace = serializers.SerializerMethodField()

    class Meta:
        model = OnboardingTarget
        fields = ["id", "year", "province", "marketplace", "target", "note", "pace", "updated_at"]
        read_only_fields = ["updated_at"]
        list_serializer_class = TargetListSerializer
        validators = []  # one target per year and place: the service says so in words

    @extend_schema_field(TargetPaceSerializer)
    def get_pace(self, target):
        pace = self.context.get("pace", {}).get(target.pk)
        if pace is None:  # one target (read, created or changed)
            pace = targets_pace(self.context["request"].user, [target])[target.pk]
        return TargetPaceSerializer(pace).data

    def create(self, validated_data):
        return services.target_save(user=self.context["request"].user, data=validated_data)

    def update(self, target, validated_data):
        return services.target_save(user=self.context["request"].user, data=validated_data, instance=target)


class OnboardingTargetViewSet(ScopedModelViewSet):
    """Onboarding targets with their pace (organisers read, officers the national targets and
    their province's; ministry staff set them). Filters: ``year``, ``province``, ``marketplace``."""

    queryset = OnboardingTarget.objects.select_related("province", "marketplace")
    serializer_class = OnboardingTargetSerializer
    filterset_class = OnboardingTargetFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
