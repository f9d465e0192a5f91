from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from programs.api.base import ScopedCreateReadViewSet, ScopedModelViewSet, ScopedReadOnlyModelViewSet

from .. import services
from ..filtersets import ActivityFilterSet, AllocationFilterSet, IndicatorFilterSet, OutputReportFilterSet, RealisationFilterSet, RevisionFilterSet, WithdrawalPlanFilterSet
from ..models import Activity, Allocation, Indicator, OutputReport, Realisation, Revision, WithdrawalPlan
from .serializers import (
    ActivitySerializer, AllocationSerializer, IndicatorSerializer, OutputReportSerializer, RealisationSerializer, RevisionSerializer, WithdrawalPlanSerializer,
)

#: Realisation entries per bulk request.
BULK_MAX = 1000


class AllocationViewSet(ScopedModelViewSet):
    """Deconcentration allocations per province and fiscal year (ministry staff own them;
    the ceiling changes only through revisions, so a change corrects the satker only)."""

    queryset = Allocation.objects.select_related("province")
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilterSet


class RevisionViewSet(ScopedCreateReadViewSet):
    """Revisions of allocations, kept as versions: added, never changed."""

    queryset = Revision.objects.select_related("allocation")
    serializer_class = RevisionSerializer
    filterset_class = RevisionFilterSet


class ActivityViewSet(ScopedModelViewSet):
    """Activities of an allocation, entered by the province's officers."""

    queryset = Activity.objects.select_related("allocation__province", "regency").prefetch_related("partners", "events", "beneficiaries")
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet

    def perform_destroy(self, instance):
        services.activity_delete(user=self.request.user, activity=instance)


class RealisationViewSet(ScopedCreateReadViewSet):
    """Spending entries (one payment order each). Sending the same entry again changes
    nothing (200 with the existing entry); the same payment number with other figures is a 400."""

    queryset = Realisation.objects.select_related("allocation")
    serializer_class = RealisationSerializer
    filterset_class = RealisationFilterSet
    policy_actions = {"bulk": "add"}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_201_CREATED if serializer.created else status.HTTP_200_OK)

    @extend_schema(
        request=inline_serializer("RealisationBulk", {"realisations": serializers.ListField(child=RealisationSerializer(), min_length=1, max_length=BULK_MAX)}),
        # 200: every item taken; 207: some taken, some refused; 400: none taken (also answered per item).
        responses=dict.fromkeys((200, 207), inline_serializer("RealisationBulkResult", {"results": serializers.ListField(child=serializers.DictField())})),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        """Record many entries; each is answered on its own (created, unchanged or its errors)
        and written in its own transaction, so one refusal never undoes the others."""
        if not isinstance(request.data, dict) or not isinstance(request.data.get("realisations"), list) or not request.data["realisations"]:
            return Response({"realisations": [_("Give a non-empty list of realisations.")]}, status=400)
        items = request.data["realisations"]
        if len(items) > BULK_MAX:
            return Response({"realisations": [_("At most %(max)s entries per request.") % {"max": BULK_MAX}]}, status=400)
        results = []
        for index, item in enumerate(items):
            serializer = RealisationSerializer(data=item if isinstance(item, dict) else {}, context=self.get_serializer_context())
            if not serializer.is_valid():
                results.append({"index": index, "status": "error", "errors": serializer.errors})
                continue
            try:
                realisation = serializer.save()
            except DjangoValidationError as error:
                results.append({"index": index, "status": "error", "errors": error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}})
            except DjangoPermissionDenied:
                results.append({"index": index, "status": "error", "errors": {"activity": [_("You may only record data for your own province.")]}})
            else:
                results.append({"index": index, "status": "created" if serializer.created else "unchanged", "id": realisation.pk})
        failed = sum(result["status"] == "error" for result in results)
        return Response({"results": results}, status=200 if not failed else 400 if failed == len(results) else 207)


class IndicatorViewSet(ScopedReadOnlyModelViewSet):
    """IKPA-style indicators per province and month (cumulative), refreshed by the worker
    after budget writes and hourly: absorption, withdrawal-plan deviation, revisions in the
    quarter, output achievement and the weighted score."""

    queryset = Indicator.objects.select_related("province")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet


class WithdrawalPlanViewSet(ScopedCreateReadViewSet):
    """Monthly withdrawal plans (RPD), one version per revision; the newest is the plan."""

    queryset = WithdrawalPlan.objects.select_related("allocation")
    serializer_class = WithdrawalPlanSerializer
    filterset_class = WithdrawalPlanFilterSet


class OutputReportViewSet(ScopedCreateReadViewSet):
    """Monthly output reports of activities (masks made, participants trained, …)."""

    queryset = OutputReport.objects.select_related("activity")
    serializer_class = OutputReportSerializer
    filterset_class = OutputReportFilterSet
