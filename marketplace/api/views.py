from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from programs.api.base import ScopedCreateReadViewSet, ScopedModelViewSet, ScopedReadOnlyModelViewSet

from .. import services
from ..filtersets import MarketplaceFilterSet, OnboardingFilterSet, PartnerReportFilterSet, SellerReviewFilterSet
from ..models import Marketplace, Onboarding, PartnerReport, SellerReview
from .serializers import (
    MarketplaceSerializer, OnboardingSalesSerializer, OnboardingSerializer, PartnerReportSerializer, PartnerReportUploadSerializer, SellerReviewSerializer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Onboardings per bulk request.
BULK_MAX = 1000


class MarketplaceViewSet(ScopedModelViewSet):
    """The marketplaces the programme works with (ministry staff manage them)."""

    queryset = Marketplace.objects.all()
    serializer_class = MarketplaceSerializer
    filterset_class = MarketplaceFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


def _errors(error):
    if isinstance(error, DjangoValidationError):
        return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    return {"business": [_("You may only record shops of businesses of your own province.")]}


class OnboardingViewSet(ScopedModelViewSet):
    """Businesses' shops on marketplaces, scoped by the business's province (owners: their own)."""

    queryset = Onboarding.objects.select_related("marketplace", "province")
    serializer_class = OnboardingSerializer
    filterset_class = OnboardingFilterSet
    policy_actions = {"bulk": "bulk", "confirm": "confirm", "sales": "change"}

    @extend_schema(
        request=inline_serializer("OnboardingBulk", {"onboardings": serializers.ListField(child=OnboardingSerializer(), min_length=1, max_length=BULK_MAX)}),
        # 200: every item taken; 207: some taken, some refused; 400: none taken (also answered per item).
        responses=dict.fromkeys((200, 207), inline_serializer("OnboardingBulkResult", {"results": serializers.ListField(child=serializers.DictField())})),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        """A partner's list of shops: each item adds the business's shop on the marketplace, or
        updates it when the business already has one there; each is answered on its own and
        written in its own transaction, so one refusal never undoes the others."""
        if not isinstance(request.data, dict) or not isinstance(request.data.get("onboardings"), list) or not request.data["onboardings"]:
            return Response({"onboardings": [_("Give a non-empty list of onboardings.")]}, status=400)
        items = request.data["onboardings"]
        if len(items) > BULK_MAX:
            return Response({"onboardings": [_("At most %(max)s items per request.") % {"max": BULK_MAX}]}, status=400)
        results = []
        context = self.get_serializer_context()
        for index, item in enumerate(items):
            probe = OnboardingSerializer(data=item if isinstance(item, dict) else {}, context=context)
            if not probe.is_valid():
                results.append({"index": index, "status": "error", "errors": probe.errors})
                continue
            data = probe.validated_data
            existing = Onboarding.objects.editable_by(request.user).filter(business=data["business"], marketplace=data["marketplace"]).first()
            serializer = OnboardingSerializer(existing, data=item, context=context) if existing else probe
            try:
                with transaction.atomic():
                    if existing is not None:
                        serializer.is_valid(raise_exception=True)
                    onboarding = serializer.save()
            except (DjangoValidationError, DjangoPermissionDenied) as error:
                results.append({"index": index, "status": "error", "errors": _errors(error)})
            except serializers.ValidationError as error:
                results.append({"index": index, "status": "error", "errors": error.detail})
            else:
                results.append({"index": index, "status": "updated" if existing else "created", "id": onboarding.pk})
        failed = sum(result["status"] == "error" for result in results)
        return Response({"results": results}, status=200 if not failed else 400 if failed == len(results) else 207)

    @extend_schema(request=None, responses={200: OnboardingSerializer})
    @action(detail=True, methods=["post"], url_path="confirm")
    def confirm(self, request, pk=None):
        """An officer checked a shop its owner added: it counts from now on."""
        onboarding = services.onboarding_confirm(user=request.user, onboarding=self.get_object())
        return Response(OnboardingSerializer(onboarding, context=self.get_serializer_context()).data)

    @extend_schema(request=OnboardingSalesSerializer, responses={200: OnboardingSalesSerializer})
    @action(detail=True, methods=["post"], url_path="sales")
    def sales(self, request, pk=None):
        """The shop's sales in a month (a month already reported is corrected, not doubled)."""
        onboarding = self.get_object()
        serializer = OnboardingSalesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sales = services.sales_save(user=request.user, onboarding=onboarding, **serializer.validated_data)
        return Response(OnboardingSalesSerializer(sales).data)


class PartnerReportViewSet(ScopedCreateReadViewSet):
    """Partners' reports of onboarded sellers and what became of them. A report is uploaded
    (multipart: ``marketplace``, ``month``, ``file``) as on the upload page and checked by a
    job: the answer is 202 with the report, whose ``url`` tells its status until it is final."""

    queryset = PartnerReport.objects.select_related("marketplace", "province")
    serializer_class = PartnerReportSerializer
    filterset_class = PartnerReportFilterSet
    policy_actions = {"error_report": "view"}

    def get_serializer_class(self):
        return PartnerReportUploadSerializer if self.action == "create" else PartnerReportSerializer

    @extend_schema(request=PartnerReportUploadSerializer, responses={202: PartnerReportSerializer})
    def create(self, request, *args, **kwargs):
        upload = self.get_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        self.perform_create(upload)
        body = PartnerReportSerializer(upload.instance, context=self.get_serializer_context()).data
        return Response(body, status=202, headers={"Location": body["url"]})

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        if record.is_active:
            record.refresh_status()  # failed if its worker died, sent again if the broker refused it (as the page does)
        return Response(self.get_serializer(record).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="error-report")
    def error_report(self, request, pk=None):
        """The XLSX of a rejected report's rows to correct, each with what is wrong."""
        record = self.get_object()
        if not record.error_report:
            raise NotFound(_("This report has no rows to correct."))
        return FileResponse(record.error_report.open("rb"), as_attachment=True, filename=f"kesalahan-laporan-mitra-{record.pk}.xlsx", content_type=XLSX)


class SellerReviewViewSet(ScopedReadOnlyModelViewSet):
    """The confirm queue: report rows that matched no business, or more than one."""

    queryset = SellerReview.objects.select_related("marketplace", "province", "regency")
    serializer_class = SellerReviewSerializer
    filterset_class = SellerReviewFilterSet
