import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from programs.api.base import ScopedModelViewSet
from programs.roles import Role, province_id_of, role_of

from ..filtersets import SurveyResponseFilterSet, SurveyWaveFilterSet
from ..models import SurveyResponse, SurveyWave
from ..services import ANSWER_FIELDS, EntryRefused, responses_check, responses_write, wave_entry_check
from ..validation import CheckResult
from .serializers import SurveyResponseBulkItemSerializer, SurveyResponseSerializer, SurveyWaveSerializer

BULK_MAX = 1000


class SurveyWaveViewSet(ScopedModelViewSet):
    """Survey waves by code. Ministry staff run national waves; officers their own province's."""

    queryset = SurveyWave.objects.select_related("province")
    serializer_class = SurveyWaveSerializer
    filterset_class = SurveyWaveFilterSet
    lookup_field = "code"

    def perform_create(self, serializer):
        self._save_in_scope(serializer, created_by=self.request.user)


class SurveyResponseViewSet(ScopedModelViewSet):
    """Survey responses, scoped by province. ``POST`` with a wave and business that already
    have a response updates it (no duplicates). ``bulk/`` takes a list and answers per item."""

    queryset = SurveyResponse.objects.select_related("wave", "business", "province", "regency", "sector")
    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilterSet
    ordering_fields = ["updated_at", "turnover_before", "turnover_after"]
    policy_actions = {"bulk": "add"}

    def perform_destroy(self, instance):
        from ..services import response_delete

        response_delete(user=self.request.user, response=instance)

    @extend_schema(responses={201: SurveyResponseSerializer, 200: SurveyResponseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        existed = SurveyResponse.objects.filter(wave=serializer.validated_data["wave"], business=serializer.validated_data["business"]).exists()
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer("SurveyResponseBulk", {
            "wave": serializers.CharField(),
            "responses": serializers.ListField(child=SurveyResponseBulkItemSerializer(), min_length=1, max_length=BULK_MAX),
        }),
        # 200: every item written; 207: some written, some refused; 400: none written.
        responses=dict.fromkeys((200, 207), inline_serializer("SurveyResponseBulkResult", {"results": serializers.ListField(child=serializers.DictField())})),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        """Write many responses to one wave; each item is answered (created, updated or its errors).
        Items are identified by ``business`` (id) or ``nib``. Valid items are written even when others fail."""
        if not isinstance(request.data, dict):
            return Response({"non_field_errors": [_("Send an object with “wave” and “responses”.")]}, status=400)
        code = request.data.get("wave")
        wave = SurveyWave.objects.visible_to(request.user).filter(code=code).first() if isinstance(code, str) else None
        if wave is None:
            return Response({"wave": [_("No survey wave with this code is open to you.")]}, status=400)
        items = request.data.get("responses")
        if not isinstance(items, list) or not items:
            return Response({"responses": [_("Give a non-empty list of responses.")]}, status=400)
        if len(items) > BULK_MAX:
            return Response({"responses": [_("At most %(max)s responses per request.") % {"max": BULK_MAX}]}, status=400)
        try:
            wave_entry_check(wave=wave, user=request.user)
        except EntryRefused as refused:
            return Response({"wave": [str(refused)]}, status=400)
        rows = []
        for item in items:
            item = item if isinstance(item, dict) else {}
            row = {field: item.get(field) for field in ANSWER_FIELDS}
            row["business_id"] = item.get("business")
            row["nib"] = item.get("nib")
            rows.append(row)
        frame = pd.DataFrame(rows, index=range(len(rows)))
        result = responses_check(frame, wave=wave, user=request.user, allow_new_businesses=False)
        errors = {}
        for row, column, message in result.errors:
            errors.setdefault(row, {}).setdefault(column or "non_field_errors", []).append(str(message))
        valid = [row for row in frame.index if row not in errors]
        answers = [{"index": index, "status": "error", "errors": errors[index]} for index in sorted(errors)]
        if valid:
            existing = set(
                SurveyResponse.objects.filter(wave=wave, business_id__in=[int(result.frame.at[row, "business_id"]) for row in valid]).values_list("business_id", flat=True)
            )
            subset = CheckResult(frame=result.frame.loc[valid].copy(), errors=[], warnings=result.warnings.loc[valid])
            from ..signals import responses_changed

            with transaction.atomic():
                responses_write(subset, wave=wave, user=request.user, channel="api", reason="api bulk")
                responses_changed(wave=wave, province_ids=[province_id_of(request.user)] if role_of(request.user) == Role.OFFICER else None)
            ids = dict(SurveyResponse.objects.filter(wave=wave, business_id__in=[int(subset.frame.at[row, "business_id"]) for row in valid]).values_list("business_id", "id"))
            for row in valid:
                business_id = int(subset.frame.at[row, "business_id"])
                answers.append({"index": row, "status": "updated" if business_id in existing else "created", "id": ids[business_id], "warnings": list(subset.warnings[row])})
        answers.sort(key=lambda answer: answer["index"])
        return Response({"results": answers}, status=200 if not errors else 207 if valid else 400)
