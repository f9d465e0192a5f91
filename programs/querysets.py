"""Province scoping: the one door through which every user-reachable queryset passes.

A scoped model's default manager comes from a :class:`ScopedQuerySet` subclass that says
where the province is (``province_field``) and, if IKM owners have records of their own,
where the owner is (``owner_field``). Views, API viewsets, exports and admin lists call
``visible_to(user)`` for reading and ``editable_by(user)`` for writing; nothing else filters
by province. See docs/scoping.md.
"""
from django.db import models

from .policy import EVERYONE, Policy
from .roles import Role, province_id_of, role_of


class ScopedQuerySet(models.QuerySet):
    #: Lookup path from the model to its Province.
    province_field = "province"
    #: Lookup path from the model to the owning user, or None if owners have no records.
    owner_field = None

    # -- what each role sees ------------------------------------------------------------
    def visible_to(self, user):
        """Rows ``user`` may read. Anonymous users get :meth:`public`."""
        role = role_of(user)
        if role in (Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF):
            return self.all()
        if role == Role.OFFICER:
            return self._in_province(user) | self.shared_with_officers(user)
        if role == Role.OWNER:
            return self._owned_by(user) | self.public()
        return self.public()

    def editable_by(self, user):
        """Rows ``user`` may change or delete."""
        role = role_of(user)
        if role == Role.MINISTRY_ADMIN:
            return self.all()
        if role == Role.MINISTRY_STAFF:
            return self.editable_by_ministry_staff()
        if role == Role.OFFICER:
            return self._in_province(user)
        if role == Role.OWNER:
            return self._owned_by(user)
        return self.none()

    # -- hooks for models to widen the defaults --------------------------------------------
    def public(self):
        """Rows anyone may read (published events, say). Nothing by default."""
        return self.none()

    def shared_with_officers(self, user):
        """Rows outside their province officers may still read (national records). None by default."""
        return self.none()

    def editable_by_ministry_staff(self):
        """Rows ministry staff may change (national events, waves, targets). None by default."""
        return self.none()

    # -- helpers ------------------------------------------------------------------------------
    def _in_province(self, user):
        province_id = province_id_of(user)
        if province_id is None:
            return self.none()
        return self.filter(**{self.province_field: province_id})

    def _owned_by(self, user):
        if self.owner_field is None:
            return self.none()
        return self.filter(**{self.owner_field: user})


class ReferenceQuerySet(models.QuerySet):
    """Reference data (provinces, regencies, sectors, partner organisations): read by anyone,
    changed by ministry admins only (in Django's admin)."""

    policy = Policy(view=EVERYONE, add={Role.MINISTRY_ADMIN}, change={Role.MINISTRY_ADMIN}, delete={Role.MINISTRY_ADMIN})

    def visible_to(self, user):
        return self.all()

    def editable_by(self, user):
        return self.all() if role_of(user) == Role.MINISTRY_ADMIN else self.none()
