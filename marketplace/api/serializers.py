from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.reverse import reverse

from programs.models import Business, Event

from .. import imports, services
from ..forms import UploadForm
from ..models import MONEY_LIMIT, Marketplace, Onboarding, PartnerReport, SellerReview


def _user(serializer):
    return serializer.context["request"].user


class MarketplaceField(serializers.SlugRelatedField):
    """A marketplace named by its code; an unknown code is a message listing the known ones."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Marketplace.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return services.marketplace_by_code(data)
        except Exception as error:  # a Django ValidationError with the list of codes
            messages = getattr(error, "message_dict", {}).get("marketplace") or [str(error)]
            raise serializers.ValidationError(messages) from None


class MarketplaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Marketplace
        fields = ["id", "name", "code", "url", "active"]
        # Uniqueness is checked by the service (with its own message).
        validators = []
        extra_kwargs = {"name": {"validators": []}, "code": {"validators": []}}

    def create(self, validated_data):
        return services.marketplace_save(user=_user(self), data=validated_data)

    def update(self, marketplace, validated_data):
        return services.marketplace_save(user=_user(self), data=validated_data, instance=marketplace)


class OnboardingSerializer(serializers.ModelSerializer):
    """A business's shop on a marketplace. ``business`` is the registry's id; the marketplace
    is named by its code, the province (the business's) by its Kemendagri code."""

    business = serializers.PrimaryKeyRelatedField(queryset=Business.objects.all())
    marketplace = MarketplaceField()
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), allow_null=True, required=False)
    products_listed = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    source = serializers.ChoiceField(choices=Onboarding.Source.choices, required=False)

    class Meta:
        model = Onboarding
        fields = [
            "id", "business", "marketplace", "province", "shop_name", "shop_url", "onboarded", "source", "event", "status",
            "products_listed", "confirmed", "seller_id", "created_at", "updated_at",
        ]
        read_only_fields = ["confirmed", "seller_id", "created_at", "updated_at"]
        validators = []  # one shop per business and marketplace: the service says so in words

    def validate_business(self, business):
        if not Business.objects.visible_to(_user(self)).filter(pk=business.pk).exists():
            raise serializers.ValidationError(serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=business.pk))
        return business

    def _onboarding_fields(self, validated_data):
        return {name: validated_data[name] for name in services.ONBOARDING_FIELDS if name in validated_data}

    def create(self, validated_data):
        data = {"source": Onboarding.Source.PARTNER, **self._onboarding_fields(validated_data)}
        return services.onboarding_save(user=_user(self), business=validated_data["business"], marketplace=validated_data["marketplace"], data=data)

    def update(self, onboarding, validated_data):
        return services.onboarding_save(
            user=_user(self), business=validated_data.get("business", onboarding.business), marketplace=validated_data.get("marketplace", onboarding.marketplace),
            data=self._onboarding_fields(validated_data), instance=onboarding,
        )


class OnboardingSalesSerializer(serializers.Serializer):
    month = serializers.DateField(help_text=_("Any day of the month."))
    value = serializers.IntegerField(min_value=0, max_value=MONEY_LIMIT)


class PartnerReportSerializer(serializers.ModelSerializer):
    """An uploaded report and what became of it: ``status`` queued → running → done (every
    row applied or queued for an officer), rejected (nothing written; ``errors`` and the
    ``error_report`` XLSX of the rows to correct) or failed (``message`` says why)."""

    marketplace = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text=_("This report's status: read it again until the status is final."))
    error_report = serializers.SerializerMethodField(help_text=_("The XLSX of the rows to correct, once the report is rejected."))

    class Meta:
        model = PartnerReport
        fields = [
            "id", "url", "marketplace", "month", "province", "original_name", "status", "message", "rows_total", "rows_done", "rows_matched",
            "rows_created", "rows_updated", "rows_queued", "rows_skipped", "error_count", "errors", "error_report", "created_at", "finished_at",
        ]

    def get_url(self, record) -> str:
        return reverse("partner-report-detail", args=[record.pk], request=self.context.get("request"))

    def get_error_report(self, record) -> str | None:
        if not record.error_report:
            return None
        return reverse("partner-report-error-report", args=[record.pk], request=self.context.get("request"))


class PartnerReportUploadSerializer(serializers.Serializer):
    """A partner's list of onboarded sellers for a month (multipart): checked like the upload
    page's form, then queued; the rows are checked by the job, all or nothing."""

    marketplace = MarketplaceField(help_text=_("The marketplace's code, e.g. tokopedia."))
    month = serializers.CharField(max_length=10, help_text=_("The month reported: 2020-07 (or 07-2020)."))
    file = serializers.FileField(help_text=_("The report: the .xlsx template or a CSV file."))

    def validate(self, attrs):
        form = UploadForm({"marketplace": attrs["marketplace"].pk, "month": attrs["month"]}, {"file": attrs["file"]})
        if not form.is_valid():
            raise serializers.ValidationError({field: list(messages) for field, messages in form.errors.items()})
        return form.cleaned_data

    def create(self, validated_data):
        return imports.import_start(user=_user(self), marketplace=validated_data["marketplace"], month=validated_data["month"], uploaded_file=validated_data["file"])


class SellerReviewSerializer(serializers.ModelSerializer):
    marketplace = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    regency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = SellerReview
        fields = [
            "id", "report", "marketplace", "row", "province", "regency", "seller_id", "name", "nib", "shop_name", "shop_url", "onboarded",
            "status", "products_listed", "reason", "candidates", "state", "business", "decided_at",
        ]
