"""Deconcentration budgets (dana dekonsentrasi): per province and fiscal year an allocation to
the provincial office's spending unit (satker), its revisions, activities, withdrawal plan
(RPD), realisation and output reports.

Money is whole rupiah (``BigIntegerField``). The running sums an allocation and an activity
keep (``planned``, ``realised``) are written only by :mod:`budgets.services`, under row locks,
and CHECK constraints make the database refuse any sum beyond its limit as the last word.
Every table keeps its history (who, when, what before): django-simple-history.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.jobs import UploadJob
from programs.models import Business, Event, Organisation, Province, Regency
from programs.policy import EVERYONE, MINISTRY, ORGANISERS, Policy
from programs.querysets import ScopedQuerySet
from programs.roles import Role

#: No deconcentration ceiling comes near Rp 10 trillion; a larger figure is a typo.
MONEY_LIMIT = 10**13
FIRST_YEAR, LAST_YEAR = 2015, 2100

ENTERERS = frozenset({Role.MINISTRY_ADMIN, Role.OFFICER})


def money(verbose_name, **kwargs):
    return models.BigIntegerField(verbose_name, validators=[MinValueValidator(0), MaxValueValidator(MONEY_LIMIT)], **kwargs)


class AllocationQuerySet(ScopedQuerySet):
    """Officers read their province's allocations; ministry staff own them; anyone reads the
    allocations of closed fiscal years (transparency: ceilings and absorption, no payments)."""

    province_field = "province"
    policy = Policy(
        view=EVERYONE,
        add=MINISTRY,
        change=MINISTRY,
        delete={Role.MINISTRY_ADMIN},
        # Revisions (refocusing, blocking, …) are added by the ministry, never edited.
        revise=MINISTRY,
        # Activities, realisation and outputs are entered by the province's officers (and
        # admins): within what the user may edit — an officer's own province, not every
        # closed year the public may read.
        enter=ENTERERS,
    )

    def editable_by_ministry_staff(self):
        return self.all()

    def public(self):
        from django.utils import timezone

        return self.filter(year__lt=timezone.localdate().year)

    def shared_with_officers(self, user):
        return self.public()


class Allocation(models.Model):
    """A province's deconcentration allocation for one fiscal year, to its satker."""

    year = models.PositiveSmallIntegerField(_("fiscal year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)])
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="budget_allocations")
    satker_code = models.CharField(
        _("satker code"), max_length=6, validators=[RegexValidator(r"^\d{6}$", _("A satker code has 6 digits."))],
    )
    satker_name = models.CharField(_("satker name"), max_length=200)
    original_ceiling = money(_("original ceiling (Rp)"))
    #: The latest approved revision's figures (the original ceiling until the first revision).
    ceiling = money(_("current ceiling (Rp)"))
    blocked = money(_("blocked (Rp)"), default=0)
    #: Σ budgets of the activities and Σ realisation: kept by the services under a row lock.
    planned = money(_("planned in activities (Rp)"), default=0)
    realised = money(_("realised (Rp)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "province__code"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["year", "province"], name="one_allocation_per_province_per_year"),
            models.CheckConstraint(condition=Q(blocked__lte=F("ceiling")), name="allocation_blocked_within_ceiling"),
            models.CheckConstraint(condition=Q(planned__lte=F("ceiling") - F("blocked")), name="allocation_planned_within_available"),
            models.CheckConstraint(condition=Q(realised__lte=F("ceiling") - F("blocked")), name="allocation_realised_within_available"),
        ]

    def __str__(self):
        return f"{self.year} · {self.province} · {self.satker_code}"

    @property
    def available(self):
        """What may be planned or spent: the current ceiling less what is blocked."""
        return self.ceiling - self.blocked

    @property
    def absorption(self):
        return self.realised / self.ceiling if self.ceiling else None


class RevisionQuerySet(ScopedQuerySet):
    province_field = "allocation__province"
    policy = Policy(view=ORGANISERS, add=MINISTRY)

    def editable_by_ministry_staff(self):
        return self.all()


class Revision(models.Model):
    """One approved revision of an allocation (kept as a version, never edited)."""

    class Kind(models.TextChoices):
        REFOCUSING = "refocusing", _("Refocusing / reallocation")
        BLOCK = "block", _("Block (blokir)")
        UNBLOCK = "unblock", _("Unblock")
        SHIFT = "shift", _("Shift between activities")
        OTHER = "other", _("Other revision")

    allocation = models.ForeignKey(Allocation, verbose_name=_("allocation"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision number"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    document = models.CharField(_("document reference"), max_length=100, blank=True)
    ceiling = money(_("ceiling after (Rp)"))
    blocked = money(_("blocked after (Rp)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["allocation", "number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["allocation", "number"], name="one_revision_number_per_allocation"),
            models.CheckConstraint(condition=Q(blocked__lte=F("ceiling")), name="revision_blocked_within_ceiling"),
        ]


class ActivityQuerySet(ScopedQuerySet):
    province_field = "allocation__province"
    policy = Policy(view=ORGANISERS, add=ENTERERS, change=ENTERERS, delete=ENTERERS)


class Activity(models.Model):
    """An activity funded by an allocation: what, where, when, for whom, and its output."""

    class Kind(models.TextChoices):
        NEW_ENTREPRENEURS = "new-entrepreneurs", _("New-entrepreneur growth")
        PPE_BIMTEK = "ppe-bimtek", _("Technical training (bimtek) for PPE production")
        MENTORING = "mentoring", _("Mentoring")
        ONLINE_TRAINING = "online-training", _("Online training")
        FACILITATION = "facilitation", _("Facilitation (equipment, certification, promotion)")
        OTHER = "other", _("Other")

    class Unit(models.TextChoices):
        PARTICIPANTS = "participants", _("participants")
        NEW_ENTREPRENEURS = "new-entrepreneurs", _("new entrepreneurs")
        MASKS = "masks", _("masks")
        HAZMAT_SUITS = "hazmat-suits", _("hazmat suits")
        FACE_SHIELDS = "face-shields", _("face shields")
        BUSINESSES = "businesses", _("businesses assisted")
        PACKAGES = "packages", _("packages")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("Offline")
        HYBRID = "hybrid", _("Online and offline")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        POSTPONED = "postponed", _("Postponed (PSBB)")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    allocation = models.ForeignKey(Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    output = models.CharField(_("output (rincian output)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    target = models.PositiveIntegerField(_("target volume"), validators=[MinValueValidator(1), MaxValueValidator(100_000_000)])
    regency = models.ForeignKey(Regency, verbose_name=_("regency or city"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    planned_start = models.DateField(_("planned start month"))
    planned_end = models.DateField(_("planned end month"))
    actual_start = models.DateField(_("actual start month"), null=True, blank=True)
    actual_end = models.DateField(_("actual end month"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    budget = money(_("budget (Rp)"))
    realised = money(_("realised (Rp)"), default=0)
    partners = models.ManyToManyField(Organisation, verbose_name=_("partner organisations"), blank=True, related_name="+")
    # Links "up" to programs are declared here, never on programs (DESIGN.md).
    events = models.ManyToManyField(Event, verbose_name=_("events funded"), blank=True, related_name="budget_activities")
    beneficiaries = models.ManyToManyField(Business, verbose_name=_("businesses that benefited"), blank=True, related_name="budget_activities")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["allocation", "planned_start", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # Late activities (ranking, province page): only the few not done or cancelled.
            models.Index(fields=["allocation", "planned_end"], condition=~Q(status__in=["done", "cancelled"]), name="activity_open"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(realised__lte=F("budget")), name="activity_realised_within_budget"),
            models.CheckConstraint(condition=Q(planned_end__gte=F("planned_start")), name="activity_planned_in_order"),
        ]

    def __str__(self):
        return self.name

    @property
    def left(self):
        return self.budget - self.realised


class WithdrawalPlanQuerySet(ScopedQuerySet):
    province_field = "allocation__province"
    policy = Policy(view=ORGANISERS, add=ENTERERS)


class WithdrawalPlan(models.Model):
    """The monthly withdrawal plan (RPD, halaman III DIPA) of an allocation, one version per
    revision (at the start of a quarter); the newest version is the plan."""

    allocation = models.ForeignKey(Allocation, verbose_name=_("allocation"), on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"))
    #: Planned withdrawal per month, January first (12 whole-rupiah amounts).
    months = models.JSONField(_("planned per month (Rp)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = WithdrawalPlanQuerySet.as_manager()

    class Meta:
        ordering = ["allocation", "-version"]
        verbose_name = _("withdrawal plan (RPD)")
        verbose_name_plural = _("withdrawal plans (RPD)")
        constraints = [models.UniqueConstraint(fields=["allocation", "version"], name="one_plan_version_per_allocation")]

    @property
    def total(self):
        return sum(self.months)


class RealisationQuerySet(ScopedQuerySet):
    province_field = "allocation__province"
    policy = Policy(view=ORGANISERS, add=ENTERERS, delete={Role.MINISTRY_ADMIN})


class Realisation(models.Model):
    """Money spent: one payment order (SP2D) of the satker, charged to one activity."""

    # Looked up through the unique (allocation, payment number) index: no index of its own.
    allocation = models.ForeignKey(Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="realisations", db_index=False)
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="realisations")
    payment_number = models.CharField(_("payment order number (SP2D)"), max_length=40)
    date = models.DateField(_("date"))
    amount = models.BigIntegerField(_("amount (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(MONEY_LIMIT)])
    account = models.CharField(
        _("expenditure account"), max_length=6, validators=[RegexValidator(r"^5\d{5}$", _("An expenditure account has 6 digits and starts with 5, e.g. 521211."))],
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # History is read per entry (by id), never searched by these: their indexes, and a
    # foreign-key check of the user on every row, would only slow down the uploads that
    # write 100,000 entries at once (users are never deleted: accounts are deactivated).
    history = HistoricalRecords(no_db_index=["allocation", "activity", "entered_by"], user_db_constraint=False)
    objects = RealisationQuerySet.as_manager()

    class Meta:
        ordering = ["allocation", "date", "id"]
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        constraints = [
            # A payment order number is the satker's own: sending the same entry twice changes nothing.
            models.UniqueConstraint(fields=["allocation", "payment_number"], name="one_payment_number_per_satker_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="realisation_amount_positive"),
        ]


class OutputReportQuerySet(ScopedQuerySet):
    province_field = "activity__allocation__province"
    policy = Policy(view=ORGANISERS, add=ENTERERS, change=ENTERERS)


class OutputReport(models.Model):
    """What an activity produced in one month (masks made, participants trained, …)."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="output_reports")
    month = models.DateField(_("month"))
    volume = models.PositiveIntegerField(_("volume"), validators=[MaxValueValidator(100_000_000)])
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = OutputReportQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "month"]
        verbose_name = _("output report")
        verbose_name_plural = _("output reports")
        constraints = [models.UniqueConstraint(fields=["activity", "month"], name="one_output_report_per_activity_month")]


class IndicatorWeights(models.Model):
    """The weights of the budget performance score (IKPA-style), one row. Defaults are the
    Ministry of Finance's weights for the four indicators the portal measures (revisions 5,
    RPD deviation 15, absorption 20, output achievement 25), normalised over their sum."""

    revisions = models.PositiveSmallIntegerField(_("revisions"), default=5)
    rpd_deviation = models.PositiveSmallIntegerField(_("withdrawal plan deviation"), default=15)
    absorption = models.PositiveSmallIntegerField(_("absorption"), default=20)
    output = models.PositiveSmallIntegerField(_("output achievement"), default=25)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score weights")
        verbose_name_plural = _("score weights")

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


class IndicatorQuerySet(ScopedQuerySet):
    """Indicators are figures, not payments: officers read their province's (and every
    closed year's), ministry staff all, the public closed years."""

    province_field = "province"
    policy = Policy(view=EVERYONE)

    def public(self):
        from django.utils import timezone

        return self.filter(year__lt=timezone.localdate().year)

    def shared_with_officers(self, user):
        return self.public()


class Indicator(models.Model):
    """IKPA-style indicators of one province for one month of a fiscal year, cumulative to
    the end of that month. Written only by :mod:`budgets.indicators` (one statement per year,
    swapped in atomically)."""

    year = models.PositiveSmallIntegerField()
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    month = models.PositiveSmallIntegerField()
    ceiling = models.BigIntegerField()
    realised = models.BigIntegerField(help_text="Cumulative realisation to the end of the month.")
    planned = models.BigIntegerField(help_text="Cumulative withdrawal plan (newest RPD) to the end of the month.")
    absorption = models.FloatField(null=True)
    rpd_deviation = models.FloatField(null=True, help_text="|realised − planned| ÷ planned, cumulative.")
    revisions_in_quarter = models.PositiveSmallIntegerField()
    output_achievement = models.FloatField(null=True, help_text="Mean over activities of min(1, volume to date ÷ target).")
    score = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["year", "province", "month"]
        constraints = [models.UniqueConstraint(fields=["year", "province", "month"], name="one_indicator_per_province_month")]


class ProvinceFigures(models.Model):
    """What the national pages show per province and fiscal year besides the indicators:
    activities late (as of the refresh), output volume per unit and activity budgets per kind.
    Written only by :mod:`budgets.indicators`, with the indicators, so the ranking, outputs and
    refocusing pages read 38 rows instead of adding up millions."""

    year = models.PositiveSmallIntegerField()
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    late_activities = models.PositiveIntegerField()
    #: unit code → Σ reported volume
    outputs = models.JSONField(default=dict)
    #: activity kind code → Σ budget of the activities not cancelled
    budgets_by_kind = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["year", "province"]
        constraints = [models.UniqueConstraint(fields=["year", "province"], name="one_figures_row_per_province_year")]


class RealisationImportQuerySet(ScopedQuerySet):
    province_field = "allocation__province"
    # Those who enter spending may upload it, and send a failed upload again (its file is kept).
    policy = Policy(view=ORGANISERS, add=ENTERERS, retry=ENTERERS)


class RealisationImport(UploadJob):
    """An uploaded export of a satker's payment orders (SP2D) and what became of it: every row
    recorded, or none and a report of the rows to correct."""

    allocation = models.ForeignKey(Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="imports")
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows already recorded"), default=0)

    task_name = "budgets.tasks.realisation_import_task"

    objects = RealisationImportQuerySet.as_manager()

    class Meta(UploadJob.Meta):
        verbose_name = _("realisation import")
        verbose_name_plural = _("realisation imports")
