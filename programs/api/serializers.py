from rest_framework import serializers

from ..models import Business, Province


class ProvinceSerializer(serializers.ModelSerializer):
    parent_2020 = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Province
        fields = ["code", "name", "iso_code", "bps_code", "timezone", "parent_2020"]


class BusinessSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all())

    class Meta:
        model = Business
        fields = ["id", "name", "province", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
