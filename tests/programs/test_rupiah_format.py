from decimal import Decimal

import pytest
from django.template import Context, Template


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1234567, "Rp 1.234.567"),
        (0, "Rp 0"),
        (-25000, "-Rp 25.000"),
        (Decimal("1500000.50"), "Rp 1.500.001"),
        (10**15 + 1, "Rp 1.000.000.000.000.001"),
        (None, "–"),
    ],
)
def test_rupiah_filter(value, shown):
    assert Template("{{ value|rupiah }}").render(Context({"value": value})) == shown


def test_thousands_filter():
    assert Template("{{ 1008677|thousands }}").render(Context()) == "1.008.677"
