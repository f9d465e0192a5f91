"""``/api/v1/events/``: events (read by anyone within scope, written by their organisers),
their registrations, and registering or cancelling a business."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from .. import events
from ..filtersets import EventFilterSet
from ..forms import EventForm
from ..models import Business, Event, Organisation, Province, Regency, Registration, Sector
from ..regions import TIME_ZONE_CHOICES
from .base import ScopedModelViewSet


class EventSerializer(serializers.ModelSerializer):
    """An event. Times are ISO 8601 with their offset; the meeting link only for organisers
    and confirmed participants."""

    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(), allow_null=True, required=False)
    regency = serializers.SlugRelatedField(slug_field="code", queryset=Regency.objects.all(), allow_null=True, required=False)
    organiser_province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    eligible_sectors = serializers.SlugRelatedField(slug_field="slug", queryset=Sector.objects.all(), many=True, required=False)
    eligible_provinces = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(), many=True, required=False)
    partners = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all(), many=True, required=False)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Event.Topic.choices), required=False)
    eligible_scales = serializers.ListField(child=serializers.ChoiceField(choices=["micro", "small", "medium"]), required=False)
    seats_left = serializers.IntegerField(read_only=True)
    timezone = serializers.ChoiceField(choices=TIME_ZONE_CHOICES, required=False)
    # Null when the caller may not see it (only organisers and confirmed participants may).
    meeting_link = serializers.URLField(max_length=200, required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id", "title", "kind", "topics", "description", "organiser_province", "province", "regency", "mode", "venue",
            "meeting_link", "starts_at", "ends_at", "timezone", "capacity", "seats_taken", "seats_left",
            "registration_opens", "registration_closes", "eligible_sectors", "eligible_provinces", "eligible_scales",
            "partners", "status",
        ]
        read_only_fields = ["seats_taken"]

    def to_representation(self, event):
        data = super().to_representation(event)
        if not self.context.get("show_links", {}).get(event.pk, False):
            data["meeting_link"] = None
        return data

    def validate(self, attrs):
        # The same checks as the page form (dates in order, venue and link by mode, capacity).
        instance = self.instance or Event()
        form_data = {**{name: getattr(instance, name) for name in ("title", "kind", "mode", "venue", "meeting_link", "timezone", "capacity", "status", "description")}, **attrs}
        for name in ("starts_at", "ends_at", "registration_opens", "registration_closes"):
            form_data[name] = attrs.get(name, getattr(instance, name, None))
        for name in ("province", "regency"):
            value = attrs.get(name, getattr(instance, name, None) if instance.pk else None)
            form_data[name] = value.pk if value else None
        for name in ("eligible_sectors", "eligible_provinces", "partners"):
            form_data[name] = [item.pk for item in attrs.get(name, getattr(instance, name).all() if instance.pk else [])]
        form_data["topics"] = attrs.get("topics", instance.topics)
        form_data["eligible_scales"] = attrs.get("eligible_scales", instance.eligible_scales)
        form = EventForm(data=form_data, instance=instance if instance.pk else None, wall_clock_times=False)
        if not form.is_valid():
            raise ValidationError({field: [str(error) for error in errors] for field, errors in form.errors.items()})
        self.context["form"] = form
        return attrs


class RegistrationSerializer(serializers.ModelSerializer):
    business = serializers.PrimaryKeyRelatedField(read_only=True)
    business_name = serializers.CharField(source="business.name", read_only=True)
    nib = serializers.CharField(source="business.nib", read_only=True, allow_null=True)
    waiting_position = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = ["id", "event", "business", "business_name", "nib", "status", "waiting_position", "attended", "created_at", "cancelled_at"]

    def get_waiting_position(self, registration) -> int | None:
        return events.waiting_rank(registration)


class EventRegisterSerializer(serializers.Serializer):
    """The body of ``register``: which of the caller's businesses."""

    business = serializers.IntegerField()


class EventCancelRegistrationSerializer(EventRegisterSerializer):
    """The body of ``cancel``: whose registration."""


def _business_id(request, serializer_class):
    """The ``business`` of the request's body, or a 400 with field errors."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["business"]


class EventViewSet(ScopedModelViewSet):
    """Events. Anyone reads published ones; organisers (ministry staff for national events,
    officers for their province's) create and change theirs. ``register`` and ``cancel``
    work for the caller's own businesses."""

    queryset = Event.objects.select_related("province", "regency", "organiser_province").prefetch_related("eligible_sectors", "eligible_provinces", "partners")
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    ordering_fields = ["starts_at"]

    # ``cancel`` here cancels a registration of the caller's business, not the event: those who
    # may register may cancel; the service checks whose business it is.
    policy_actions = {"register": "register", "cancel": "register", "registrations": "view"}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        editable = set(Event.objects.editable_by(user).values_list("pk", flat=True)) if user.is_authenticated and self.action != "list" else set()
        confirmed = set()
        if user.is_authenticated:
            confirmed = set(Registration.objects.filter(business__owner=user, status=Registration.Status.CONFIRMED).values_list("event_id", flat=True))
            if self.action == "list":
                editable = set(Event.objects.editable_by(user).values_list("pk", flat=True)[:5000])
        context["show_links"] = {pk: True for pk in editable | confirmed}
        return context

    def _save(self, serializer):
        form = serializer.context["form"]
        try:
            event = events.event_save(user=self.request.user, form=form)
        except DjangoValidationError:
            raise ValidationError({field: [str(error) for error in errors] for field, errors in form.errors.items()}) from None
        except DjangoPermissionDenied as denied:
            raise PermissionDenied(str(denied)) from None
        serializer.instance = event

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def perform_destroy(self, instance):
        if instance.registrations.exists():
            raise ValidationError({"detail": _("An event with registrations cannot be deleted; cancel it instead.")})
        instance.delete()

    @extend_schema(responses=RegistrationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def registrations(self, request, pk=None):
        """Registrations of the event the caller may see (organisers: all; owners: their own)."""
        event = self.get_object()
        queryset = Registration.objects.visible_to(request.user).filter(event=event).active().select_related("business").order_by("status", "waiting_number", "pk")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)

    @extend_schema(request=EventRegisterSerializer, responses={201: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Register one of the caller's businesses: ``confirmed`` while seats remain, else ``waiting``."""
        event = self.get_object()
        business = Business.objects.filter(pk=_business_id(request, EventRegisterSerializer)).first()
        if business is None or not events.registrable_businesses(request.user).filter(pk=business.pk).exists():
            raise ValidationError({"business": [_("Choose one of your own businesses.")]})
        try:
            registration = events.register(user=request.user, event_id=event.pk, business=business)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}) from None
        except DjangoPermissionDenied as denied:
            raise PermissionDenied(str(denied)) from None
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EventCancelRegistrationSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the registration of one of the caller's businesses (or, for organisers, any)."""
        event = self.get_object()
        business_id = _business_id(request, EventCancelRegistrationSerializer)
        registration = Registration.objects.editable_by(request.user).filter(event=event, business_id=business_id).active().first()
        if registration is None:
            raise ValidationError({"business": [_("This business has no registration for this event that you may cancel.")]})
        try:
            registration = events.cancel_registration(user=request.user, registration_id=registration.pk)
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from None
        return Response(RegistrationSerializer(registration).data)
