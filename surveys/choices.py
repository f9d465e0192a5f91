"""The survey's closed lists. Codes are stable (API, spreadsheets); labels are translated."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatingStatus(models.TextChoices):
    NORMAL = "normal", _("Operating normally")
    REDUCED = "reduced", _("Operating at reduced capacity")
    TEMPORARILY_CLOSED = "temporarily-closed", _("Temporarily closed")
    CLOSED = "closed", _("Closed for good")


class Problem(models.TextChoices):
    DEMAND = "demand", _("Falling demand / marketing")
    RAW_MATERIAL = "raw-material", _("Raw material shortage")
    WORKERS_SENT_HOME = "workers-sent-home", _("Workers sent home")
    EXPORT_POSTPONED = "export-postponed", _("Export commitments postponed")
    CASH_FLOW = "cash-flow", _("Cash flow / credit")
    LOGISTICS = "logistics", _("Distribution / logistics")
    PSBB_CLOSURE = "psbb-closure", _("Closure under PSBB")


class Need(models.TextChoices):
    CREDIT = "credit", _("Soft loan or credit restructuring")
    MARKETPLACE = "marketplace", _("Marketplace onboarding")
    ONLINE_MARKETING = "online-marketing", _("Online-marketing training")
    RAW_MATERIAL = "raw-material", _("Raw material access")
    PPE_ORDERS = "ppe-orders", _("PPE production orders")
    EXPORT = "export", _("Export facilitation")


class Channel(models.TextChoices):
    FORM = "form", _("Form")
    UPLOAD = "upload", _("Upload")
    API = "api", _("API")
    OWNER = "owner", _("Owner")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    VERIFIED = "verified", _("Verified")


class Warning(models.TextChoices):
    """Answers that are possible but unusual: stored, and left out of the headline figures
    until someone confirms them (the order is the order of the bits in ``response_warnings``)."""

    TURNOVER_JUMP = "turnover-jump", _("Turnover after is more than 5 times turnover before")
    ZERO_WHILE_NORMAL = "zero-while-normal", _("Turnover is 0 while operating normally")
    PREVIOUS_WAVE = "previous-wave", _("Turnover is more than 5 times or less than a fifth of this business's turnover in the previous wave")
    WORKERS_RISE = "workers-rise", _("Workers after are far more than workers before")
    SECTOR_OUTLIER = "sector-outlier", _("Turnover is far outside the range of this sector and scale in verified earlier waves")
