"""``/api/v1/export-buyers/``, ``export-commitments/``, ``matching-meetings/``,
``buyer-nominations/``: scoped like the pages, validated by the services of
:mod:`marketplace.buyers` the forms use, never a server error on bad input."""
import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from programs.api.base import ScopedCreateReadViewSet, ScopedModelViewSet
from programs.models import Business, Sector

from .. import buyers as services
from ..filtersets import CommitmentFilterSet, MatchingMeetingFilterSet
from ..models import MONEY_LIMIT, Buyer, Commitment, MatchingMeeting, Nomination

RUPIAH = {"min_value": 0, "max_value": MONEY_LIMIT * 100}


def _user(serializer):
    return serializer.context["request"].user


class VisibleBusinessField(serializers.PrimaryKeyRelatedField):
    """A business of the registry the user may see (others are "not found", ids do not leak)."""

    def get_queryset(self):
        return Business.objects.visible_to(self.context["request"].user)


class VisibleBuyerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Buyer.objects.visible_to(self.context["request"].user)


class RelatedListField(serializers.ListField):
    """A many-to-many relation written as a list (of slugs or ids) and read as one."""

    def __init__(self, *, attribute="pk", **kwargs):
        self.attribute = attribute
        super().__init__(**kwargs)

    def to_representation(self, manager):
        return [getattr(row, self.attribute) for row in manager.all()]


# --- filtersets (one per model; the pages read the same fields) -------------------------------------


class BuyerFilterSet(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Country code"))
    source = django_filters.ChoiceFilter(choices=Buyer.Source.choices, label=_("Source"))
    sector = django_filters.ModelChoiceFilter(field_name="sectors", queryset=Sector.objects.all(), to_field_name="slug", label=_("Sector"))
    hs_code = django_filters.CharFilter(field_name="hs_codes", lookup_expr="contains", method="by_hs_code", label=_("HS code"))

    class Meta:
        model = Buyer
        fields = ["country", "source", "sector", "hs_code"]

    def by_hs_code(self, queryset, name, value):
        return queryset.filter(hs_codes__contains=[str(value).strip()[:10]])


class NominationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Nomination.Status.choices, label=_("Status"))
    buyer = django_filters.NumberFilter(field_name="buyer", label=_("Buyer"))

    class Meta:
        model = Nomination
        fields = ["status", "buyer"]


# --- serializers ---------------------------------------------------------------------------------------


class BuyerSerializer(serializers.ModelSerializer):
    """Sectors by slug; ``country`` an ISO 3166-1 alpha-2 code (``country_name`` follows)."""

    country = serializers.CharField(max_length=10)
    hs_codes = serializers.ListField(child=serializers.CharField(max_length=20), required=False, max_length=100)
    sectors = RelatedListField(attribute="slug", child=serializers.CharField(max_length=60), required=False, max_length=50)

    class Meta:
        model = Buyer
        fields = ["id", "company", "country", "country_name", "hs_codes", "sectors", "source", "contact_notes", "created_at"]
        read_only_fields = ["country_name", "created_at"]

    def _save(self, validated_data, instance=None):
        sectors = validated_data.pop("sectors", None)
        sectors = services.sectors_by_slug(sectors) if sectors is not None else ([] if instance is None else None)
        return services.buyer_save(user=_user(self), data=validated_data, sectors=sectors, instance=instance)

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, buyer, validated_data):
        return self._save(validated_data, instance=buyer)


class CommitmentSerializer(serializers.ModelSerializer):
    """Money in rupiah as whole integers; the contract value as a decimal string; provinces by code."""

    business = VisibleBusinessField()
    buyer = VisibleBuyerField()
    province = serializers.CharField(source="business.province.code", read_only=True)
    currency = serializers.CharField(max_length=10)
    hs_code = serializers.CharField(max_length=20)
    value = serializers.DecimalField(max_digits=18, decimal_places=2)
    value_idr = serializers.IntegerField(**RUPIAH)
    value_realised = serializers.IntegerField(required=False, **RUPIAH)
    status_date = serializers.DateField(required=False)

    class Meta:
        model = Commitment
        fields = ["id", "business", "province", "buyer", "product", "hs_code", "currency", "value", "value_idr", "signed", "status", "status_date",
                  "reason", "value_realised", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        # Negative values are refused in words by the service like the form's (not only min_value).
        return attrs

    def create(self, validated_data):
        data = {name: validated_data[name] for name in services.COMMITMENT_FIELDS if name in validated_data}
        return services.commitment_save(user=_user(self), business=validated_data["business"], buyer=validated_data["buyer"], data=data)

    def update(self, commitment, validated_data):
        data = {name: validated_data[name] for name in services.COMMITMENT_FIELDS if name in validated_data}
        return services.commitment_save(user=_user(self), business=validated_data.get("business", commitment.business),
                                        buyer=validated_data.get("buyer", commitment.buyer), data=data, instance=commitment)


class MatchingMeetingSerializer(serializers.ModelSerializer):
    businesses = RelatedListField(child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=500)
    buyers = RelatedListField(child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=100)
    mou_value = serializers.IntegerField(required=False, **RUPIAH)
    realised_value = serializers.IntegerField(required=False, **RUPIAH)

    class Meta:
        model = MatchingMeeting
        fields = ["id", "mode", "date", "facilitator", "businesses", "buyers", "outcome", "follow_ups", "mou_signed", "mou_value", "realised_value", "created_at"]
        read_only_fields = ["created_at"]

    def to_representation(self, meeting):
        data = super().to_representation(meeting)
        user = _user(self)
        data["businesses"] = list(Business.objects.visible_to(user).filter(matching_meetings=meeting).values_list("pk", flat=True))
        return data

    def _rows(self, model, ids, field):
        ids = list(dict.fromkeys(ids))
        rows = list(model.objects.visible_to(_user(self)).filter(pk__in=ids))
        if len(rows) != len(ids):
            missing = sorted(set(ids) - {row.pk for row in rows})
            raise serializers.ValidationError({field: [_("Not found: %(ids)s.") % {"ids": ", ".join(map(str, missing[:10]))}]})
        return rows

    def _save(self, validated_data, instance=None):
        businesses = self._rows(Business, validated_data.pop("businesses", None) or ([] if instance is None else list(instance.businesses.values_list("pk", flat=True))), "businesses")
        buyers = self._rows(Buyer, validated_data.pop("buyers", None) or ([] if instance is None else list(instance.buyers.values_list("pk", flat=True))), "buyers")
        return services.meeting_save(user=_user(self), data=validated_data, businesses=businesses, buyers=buyers, instance=instance)

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, meeting, validated_data):
        return self._save(validated_data, instance=meeting)


class NominationSerializer(serializers.ModelSerializer):
    business = VisibleBusinessField()
    buyer = VisibleBuyerField()

    class Meta:
        model = Nomination
        fields = ["id", "buyer", "business", "status", "meeting", "note", "created_at"]
        read_only_fields = ["status", "meeting", "created_at"]
        validators = []  # one nomination per buyer and business: the service says so in words

    def create(self, validated_data):
        return services.nomination_create(user=_user(self), buyer=validated_data["buyer"], business=validated_data["business"], note=validated_data.get("note", ""))


# --- viewsets --------------------------------------------------------------------------------------------


class BuyerViewSet(ScopedModelViewSet):
    """Foreign buyers and the products they want (ministry staff manage them; organisers read)."""

    queryset = Buyer.objects.prefetch_related("sectors")
    serializer_class = BuyerSerializer
    filterset_class = BuyerFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class CommitmentViewSet(ScopedModelViewSet):
    """Export commitments, scoped by the business's province (owners read their own)."""

    queryset = Commitment.objects.select_related("business__province")
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class MatchingMeetingViewSet(ScopedModelViewSet):
    """Business-matching meetings (ministry staff schedule and record; officers read those of their province)."""

    queryset = MatchingMeeting.objects.prefetch_related("buyers")
    serializer_class = MatchingMeetingSerializer
    filterset_class = MatchingMeetingFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class NominationViewSet(ScopedCreateReadViewSet):
    """Businesses nominated by officers for a buyer's request; ministry staff decline them
    (scheduling is a meeting: ``matching-meetings/`` with the businesses and the buyer)."""

    queryset = Nomination.objects.all()
    serializer_class = NominationSerializer
    filterset_class = NominationFilterSet
    policy_actions = {"decline": "decline"}

    @extend_schema(request=None, responses={200: NominationSerializer})
    @action(detail=True, methods=["post"], url_path="decline")
    def decline(self, request, pk=None):
        nomination = services.nomination_decline(user=request.user, nomination=self.get_object())
        return Response(NominationSerializer(nomination, context=self.get_serializer_context()).data)


def register(router):
    router.register("export-buyers", BuyerViewSet, basename="export-buyer")
    router.register("export-commitments", CommitmentViewSet, basename="export-commitment")
    router.register("matching-meetings", MatchingMeetingViewSet, basename="matching-meeting")
    router.register("buyer-nominations", NominationViewSet, basename="buyer-nomination")
