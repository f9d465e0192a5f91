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
    rows = list(Allocation.objects.visible_to(user).filter(year=year).select_related("province__parent_2020"))
    late = dict(_figures(user, year).values_list("province_id", "late_activities"))
    for row in rows:
        row.late = late.get(row.province_id, 0)
    rows.sort(key=lambda row: (-(row.absorption or 0), row.province.code))
    return rows


def late_activities(today=None):
    """Activities whose planned end month is past and that are neither done nor cancelled
    (read through the ``activity_open`` partial index)."""
    today = today or timezone.localdate()
    return Activity.objects.filter(planned_end__lt=today.replace(day=1)).exclude(status__in=[Activity.Status.DONE, Activity.Status.CANCELLED])


def _figures(user, year):
    """The per-province figures the refresh wrote (see budgets.indicators), as ``user`` may see."""
    from .models import ProvinceFigures

    return ProvinceFigures.objects.visible_to(user).filter(year=year)


def outputs(user, year):
    """What the year's activities produced, by unit (masks, hazmat suits, participants, …),
    over the provinces ``user`` may see: the figures ministers quote."""
    labels = dict(Activity.Unit.choices)
    volumes = {}
    for figures in _figures(user, year).only("outputs"):
        for unit, volume in figures.outputs.items():
            volumes[unit] = volumes.get(unit, 0) + volume
    return [{"unit": unit, "label": labels.get(unit, unit), "volume": volume} for unit, volume in sorted(volumes.items(), key=lambda item: -item[1])]


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
        "curve": curve(allocation),
        "activities": page_obj.object_list, "page_obj": page_obj, "revisions": list(allocation.revisions.order_by("number")),
        "outputs": outputs, "left": allocation.available - allocation.realised,
        "unplanned": allocation.available - allocation.planned, "late": late,
    }


def activity_overview(activity, *, latest=50):
    """What the activity page shows: outputs month by month with the running total against the
    target, the latest payment orders (and how many there are), partners, events funded and
    the number of businesses that benefited."""
    reports = list(activity.output_reports.order_by("month"))
    running = 0
    for report in reports:
        running += report.volume
        report.to_date = running
    realisations = activity.realisations.order_by("-date", "-id")
    return {
        "reports": reports, "output_total": running,
        "achievement": min(1.0, running / activity.target) if activity.target else None,
        "realisations": list(realisations[:latest]), "realisation_count": realisations.count(),
        "partners": list(activity.partners.order_by("name")), "events": list(activity.events.order_by("-starts_at")[:20]),
        "beneficiary_count": activity.beneficiaries.count(),
    }


def curve(allocation):
    """The monthly cumulative realisation against the withdrawal plan (from the indicators,
    refreshed after every write): twelve ``{month, realised, planned}``."""
    from .models import Indicator

    rows = {row["month"]: row for row in Indicator.objects.filter(year=allocation.year, province_id=allocation.province_id).values("month", "realised", "planned")}
    return [{"month": month, "realised": rows.get(month, {}).get("realised"), "planned": rows.get(month, {}).get("planned")} for month in range(1, 13)]


def map_shapes(rows):
    """Absorption per 2020 map shape (see programs.regions.map_shapes): Σ realised ÷ Σ ceiling."""
    from programs.regions import map_shapes as shapes_2020

    shapes = shapes_2020((row.province, {"ceiling": row.ceiling, "realised": row.realised}) for row in rows)
    for shape in shapes:
        shape["absorption"] = shape["realised"] / shape["ceiling"] if shape["ceiling"] else None
    return shapes


def indicators(user, year, month):
    """The IKPA-style indicators of every province the user may see for ``month`` of ``year``,
    weakest score first: who needs a call before the quarter closes."""
    from .models import Indicator

    rows = Indicator.objects.visible_to(user).filter(year=year, month=month).select_related("province")
    return sorted(rows, key=lambda row: (row.score if row.score is not None else -1, row.province.code))


def refocusing(user, year):
    """Per province: original and current ceiling, blocked, the revisions that moved it, and
    what the activities now fund by kind; with national totals by kind."""
    visible = Allocation.objects.visible_to(user).filter(year=year)
    rows = list(visible.select_related("province").annotate(revision_count=Count("revisions")).order_by("province__code"))
    by_kind = dict(_figures(user, year).values_list("province_id", "budgets_by_kind"))
    kinds = [(code, label) for code, label in Activity.Kind.choices]
    national = {code: 0 for code, _label in kinds}
    for row in rows:
        row.change = row.ceiling - row.original_ceiling
        row.kinds = [by_kind.get(row.province_id, {}).get(code, 0) for code, _label in kinds]
        for (code, _label), amount in zip(kinds, row.kinds):
            national[code] += amount
    return rows, kinds, [(code, label, national[code]) for code, label in kinds]


def outputs_by_province(user, year):
    """Output volume per province and unit for ``year`` (units as columns, the ones reported)."""
    labels = dict(Activity.Unit.choices)
    figures = list(_figures(user, year).select_related("province").order_by("province__code"))
    reported = {unit for row in figures for unit in row.outputs}
    units = [code for code, _label in Activity.Unit.choices if code in reported]
    rows = [{"code": row.province.code, "name": row.province.name, "cells": [row.outputs.get(unit, 0) for unit in units]} for row in figures if row.outputs]
    totals = [sum(row["cells"][index] for row in rows) for index in range(len(units))]
    return rows, [(unit, labels[unit]) for unit in units], totals


def activity_rows(allocation):
    """Every activity of the allocation with its output to date, for the XLSX download."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    output = OutputReport.objects.filter(activity=OuterRef("pk")).values("activity").annotate(total=Sum("volume")).values("total")
    return allocation.activities.select_related("regency").annotate(output_total=Coalesce(Subquery(output), 0)).order_by("planned_start", "id")
