"""Marketplace onboarding: the marketplaces the ministry works with, each business's shop on
them (how it came about, its status over time, monthly sales), the partners' reports of
onboarded sellers and the queue of report rows an officer has to match by hand.

Scoping is by the business's province, kept on the onboarding row itself (``province``) so
that a dashboard can group millions of rows by month, province and marketplace from one
table and its indexes. Writes go through :mod:`marketplace.services` and
:mod:`marketplace.imports`; every onboarding keeps its history (django-simple-history), which
is the record of its status over time.
"""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.jobs import UploadJob
from programs.models import Business, Event, Province, Regency, Sector
from programs.policy import MINISTRY, ORGANISERS, SIGNED_IN, VISIBLE, Policy, Rule
from programs.querysets import ScopedQuerySet
from programs.roles import Role, role_of
from programs.scale import Scale

#: No monthly sales figure of an IKM shop comes near Rp 1 trillion; a larger one is a typo.
MONEY_LIMIT = 10**12
#: Officers and admins record and confirm onboardings of their scope.
RECORDERS = frozenset({Role.MINISTRY_ADMIN, Role.OFFICER})
#: Organisers and owners (their own businesses' shops).
ORGANISERS_AND_OWNERS = ORGANISERS | {Role.OWNER}


class MarketplaceQuerySet(models.QuerySet):
    """Reference data managed by ministry staff: every signed-in user reads it."""

    policy = Policy(view=SIGNED_IN, add=MINISTRY, change=MINISTRY, delete={Role.MINISTRY_ADMIN})

    def visible_to(self, user):
        return self.all() if role_of(user) is not None else self.none()

    def editable_by(self, user):
        return self.all() if role_of(user) in MINISTRY else self.none()


class Marketplace(models.Model):
    """A marketplace the programme works with (Tokopedia, Shopee, …), named by its code."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Short stable name used in the API and uploads, e.g. tokopedia."))
    url = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive marketplaces keep their records but take no new ones."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = MarketplaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("marketplace")
        verbose_name_plural = _("marketplaces")

    def __str__(self):
        return self.name


class OnboardingQuerySet(ScopedQuerySet):
    """Organisers read their scope; owners their own businesses' shops. Officers (and admins)
    record and confirm; owners add their own shops, which stay unconfirmed until checked."""

    province_field = "province"
    owner_field = "business__owner"
    policy = Policy(
        view=ORGANISERS_AND_OWNERS,
        add=RECORDERS | {Role.OWNER},
        change=RECORDERS,
        delete=RECORDERS,
        confirm=RECORDERS,
        # A partner's list of onboardings, answered per item (officers and admins only).
        bulk=Rule(roles=RECORDERS, scope=None),
    )


class Onboarding(models.Model):
    """A business's shop on one marketplace."""

    class Source(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        BBI = "bbi", _("Bangga Buatan Indonesia campaign")
        PARTNER = "partner", _("Partner's report")
        OWNER = "owner", _("Owner's own report")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        PRODUCTS_LISTED = "products_listed", _("Products listed")
        FIRST_SALE = "first_sale", _("First sale")
        INACTIVE = "inactive", _("Inactive")

    business = models.ForeignKey(Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="marketplace_onboardings", db_index=False)
    # Marketplaces are deactivated, never deleted (PROTECT): no database check of the
    # marketplace for each of a partner report's million shops, one by one at commit.
    marketplace = models.ForeignKey(Marketplace, verbose_name=_("marketplace"), on_delete=models.PROTECT, related_name="onboardings", db_index=False,
                                    db_constraint=False)
    #: The business's province, kept here for scoping and for grouping without a join. Like the
    #: sector below, a copy of the business's (kept by settle_shops): the database checks the
    #: business's, not each of a report's million copies again.
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    shop_name = models.CharField(_("shop name"), max_length=200)
    shop_url = models.URLField(_("shop URL"), max_length=500, blank=True)
    onboarded = models.DateField(_("onboarded on"))
    source = models.CharField(_("how it came about"), max_length=10, choices=Source.choices)
    # Links "up" to programs are declared here, never on programs (DESIGN.md).
    event = models.ForeignKey(Event, verbose_name=_("workshop"), null=True, blank=True, on_delete=models.SET_NULL, related_name="marketplace_onboardings",
                              db_index=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    products_listed = models.PositiveIntegerField(_("products listed"), default=0, validators=[MaxValueValidator(10_000_000)])
    confirmed = models.BooleanField(_("confirmed"), default=True, help_text=_("Shops added by their owners stay unconfirmed until an officer checks them."))
    # Copied from the business (and from the other shops) when shops or businesses are
    # written, so the dashboard's refresh is one grouped scan of this table instead of a join
    # to the registry and a sort of every business's shops (marketplace.figures).
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, db_constraint=False)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, blank=True, editable=False)
    #: Whether this is the business's first confirmed shop (the month it counts as onboarded).
    first_shop = models.BooleanField(_("the business's first shop"), default=False, db_default=False, editable=False)
    #: The partner's own id of the seller, when a report gave one.
    seller_id = models.CharField(_("partner's seller ID"), max_length=64, blank=True)
    # Users are deactivated, never deleted: no database check of the recorder for each of a
    # partner report's million shops (checked one by one at commit).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False, db_constraint=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A partner report adds or changes up to a million shops at once: every index is paid for
    # on each of them. The business, marketplace and province are searched through the
    # composite indexes below (and the unique constraint), the sector and recorder never; the
    # history is read per shop.
    history = HistoricalRecords(excluded_fields=["updated_at", "sector", "scale", "first_shop"],
                                no_db_index=["business", "marketplace", "province", "event", "created_by"], user_db_constraint=False)
    objects = OnboardingQuerySet.as_manager()

    class Meta:
        ordering = ["-onboarded", "id"]
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboardings")
        constraints = [
            models.UniqueConstraint(fields=["business", "marketplace"], name="one_shop_per_business_and_marketplace"),
            models.CheckConstraint(condition=Q(products_listed__gte=0), name="onboarding_products_not_negative"),
        ]
        indexes = [
            # The dashboard's groupings: per month within a province and marketplace, and nationally.
            models.Index(fields=["province", "marketplace", "onboarded"], name="onboarding_province_month"),
            models.Index(fields=["marketplace", "onboarded"], name="onboarding_marketplace_month"),
            models.Index(fields=["onboarded"], name="onboarding_month"),
            # The officer's queue of shops added by owners.
            models.Index(fields=["province"], condition=Q(confirmed=False), name="onboarding_unconfirmed"),
            # The shops a workshop led to (most have none: partner reports name no workshop).
            models.Index(fields=["event"], condition=Q(event__isnull=False), name="onboarding_workshop"),
        ]

    def __str__(self):
        return f"{self.shop_name} · {self.marketplace}"

    def save(self, *args, **kwargs):
        from .figures import settle_shops

        if kwargs.get("update_fields") is None:
            business = self.business
            self.province_id, self.sector_id, self.scale = business.province_id, business.sector_id, business.scale
        super().save(*args, **kwargs)
        # Which of the business's shops is its first may have changed (date, confirmation).
        settle_shops([self.business_id])


class OnboardingSalesQuerySet(ScopedQuerySet):
    province_field = "onboarding__province"
    owner_field = "onboarding__business__owner"
    policy = Policy(view=ORGANISERS_AND_OWNERS, add=RECORDERS | {Role.OWNER}, change=RECORDERS)


class OnboardingSales(models.Model):
    """Sales of one shop in one month, as reported (whole rupiah)."""

    # Shops are removed through the model, which removes their sales first (CASCADE); the
    # unique constraint below is the index. No database check of the shop for each of a
    # report's sales figures, one by one at commit.
    onboarding = models.ForeignKey(Onboarding, verbose_name=_("onboarding"), on_delete=models.CASCADE, related_name="sales", db_index=False, db_constraint=False)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    value = models.BigIntegerField(_("sales (Rp)"), validators=[MinValueValidator(0), MaxValueValidator(MONEY_LIMIT)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["onboarding"], user_db_constraint=False)
    objects = OnboardingSalesQuerySet.as_manager()

    class Meta:
        ordering = ["onboarding", "month"]
        verbose_name = _("monthly shop sales")
        verbose_name_plural = _("monthly shop sales")
        constraints = [
            models.UniqueConstraint(fields=["onboarding", "month"], name="one_sales_figure_per_shop_month"),
            models.CheckConstraint(condition=Q(value__gte=0), name="onboarding_sales_not_negative"),
        ]


class PartnerReportQuerySet(ScopedQuerySet):
    """A ministry upload covers the country; an officer's covers their province. Officers read
    national reports too (their province's rows wait in their queue)."""

    province_field = "province"
    policy = Policy(view=ORGANISERS, add=RECORDERS | MINISTRY, retry=RECORDERS | MINISTRY)

    def shared_with_officers(self, user):
        return self.filter(province__isnull=True)

    def editable_by_ministry_staff(self):
        return self.filter(province__isnull=True)


class PartnerReport(UploadJob):
    """A marketplace's list of onboarded sellers for a month, as uploaded, and what became of
    it: every row applied (matched, or queued for an officer), or none and a row report."""

    marketplace = models.ForeignKey(Marketplace, verbose_name=_("marketplace"), on_delete=models.PROTECT, related_name="reports")
    month = models.DateField(_("month reported"), help_text=_("The first day of the month the report covers."))
    #: The uploading officer's province (rows of other provinces are refused); None: national.
    province = models.ForeignKey(Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rows_matched = models.PositiveIntegerField(_("rows matched"), default=0)
    rows_created = models.PositiveIntegerField(_("shops added"), default=0)
    rows_updated = models.PositiveIntegerField(_("shops updated"), default=0)
    rows_queued = models.PositiveIntegerField(_("rows waiting for an officer"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows rejected earlier"), default=0)

    task_name = "marketplace.tasks.partner_report_task"

    objects = PartnerReportQuerySet.as_manager()

    class Meta(UploadJob.Meta):
        verbose_name = _("partner report")
        verbose_name_plural = _("partner reports")


class SellerReviewQuerySet(ScopedQuerySet):
    """The confirm queue: the rows of the user's province (by the row's regency, or the
    candidates' province). Ministry staff follow it; officers and admins decide."""

    province_field = "province"
    policy = Policy(view=ORGANISERS, decide=RECORDERS)

    def pending(self):
        return self.filter(state=SellerReview.State.PENDING)


class SellerReview(models.Model):
    """A report row that matched no business, or more than one: it waits for an officer."""

    class Reason(models.TextChoices):
        NO_MATCH = "no-match", _("No business matches")
        AMBIGUOUS = "ambiguous", _("More than one business matches")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        MATCHED = "matched", _("Matched")
        REJECTED = "rejected", _("Rejected")

    # A report queues up to a million rows at once. Its references are to rows never deleted
    # in the database (reports and marketplaces, provinces and regencies: PROTECT, or CASCADE
    # through the model), so they are not checked once per row at commit; the queue is
    # searched by province and state (``review_queue``), not by regency.
    report = models.ForeignKey(PartnerReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="reviews", db_constraint=False)
    marketplace = models.ForeignKey(Marketplace, verbose_name=_("marketplace"), on_delete=models.PROTECT, related_name="+", db_constraint=False)
    seller_key = models.CharField(_("seller key"), max_length=200)
    row = models.PositiveIntegerField(_("row"))
    province = models.ForeignKey(Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_index=False, db_constraint=False)
    regency = models.ForeignKey(Regency, verbose_name=_("regency or city"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                db_index=False, db_constraint=False)
    seller_id = models.CharField(_("partner's seller ID"), max_length=64, blank=True)
    name = models.CharField(_("business name"), max_length=200)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    shop_name = models.CharField(_("shop name"), max_length=200)
    shop_url = models.URLField(_("shop URL"), max_length=500, blank=True)
    onboarded = models.DateField(_("onboarded on"))
    status = models.CharField(_("status"), max_length=16, choices=Onboarding.Status.choices, default=Onboarding.Status.REGISTERED)
    products_listed = models.PositiveIntegerField(_("products listed"), default=0)
    sales = models.BigIntegerField(_("sales (Rp)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    candidates = ArrayField(models.BigIntegerField(), verbose_name=_("candidate businesses"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    business = models.ForeignKey(Business, verbose_name=_("business"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SellerReviewQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "row"]
        verbose_name = _("seller to confirm")
        verbose_name_plural = _("sellers to confirm")
        constraints = [
            # A seller waits once: the next report's row replaces the one still waiting.
            models.UniqueConstraint(fields=["marketplace", "seller_key"], condition=Q(state="pending"), name="one_pending_review_per_seller"),
        ]
        indexes = [models.Index(fields=["province", "state"], name="review_queue")]

    def __str__(self):
        return f"{self.name} · {self.marketplace}"


class SellerDecisionQuerySet(ScopedQuerySet):
    province_field = "province"
    policy = Policy(view=ORGANISERS)


class SellerDecision(models.Model):
    """An officer's answer about one seller of one marketplace, applied to the seller's rows
    in every later report: this business, or reject (``business`` empty)."""

    marketplace = models.ForeignKey(Marketplace, verbose_name=_("marketplace"), on_delete=models.CASCADE, related_name="+")
    seller_key = models.CharField(_("seller key"), max_length=200)
    business = models.ForeignKey(Business, verbose_name=_("business"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    history = HistoricalRecords()
    objects = SellerDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("seller decision")
        verbose_name_plural = _("seller decisions")
        constraints = [models.UniqueConstraint(fields=["marketplace", "seller_key"], name="one_decision_per_seller")]



# --- targets and figures ----------------------------------------------------------------------


class OnboardingTargetQuerySet(ScopedQuerySet):
    """National targets are everyone's to read; a province's target its officers' and the
    ministry's. Ministry staff set them."""

    province_field = "province"
    policy = Policy(view=ORGANISERS, add=MINISTRY, change=MINISTRY, delete=MINISTRY)

    def shared_with_officers(self, user):
        return self.filter(province__isnull=True)

    def editable_by_ministry_staff(self):
        return self.all()


class OnboardingTarget(models.Model):
    """How many businesses are to be onboarded in a year: nationally, in one province, or on
    one marketplace (where a partner committed to a number — counted in shops there)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    province = models.ForeignKey(Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text=_("Empty: the national target."))
    marketplace = models.ForeignKey(Marketplace, verbose_name=_("marketplace"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets",
                                    help_text=_("Empty: on any marketplace."))
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1), MaxValueValidator(200_000_000)])
    note = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. the BBI campaign, a partner's commitment letter."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = OnboardingTargetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "province", "marketplace"]
        verbose_name = _("onboarding target")
        verbose_name_plural = _("onboarding targets")
        constraints = [
            models.UniqueConstraint(fields=["year", "province", "marketplace"], nulls_distinct=False, name="one_target_per_year_place_marketplace"),
            models.CheckConstraint(condition=Q(province__isnull=True) | Q(marketplace__isnull=True), name="target_per_province_or_marketplace"),
        ]

    def __str__(self):
        return f"{self.year} · {self.province or _('Indonesia')} · {self.marketplace or _('all marketplaces')}: {self.target}"


class FiguresQuerySet(ScopedQuerySet):
    """Counts, never single businesses: organisers read them (officers their province's)."""

    province_field = "province"
    policy = Policy(view=ORGANISERS)


class OnboardingFigures(models.Model):
    """Confirmed onboardings per month × province × marketplace × sector × scale: ``shops``
    opened, and ``new_businesses`` whose first shop it was. Written only by
    :mod:`marketplace.figures`, one province at a time."""

    month = models.DateField()
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    marketplace = models.ForeignKey(Marketplace, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey("programs.Sector", on_delete=models.CASCADE, related_name="+")
    scale = models.CharField(max_length=10)
    shops = models.PositiveIntegerField()
    new_businesses = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    objects = FiguresQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["month"], name="onboarding_figures_month"), models.Index(fields=["province", "month"], name="onboarding_figures_prov")]


class WorkshopConversion(models.Model):
    """Of a marketplace or online-marketing workshop's attendees, how many had a shop within
    30 and 90 days of its start (a shop opened before the workshop does not count). Written
    only by :mod:`marketplace.figures`."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Province, null=True, on_delete=models.CASCADE, related_name="+", help_text="The organising office's province.")
    attendees = models.PositiveIntegerField()
    within_30 = models.PositiveIntegerField()
    within_90 = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    objects = FiguresQuerySet.as_manager()


# --- export buyer matching ---------------------------------------------------------------------
# Foreign buyers (found by industry attachés, trade promotion offices, embassies, fairs), the
# export commitments IKM had signed with them before COVID-19 and what became of them, the
# business-matching meetings (temu bisnis) that followed, and officers' nominations of
# businesses for a buyer's request. Writes go through :mod:`marketplace.buyers`.

hs_code_validator = RegexValidator(r"^\d{2,10}$", _("An HS code has 2 to 10 digits."))
country_code_validator = RegexValidator(r"^[A-Z]{2}$", _("A country is named by its two-letter ISO 3166-1 code, e.g. US."))
currency_code_validator = RegexValidator(r"^[A-Z]{3}$", _("A currency is named by its three-letter ISO 4217 code, e.g. USD."))


class BuyerQuerySet(models.QuerySet):
    """National reference of buyers: organisers read it, ministry staff manage it."""

    policy = Policy(
        view=ORGANISERS, add=MINISTRY, change=MINISTRY, delete={Role.MINISTRY_ADMIN},
        # From a buyer's shortlist: officers nominate businesses of their province, ministry
        # staff schedule a meeting with the nominated ones.
        nominate=Rule(roles=frozenset({Role.MINISTRY_ADMIN, Role.OFFICER}), scope=VISIBLE),
        schedule=Rule(roles=MINISTRY, scope=VISIBLE),
    )

    def visible_to(self, user):
        return self.all() if role_of(user) in ORGANISERS else self.none()

    def editable_by(self, user):
        return self.all() if role_of(user) in MINISTRY else self.none()


class Buyer(models.Model):
    """A foreign buyer and the products it asks for (HS codes and sectors)."""

    class Source(models.TextChoices):
        ATTACHE = "attache", _("Industry attaché")
        ITPC = "itpc", _("Trade promotion office (ITPC)")
        EMBASSY = "embassy", _("Embassy")
        FAIR = "fair", _("Trade fair")

    company = models.CharField(_("company"), max_length=200)
    country = models.CharField(_("country code"), max_length=2, validators=[country_code_validator])
    country_name = models.CharField(_("country"), max_length=100)
    hs_codes = ArrayField(models.CharField(max_length=10, validators=[hs_code_validator]), verbose_name=_("HS codes wanted"), default=list, blank=True)
    sectors = models.ManyToManyField("programs.Sector", verbose_name=_("sectors wanted"), blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    contact_notes = models.TextField(_("contact notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = BuyerQuerySet.as_manager()

    class Meta:
        ordering = ["company", "id"]
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")

    def __str__(self):
        return f"{self.company} ({self.country_name})"


class CommitmentQuerySet(ScopedQuerySet):
    """Scoped by the business's province: officers theirs, ministry all, owners their own
    businesses' commitments (read only)."""

    province_field = "business__province"
    owner_field = "business__owner"
    policy = Policy(view=ORGANISERS_AND_OWNERS, add=ORGANISERS, change=ORGANISERS, delete={Role.MINISTRY_ADMIN})

    def editable_by(self, user):
        # Owners read their commitments; they do not record them.
        return self.none() if role_of(user) == Role.OWNER else super().editable_by(user)

    def editable_by_ministry_staff(self):
        return self.all()


class Commitment(models.Model):
    """An export purchase commitment of a foreign buyer to an IKM, and what became of it."""

    class Status(models.TextChoices):
        HELD = "held", _("Held because of COVID-19")
        RENEGOTIATING = "renegotiating", _("Renegotiating")
        RESUMED = "resumed", _("Resumed")
        REALISED = "realised", _("Realised")
        CANCELLED = "cancelled", _("Cancelled")

    business = models.ForeignKey(Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="export_commitments")
    buyer = models.ForeignKey(Buyer, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="commitments")
    product = models.CharField(_("product"), max_length=200)
    hs_code = models.CharField(_("HS code"), max_length=10, validators=[hs_code_validator])
    currency = models.CharField(_("contract currency"), max_length=3, validators=[currency_code_validator])
    value = models.DecimalField(_("value (contract currency)"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    value_idr = models.BigIntegerField(_("value (Rp)"), validators=[MinValueValidator(0), MaxValueValidator(MONEY_LIMIT * 100)])
    signed = models.DateField(_("signed on"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.HELD)
    #: When the current status took effect (the month a commitment resumed or was realised).
    status_date = models.DateField(_("status since"))
    reason = models.TextField(_("reason"), blank=True, help_text=_("Required when the commitment is held or cancelled."))
    value_realised = models.BigIntegerField(_("value realised (Rp)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MONEY_LIMIT * 100)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed", "id"]
        verbose_name = _("export commitment")
        verbose_name_plural = _("export commitments")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value_idr__gte=0) & Q(value_realised__gte=0), name="commitment_values_not_negative"),
            models.CheckConstraint(condition=~Q(status__in=["held", "cancelled"]) | ~Q(reason=""), name="commitment_held_or_cancelled_has_reason"),
        ]

    def __str__(self):
        return f"{self.product} · {self.buyer.company}"


class MatchingMeetingQuerySet(ScopedQuerySet):
    """Ministry staff schedule and record meetings; officers read those with a business of
    their province."""

    policy = Policy(view=ORGANISERS, add=MINISTRY, change=MINISTRY, delete={Role.MINISTRY_ADMIN})

    def _in_province(self, user):
        from programs.roles import province_id_of

        province_id = province_id_of(user)
        if province_id is None:
            return self.none()
        # A subquery, not a join: one row per meeting.
        return self.filter(pk__in=MatchingMeeting.businesses.through.objects.filter(business__province_id=province_id).values("matchingmeeting_id"))

    def editable_by(self, user):
        return self.none() if role_of(user) == Role.OFFICER else super().editable_by(user)

    def editable_by_ministry_staff(self):
        return self.all()


class MatchingMeeting(models.Model):
    """A business-matching meeting (temu bisnis) between IKM and foreign buyers."""

    class Mode(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual")
        IN_PERSON = "in_person", _("In person")

    class Facilitator(models.TextChoices):
        ATTACHE = "attache", _("Industry attaché")
        EMBASSY = "embassy", _("Embassy")
        ITPC = "itpc", _("Trade promotion office (ITPC)")
        MINISTRY = "ministry", _("Ministry of Industry")

    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.VIRTUAL)
    date = models.DateField(_("date"))
    facilitator = models.CharField(_("facilitator"), max_length=10, choices=Facilitator.choices)
    businesses = models.ManyToManyField(Business, verbose_name=_("businesses"), related_name="matching_meetings")
    buyers = models.ManyToManyField(Buyer, verbose_name=_("buyers"), related_name="meetings")
    outcome = models.TextField(_("outcome"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    mou_signed = models.BooleanField(_("MoU signed"), default=False)
    mou_value = models.BigIntegerField(_("MoU value (Rp)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MONEY_LIMIT * 100)])
    realised_value = models.BigIntegerField(_("value realised (Rp)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MONEY_LIMIT * 100)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = MatchingMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("business matching meeting")
        verbose_name_plural = _("business matching meetings")
        constraints = [
            models.CheckConstraint(condition=Q(mou_value__gte=0) & Q(realised_value__gte=0), name="meeting_values_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} · {self.date:%d-%m-%Y}"


class NominationQuerySet(ScopedQuerySet):
    """Officers nominate businesses of their province for a buyer; ministry staff schedule
    them into a meeting or decline them."""

    province_field = "business__province"
    policy = Policy(
        view=ORGANISERS,
        add={Role.MINISTRY_ADMIN, Role.OFFICER},
        schedule=Rule(roles=MINISTRY, scope=None),
        decline=MINISTRY,
    )

    def editable_by_ministry_staff(self):
        return self.all()


class Nomination(models.Model):
    """A business put forward by an officer for a buyer's request."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        SCHEDULED = "scheduled", _("Scheduled")
        DECLINED = "declined", _("Declined")

    buyer = models.ForeignKey(Buyer, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="nominations")
    business = models.ForeignKey(Business, verbose_name=_("business"), on_delete=models.CASCADE, related_name="buyer_nominations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED)
    meeting = models.ForeignKey(MatchingMeeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations")
    note = models.TextField(_("note"), blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("nominated by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [models.UniqueConstraint(fields=["buyer", "business"], name="one_nomination_per_buyer_and_business")]

    def __str__(self):
        return f"{self.business} → {self.buyer}"
