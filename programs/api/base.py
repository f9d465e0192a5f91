"""The API side of province scoping. Feature viewsets declare ``queryset`` and nothing more."""
from django.db import transaction
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied


class CanEditInScope(permissions.BasePermission):
    """Writes need the object in ``editable_by(user)``; reads were scoped by the queryset."""

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return type(obj)._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()


class ScopedModelViewSet(viewsets.ModelViewSet):
    """Reads through ``visible_to`` (out of scope is 404); writes re-checked after saving.

    Creating or updating runs in a transaction; the saved object must still be editable by
    the user, which is what refuses a POST naming another province.
    """

    permission_classes = [permissions.IsAuthenticated, CanEditInScope]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def _save_in_scope(self, serializer, **extra):
        with transaction.atomic():
            instance = serializer.save(**extra)
            if not type(instance)._default_manager.editable_by(self.request.user).filter(pk=instance.pk).exists():
                raise PermissionDenied(_out_of_scope_message())

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        self._save_in_scope(serializer)


class ScopedReadOnlyModelViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


def _out_of_scope_message():
    from django.utils.translation import gettext

    return gettext("You may only record data for your own province.")
