"""Onboarding figures for the dashboard, computed in PostgreSQL, and the pace against targets.

``refresh(province_ids)`` recomputes the confirmed onboardings per month × province ×
marketplace × sector × scale of the provinces given (all when None) in one transaction:
``shops`` opened and ``new_businesses`` (businesses whose first confirmed shop it was). A
business belongs to one province, so a province's rows can be recomputed alone: a partner
report refreshes only the provinces its rows touched.

``refresh_conversion()`` recomputes, per marketplace or online-marketing workshop, how many
attendees had a shop within 30 and 90 days of its start.
"""
import datetime
import logging
import time

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from ikm_portal import pagecache

from .models import OnboardingFigures, OnboardingTarget, WorkshopConversion

logger = logging.getLogger(__name__)
#: The page cache namespace of the dashboard's tables, bumped after every refresh.
NAMESPACE = "onboarding"

FIGURES_SQL = """
    WITH own AS (
        SELECT o.id, o.business_id, o.marketplace_id, o.province_id, o.onboarded
        FROM marketplace_onboarding o
        WHERE o.confirmed AND (%(all)s OR o.province_id = ANY(%(provinces)s))
    ), firsts AS (
        SELECT DISTINCT ON (business_id) id FROM own ORDER BY business_id, onboarded, id
    )
    INSERT INTO marketplace_onboardingfigures (month, province_id, marketplace_id, sector_id, scale, shops, new_businesses, computed_at)
    SELECT date_trunc('month', own.onboarded)::date, own.province_id, own.marketplace_id, b.sector_id, b.scale,
           count(*), count(f.id), %(now)s
    FROM own JOIN programs_business b ON b.id = own.business_id LEFT JOIN firsts f ON f.id = own.id
    GROUP BY 1, 2, 3, 4, 5
"""

CONVERSION_SQL = """
    WITH workshops AS (
        SELECT e.id, e.organiser_province_id, e.starts_at::date AS day FROM programs_event e
        WHERE e.topics ?| array['marketplace', 'online-marketing']
    ), attendees AS (
        SELECT w.id AS event_id, r.business_id, w.day FROM workshops w
        JOIN programs_registration r ON r.event_id = w.id AND r.attended
    ), shops AS (
        SELECT a.event_id, a.business_id,
               min(o.onboarded) FILTER (WHERE o.onboarded >= a.day) AS first_after
        FROM attendees a LEFT JOIN marketplace_onboarding o ON o.business_id = a.business_id AND o.confirmed
        GROUP BY 1, 2
    )
    INSERT INTO marketplace_workshopconversion (event_id, province_id, attendees, within_30, within_90, computed_at)
    SELECT w.id, w.organiser_province_id, count(s.business_id),
           count(*) FILTER (WHERE s.first_after <= w.day + 30), count(*) FILTER (WHERE s.first_after <= w.day + 90), %(now)s
    FROM workshops w JOIN shops s ON s.event_id = w.id
    GROUP BY w.id, w.organiser_province_id
"""


def refresh(province_ids=None):
    """Recompute the figures of ``province_ids`` (all provinces when None); returns
    ``(rows, seconds)``. Readers see the previous rows or the new ones, never a mix."""
    started = time.perf_counter()
    params = {"all": province_ids is None, "provinces": list(province_ids or []), "now": timezone.now()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        if province_ids is None:
            cursor.execute("DELETE FROM marketplace_onboardingfigures")
        else:
            cursor.execute("DELETE FROM marketplace_onboardingfigures WHERE province_id = ANY(%s)", [params["provinces"]])
        cursor.execute(FIGURES_SQL, params)
        rows = cursor.rowcount
        transaction.on_commit(lambda: pagecache.bump(NAMESPACE))
    seconds = time.perf_counter() - started
    logger.info("onboarding figures of %s: %d rows in %.2f s", "every province" if province_ids is None else f"{len(params['provinces'])} province(s)", rows, seconds)
    return rows, seconds


def refresh_conversion():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM marketplace_workshopconversion")
        cursor.execute(CONVERSION_SQL, {"now": timezone.now()})
        transaction.on_commit(lambda: pagecache.bump(NAMESPACE))
        return cursor.rowcount


def figures_changed(province_ids):
    """Onboardings of these provinces changed: refresh their figures once the write commits
    (one task per burst; the hourly beat catches up if the broker is down)."""
    from django.core.cache import cache

    province_ids = sorted({int(pk) for pk in province_ids if pk})

    def queue():
        from .tasks import refresh_figures_task

        key = "marketplace:figures:" + ",".join(map(str, province_ids))[:200]
        if not cache.add(key, 1, timeout=60):
            return
        try:
            refresh_figures_task.apply_async(kwargs={"province_ids": province_ids}, countdown=20)
        except Exception:
            cache.delete(key)

    if province_ids:
        transaction.on_commit(queue)


# --- reading ----------------------------------------------------------------------------------


def visible(user, year):
    return OnboardingFigures.objects.visible_to(user).filter(month__year=year)


def by(user, year, field):
    """``[(key, shops, new_businesses)]`` grouped by ``field`` (month, province, marketplace,
    sector or scale), largest first (by month: in order)."""
    rows = visible(user, year).values(field).annotate(shops=Sum("shops"), businesses=Sum("new_businesses"))
    ordered = rows.order_by(field) if field == "month" else rows.order_by("-businesses", field)
    return [(row[field], row["shops"], row["businesses"]) for row in ordered]


#: Beyond this a projected date means nothing (and would not fit a date).
MAX_PROJECTION_DAYS = 100 * 365


def pace(target, achieved, *, today=None):
    """How ``achieved`` (to ``today``) stands against ``target.target`` for ``target.year``:
    the monthly pace achieved and the pace needed for the rest of the year, and the date the
    target is met at the pace achieved (None when nothing is achieved yet)."""
    today = today or timezone.localdate()
    start, end = datetime.date(target.year, 1, 1), datetime.date(target.year, 12, 31)
    if today < start:
        elapsed_days = 0
    else:
        elapsed_days = (min(today, end) - start).days + 1
    year_days = (end - start).days + 1
    elapsed_months = elapsed_days / year_days * 12
    achieved_pace = achieved / elapsed_months if elapsed_months else 0.0
    left = max(target.target - achieved, 0)
    months_left = 12 - elapsed_months
    needed_pace = left / months_left if months_left > 0 and left else (0.0 if not left else None)
    if achieved >= target.target:
        # Met: the day the running total passed the target is not kept, so the date at the
        # average pace stands in for it.
        met_on = start + datetime.timedelta(days=round(target.target / achieved * elapsed_days) - 1) if achieved else start
    elif achieved and target.target / (achieved / elapsed_days) < MAX_PROJECTION_DAYS:
        met_on = start + datetime.timedelta(days=round(target.target / (achieved / elapsed_days)) - 1)
    else:  # nothing yet, or a pace that would take more than a lifetime: no date to give
        met_on = None
    return {
        "goal": target.target, "achieved": achieved, "share": achieved / target.target,
        "achieved_pace": achieved_pace, "needed_pace": needed_pace, "met_on": met_on, "on_track": met_on is not None and met_on <= end,
    }


def targets_with_pace(user, year, *, today=None, by_province=None, by_marketplace=None):
    """Every target of ``year`` the user may see, with what is achieved and the pace. The
    achieved figures come from the groupings (``by()`` rows) when the caller has them."""
    targets = list(OnboardingTarget.objects.visible_to(user).filter(year=year).select_related("province", "marketplace"))
    if not targets:
        return []
    by_province = by(user, year, "province") if by_province is None else by_province
    by_marketplace = by(user, year, "marketplace") if by_marketplace is None else by_marketplace
    businesses_in = {key: businesses for key, _shops, businesses in by_province}
    shops_on = {key: shops for key, shops, _businesses in by_marketplace}
    result = []
    for target in targets:
        if target.marketplace_id:
            achieved = shops_on.get(target.marketplace_id, 0)
        elif target.province_id:
            achieved = businesses_in.get(target.province_id, 0)
        else:
            achieved = sum(businesses_in.values())
        result.append({"target": target, **pace(target, achieved, today=today)})
    return result


def conversion(user, year, group):
    """Workshop → onboarding conversion of ``year``'s workshops, per organising province
    (``group="province"``) or per partner organisation (``group="partner"``)."""
    rows = WorkshopConversion.objects.visible_to(user).filter(event__starts_at__year=year)
    key = "province__name" if group == "province" else "event__partners__name"
    grouped = rows.values(key).annotate(attendees=Sum("attendees"), within_30=Sum("within_30"), within_90=Sum("within_90")).order_by("-attendees", key)
    return [
        {"name": row[key], "attendees": row["attendees"], "within_30": row["within_30"], "within_90": row["within_90"],
         "rate_30": row["within_30"] / row["attendees"] if row["attendees"] else None,
         "rate_90": row["within_90"] / row["attendees"] if row["attendees"] else None}
        for row in grouped
    ]


def years(user):
    """The years with figures, targets or workshops the user may see, newest first (the
    dashboard's year picker; its default is the first, or this year when there are none)."""
    return sorted(
        {day.year for day in OnboardingFigures.objects.visible_to(user).dates("month", "year")}
        | set(OnboardingTarget.objects.visible_to(user).values_list("year", flat=True))
        | {moment.year for moment in WorkshopConversion.objects.visible_to(user).values_list("event__starts_at", flat=True).distinct()[:1000]},
        reverse=True,
    )
