"""Reads over many responses, one grouped query per source."""
import datetime

from django.db.models import Count, Q
from django.utils import timezone

from programs.models import Business, Province

from .choices import ReviewStatus
from .models import SurveyResponse


def completeness(*, wave, user):
    """Per province in the user's scope: businesses expected, responses entered, submitted,
    verified and on time, and unconfirmed warnings. Returns a list of dicts."""
    provinces = Province.objects.all()
    if wave.province_id:
        provinces = provinces.filter(pk=wave.province_id)
    from programs.roles import Role, province_id_of, role_of

    if role_of(user) == Role.OFFICER:
        provinces = provinces.filter(pk=province_id_of(user))
    provinces = list(provinces.order_by("code"))
    ids = [province.pk for province in provinces]

    expected = dict(
        Business.objects.filter(province_id__in=ids, status=Business.Status.ACTIVE).values_list("province_id").annotate(n=Count("id"))
    )
    window_end = timezone.make_aware(datetime.datetime.combine(wave.closes_on + datetime.timedelta(days=1), datetime.time()))
    rows = (
        SurveyResponse.objects.filter(wave=wave, province_id__in=ids)
        .values("province_id")
        .annotate(
            entered=Count("id"),
            submitted=Count("id", filter=Q(status__in=[ReviewStatus.SUBMITTED, ReviewStatus.VERIFIED])),
            verified=Count("id", filter=Q(status=ReviewStatus.VERIFIED)),
            returned=Count("id", filter=Q(status=ReviewStatus.RETURNED)),
            on_time=Count("id", filter=Q(created_at__lt=window_end)),
            warnings=Count("id", filter=~Q(warnings=[]) & Q(warnings_confirmed=False)),
        )
    )
    by_province = {row["province_id"]: row for row in rows}
    table = []
    for province in provinces:
        row = by_province.get(province.pk, {})
        entry = {
            "province": province,
            "expected": expected.get(province.pk, 0),
            **{key: row.get(key, 0) for key in ("entered", "submitted", "verified", "returned", "on_time", "warnings")},
        }
        entry["coverage"] = entry["entered"] / entry["expected"] if entry["expected"] else None
        table.append(entry)
    return table


def responses_with_warnings(*, wave, user, province_id=None, limit=200):
    """Unconfirmed warnings to chase, within the user's scope."""
    queryset = SurveyResponse.objects.visible_to(user).filter(wave=wave, warnings_confirmed=False).exclude(warnings=[])
    if province_id:
        queryset = queryset.filter(province_id=province_id)
    return queryset.select_related("business", "province", "regency").order_by("province__code", "business__name")[:limit]


def owner_survey_tasks(user, *, limit=20):
    """For an owner's home page: each open wave × each of their businesses it asks about,
    with the answer given so far (or None). Only their own answers, through ``visible_to``."""
    from .models import SurveyWave
    from .services import owner_businesses

    waves = list(SurveyWave.objects.visible_to(user).filter(status=SurveyWave.Status.OPEN).order_by("closes_on")[:5])
    if not waves:
        return []
    answers = {
        (response.wave_id, response.business_id): response
        for response in SurveyResponse.objects.visible_to(user).filter(wave__in=waves)
    }
    tasks = []
    for wave in waves:
        for business in owner_businesses(user=user, wave=wave)[:limit]:
            tasks.append({"wave": wave, "business": business, "response": answers.get((wave.pk, business.pk))})
    return tasks[:limit]
