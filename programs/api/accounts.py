"""``/api/v1/accounts/``: the same account operations as the pages, for ministry admins
(officers read who else works for their province)."""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .. import accounts
from ..filtersets import AccountFilterSet
from ..models import Profile, Province
from ..roles import Role
from .base import ScopedModelViewSet


class AccountRoleField(serializers.ChoiceField):
    """The account's role, read from its groups; written as a role name (the service says
    which an admin may give)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Role.choices, **kwargs)

    def get_attribute(self, profile):
        return accounts.account_snapshot(profile.user)["role"]


class AccountSerializer(serializers.ModelSerializer):
    """An account. ``email`` and ``full_name`` are given once, when inviting; ``role``,
    ``province`` (officers only) and ``is_active`` may change."""

    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", max_length=150)
    full_name = serializers.CharField(max_length=150, write_only=True, required=False, allow_blank=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    role = AccountRoleField(allow_null=True)  # null: an account with no role (made in Django's admin)
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(), allow_null=True, required=False)
    is_active = serializers.BooleanField(source="user.is_active", required=False, default=True)
    last_login = serializers.DateTimeField(source="user.last_login", read_only=True, allow_null=True)
    locked_out = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = ["id", "username", "email", "full_name", "name", "role", "province", "is_active", "last_login", "locked_out"]

    def get_locked_out(self, profile) -> bool:
        # A list asks for the lockouts of its whole page at once, not once per row.
        page = self.parent if isinstance(self.parent, serializers.ListSerializer) else None
        if page is None or not isinstance(page.instance, (list, tuple)):
            return profile.user.username.lower() in accounts.locked_out_usernames([profile.user.username])
        if not hasattr(page, "_locked_out"):
            page._locked_out = accounts.locked_out_usernames(item.user.username for item in page.instance)
        return profile.user.username.lower() in page._locked_out

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["email"].read_only = True  # the address is the account's user name
        return fields


def _field_errors(error):
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


class AccountViewSet(ScopedModelViewSet):
    """Accounts (ministry admins: all, and every change; officers: their province's officers, read only).
    There is no delete: deactivate with ``is_active: false``, nothing the account recorded is lost."""

    queryset = Profile.objects.select_related("user", "province").prefetch_related("user__groups").order_by("user__username")
    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet
    policy_actions = {"password_reset": "reset_password", "unlock": "unlock"}

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            user = accounts.account_invite(
                by=self.request.user, email=data["user"]["email"], full_name=data.get("full_name", ""), role=data["role"],
                province=data.get("province"), base_url=settings.PORTAL_BASE_URL,
            )
        except DjangoValidationError as error:
            raise ValidationError(_field_errors(error)) from None
        serializer.instance = user.profile

    def perform_update(self, serializer):
        profile, data = serializer.instance, serializer.validated_data
        snapshot = accounts.account_snapshot(profile.user)
        try:
            accounts.account_update(
                by=self.request.user, profile=profile, role=data.get("role", snapshot["role"]),
                province=data["province"] if "province" in data else profile.province,
                is_active=data.get("user", {}).get("is_active", profile.user.is_active),
            )
        except DjangoValidationError as error:
            raise ValidationError(_field_errors(error)) from None
        profile.refresh_from_db()
        profile.user.refresh_from_db()
        serializer.instance = profile

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"], url_path="password-reset")
    def password_reset(self, request, pk=None):
        """E-mail the account a link to choose a new password."""
        try:
            accounts.account_send_password_reset(by=request.user, profile=self.get_object(), base_url=settings.PORTAL_BASE_URL)
        except DjangoValidationError as error:
            raise ValidationError(_field_errors(error)) from None
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        """Lift the account's sign-in lockout."""
        profile = self.get_object()
        accounts.account_unlock(by=request.user, profile=profile)
        return Response(self.get_serializer(profile).data)

