from rest_framework import serializers

from ..models import Business, Organisation, Province, Regency, Sector
from ..selectors import businesses_with_personal_data, can_see_personal_data
from ..services import business_save

PERSONAL_FIELDS = ("nik", "phone", "email")


class ProvinceSerializer(serializers.ModelSerializer):
    parent_2020 = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Province
        fields = ["code", "name", "iso_code", "bps_code", "timezone", "parent_2020"]


class RegencySerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Regency
        fields = ["code", "name", "kind", "province", "code_2021", "bps_code"]


class SectorSerializer(serializers.ModelSerializer):
    kbli_divisions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Sector
        fields = ["slug", "name", "name_en", "kbli_divisions"]


class OrganisationSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "province", "website"]


class BusinessSerializer(serializers.ModelSerializer):
    """A business. ``nik``, ``phone`` and ``email`` are left out for users who may not see
    personal data (UU PDP 27/2022). ``province`` and ``scale`` follow from ``regency`` and from
    ``workforce`` + ``investment``."""

    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    regency = serializers.SlugRelatedField(slug_field="code", queryset=Regency.objects.all())
    sector = serializers.SlugRelatedField(slug_field="slug", queryset=Sector.objects.all())
    export_destinations = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    has_owner_account = serializers.SerializerMethodField()

    class Meta:
        model = Business
        fields = [
            "id", "name", "nib", "owner_name", "nik", "phone", "email", "address", "province", "regency",
            "sector", "kbli_code", "scale", "workforce", "investment", "year_founded", "main_products",
            "is_exporter", "export_destinations", "status", "has_owner_account", "created_at", "updated_at",
        ]
        read_only_fields = ["scale", "created_at", "updated_at"]

    def get_has_owner_account(self, business) -> bool:
        return business.owner_id is not None

    def to_representation(self, business):
        data = super().to_representation(business)
        request = self.context.get("request")
        if request is not None and not self._shows_personal_data(request.user, business):
            for field in PERSONAL_FIELDS:
                data.pop(field, None)
        return data

    def _shows_personal_data(self, user, business):
        # A list asks the policy once for its whole page, not once per row.
        page = self.parent if isinstance(self.parent, serializers.ListSerializer) else None
        if page is None or not isinstance(page.instance, (list, tuple)):
            return can_see_personal_data(user, business)
        if not hasattr(page, "_personal_ids"):
            page._personal_ids = businesses_with_personal_data(user, [item.pk for item in page.instance])
        return business.pk in page._personal_ids

    def create(self, validated_data):
        return business_save(user=self.context["request"].user, data=validated_data)

    def update(self, business, validated_data):
        return business_save(user=self.context["request"].user, data=validated_data, instance=business)
