from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jobs import JobMixin
from .policy import EDITABLE, EVERYONE, NO_OBJECT, NOBODY, ORGANISERS, SIGNED_IN, VISIBLE, Policy, Rule
from .querysets import ReferenceQuerySet, ScopedQuerySet
from .roles import Role
from .scale import SCALE_HELP_TEXT, Scale


class Province(models.Model):
    """A province by its Kemendagri code (``31``). 38 today; 34 in 2020 (see ``parent_2020``)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, blank=True)
    bps_code = models.CharField(_("BPS code"), max_length=2, blank=True)
    timezone = models.CharField(_("time zone"), max_length=40, default="Asia/Jakarta")
    parent_2020 = models.ForeignKey(
        "self",
        verbose_name=_("province in 2020"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_into",
        help_text=_("For provinces created in 2022: the 2020 province they were part of."),
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class ProfileQuerySet(ScopedQuerySet):
    """Accounts, through their profile. Ministry admins manage every account; officers see
    who else works for their province (officers bound to it). Nobody else lists accounts."""

    province_field = "province"
    policy = Policy(
        view={Role.MINISTRY_ADMIN, Role.OFFICER},
        # Invite an officer, staff member or admin (owners sign up themselves).
        add={Role.MINISTRY_ADMIN},
        # Role, province, deactivate or reactivate.
        change={Role.MINISTRY_ADMIN},
        # Accounts are deactivated, never deleted: what they recorded keeps its author.
        delete=NOBODY,
        reset_password={Role.MINISTRY_ADMIN},
        unlock={Role.MINISTRY_ADMIN},
    )

    def visible_to(self, user):
        from .roles import province_id_of, role_of

        role = role_of(user)
        if role == Role.MINISTRY_ADMIN:
            return self.all()
        if role == Role.OFFICER and province_id_of(user) is not None:
            return self.filter(province_id=province_id_of(user), user__groups__name=Role.OFFICER.value)
        return self.none()

    def editable_by(self, user):
        from .roles import role_of

        return self.all() if role_of(user) == Role.MINISTRY_ADMIN else self.none()


class Profile(models.Model):
    """What the portal knows of a user beyond ``auth.User``: an officer's province."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
        help_text=_("Required for provincial officers: the province whose records they keep."),
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)




class Regency(models.Model):
    """A regency (*kabupaten*) or city (*kota*) by its Kemendagri code (``31.71``)."""

    class Kind(models.TextChoices):
        REGENCY = "kabupaten", _("Regency (kabupaten)")
        CITY = "kota", _("City (kota)")

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="regencies")
    code_2021 = models.CharField(_("Kemendagri code in 2021"), max_length=5, blank=True, db_index=True)
    bps_code = models.CharField(_("BPS code (2020)"), max_length=4, blank=True, db_index=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")

    def __str__(self):
        return self.name


class Sector(models.Model):
    """One of Ditjen IKMA's six IKM sector groups, named in the API by its slug."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_en if (get_language() or "id").startswith("en") else self.name


class KbliDivision(models.Model):
    """A KBLI 2020 manufacturing division (10-33) and the sector group it belongs to."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    title = models.CharField(_("title"), max_length=200)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="kbli_divisions")

    class Meta:
        ordering = ["code"]
        verbose_name = _("KBLI division")
        verbose_name_plural = _("KBLI divisions")

    def __str__(self):
        return f"{self.code} {self.title}"


class Organisation(models.Model):
    """A partner: marketplace, government office, task force, bank, foreign buyer, ..."""

    class Kind(models.TextChoices):
        MARKETPLACE = "marketplace", _("Marketplace")
        GOVERNMENT = "government", _("Government office")
        TASK_FORCE = "task-force", _("COVID-19 task force")
        HEALTH = "health", _("Health facility")
        ASSOCIATION = "association", _("Association")
        BANK = "bank", _("Bank")
        FOREIGN_BUYER = "foreign-buyer", _("Foreign buyer")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    province = models.ForeignKey(Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="organisations")
    website = models.URLField(_("website"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name


class BusinessQuerySet(ScopedQuerySet):
    province_field = "province"
    owner_field = "owner"
    policy = Policy(
        view=SIGNED_IN,
        add={Role.MINISTRY_ADMIN, Role.OFFICER, Role.OWNER},
        change={Role.MINISTRY_ADMIN, Role.OFFICER, Role.OWNER},
        # A business registered by mistake; one with survey responses is refused (409).
        delete={Role.MINISTRY_ADMIN, Role.OFFICER},
        # UU PDP 27/2022: NIK, phone and e-mail only for the owner, officers of the business's
        # province and ministry admins, i.e. exactly those who may change the business.
        view_personal_data=Rule(roles=frozenset({Role.MINISTRY_ADMIN, Role.OFFICER, Role.OWNER}), scope=EDITABLE),
        # The filtered list as CSV or XLSX; rows stay within ``visible_to``.
        export=Rule(roles=SIGNED_IN, scope=NO_OBJECT),
    )


nib_validator = RegexValidator(r"^\d{13}$", _("An NIB has exactly 13 digits."))
nik_validator = RegexValidator(r"^\d{16}$", _("An NIK has exactly 16 digits."))
kbli_validator = RegexValidator(r"^(1\d|2\d|3[0-3])\d{0,3}$", _("A manufacturing KBLI code has 2 to 5 digits and starts with 10 to 33."))


class Business(models.Model):
    """An IKM business. Scoped by its province (which follows from its regency); owners keep their own."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TEMPORARILY_CLOSED = "temporarily-closed", _("Temporarily closed")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("business name"), max_length=200)
    nib = models.CharField(
        _("NIB"), max_length=13, null=True, blank=True, validators=[nib_validator],
        help_text=_("Business identification number (Nomor Induk Berusaha) from OSS, 13 digits."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="businesses",
    )
    owner_name = models.CharField(_("owner name"), max_length=150)
    nik = models.CharField(_("owner NIK"), max_length=16, blank=True, validators=[nik_validator], help_text=_("National identity number of the owner, 16 digits."))
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("Mobile or landline, e.g. 0812 3456 7890."))
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="businesses")
    regency = models.ForeignKey(Regency, verbose_name=_("regency or city"), on_delete=models.PROTECT, related_name="businesses")
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="businesses")
    kbli_code = models.CharField(_("KBLI code"), max_length=5, blank=True, validators=[kbli_validator])
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, help_text=SCALE_HELP_TEXT)
    workforce = models.PositiveIntegerField(_("workforce"), validators=[MaxValueValidator(100_000)])
    investment = models.BigIntegerField(_("investment value (Rp)"), validators=[MinValueValidator(0)], help_text=_("Excluding land and buildings, in whole rupiah."))
    year_founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    main_products = models.TextField(_("main products"), blank=True)
    is_exporter = models.BooleanField(_("exporter"), default=False)
    export_destinations = models.JSONField(_("export destinations"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2 country codes, e.g. MY, SG, US."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = BusinessQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        constraints = [
            models.UniqueConstraint(fields=["nib"], condition=Q(nib__isnull=False), name="business_nib_unique"),
            models.CheckConstraint(condition=Q(investment__gte=0), name="business_investment_not_negative"),
        ]
        indexes = [
            models.Index(fields=["province", "sector", "name"], name="business_province_sector"),
            models.Index(fields=["regency", "name"], name="business_regency"),
            models.Index(fields=["sector", "name"], name="business_sector"),
            # Pages are ordered by name: walking this index finds the first page of a broad
            # search without sorting every match.
            models.Index(fields=["name", "id"], name="business_name_order"),
            models.Index(fields=["nik"], name="business_nik", condition=~Q(nik="")),
            models.Index(fields=["phone"], name="business_phone", condition=~Q(phone="")),
        ]

    def __str__(self):
        return self.name


class BusinessClaimQuerySet(ScopedQuerySet):
    province_field = "business__province"
    owner_field = "claimant"
    policy = Policy(
        view=SIGNED_IN,
        add={Role.OWNER},
        # The queue of claims of the user's scope (ministry staff follow it without deciding).
        review=Rule(roles=ORGANISERS, scope=NO_OBJECT),
        decide={Role.MINISTRY_ADMIN, Role.OFFICER},
    )


class BusinessClaim(models.Model):
    """An owner's request to take over a business an officer registered, decided by an officer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    business = models.ForeignKey(Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), on_delete=models.CASCADE, related_name="business_claims")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("message to the officer"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BusinessClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("business claim")
        verbose_name_plural = _("business claims")
        constraints = [
            models.UniqueConstraint(fields=["business", "claimant"], condition=Q(status="pending"), name="one_pending_claim_per_owner"),
        ]

    def __str__(self):
        return f"{self.claimant} → {self.business}"


class ExportJobQuerySet(models.QuerySet):
    """Export files may hold personal data: each user sees only their own jobs."""

    policy = Policy(view=SIGNED_IN, add=SIGNED_IN)

    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    editable_by = visible_to


class ExportJob(JobMixin, models.Model):
    """A large export built by a Celery worker, with progress, ending in a file or an error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("data"), max_length=40)
    file_format = models.CharField(_("format"), max_length=10, default="xlsx")
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows in total"), null=True, blank=True)
    done_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("sent to a worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    task_name = "programs.tasks.export_run_task"

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.kind}.{self.file_format} ({self.get_status_display()})"


class EventQuerySet(ScopedQuerySet):
    """Events belong to their organiser: the ministry (no province) or a province's office.
    Everyone reads published (and later cancelled or completed) events; drafts only organisers."""
    province_field = "organiser_province"
    policy = Policy(
        view=EVERYONE,
        add=ORGANISERS,
        change=ORGANISERS,
        delete=ORGANISERS,
        cancel=ORGANISERS,
        manage_participants=ORGANISERS,
        # Owners register their own businesses, officers their province's; the service
        # checks which business, eligibility and seats.
        register=Rule(roles=frozenset({Role.OWNER, Role.OFFICER}), scope=VISIBLE),
        overview=Rule(roles=ORGANISERS, scope=NO_OBJECT),
    )

    def public(self):
        return self.exclude(status=Event.Status.DRAFT)

    def shared_with_officers(self, user):
        return self.public()

    def editable_by_ministry_staff(self):
        return self.filter(organiser_province__isnull=True)

    def upcoming(self):
        from django.utils import timezone

        return self.filter(status=Event.Status.PUBLISHED, ends_at__gte=timezone.now())


class Event(models.Model):
    """A workshop, technical training (bimtek), webinar or mentoring programme for IKM."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        BIMTEK = "bimtek", _("Technical training (bimtek)")
        WEBINAR = "webinar", _("Webinar")
        MENTORING = "mentoring", _("Mentoring")

    class Topic(models.TextChoices):
        MARKETPLACE = "marketplace", _("Selling on marketplaces")
        ONLINE_MARKETING = "online-marketing", _("Online marketing")
        PPE_PRODUCTION = "ppe-production", _("PPE production (masks, hazmat suits, face shields)")
        PACKAGING = "packaging", _("Packaging and branding")
        EXPORT_READINESS = "export-readiness", _("Export readiness")
        FINANCE = "finance", _("Bookkeeping and access to credit")
        HALAL = "halal", _("Halal certification")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser_province = models.ForeignKey(
        Province, verbose_name=_("organised by the office of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Empty for an event of the ministry."),
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        help_text=_("Where it takes place; empty for a national online event."),
    )
    regency = models.ForeignKey(Regency, verbose_name=_("regency or city"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    meeting_link = models.URLField(_("meeting link"), blank=True, help_text=_("Shown only to confirmed participants."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("time zone"), max_length=40, default="Asia/Jakarta")
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1), MaxValueValidator(100_000)])
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    eligible_sectors = models.ManyToManyField(Sector, verbose_name=_("for sectors"), blank=True, related_name="+", help_text=_("Empty: every sector."))
    eligible_provinces = models.ManyToManyField(Province, verbose_name=_("for businesses of"), blank=True, related_name="+", help_text=_("Empty: every province."))
    eligible_scales = models.JSONField(_("for scales"), default=list, blank=True)
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), blank=True, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Kept in step with the confirmed registrations inside the transaction that locks this row.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "seats_taken"])

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(registration_closes__gt=models.F("registration_opens")), name="event_registration_window_in_order"),
            models.CheckConstraint(condition=Q(seats_taken__lte=models.F("capacity")), name="event_not_overbooked"),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["province", "status", "starts_at"], name="event_province_start"),
            models.Index(fields=["organiser_province", "starts_at"], name="event_organiser"),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_left(self):
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_online(self):
        return self.mode != self.Mode.OFFLINE


class RegistrationQuerySet(ScopedQuerySet):
    """Owners see their businesses' registrations; organisers see their events' participants."""
    province_field = "event__organiser_province"
    owner_field = "business__owner"
    policy = Policy(view=SIGNED_IN, cancel=SIGNED_IN)

    def editable_by_ministry_staff(self):
        return self.filter(event__organiser_province__isnull=True)

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    """A business's seat (or place on the waiting list) at an event."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    business = models.ForeignKey(Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="registrations")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Order of arrival on the waiting list (the list shows each one's rank among those still waiting).
    waiting_number = models.PositiveIntegerField(_("waiting number"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "status", "waiting_number", "created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "business"], condition=~Q(status="cancelled"), name="one_active_registration_per_business"),
            models.UniqueConstraint(fields=["event", "waiting_number"], condition=Q(status="waiting"), name="one_waiting_number_per_event"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waiting_number"], name="registration_event_status"),
            models.Index(fields=["business", "status"], name="registration_business"),
        ]

    def __str__(self):
        return f"{self.business} · {self.event}"


class AccountChange(models.Model):
    """Who changed an account, when, and what it was before and after (invitations, roles,
    provinces, deactivation, password resets sent, lockouts lifted)."""

    class Action(models.TextChoices):
        INVITE = "invite", _("Invited")
        CHANGE = "change", _("Changed")
        PASSWORD_RESET = "password-reset", _("Password reset sent")
        UNLOCK = "unlock", _("Lockout lifted")

    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="account_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")

    def __str__(self):
        return f"{self.account} · {self.get_action_display()}"

    #: The snapshot's keys as people read them.
    FIELD_LABELS = {
        "name": _("Name"), "email": _("E-mail"), "role": _("Role"), "province": _("Province"),
        "is_active": _("May sign in"), "locked_out": _("Locked out"),
    }

    @property
    def changed_fields(self):
        """``[(label, before, after)]`` of what the change altered, in the reader's words."""
        return [
            (self.FIELD_LABELS.get(key, key), self._shown(key, self.before.get(key)), self._shown(key, self.after.get(key)))
            for key in self.after if self.before.get(key) != self.after.get(key)
        ]

    @staticmethod
    def _shown(key, value):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if key == "role" and value in Role.values:
            return Role(value).label
        return value


class WorkerHeartbeat(models.Model):
    """A Celery worker's last sign of life, written every ``WORKER_HEARTBEAT_SECONDS`` by the
    worker itself (see ikm_portal.celery). In the database, not in Redis, so /healthz can
    say when a worker was last alive even while Redis is down."""
    hostname = models.CharField(max_length=255, unique=True)
    # Which broker the worker takes tasks from (see broker_id): only workers of this
    # deployment's broker count as alive for its /healthz.
    broker = models.CharField(max_length=64, default="", db_index=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.hostname

    @staticmethod
    def broker_id():
        """This process's broker, named without its password (a hash of host, port and db)."""
        import hashlib
        from urllib.parse import urlsplit

        url = urlsplit(settings.REDIS_URL or "memory://")
        return hashlib.sha256(f"{url.scheme}://{url.hostname}:{url.port}{url.path}".encode()).hexdigest()[:16]
