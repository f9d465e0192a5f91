"""Reading budget data for pages and downloads: one query per table, whatever the data."""
from django.db.models import Count, Sum
from django.utils import timezone

from .models import Activity, Allocation, OutputReport

#: The ministry's cumulative absorption targets at the end of each quarter.
QUARTER_TARGETS = {1: 0.15, 2: 0.40, 3: 0.65, 4: 0.95}


def years(user):
    return list(Allocation.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct())


def quarter_target(year, today=None):
    """The absorption the ministry expects by now (the quarter in progress), or by year end."""
    today = today or timezone.localdate()
    if today.year != year:
        return QUARTER_TARGETS[4] if today.year > year else 0.0
    return QUARTER_TARGETS[(today.month - 1) // 3 + 1]


def ranking(user, year):
    """Provinces ranked by absorption (realised ÷ current ceiling) for ``year``."""
    rows = list(Allocation.objects.visible_to(user).filter(year=year).select_related("province"))
    late = dict(
        late_activities().filter(allocation__in=[row.pk for row in rows]).values("allocation_id").annotate(count=Count("id")).values_list("allocation_id", "count")
    )
    for row in rows:
        row.late = late.get(row.pk, 0)
    rows.sort(key=lambda row: (-(row.absorption or 0), row.province.code))
    return rows


def late_activities(today=None):
    """Activities whose planned end month is past and that are neither done nor cancelled
    (read through the ``activity_open`` partial index)."""
    today = today or timezone.localdate()
    return Activity.objects.filter(planned_end__lt=today.replace(day=1)).exclude(status__in=[Activity.Status.DONE, Activity.Status.CANCELLED])


def outputs(user, year):
    """What the year's activities produced, by unit (masks, hazmat suits, participants, …),
    over the allocations ``user`` may see: the figures ministers quote."""
    visible = Allocation.objects.visible_to(user).filter(year=year).values("pk")
    labels = dict(Activity.Unit.choices)
    rows = (
        OutputReport.objects.filter(activity__allocation__in=visible)
        .values("activity__unit").annotate(volume=Sum("volume")).order_by("-volume")
    )
    return [{"unit": row["activity__unit"], "label": labels.get(row["activity__unit"], row["activity__unit"]), "volume": row["volume"]} for row in rows]


def totals(rows):
    ceiling = sum(row.ceiling for row in rows)
    realised = sum(row.realised for row in rows)
    return {
        "original": sum(row.original_ceiling for row in rows), "ceiling": ceiling, "realised": realised,
        "absorption": realised / ceiling if ceiling else None,
    }


def province_overview(allocation, *, page=None):
    """What the province page shows: a page of activities (with output to date, what is left
    and whether late), the counts over all of them, revisions and outputs by unit."""
    from django.core.paginator import Paginator

    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    activities = allocation.activities.select_related("regency").order_by("planned_start", "id")
    page_obj = Paginator(activities, 50).get_page(page)
    # Output to date for this page's activities only: one grouped query, not a join counted over all.
    totals = dict(
        OutputReport.objects.filter(activity__in=[activity.pk for activity in page_obj.object_list])
        .values("activity_id").annotate(total=Sum("volume")).values_list("activity_id", "total")
    )
    for activity in page_obj.object_list:
        activity.output_total = totals.get(activity.pk, 0)
        activity.is_late = activity.planned_end < first_of_month and activity.status not in (Activity.Status.DONE, Activity.Status.CANCELLED)
    late = late_activities(today).filter(allocation=allocation).count()
    outputs = list(
        OutputReport.objects.filter(activity__allocation=allocation).values("activity__unit").annotate(volume=Sum("volume")).order_by("activity__unit")
    )
    return {
        "activities": page_obj.object_list, "page_obj": page_obj, "revisions": list(allocation.revisions.order_by("number")),
        "outputs": outputs, "left": allocation.available - allocation.realised,
        "unplanned": allocation.available - allocation.planned, "late": late,
    }
