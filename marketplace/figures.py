"""Onboarding figures for the dashboard, computed in PostgreSQL, and the pace against targets.

``refresh()`` recomputes the confirmed onboardings per month × province × marketplace ×
sector × scale: ``shops`` opened and ``new_businesses`` (businesses whose first confirmed
shop it was). Each shop carries its business's sector and scale and whether it is the
business's first (``settle_shops`` keeps them at write time), so this is one grouped scan.

``refresh(changed_only=True)`` recomputes only the cells (month × province × marketplace)
that writes changed since the last refresh: triggers on the shops table record them in
``marketplace_onboarding_changed`` whatever wrote (migration 0006), so a partner report of
one province and month rewrites those figures and leaves every other row alone.

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
from programs.locks import LockKey, xact_lock

from .models import OnboardingFigures, OnboardingTarget, WorkshopConversion

logger = logging.getLogger(__name__)
#: The page cache namespace of the dashboard's tables, bumped after every refresh.
NAMESPACE = "onboarding"
#: Set while a refresh of changed cells is queued; a burst of writes queues one.
QUEUED_KEY = "marketplace:figures:queued"
#: Seconds a refresh waits after the first write of a burst.
REFRESH_DELAY = 20
#: Beyond this many changed cells their shops are found by one scan, not an index range each
#: (a cell holds thousands of shops at the BBI's scale).
MANY_CELLS = 150

# One grouped scan of the shops: each shop carries its business's sector and scale and
# whether it is the business's first confirmed shop (kept at write time by
# ``settle_shops``), so no join to the registry and no per-business sort is needed here.
# CREATE TABLE AS may run in parallel where INSERT … SELECT may not; the few thousand
# grouped rows are then inserted. (The date is truncated as a timestamp: as timestamptz each
# of ten million rows would go through the time zone.)
FIGURES_SQL = """
    CREATE TEMP TABLE onboarding_figures_fresh ON COMMIT DROP AS
    SELECT date_trunc('month', onboarded::timestamp)::date AS month, province_id, marketplace_id, sector_id, scale,
           count(*) AS shops, count(*) FILTER (WHERE first_shop) AS new_businesses
    FROM marketplace_onboarding
    WHERE confirmed
    GROUP BY 1, 2, 3, 4, 5
"""
#: The cells writes changed, taken off the list (a write committed meanwhile stays on it).
CHANGED_CELLS_SQL = """
    CREATE TEMP TABLE onboarding_cells (month date, province_id bigint, marketplace_id bigint) ON COMMIT DROP;
    WITH taken AS (DELETE FROM marketplace_onboarding_changed RETURNING month, province_id, marketplace_id)
    INSERT INTO onboarding_cells SELECT * FROM taken;
    ANALYZE onboarding_cells;
"""
#: The figures of the changed cells (``{shops}`` and ``{of_cells}`` choose their shops).
CHANGED_FIGURES_SQL = """
    CREATE TEMP TABLE onboarding_figures_fresh ON COMMIT DROP AS
    SELECT date_trunc('month', o.onboarded::timestamp)::date AS month, o.province_id, o.marketplace_id, o.sector_id, o.scale,
           count(*) AS shops, count(*) FILTER (WHERE o.first_shop) AS new_businesses
    FROM {shops}
    WHERE o.confirmed {of_cells}
    GROUP BY 1, 2, 3, 4, 5;
    DELETE FROM marketplace_onboardingfigures f USING onboarding_cells c
    WHERE f.month = c.month AND f.province_id = c.province_id AND f.marketplace_id = c.marketplace_id;
"""
#: The shops of a few cells, found by an index range scan each.
SHOPS_OF_FEW_CELLS = {"shops": """onboarding_cells c JOIN marketplace_onboarding o
      ON o.province_id = c.province_id AND o.marketplace_id = c.marketplace_id
     AND o.onboarded >= c.month AND o.onboarded < (c.month + interval '1 month')::date""", "of_cells": ""}
#: The shops of many cells (a large report): one scan of the table, hashed against the cells.
SHOPS_OF_MANY_CELLS = {"shops": "marketplace_onboarding o", "of_cells": """
      AND (date_trunc('month', o.onboarded::timestamp)::date, o.province_id, o.marketplace_id)
          IN (SELECT month, province_id, marketplace_id FROM onboarding_cells)"""}
FIGURES_INSERT_SQL = """
    INSERT INTO marketplace_onboardingfigures (month, province_id, marketplace_id, sector_id, scale, shops, new_businesses, computed_at)
    SELECT month, province_id, marketplace_id, sector_id, scale, shops, new_businesses, %(now)s FROM onboarding_figures_fresh
"""

# The shops of the businesses chosen by ``{businesses}`` (a condition on ``business_id``)
# take their business's province, sector and scale (unless the writer just copied them), and
# the first confirmed shop of each business (earliest onboarded, then lowest id) is marked.
# The rows that change are collected first, so the update touches only them (by primary key
# when they are few); a partner report of a million shops settles in one pass.
SETTLE_SQL = """
    DROP TABLE IF EXISTS settling_shops;
    CREATE TEMP TABLE settling_shops ON COMMIT DROP AS
    WITH shops AS (
        SELECT o.id, o.province_id, o.sector_id, o.scale, o.first_shop, {business_columns},
               o.confirmed AND o.id = first_value(o.id) OVER (PARTITION BY o.business_id ORDER BY o.confirmed DESC, o.onboarded, o.id) AS is_first
        FROM marketplace_onboarding o {business_join}
        WHERE o.{businesses}
    )
    SELECT id, new_province_id, new_sector_id, new_scale, is_first FROM shops
    WHERE (province_id, sector_id, scale, first_shop) IS DISTINCT FROM (new_province_id, new_sector_id, new_scale, is_first);
    ANALYZE settling_shops;
"""
# By primary key, row after row: a hash join would read the whole table for a few percent of it.
SETTLE_UPDATE_SQL = """
    SET LOCAL enable_hashjoin = off;
    SET LOCAL enable_mergejoin = off;
    UPDATE marketplace_onboarding o
    SET province_id = s.new_province_id, sector_id = s.new_sector_id, scale = s.new_scale, first_shop = s.is_first
    FROM settling_shops s WHERE o.id = s.id
"""
#: ``{business_columns}`` and ``{business_join}``: from the registry, or as the shop has them.
FROM_REGISTRY = ("b.province_id AS new_province_id, b.sector_id AS new_sector_id, b.scale AS new_scale",
                 "JOIN programs_business b ON b.id = o.business_id")
AS_WRITTEN = ("o.province_id AS new_province_id, o.sector_id AS new_sector_id, o.scale AS new_scale", "")

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


def refresh(*, changed_only=False):
    """Recompute every figure, or only the cells changed since the last refresh; returns
    ``(rows written, seconds)``. Readers see the previous rows or the new ones, never a mix;
    refreshes take turns."""
    started = time.perf_counter()
    params = {"now": timezone.now()}
    with transaction.atomic(), connection.cursor() as cursor:
        xact_lock(LockKey.ONBOARDING_REFRESH, 0, cursor=cursor)
        cursor.execute("SET LOCAL jit = off")
        if changed_only:
            cursor.execute(CHANGED_CELLS_SQL)
            cursor.execute("SELECT count(*) FROM onboarding_cells")
            cells = cursor.fetchone()[0]
            if cells:
                shops = SHOPS_OF_MANY_CELLS if cells > MANY_CELLS else SHOPS_OF_FEW_CELLS
                cursor.execute(CHANGED_FIGURES_SQL.format(**shops))
        else:
            cells = None
            cursor.execute("DELETE FROM marketplace_onboarding_changed")
            cursor.execute("DELETE FROM marketplace_onboardingfigures")
            cursor.execute(FIGURES_SQL)
        rows = 0
        if cells != 0:
            cursor.execute(FIGURES_INSERT_SQL, params)
            rows = cursor.rowcount
            cursor.execute("DROP TABLE onboarding_figures_fresh")
            transaction.on_commit(lambda: pagecache.bump(NAMESPACE))
        if changed_only:
            cursor.execute("DROP TABLE onboarding_cells")
    seconds = time.perf_counter() - started
    logger.info("onboarding figures of %s: %d rows in %.2f s", "every cell" if cells is None else f"{cells} changed cell(s)", rows, seconds)
    return rows, seconds


def refresh_conversion():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM marketplace_workshopconversion")
        cursor.execute(CONVERSION_SQL, {"now": timezone.now()})
        transaction.on_commit(lambda: pagecache.bump(NAMESPACE))
        return cursor.rowcount


def settle_shops(business_ids=None, *, businesses_sql=None, params=None, copied=False):
    """After shops or businesses were written: the shops of these businesses take their
    business's province, sector and scale again (not when the writer ``copied`` them just
    now), and each business's first confirmed shop is marked. ``business_ids`` is a list; or
    ``businesses_sql`` a condition on ``business_id`` (e.g. ``"business_id IN (SELECT
    business_id FROM a_staging_table)"``) with its ``params``. Returns how many shops changed
    (the triggers note their figure cells)."""
    if businesses_sql is None:
        businesses_sql, params = "business_id = ANY(%(business_ids)s)", {"business_ids": sorted({int(pk) for pk in business_ids or []})}
        if not params["business_ids"]:
            return 0
    columns, join = AS_WRITTEN if copied else FROM_REGISTRY
    # One transaction (the caller's, if any): the temporary table lives until its commit.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SETTLE_SQL.format(businesses=businesses_sql, business_columns=columns, business_join=join), params or {})
        cursor.execute(SETTLE_UPDATE_SQL)
        changed = cursor.rowcount
        cursor.execute("RESET enable_hashjoin; RESET enable_mergejoin")
        cursor.execute("DROP TABLE settling_shops")
        return changed


def figures_changed():
    """Shops changed (the triggers noted which cells): refresh those cells once the write
    commits — one task per burst; the hourly full refresh catches up if the broker is down."""
    from django.core.cache import cache

    def queue():
        from .tasks import refresh_figures_task

        # The task clears the key when it starts, so a write during a refresh queues the next.
        if not cache.add(QUEUED_KEY, 1, timeout=300):
            return
        try:
            refresh_figures_task.apply_async(kwargs={"changed_only": True}, countdown=REFRESH_DELAY)
        except Exception:
            cache.delete(QUEUED_KEY)

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
    """``(years, default)``: the years with figures, targets or workshops the user may see,
    newest first (the dashboard's year picker), and the year shown when none is asked: the
    newest with shops opened, else with a target, else the newest (workshops are announced
    ahead, so the newest year may hold nothing but workshops yet to come), else this year."""
    opened = {day.year for day in OnboardingFigures.objects.visible_to(user).dates("month", "year")}
    targeted = set(OnboardingTarget.objects.visible_to(user).values_list("year", flat=True))
    workshops = {moment.year for moment in WorkshopConversion.objects.visible_to(user).values_list("event__starts_at", flat=True).distinct()[:1000]}
    every = sorted(opened | targeted | workshops, reverse=True)
    return every, max(opened or targeted or every or [timezone.localdate().year])
