"""Reads that span rows: personal-data visibility and possible duplicates."""
from django.contrib.postgres.search import TrigramSimilarity
from django.utils.translation import gettext as _

from .models import Business
from .policy import can


def can_see_personal_data(user, business=None):
    """UU PDP 27/2022: NIK, phone and e-mail only for the owner, officers of the business's
    province and ministry admins (the ``view_personal_data`` rule of Business). Without
    ``business``: whether the user may see it on the rows they can list at all (their scope
    already limits officers and owners)."""
    return can(user, "view_personal_data", business if business is not None else Business)


def businesses_with_personal_data(user, business_ids):
    """The ids among ``business_ids`` whose personal data ``user`` may see, in one query."""
    if not can(user, "view_personal_data", Business):
        return set()
    return set(Business.objects.editable_by(user).filter(pk__in=list(business_ids)).values_list("pk", flat=True))


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
        similar = in_regency.annotate(similarity=TrigramSimilarity("name", business.name)).filter(similarity__gte=0.6).order_by("-similarity")
        candidates += [(match, _("very similar name in the same regency")) for match in similar[:limit]]

    visible = set(Business.objects.visible_to(user).filter(pk__in=[match.pk for match, _reason in candidates]).values_list("pk", flat=True))
    seen, result = set(), []
    for match, reason in candidates:
        if match.pk in seen:
            continue
        seen.add(match.pk)
        result.append((match if match.pk in visible else None, reason))
    return result[:limit]


def events_overview(user, *, year):
    """The organiser's events of ``year`` summed up in SQL: by province (None = online national),
    by topic, by month, and participants by sector; seats filled and attendance rates."""
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from .models import Event, Registration
    from .roles import is_ministry

    events = (Event.objects.visible_to(user) if is_ministry(user) else Event.objects.editable_by(user)).filter(
        starts_at__year=year
    ).exclude(status=Event.Status.DRAFT)
    figures = {
        "events": Count("id", distinct=True), "capacity": Sum("capacity"), "seats_taken": Sum("seats_taken"),
    }

    def rates(row):
        row["filled"] = row["seats_taken"] / row["capacity"] if row.get("capacity") else None
        return row

    by_province = [rates(row) for row in events.values("province__code", "province__name").annotate(**figures).order_by("province__code")]
    by_month = [rates(row) for row in events.annotate(month=TruncMonth("starts_at")).values("month").annotate(**figures).order_by("month")]
    topics = events.aggregate(**{code: Count("id", filter=Q(topics__contains=[code])) for code in Event.Topic.values})
    labels = dict(Event.Topic.choices)
    by_topic = sorted(({"topic": labels[code], "events": count} for code, count in topics.items()), key=lambda row: -row["events"])
    registrations = Registration.objects.filter(event__in=events, status=Registration.Status.CONFIRMED)
    attendance = registrations.filter(event__starts_at__lte=timezone.now()).aggregate(
        confirmed=Count("id"), present=Count("id", filter=Q(attended=True))
    )
    by_sector = list(registrations.values("business__sector__name").annotate(participants=Count("id")).order_by("-participants"))
    totals = rates(events.aggregate(**figures))
    totals["attendance"] = attendance["present"] / attendance["confirmed"] if attendance["confirmed"] else None
    totals.update(attendance)
    return {"totals": totals, "by_province": by_province, "by_month": by_month, "by_topic": by_topic, "by_sector": by_sector}
