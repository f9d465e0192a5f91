from django.utils.translation import gettext as _
from rest_framework import serializers

from programs.models import Province
from programs.roles import Role, province_id_of, role_of

from ..choices import Need, OperatingStatus, Problem
from ..models import SurveyResponse, SurveyWave
from ..services import ANSWER_FIELDS


class SurveyWaveSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(), allow_null=True, required=False)

    class Meta:
        model = SurveyWave
        fields = ["code", "title", "province", "baseline_month", "reported_month", "opens_on", "closes_on", "status"]

    def validate(self, attrs):
        user = self.context["request"].user
        province = attrs.get("province", getattr(self.instance, "province", None))
        role = role_of(user)
        if role == Role.OFFICER and (province is None or province.pk != province_id_of(user)):
            raise serializers.ValidationError({"province": _("Officers run survey waves for their own province only.")})
        if role == Role.MINISTRY_STAFF and province is not None:
            raise serializers.ValidationError({"province": _("Ministry staff run national waves; leave the province empty.")})
        for name in ("baseline_month", "reported_month"):
            if attrs.get(name):
                attrs[name] = attrs[name].replace(day=1)
        return attrs

    def create(self, validated_data):
        return self._save(SurveyWave(), validated_data)

    def update(self, wave, validated_data):
        return self._save(wave, validated_data)

    def _save(self, wave, validated_data):
        from ..services import wave_save

        for name, value in validated_data.items():
            setattr(wave, name, value)
        return wave_save(user=self.context["request"].user, wave=wave)


class SurveyResponseSerializer(serializers.ModelSerializer):
    """One business's answers to one wave. Sending the same wave and business again updates it."""

    wave = serializers.SlugRelatedField(slug_field="code", queryset=SurveyWave.objects.all())
    nib = serializers.CharField(source="business.nib", read_only=True, allow_null=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    regency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    operating_status = serializers.ChoiceField(choices=OperatingStatus.choices)
    problems = serializers.ListField(child=serializers.ChoiceField(choices=Problem.choices), required=False)
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Need.choices), required=False)
    confirm_warnings = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = SurveyResponse
        fields = [
            "id", "wave", "business", "nib", "province", "regency", "sector", "scale",
            "turnover_before", "turnover_after", "capacity_before", "capacity_after", "workers_before", "workers_after",
            "workers_furloughed", "workers_laid_off", "operating_status", "problems", "needs", "diversified",
            "diversification_product", "export_postponed_value", "export_postponed_country", "notes",
            "status", "warnings", "warnings_confirmed", "confirm_warnings", "channel", "created_at", "updated_at",
        ]
        read_only_fields = ["scale", "status", "warnings", "warnings_confirmed", "channel", "created_at", "updated_at"]
        validators = []  # one response per wave and business: re-sending updates (see the service)

    def create(self, validated_data):
        from ..services import response_save

        return response_save(
            user=self.context["request"].user, wave=validated_data["wave"], business=validated_data["business"],
            data=validated_data, channel="api", confirm_warnings=validated_data.get("confirm_warnings", False),
        )

    def update(self, response, validated_data):
        from ..services import ANSWER_FIELDS, response_save

        data = {field: getattr(response, field) for field in ANSWER_FIELDS}
        data.update(validated_data)
        return response_save(
            user=self.context["request"].user, wave=response.wave, business=response.business, data=data,
            channel="api", confirm_warnings=validated_data.get("confirm_warnings", False),
        )


class SurveyResponseBulkItemSerializer(SurveyResponseSerializer):
    """One item of ``survey-responses/bulk/`` (described in the schema; the items are checked
    by the rules uploads use, which also read amounts written as ``"Rp 25.000.000"``): the
    business by its ``business`` id or its ``nib``, and its answers."""

    business = serializers.IntegerField(required=False)
    nib = serializers.CharField(required=False, min_length=13, max_length=13)

    class Meta(SurveyResponseSerializer.Meta):
        fields = ["business", "nib", *ANSWER_FIELDS]
