"""The portal's four roles. Each is a Django group of the same name, created by migration."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY_ADMIN = "ministry-admin", _("Ministry admin")
    MINISTRY_STAFF = "ministry-staff", _("Ministry staff")
    OFFICER = "officer", _("Provincial officer")
    OWNER = "owner", _("IKM owner")


# When a user is in several groups the most powerful role wins.
_PRECEDENCE = [Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF, Role.OFFICER, Role.OWNER]


def role_of(user):
    """Return the user's :class:`Role`, or None for anonymous users and users without one.

    Superusers are ministry admins. The answer is cached on the user object for the request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_portal_role", False)
    if cached is not False:
        return cached
    if user.is_superuser:
        role = Role.MINISTRY_ADMIN
    else:
        names = set(user.groups.values_list("name", flat=True))
        role = next((r for r in _PRECEDENCE if r.value in names), None)
    user._portal_role = role
    return role


def province_id_of(user):
    """The province an officer is bound to, or None."""
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return profile.province_id if profile is not None else None


def is_ministry(user):
    return role_of(user) in (Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF)
