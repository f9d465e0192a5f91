"""Formatting the portal's figures the Indonesian way, whatever the page's language."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def _group_thousands(number):
    return f"{number:,}".replace(",", ".")


@register.filter
def rupiah(value):
    """``1234567`` → ``Rp 1.234.567``; negatives as ``-Rp 1.234``; empty as an en dash."""
    if value is None or value == "":
        return "–"
    try:
        # Decimal, not float: national sums reach 10^15 rupiah and must stay exact.
        amount = value if isinstance(value, int) else int(Decimal(str(value)).to_integral_value(ROUND_HALF_UP))
    except (InvalidOperation, TypeError, ValueError):
        return value
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {_group_thousands(abs(amount))}"


@register.filter
def thousands(value):
    """``1008677`` → ``1.008.677``."""
    if value is None or value == "":
        return "–"
    try:
        return _group_thousands(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def with_class(bound_field, css_class):
    """Render a form field's widget with Bootstrap classes, marked invalid when it has errors."""
    attrs = {"class": css_class + (" is-invalid" if bound_field.errors else "")}
    if bound_field.errors:
        attrs["aria-describedby"] = f"{bound_field.auto_id}_error"
    return bound_field.as_widget(attrs=attrs)


def _decimal_mark():
    from django.utils.translation import get_language

    return "." if (get_language() or "id").startswith("en") else ","


@register.filter
def percent(value, digits=1):
    """A fraction as a percentage: ``0.5385`` → ``53,9 %`` (``53.9 %`` in English)."""
    if value is None or value == "":
        return "–"
    try:
        text = f"{float(value) * 100:.{int(digits)}f}"
    except (TypeError, ValueError):
        return value
    return text.replace(".", _decimal_mark()) + " %"


@register.filter
def rupiah_compact(value):
    """Large sums in words: ``18643547650000`` → ``Rp 18,6 triliun``; small ones in full."""
    from django.utils.translation import gettext

    if value is None or value == "":
        return "–"
    amount = int(value)
    for size, unit in ((10**12, gettext("trillion")), (10**9, gettext("billion")), (10**6, gettext("million"))):
        if abs(amount) >= size:
            return f"Rp {amount / size:.1f}".replace(".", _decimal_mark()) + f" {unit}"
    return rupiah(amount)


@register.filter
def table_cell(value, kind):
    """A dashboard table cell by its column kind (text, int, rupiah, ratio)."""
    if kind == "int":
        return thousands(value)
    if kind == "rupiah":
        return rupiah(value)
    if kind == "ratio":
        return percent(value)
    return "–" if value is None else value


@register.filter
def labelled(row, columns):
    """A table row's ``(value, kind)`` cells with their column's label, ``(label, value, kind)``
    each: the same row as a card on a phone."""
    return [(column[0], value, kind) for column, (value, kind) in zip(columns, row)]


@register.filter
def topic_labels(codes):
    """An event's topic codes as their (translated) names."""
    from programs.models import Event

    labels = dict(Event.Topic.choices)
    return [labels.get(code, code) for code in codes or []]


@register.filter
def in_zone(value, zone_name):
    """A datetime as the wall-clock time of the given zone (an event's own). Naive on
    purpose: the ``date`` filter would convert an aware value back to the page's zone."""
    import zoneinfo

    from django.utils import timezone

    if value is None:
        return value
    return timezone.make_naive(value, zoneinfo.ZoneInfo(zone_name))


@register.filter
def zone_abbreviation(zone_name):
    return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Pontianak": "WIB", "Asia/Jayapura": "WIT"}.get(zone_name, zone_name)


@register.filter
def role_label(value):
    """A role's name in the user's language: ``"officer"`` → ``Petugas provinsi``."""
    from ..roles import Role

    return Role(value).label if value in Role.values else "–"


@register.filter
def month_name(number):
    """1 → "Januari" (in the active language)."""
    from django.utils.dates import MONTHS

    try:
        return MONTHS[int(number)]
    except (KeyError, TypeError, ValueError):
        return ""
