"""Industry scale by workforce and investment.

Permenperin 64/M-IND/PER/7/2016 classifies industrial businesses: *small* employs at most 19
people with an investment below Rp 1 billion; *medium* employs at most 19 with an investment
of Rp 1 billion or more, or at least 20 with at most Rp 15 billion; *large* employs at least
20 with more than Rp 15 billion. Investment excludes land and buildings. Within small, the
portal marks as *micro* businesses of at most 4 people (BPS's *industri mikro*).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

RP_1_BILLION = 1_000_000_000
RP_15_BILLION = 15_000_000_000


class Scale(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")


SCALE_HELP_TEXT = _(
    "Set from workforce and investment (excluding land and buildings) as Permenperin "
    "64/M-IND/PER/7/2016 defines it: small = at most 19 workers and under Rp 1 billion "
    "(micro: at most 4 workers); medium = at most 19 workers and Rp 1 billion or more, or "
    "20 or more workers and at most Rp 15 billion. 20 or more workers with over Rp 15 billion "
    "is a large industry, not an IKM."
)


def classify_scale(workforce, investment):
    """Return the :class:`Scale`, or None for a large industry (not an IKM)."""
    if workforce >= 20 and investment > RP_15_BILLION:
        return None
    if workforce <= 19 and investment < RP_1_BILLION:
        return Scale.MICRO if workforce <= 4 else Scale.SMALL
    return Scale.MEDIUM
