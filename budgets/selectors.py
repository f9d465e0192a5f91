"""Reading budget data for pages and downloads: one query per table, whatever the data."""
from django.db.models import Count, Q, Sum
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
    rows = list(
        Allocation.objects.visible_to(user).filter(year=year).select_related("province")
        .annotate(activity_count=Count("activities"), late=Count("activities", filter=_late()))
    )
    rows.sort(key=lambda row: (-(row.absorption or 0), row.province.code))
    return rows


def _late(today=None):
    """Activities whose planned end month is past and that are neither done nor cancelled."""
    today = today or timezone.localdate()
    return Q(activities__planned_end__lt=today.replace(day=1)) & ~Q(activities__status__in=[Activity.Status.DONE, Activity.Status.CANCELLED])


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
    activities = allocation.activities.select_related("regency").annotate(output_total=Sum("output_reports__volume")).order_by("planned_start", "id")
    page_obj = Paginator(activities, 50).get_page(page)
    for activity in page_obj.object_list:
        activity.is_late = activity.planned_end < first_of_month and activity.status not in (Activity.Status.DONE, Activity.Status.CANCELLED)
    late = allocation.activities.filter(planned_end__lt=first_of_month).exclude(status__in=[Activity.Status.DONE, Activity.Status.CANCELLED]).count()
    outputs = list(
        OutputReport.objects.filter(activity__allocation=allocation).values("activity__unit").annotate(volume=Sum("volume")).order_by("activity__unit")
    )
    return {
        "activities": page_obj.object_list, "page_obj": page_obj, "revisions": list(allocation.revisions.order_by("number")),
        "outputs": outputs, "left": allocation.available - allocation.realised,
        "unplanned": allocation.available - allocation.planned, "late": late,
    }
