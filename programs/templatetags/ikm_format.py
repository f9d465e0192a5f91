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
