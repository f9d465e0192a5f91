"""Reads that span rows: personal-data visibility and possible duplicates."""
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Business
from .roles import Role, province_id_of, role_of


def can_see_personal_data(user, business=None):
    """UU PDP 27/2022: NIK, phone and e-mail only for the owner, officers of the business's
    province and ministry admins. Without ``business``: whether the user may see it on the
    rows they can list at all (their scope already limits officers and owners)."""
    role = role_of(user)
    if role == Role.MINISTRY_ADMIN:
        return True
    if business is None:
        return role in (Role.OFFICER, Role.OWNER)
    if role == Role.OFFICER:
        return business.province_id == province_id_of(user)
    if role == Role.OWNER:
        return business.owner_id == user.pk
    return False


def business_possible_duplicates(*, business, user, limit=5):
    """Existing businesses that may be the same one: same NIK, same phone, or a very similar
    name in the same regency. Returns ``[(business_or_None, reason)]``; a match the user may
    not see is reported without naming it (no personal data crosses provinces)."""
    candidates = []
    others = Business.objects.exclude(pk=business.pk) if business.pk else Business.objects.all()
    if business.nik:
        candidates += [(match, _("same owner NIK")) for match in others.filter(nik=business.nik)[:limit]]
    if business.phone:
        candidates += [(match, _("same phone number")) for match in others.filter(phone=business.phone)[:limit]]
    if business.name and business.regency_id:
        in_regency = others.filter(regency_id=business.regency_id)
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import TrigramSimilarity

            similar = in_regency.annotate(similarity=TrigramSimilarity("name", business.name)).filter(similarity__gte=0.6).order_by("-similarity")
        else:
            similar = in_regency.filter(Q(name__iexact=business.name))
        candidates += [(match, _("very similar name in the same regency")) for match in similar[:limit]]

    visible = set(Business.objects.visible_to(user).filter(pk__in=[match.pk for match, _reason in candidates]).values_list("pk", flat=True))
    seen, result = set(), []
    for match, reason in candidates:
        if match.pk in seen:
            continue
        seen.add(match.pk)
        result.append((match if match.pk in visible else None, reason))
    return result[:limit]
