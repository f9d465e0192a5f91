from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.models import Business, Province, Regency, Sector
from programs.jobs import UploadJob
from programs.policy import EVERYONE, MINISTRY, NO_OBJECT, ORGANISERS, SIGNED_IN, VISIBLE, Policy, Rule
from programs.querysets import ScopedQuerySet
from programs.roles import Role
from programs.scale import Scale

from .choices import Channel, OperatingStatus, ReviewStatus


class SurveyWaveQuerySet(ScopedQuerySet):
    """National waves are read by every officer; province waves only by their province."""

    province_field = "province"
    policy = Policy(
        view=SIGNED_IN,
        add=ORGANISERS,
        change=ORGANISERS,
        delete={Role.MINISTRY_ADMIN},
        # Enter responses (form, upload, API) into a wave the user can see; whether the wave
        # accepts entries now is the service's answer (``wave_entry_check``).
        enter_responses=Rule(roles=frozenset({Role.MINISTRY_ADMIN, Role.OFFICER}), scope=VISIBLE),
        # Completeness and the review of province batches.
        review=Rule(roles=ORGANISERS, scope=VISIBLE),
        # IKM owners answer an open wave for their own businesses (see ``_owned_by``).
        report_own=Rule(roles=frozenset({Role.OWNER}), scope=VISIBLE),
        # The wave's raw responses (those the user may read) as CSV or XLSX.
        export_responses=Rule(roles=ORGANISERS, scope=VISIBLE),
    )

    def public(self):
        return self.filter(status=SurveyWave.Status.PUBLISHED)

    def shared_with_officers(self, user):
        return self.filter(province__isnull=True)

    def editable_by_ministry_staff(self):
        return self.filter(province__isnull=True)

    def national(self):
        return self.filter(province__isnull=True)

    def _owned_by(self, user):
        """Owners see the waves open to one of their businesses: national ones and those of a
        province where they have a business (they answer them for themselves)."""
        owned_provinces = Business.objects.filter(owner=user).values("province_id")
        return self.filter(status=SurveyWave.Status.OPEN).filter(Q(province__isnull=True) | Q(province_id__in=owned_provinces))

    def editable_by(self, user):
        from programs.roles import role_of

        return self.none() if role_of(user) == Role.OWNER else super().editable_by(user)


class SurveyWave(models.Model):
    """One survey round: which months it compares, where, and when data may be entered."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for entry")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")

    code = models.CharField(
        _("code"), max_length=20, unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z][0-9A-Za-z-]*$", _("Use letters, digits and dashes, e.g. 2020-04."))],
        help_text=_("Stable name used by the API and uploads, e.g. 2020-04."),
    )
    title = models.CharField(_("title"), max_length=200)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="survey_waves",
        help_text=_("Empty for a national wave."),
    )
    baseline_month = models.DateField(_("baseline month"), help_text=_("The month before COVID-19 the survey compares with, e.g. February 2020."))
    reported_month = models.DateField(_("reported month"))
    opens_on = models.DateField(_("collection opens"))
    closes_on = models.DateField(_("collection closes"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SurveyWaveQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_month", "code"]
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="wave_window_in_order"),
            models.CheckConstraint(condition=Q(reported_month__gt=models.F("baseline_month")), name="wave_reported_after_baseline"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        """The rules of the CHECK constraints as field errors (the constraints stay the last word)."""
        from django.core.exceptions import ValidationError

        errors = {}
        if self.baseline_month and self.reported_month and self.reported_month <= self.baseline_month:
            errors["reported_month"] = _("The reported month must come after the baseline month.")
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("Collection must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_national(self):
        return self.province_id is None

    @property
    def accepts_entries(self):
        return self.status == self.Status.OPEN


class SurveyResponseQuerySet(ScopedQuerySet):
    province_field = "province"
    owner_field = "business__owner"
    policy = Policy(
        view=SIGNED_IN,
        add={Role.MINISTRY_ADMIN, Role.OFFICER},
        change={Role.MINISTRY_ADMIN, Role.OFFICER},
        delete={Role.MINISTRY_ADMIN, Role.OFFICER},
        confirm_warnings={Role.MINISTRY_ADMIN, Role.OFFICER},
        # The response page: its answers, warnings, history and comment thread.
        review=Rule(roles=ORGANISERS, scope=VISIBLE),
        comment=Rule(roles=ORGANISERS, scope=VISIBLE),
        # Ministry staff send one response back to the province for correction.
        return_for_correction=Rule(roles=MINISTRY, scope=VISIBLE),
    )

    def editable_by(self, user):
        # Verified responses are locked until a verifier unlocks them.
        return super().editable_by(user).exclude(status=ReviewStatus.VERIFIED)


class SurveyResponse(models.Model):
    """One business's answers for one wave. Place, sector and scale are copied from the
    business when saved, so the survey records the business as it was."""

    # Few indexes on purpose: uploads write 100,000 rows at a time. The unique (wave, business)
    # and the (wave, province, status) indexes serve every read (a wave's rows for the rollups,
    # a province's for its officers; a sector is a filter within those).
    # No foreign-key constraints in the database for wave and business either: an upload
    # writes rows joined to existing businesses of an existing wave, and the ORM refuses to
    # delete a wave or business that has responses (PROTECT); the deferred per-row checks at
    # commit would cost over a second per 100,000 uploaded rows.
    wave = models.ForeignKey(SurveyWave, verbose_name=_("wave"), on_delete=models.PROTECT, related_name="responses", db_index=False, db_constraint=False)
    # Not indexed alone either: responses are read by wave; only deleting a business (refused
    # while it has responses) looks them up by business.
    business = models.ForeignKey(Business, verbose_name=_("business"), on_delete=models.PROTECT, related_name="survey_responses", db_constraint=False, db_index=False)
    # Snapshot copies of reference rows that are never deleted: no per-row foreign-key
    # trigger in the database (each would cost a lookup per uploaded row at commit).
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    regency = models.ForeignKey(Regency, verbose_name=_("regency or city"), on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)

    turnover_before = models.BigIntegerField(_("turnover in the baseline month (Rp)"), validators=[MinValueValidator(0)])
    turnover_after = models.BigIntegerField(_("turnover in the reported month (Rp)"), validators=[MinValueValidator(0)])
    capacity_before = models.PositiveSmallIntegerField(_("capacity used before (%)"), null=True, blank=True, validators=[MaxValueValidator(100)])
    capacity_after = models.PositiveSmallIntegerField(_("capacity used after (%)"), null=True, blank=True, validators=[MaxValueValidator(100)])
    workers_before = models.PositiveIntegerField(_("workers before"))
    workers_after = models.PositiveIntegerField(_("workers after"))
    workers_furloughed = models.PositiveIntegerField(_("workers sent home (dirumahkan)"), default=0)
    workers_laid_off = models.PositiveIntegerField(_("workers laid off (PHK)"), default=0)
    operating_status = models.CharField(_("operating status"), max_length=20, choices=OperatingStatus.choices)
    problems = models.JSONField(_("problems met"), default=list, blank=True)
    needs = models.JSONField(_("assistance needed"), default=list, blank=True)
    diversified = models.BooleanField(_("diversified"), default=False)
    diversification_product = models.CharField(_("new product"), max_length=200, blank=True)
    export_postponed_value = models.BigIntegerField(_("postponed export commitments (Rp)"), null=True, blank=True, validators=[MinValueValidator(0)])
    export_postponed_country = models.CharField(_("destination of postponed exports"), max_length=2, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    status = models.CharField(_("review status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    warnings_confirmed = models.BooleanField(_("warnings confirmed"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.FORM)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # History is written in bulk (set-based): only the index that finds a response's history.
    history = HistoricalRecords(
        no_db_index=["id", "wave", "business", "province", "regency", "sector", "entered_by"], excluded_fields=["updated_at"],
        # Who made a change is kept as a plain id (no index, no constraint): history is read
        # per response, through the (id, history_date) index.
        history_user_id_field=models.IntegerField(null=True, blank=True),
    )

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        ordering = ["wave", "province", "business"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        permissions = [("verify_submission", "Can verify or return a province's survey submission")]
        constraints = [
            models.UniqueConstraint(fields=["wave", "business"], name="one_response_per_business_per_wave"),
            models.CheckConstraint(condition=Q(turnover_before__gte=0, turnover_after__gte=0), name="response_turnover_not_negative"),
            models.CheckConstraint(
                condition=Q(workers_furloughed__lte=models.F("workers_before") - models.F("workers_laid_off")),
                name="response_furloughed_plus_laid_off_within_workers",
            ),
        ]
        indexes = [
            models.Index(fields=["wave", "province", "status"], name="response_wave_province"),
            # The follow-up list: the few responses with warnings, without reading the wave.
            models.Index(fields=["wave", "province"], condition=~Q(warnings=[]), name="response_with_warnings"),
        ]

    def __str__(self):
        return f"{self.wave.code} · {self.business}"

    @property
    def warning_labels(self):
        """The warnings as officers read them ("Omzet sesudah lebih dari 5 kali…"), not their codes."""
        from .choices import Warning

        labels = dict(Warning.choices)
        return [str(labels.get(code, code)) for code in self.warnings]


def _batch_of_own_province(user, submission):
    """Officers act on their own province's batch only. A batch row is created on its first
    submission, so this reads the batch's province instead of asking ``editable_by``."""
    from programs.roles import province_id_of, role_of

    return submission is None or role_of(user) != Role.OFFICER or submission.province_id == province_id_of(user)


def _verifier(user, submission):
    """Officers verify only their own province's batch, and only with the verifier permission."""
    from programs.roles import role_of

    if role_of(user) != Role.OFFICER:
        return True
    return user.has_perm("surveys.verify_submission") and _batch_of_own_province(user, submission)


class ProvinceSubmissionQuerySet(ScopedQuerySet):
    province_field = "province"
    policy = Policy(
        view={Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF, Role.OFFICER},
        # Officers send their own province's batch.
        submit=Rule(roles=frozenset({Role.OFFICER}), scope=NO_OBJECT, check=_batch_of_own_province),
        # Verify, return and unlock: the ministry for every province, officers with the
        # verifier permission for their own.
        verify=Rule(roles=ORGANISERS, scope=NO_OBJECT, check=_verifier),
    )


class ProvinceSubmission(models.Model):
    """A province's batch of responses for a wave, in review (konsep → dikirim → dikembalikan / diverifikasi)."""

    wave = models.ForeignKey(SurveyWave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="submissions")
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProvinceSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("province submission")
        verbose_name_plural = _("province submissions")
        constraints = [models.UniqueConstraint(fields=["wave", "province"], name="one_submission_per_province_per_wave")]


class ReviewEvent(models.Model):
    """Who submitted, returned, verified or unlocked a province's batch, when, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        RETURN = "return", _("Returned for correction")
        VERIFY = "verify", _("Verified")
        UNLOCK = "unlock", _("Unlocked")

    submission = models.ForeignKey(ProvinceSubmission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    responses = models.PositiveIntegerField(_("responses"), default=0)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class SurveyImportQuerySet(ScopedQuerySet):
    province_field = "province"
    # Those who may upload may also send a failed upload again (its file is kept).
    policy = Policy(view=ORGANISERS, add={Role.MINISTRY_ADMIN, Role.OFFICER}, retry={Role.MINISTRY_ADMIN, Role.OFFICER})

    def visible_to(self, user):
        return super().visible_to(user) | self.filter(user=user) if user is not None and user.is_authenticated else self.none()


class SurveyImport(UploadJob):
    """An uploaded spreadsheet and what became of it: all rows written, or none and a report."""

    wave = models.ForeignKey(SurveyWave, verbose_name=_("wave"), on_delete=models.PROTECT, related_name="imports")
    province = models.ForeignKey(Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The folder survey uploads have always been kept in.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    error_report = models.FileField(_("error report"), upload_to="imports/%Y/%m/", blank=True)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)

    task_name = "surveys.tasks.import_run_task"

    objects = SurveyImportQuerySet.as_manager()

    class Meta(UploadJob.Meta):
        verbose_name = _("survey import")
        verbose_name_plural = _("survey imports")


class ImpactRollupQuerySet(ScopedQuerySet):
    """Aggregates, never single businesses: everyone reads published waves; officers also read
    their own province and the national totals of the waves they work on."""
    province_field = "province"
    policy = Policy(view=EVERYONE)

    def public(self):
        return self.filter(wave__status=SurveyWave.Status.PUBLISHED)

    def shared_with_officers(self, user):
        return self.public() | self.filter(province__isnull=True, wave__province__isnull=True)

    def _owned_by(self, user):
        return self.none()


class ImpactRollup(models.Model):
    """Figures of one wave for one slice: a province (or the nation), optionally one regency,
    sector and scale (empty = all), over all responses or verified ones only.

    Written only by :mod:`surveys.rollups` in one transaction per refresh, so readers see either
    the previous set or the new one. A business's decline is 1 − after ÷ before, defined for
    businesses with turnover before > 0; ``decline`` is 1 − Σafter ÷ Σbefore over those."""
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="rollups", db_index=False)
    verified_only = models.BooleanField(default=False)
    province = models.ForeignKey(Province, null=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    regency = models.ForeignKey(Regency, null=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    sector = models.ForeignKey(Sector, null=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    scale = models.CharField(max_length=10, blank=True, choices=Scale.choices)

    responses = models.PositiveIntegerField()
    with_baseline = models.PositiveIntegerField(help_text="Responses with turnover before > 0.")
    falling = models.PositiveIntegerField(help_text="Responses whose turnover fell.")
    turnover_before = models.BigIntegerField()
    turnover_after = models.BigIntegerField()
    turnover_after_with_baseline = models.BigIntegerField()
    decline = models.FloatField(null=True)
    decline_p25 = models.FloatField(null=True)
    decline_median = models.FloatField(null=True)
    decline_p75 = models.FloatField(null=True)
    band_grew = models.PositiveIntegerField()
    band_0_25 = models.PositiveIntegerField()
    band_25_50 = models.PositiveIntegerField()
    band_50_70 = models.PositiveIntegerField()
    band_70_plus = models.PositiveIntegerField()
    band_closed = models.PositiveIntegerField()
    workers_before = models.BigIntegerField()
    workers_after = models.BigIntegerField()
    workers_furloughed = models.BigIntegerField()
    workers_laid_off = models.BigIntegerField()
    problems = models.JSONField(default=dict, help_text="Responses naming each problem, by code.")
    needs = models.JSONField(default=dict, help_text="Responses asking for each kind of help, by code.")
    diversified = models.PositiveIntegerField()
    export_postponed = models.PositiveIntegerField()
    export_postponed_value = models.BigIntegerField()
    newest_response_at = models.DateTimeField(null=True)
    left_out = models.PositiveIntegerField(default=0, help_text="Responses left out of these figures: a warning not yet confirmed.")
    computed_at = models.DateTimeField()
    # For a province's own row: ids of the responses with the steepest decline that asked for
    # help (the province page lists them without sorting the province's responses each time).
    steepest = models.JSONField(default=list)

    objects = ImpactRollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("impact rollup")
        verbose_name_plural = _("impact rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "verified_only", "province", "regency", "sector", "scale"],
                name="one_rollup_per_slice", nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.wave_id}/{self.province_id or 'ID'}/{self.regency_id or '*'}/{self.sector_id or '*'}/{self.scale or '*'}"


class RollupPending(models.Model):
    """A province of a wave (or, without a province, the whole wave) whose figures are older
    than its responses.

    Inserted in the transaction that changes the responses and deleted in the one that
    refreshes the figures, so neither a Redis outage on the writing side nor a worker killed
    mid-refresh loses a refresh: the marks stay until figures including them are committed.
    Rows are only ever inserted and deleted (no unique key), so a writer never waits for a
    refresh in progress."""
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Province, null=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending figures refresh")
        verbose_name_plural = _("pending figures refreshes")


class TurnoverRangeQuerySet(models.QuerySet):
    """Statistics of verified answers by sector and scale, no single business: read by those
    who enter and review responses, written only by :mod:`surveys.outliers`."""

    policy = Policy(view=ORGANISERS)

    def visible_to(self, user):
        from programs.roles import role_of

        return self.all() if role_of(user) in ORGANISERS else self.none()

    def editable_by(self, user):
        return self.none()


class TurnoverRange(models.Model):
    """The plausible range of turnover after for one sector × scale when entering into
    ``wave``, learned from the verified responses of the waves reported before it (DHIS2's
    outlier analysis): a modified z-score of the logarithm of turnover (median ± 3.5 median
    absolute deviations ÷ 0.6745) computed in SQL by :mod:`surveys.outliers`. Groups with fewer
    than ``outliers.MIN_RESPONSES`` verified answers have no range (no warning)."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="turnover_ranges")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    scale = models.CharField(max_length=10, choices=Scale.choices)
    responses = models.PositiveIntegerField(help_text="Verified answers the range was learned from.")
    median = models.BigIntegerField()
    low = models.BigIntegerField()
    high = models.BigIntegerField()
    computed_at = models.DateTimeField()

    objects = TurnoverRangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("turnover range")
        verbose_name_plural = _("turnover ranges")
        constraints = [models.UniqueConstraint(fields=["wave", "sector", "scale"], name="one_turnover_range_per_slice")]


class ResponseCommentQuerySet(ScopedQuerySet):
    """Comments on one response, read by those who may read the response."""

    province_field = "response__province"
    policy = Policy(view=ORGANISERS, add=ORGANISERS)


class ResponseComment(models.Model):
    """A message in a response's follow-up thread (why a figure is right, what to correct)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ResponseCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("response comment")
        verbose_name_plural = _("response comments")
