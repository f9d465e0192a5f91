from rest_framework import serializers

from programs.models import Business, Event, Organisation, Province, Regency

from .. import services
from ..models import MONEY_LIMIT, Activity, Allocation, Indicator, OutputReport, Realisation, Revision, WithdrawalPlan


def _user(serializer):
    return serializer.context["request"].user


class AllocationSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all())
    available = serializers.IntegerField(read_only=True)
    absorption = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Allocation
        fields = [
            "id", "year", "province", "satker_code", "satker_name", "original_ceiling", "ceiling", "blocked", "available",
            "planned", "realised", "absorption", "updated_at",
        ]
        read_only_fields = ["ceiling", "blocked", "planned", "realised", "updated_at"]
        # The pair is checked by the service (with a message naming the province and year).
        validators = []

    def create(self, validated_data):
        return services.allocation_create(
            user=_user(self), year=validated_data["year"], province=validated_data["province"], satker_code=validated_data["satker_code"],
            satker_name=validated_data["satker_name"], ceiling=validated_data["original_ceiling"],
        )

    def update(self, allocation, validated_data):
        # Figures change only through revisions; the satker's name and code may be corrected.
        for name in ("satker_code", "satker_name"):
            if name in validated_data:
                setattr(allocation, name, validated_data[name])
        allocation._history_user = _user(self)
        allocation.full_clean(validate_constraints=False, validate_unique=False)
        allocation.save(update_fields=["satker_code", "satker_name", "updated_at"])
        return allocation


class RevisionSerializer(serializers.ModelSerializer):
    allocation = serializers.PrimaryKeyRelatedField(queryset=Allocation.objects.all())

    class Meta:
        model = Revision
        fields = ["id", "allocation", "number", "date", "kind", "reason", "document", "ceiling", "blocked", "created_at"]
        read_only_fields = ["number", "created_at"]
        validators = []

    def create(self, validated_data):
        return services.revision_add(user=_user(self), **validated_data)


class ActivitySerializer(serializers.ModelSerializer):
    allocation = serializers.PrimaryKeyRelatedField(queryset=Allocation.objects.all())
    regency = serializers.SlugRelatedField(slug_field="code", queryset=Regency.objects.all(), allow_null=True, required=False)
    partners = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all(), many=True, required=False)
    events = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), many=True, required=False)
    beneficiaries = serializers.PrimaryKeyRelatedField(queryset=Business.objects.all(), many=True, required=False)
    budget = serializers.IntegerField(min_value=0, max_value=MONEY_LIMIT)

    class Meta:
        model = Activity
        fields = [
            "id", "allocation", "kind", "name", "output", "unit", "target", "regency", "mode", "planned_start", "planned_end",
            "actual_start", "actual_end", "status", "status_reason", "budget", "realised", "partners", "events", "beneficiaries",
            "updated_at",
        ]
        read_only_fields = ["realised", "updated_at"]

    def validate(self, attrs):
        # Events and beneficiaries must be ones the user may see (the one door).
        user = _user(self)
        for name, model in (("events", Event), ("beneficiaries", Business)):
            chosen = attrs.get(name) or []
            visible = set(model.objects.visible_to(user).filter(pk__in=[item.pk for item in chosen]).values_list("pk", flat=True))
            if any(item.pk not in visible for item in chosen):
                raise serializers.ValidationError({name: serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value="?")})
        return attrs

    def create(self, validated_data):
        return self._save(Activity(), validated_data)

    def update(self, activity, validated_data):
        return self._save(activity, validated_data)

    def _save(self, activity, validated_data):
        related = {name: validated_data.pop(name) for name in ("partners", "events", "beneficiaries") if name in validated_data}
        for name, value in validated_data.items():
            setattr(activity, name, value)
        return services.activity_save(user=_user(self), activity=activity, **related)


class RealisationSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    allocation = serializers.PrimaryKeyRelatedField(read_only=True)
    amount = serializers.IntegerField(min_value=1, max_value=MONEY_LIMIT)

    class Meta:
        model = Realisation
        fields = ["id", "allocation", "activity", "payment_number", "date", "amount", "account", "description", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # the service answers a repeated payment number (same entry: nothing changes)

    def validate_activity(self, activity):
        if not Activity.objects.visible_to(_user(self)).filter(pk=activity.pk).exists():
            raise serializers.ValidationError(serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=activity.pk))
        return activity

    def create(self, validated_data):
        realisation, created = services.realisation_add(user=_user(self), **validated_data)
        self.created = created
        return realisation


class IndicatorSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "year", "province", "month", "ceiling", "realised", "planned", "absorption", "rpd_deviation",
            "revisions_in_quarter", "output_achievement", "score", "computed_at",
        ]


class WithdrawalPlanSerializer(serializers.ModelSerializer):
    """A new version of an allocation's monthly withdrawal plan (RPD): 12 whole-rupiah amounts."""

    allocation = serializers.PrimaryKeyRelatedField(queryset=Allocation.objects.all())
    months = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=MONEY_LIMIT), min_length=12, max_length=12)

    class Meta:
        model = WithdrawalPlan
        fields = ["id", "allocation", "version", "months", "created_at"]
        read_only_fields = ["version", "created_at"]
        validators = []

    def validate_allocation(self, allocation):
        if not Allocation.objects.visible_to(_user(self)).filter(pk=allocation.pk).exists():
            raise serializers.ValidationError(serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=allocation.pk))
        return allocation

    def create(self, validated_data):
        return services.plan_save(user=_user(self), allocation=validated_data["allocation"], months=validated_data["months"])


class OutputReportSerializer(serializers.ModelSerializer):
    """What an activity produced in one month (``month`` is any day of it; a month already
    reported is corrected, not added twice)."""

    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    volume = serializers.IntegerField(min_value=0, max_value=100_000_000)

    class Meta:
        model = OutputReport
        fields = ["id", "activity", "month", "volume", "evidence", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []

    def validate_activity(self, activity):
        if not Activity.objects.visible_to(_user(self)).filter(pk=activity.pk).exists():
            raise serializers.ValidationError(serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=activity.pk))
        return activity

    def create(self, validated_data):
        return services.output_report_save(user=_user(self), **validated_data)
