"""The API doors. Feature viewsets declare ``queryset`` and, for extra actions, which policy
action each performs (``policy_actions``); nothing else about permissions.

- reads go through ``visible_to`` (out of scope is 404);
- every request asks the model's policy (``programs.policy.can``): first about the model
  (may this role ever do it? anonymous clients then get 401), then about the object;
- a create or update is re-checked after saving, inside the transaction: the saved object
  must be editable by the user, which is what refuses a POST naming another province.
"""
from django.db import transaction
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import NotAuthenticated, PermissionDenied

from ..policy import can

#: Which policy action each standard viewset action performs.
STANDARD_ACTIONS = {
    "list": "view", "retrieve": "view", "metadata": "view",
    "create": "add", "update": "change", "partial_update": "change", "destroy": "delete",
}


def policy_action(view):
    """The policy action a viewset's current action performs (declared, never guessed)."""
    if not isinstance(view, viewsets.ViewSetMixin):
        return view.policy_action  # a plain API view performs one action
    declared = getattr(view, "policy_actions", {})
    name = view.action or "metadata"
    if name in declared:
        return declared[name]
    if name in STANDARD_ACTIONS:
        return STANDARD_ACTIONS[name]
    raise PermissionDenied  # an extra action nobody declared is closed, not open


class PolicyPermission(permissions.BasePermission):
    """Asks the model's policy about the action the request performs."""

    def has_permission(self, request, view):
        model = view.policy_model if getattr(view, "policy_model", None) else view.queryset.model
        if can(request.user, policy_action(view), model):
            return True
        if not request.user.is_authenticated:
            raise NotAuthenticated
        # An object named in the URL is looked up first: out of the user's scope it is a 404
        # (ids do not leak), in scope ``has_object_permission`` answers 403.
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        return bool(lookup and lookup in view.kwargs)

    def has_object_permission(self, request, view, obj):
        return can(request.user, policy_action(view), obj)


class PolicyViewMixin:
    """Reads through ``visible_to``; every action through the policy."""

    permission_classes = [PolicyPermission]
    #: Extra actions (``@action``) → the policy action each performs.
    policy_actions = {}

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedModelViewSet(PolicyViewMixin, viewsets.ModelViewSet):
    """Reads through ``visible_to`` (out of scope is 404); writes re-checked after saving.

    Creating or updating runs in a transaction; the saved object must still be editable by
    the user, which is what refuses a POST naming another province.
    """

    def _save_in_scope(self, serializer, **extra):
        with transaction.atomic():
            instance = serializer.save(**extra)
            if not type(instance)._default_manager.editable_by(self.request.user).filter(pk=instance.pk).exists():
                raise PermissionDenied(_out_of_scope_message())

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        self._save_in_scope(serializer)


class ScopedCreateReadViewSet(PolicyViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Records that are added and read, never changed (revisions, payment entries): the
    saved object is re-checked like :class:`ScopedModelViewSet`'s."""

    perform_create = ScopedModelViewSet.perform_create
    _save_in_scope = ScopedModelViewSet._save_in_scope


class ScopedReadOnlyModelViewSet(PolicyViewMixin, viewsets.ReadOnlyModelViewSet):
    """Reads through ``visible_to`` and the policy's ``view``."""


def _out_of_scope_message():
    from django.utils.translation import gettext

    return gettext("You may only record data for your own province.")
