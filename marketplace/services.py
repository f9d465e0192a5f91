"""Writing onboarding data: marketplaces, shops (by officers, owners and partners' bulk
lists), their monthly sales, and the officer's decisions on the confirm queue.

Every write checks the user's right through the models' policy and scope, refuses bad input
with a field error in the user's language (shared by forms, the API and uploads) and changes
nothing then. Decisions on the queue are remembered per marketplace and seller
(:class:`~marketplace.models.SellerDecision`) so that the next report applies them unasked.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Business, Event
from programs.policy import can
from programs.roles import Role, role_of

from .figures import figures_changed
from .models import MONEY_LIMIT, Marketplace, Onboarding, OnboardingSales, OnboardingTarget, SellerDecision, SellerReview

#: Fields of an onboarding a form or the API may set.
ONBOARDING_FIELDS = ["shop_name", "shop_url", "onboarded", "source", "event", "status", "products_listed"]


def _by(user, *instances):
    """History records who made the change, also outside a request (bulk API, imports)."""
    for instance in instances:
        instance._history_user = user


def writable_instance(user, model, instance, data, fields):
    """``instance`` (a new ``model`` when None) with the ``fields`` given in ``data`` set, once
    the policy lets ``user`` change it (or add one); PermissionDenied otherwise."""
    if not (can(user, "change", instance) if instance is not None else can(user, "add", model)):
        raise PermissionDenied
    obj = instance or model()
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
    return obj


def _full_clean(obj, errors, **options):
    """The model's own validation added to ``errors`` (``{field: [message]}``, the service's
    findings so far); one ValidationError with all of them, if any."""
    try:
        obj.full_clean(**options)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def rupiah(amount):
    return "Rp " + f"{amount:,}".replace(",", ".")


def first_of_month(value):
    return value.replace(day=1)


# --- marketplaces ------------------------------------------------------------------------------


@transaction.atomic
def marketplace_save(*, user, data, instance=None):
    """Create or update a marketplace (ministry staff)."""
    marketplace = writable_instance(user, Marketplace, instance, data, ["name", "code", "url", "active"])
    marketplace.code = (marketplace.code or "").strip().lower()
    errors = {}
    if Marketplace.objects.filter(code=marketplace.code).exclude(pk=marketplace.pk).exists():
        errors["code"] = [_("Another marketplace already has this code.")]
    if Marketplace.objects.filter(name__iexact=(marketplace.name or "").strip()).exclude(pk=marketplace.pk).exists():
        errors["name"] = [_("Another marketplace already has this name.")]
    _full_clean(marketplace, errors, validate_unique=False)
    _by(user, marketplace)
    marketplace.save()
    return marketplace


# --- onboardings ---------------------------------------------------------------------------------


def marketplace_by_code(code):
    """The marketplace named ``code`` (case-insensitive); a field error when unknown or inactive."""
    marketplace = Marketplace.objects.filter(code=str(code or "").strip().lower()).first()
    if marketplace is None:
        raise ValidationError({"marketplace": _("Unknown marketplace “%(code)s”. Use one of: %(codes)s.") % {
            "code": str(code)[:40], "codes": ", ".join(Marketplace.objects.filter(active=True).values_list("code", flat=True))}})
    return marketplace


def _onboarding_validate(onboarding, *, user):
    errors = {}
    today = timezone.localdate()
    if onboarding.onboarded and onboarding.onboarded > today:
        errors["onboarded"] = [_("The onboarding date cannot be in the future.")]
    if onboarding.marketplace_id and not onboarding.marketplace.active and onboarding._state.adding:
        errors["marketplace"] = [_("%(marketplace)s takes no new shops in the portal any more.") % {"marketplace": onboarding.marketplace.name}]
    if onboarding.source == Onboarding.Source.WORKSHOP and onboarding.event_id is None:
        errors["event"] = [_("Name the workshop the shop came from.")]
    if onboarding.source != Onboarding.Source.WORKSHOP and onboarding.event_id is not None:
        errors["event"] = [_("A workshop is named only for shops that came from one.")]
    if onboarding.event_id is not None and not Event.objects.visible_to(user).filter(pk=onboarding.event_id).exists():
        errors["event"] = [_("No such workshop.")]
    if onboarding.products_listed is not None and onboarding.products_listed < 0:
        errors["products_listed"] = [_("The number of products cannot be negative.")]
    onboarding.shop_url = (onboarding.shop_url or "").strip()
    onboarding.shop_name = (onboarding.shop_name or "").strip()
    if onboarding.marketplace_id and onboarding.business_id:
        if Onboarding.objects.filter(business_id=onboarding.business_id, marketplace_id=onboarding.marketplace_id).exclude(pk=onboarding.pk).exists():
            errors["marketplace"] = [_("This business already has a shop on %(marketplace)s.") % {"marketplace": onboarding.marketplace.name}]
    try:
        onboarding.full_clean(exclude=["province", "business", "marketplace", "created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def onboarding_save(*, user, business, marketplace, data, instance=None):
    """Record a business's shop on a marketplace, or change one.

    Officers and admins record shops of the businesses they may edit (confirmed at once);
    owners add shops of their own businesses, unconfirmed until an officer checks them. The
    business must be one the user may edit: a business of another province is refused.
    """
    if instance is not None:
        if not can(user, "change", instance):
            raise PermissionDenied
    elif not can(user, "add", Onboarding):
        raise PermissionDenied
    if business is None or not Business.objects.editable_by(user).filter(pk=business.pk).exists():
        raise ValidationError({"business": _("You may only record shops of businesses of your own province.")
                               if role_of(user) != Role.OWNER else _("You may only add shops of your own businesses.")})
    onboarding = instance or Onboarding(created_by=user)
    # The province, sector and scale are the business's, copied by Onboarding.save().
    onboarding.business, onboarding.marketplace = business, marketplace
    for name, value in data.items():
        if name not in ONBOARDING_FIELDS:
            raise ValueError(f"onboarding_save() got an unknown field {name!r}")
        setattr(onboarding, name, value)
    if instance is None:
        is_owner = role_of(user) == Role.OWNER
        onboarding.confirmed = not is_owner
        if is_owner:
            onboarding.source = Onboarding.Source.OWNER
    _onboarding_validate(onboarding, user=user)
    _by(user, onboarding)
    onboarding.save()
    figures_changed()
    return onboarding


@transaction.atomic
def onboarding_confirm(*, user, onboarding):
    """An officer checked a shop an owner added: it counts from now on."""
    onboarding = Onboarding.objects.select_for_update().get(pk=onboarding.pk)
    if not can(user, "confirm", onboarding):
        raise PermissionDenied
    if not onboarding.confirmed:
        onboarding.confirmed = True
        _by(user, onboarding)
        onboarding.save(update_fields=["confirmed", "updated_at"])
        figures_changed()
    return onboarding


@transaction.atomic
def sales_save(*, user, onboarding, month, value):
    """The sales of a shop in a month (a month already reported is corrected, not doubled)."""
    if not can(user, "add", OnboardingSales) or not Onboarding.objects.editable_by(user).filter(pk=onboarding.pk).exists():
        raise PermissionDenied
    errors = {}
    if value is None or value < 0:
        errors["value"] = [_("Sales cannot be negative.")]
    elif value > MONEY_LIMIT:
        errors["value"] = [_("At most %(limit)s.") % {"limit": rupiah(MONEY_LIMIT)}]
    if month is None or month > timezone.localdate():
        errors["month"] = [_("The month cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    sales, _created = OnboardingSales.objects.get_or_create(onboarding=onboarding, month=first_of_month(month), defaults={"value": value})
    if sales.value != value:
        sales.value = value
        _by(user, sales)
        sales.save()
    return sales


# --- the confirm queue ------------------------------------------------------------------------


def _review_for_decision(user, review):
    review = SellerReview.objects.select_for_update().select_related("marketplace", "report").get(pk=review.pk)
    if not can(user, "decide", review):
        raise PermissionDenied
    if review.state != SellerReview.State.PENDING:
        raise ValidationError(_("This row was already decided."))
    return review


def _remember(user, review, business):
    SellerDecision.objects.update_or_create(
        marketplace=review.marketplace, seller_key=review.seller_key,
        defaults={"business": business, "province_id": business.province_id if business else review.province_id, "decided_by": user},
    )


def _apply_review(user, review, business):
    """The row's shop for ``business`` (created, or updated from the row)."""
    onboarding = Onboarding.objects.filter(business=business, marketplace=review.marketplace).first() or Onboarding(
        business=business, marketplace=review.marketplace, created_by=user, source=Onboarding.Source.PARTNER,
    )
    onboarding.shop_name, onboarding.onboarded = review.shop_name, review.onboarded
    onboarding.shop_url = review.shop_url or onboarding.shop_url
    onboarding.status, onboarding.products_listed, onboarding.confirmed = review.status, review.products_listed, True
    onboarding.seller_id = review.seller_id or onboarding.seller_id
    _by(user, onboarding)
    onboarding.save()
    figures_changed()
    if review.sales is not None:
        OnboardingSales.objects.update_or_create(onboarding=onboarding, month=review.report.month, defaults={"value": review.sales})
    return onboarding


@transaction.atomic
def review_match(*, user, review, business):
    """The officer says which business the row is: its shop is recorded and the answer is
    remembered for the seller's rows in later reports."""
    review = _review_for_decision(user, review)
    if business is None or not Business.objects.editable_by(user).filter(pk=business.pk).exists():
        raise ValidationError({"business": _("Choose a business of your own province.")})
    onboarding = _apply_review(user, review, business)
    _remember(user, review, business)
    review.state, review.business, review.decided_by, review.decided_at = SellerReview.State.MATCHED, business, user, timezone.now()
    review.save(update_fields=["state", "business", "decided_by", "decided_at"])
    return onboarding


@transaction.atomic
def review_create_business(*, user, review, data):
    """The seller is not in the registry yet: register it (the registry's own validation and
    scope) and match the row to it."""
    from programs.services import business_save

    _review_for_decision(user, review)
    business = business_save(user=user, data=data)
    return review_match(user=user, review=review, business=business)


@transaction.atomic
def review_reject(*, user, review):
    """The row is not an IKM of the registry (a reseller, a test shop…): nothing is recorded,
    and the seller's rows in later reports are skipped."""
    review = _review_for_decision(user, review)
    _remember(user, review, None)
    review.state, review.decided_by, review.decided_at = SellerReview.State.REJECTED, user, timezone.now()
    review.save(update_fields=["state", "decided_by", "decided_at"])
    return review


def review_candidates(*, user, review):
    """The businesses a row might be, within what the user may see."""
    return Business.objects.visible_to(user).filter(pk__in=review.candidates).select_related("regency", "province")


def business_search(*, user, query, limit=20):
    """Businesses the user may edit whose NIB is ``query`` or whose name contains it."""
    query = (query or "").strip()
    if len(query) < 3:
        return Business.objects.none()
    rows = Business.objects.editable_by(user).select_related("regency", "province")
    if query.isdigit() and len(query) == 13:
        return rows.filter(nib=query)[:limit]
    return rows.filter(name__icontains=query)[:limit]



# --- onboarding targets -----------------------------------------------------------------------

#: Fields of a target the page's form or the API may set.
TARGET_FIELDS = ["year", "province", "marketplace", "target", "note"]


def _target_taken_message(year):
    return _("This target is already set for %(year)s; change it instead.") % {"year": year}


def target_problems(target):
    """``{field: [message]}`` for what the model's field validation does not say: a target is
    national, a province's or a marketplace's (not a province's on one marketplace), and there
    is one per year and place. The page's form and :func:`target_save` ask it."""
    if target.province_id and target.marketplace_id:
        return {"marketplace": [_("A target is for a province or for a marketplace, not both.")]}
    taken = OnboardingTarget.objects.filter(year=target.year, province_id=target.province_id, marketplace_id=target.marketplace_id).exclude(pk=target.pk)
    if target.year and taken.exists():
        return {"target": [_target_taken_message(target.year)]}
    return {}


@transaction.atomic
def target_save(*, user, data, instance=None):
    """Set a year's onboarding target, or change one (ministry staff); field errors in words."""
    target = writable_instance(user, OnboardingTarget, instance, data, TARGET_FIELDS)
    _full_clean(target, target_problems(target), validate_unique=False, validate_constraints=False)
    _by(user, target)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:  # the same target saved at the same moment by someone else
        raise ValidationError({"target": [_target_taken_message(target.year)]}) from None
    return target
