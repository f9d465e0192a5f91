"""The view side of province scoping. Feature views declare ``model`` and nothing more."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Reads go through ``visible_to``; another province's object is a 404, never a 403."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedEditMixin(ScopedQuerysetMixin):
    """For edit and delete views: visible but not editable is a 403 (the user knows it exists)."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not type(obj)._default_manager.editable_by(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj
