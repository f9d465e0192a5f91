"""Export buyer matching: writing buyers, commitments, meetings and nominations (services),
and reading the shortlist of businesses for a buyer and the commitments monitor (selectors).

Every write checks the user's right through the models' policy and scope, refuses bad input
with field errors in the user's language (the same for forms and the API) and then changes
nothing. Every read starts from ``visible_to(user)`` and is computed in SQL.
"""
import datetime

from babel import Locale
from babel.numbers import list_currencies
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Business, Registration, Sector
from programs.policy import can

from .models import Buyer, Commitment, MatchingMeeting, Nomination, Onboarding
from .services import writable_instance

#: ISO 4217 codes Babel knows (current and historical).
CURRENCIES = frozenset(list_currencies())
#: ISO 3166-1 alpha-2 codes and English names (CLDR's regions without its private and
#: grouping codes: unknown region, outlying Oceania, EU, eurozone, UN, pseudo-locales).
COUNTRIES = {code: name for code, name in Locale("en").territories.items()
             if len(code) == 2 and code.isalpha() and code not in {"ZZ", "QO", "EU", "EZ", "UN", "XA", "XB"}}

BUYER_FIELDS = ["company", "country", "hs_codes", "source", "contact_notes"]
COMMITMENT_FIELDS = ["product", "hs_code", "currency", "value", "value_idr", "signed", "status", "status_date", "reason", "value_realised"]
MEETING_FIELDS = ["mode", "date", "facilitator", "outcome", "follow_ups", "mou_signed", "mou_value", "realised_value"]
#: Statuses whose reason must be given.
REASON_REQUIRED = {Commitment.Status.HELD, Commitment.Status.CANCELLED}


def _by(user, *instances):
    for instance in instances:
        instance._history_user = user


def _merge(errors, error):
    for field, messages in error.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def _full_clean(instance, errors, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        _merge(errors, error)


# --- buyers ---------------------------------------------------------------------------------------


@transaction.atomic
def buyer_save(*, user, data, sectors=None, instance=None):
    """Create or update a buyer (ministry staff). ``country`` is an ISO 3166-1 alpha-2 code
    (its English name is stored beside it); ``hs_codes`` are 2 to 10 digits each."""
    buyer = writable_instance(user, Buyer, instance, data, BUYER_FIELDS)
    errors = {}
    buyer.company = str(buyer.company or "").strip()
    buyer.country = str(buyer.country or "").strip().upper()
    if buyer.country not in COUNTRIES:
        errors["country"] = [_("Unknown country code “%(code)s”; use a two-letter ISO 3166-1 code, e.g. US, JP, NL.") % {"code": buyer.country[:10]}]
    else:
        buyer.country_name = COUNTRIES[buyer.country]
    codes = [str(code).strip().replace(".", "") for code in (buyer.hs_codes or [])]
    bad = [code for code in codes if not (code.isdigit() and 2 <= len(code) <= 10)]
    if bad:
        errors["hs_codes"] = [_("An HS code has 2 to 10 digits: %(codes)s.") % {"codes": ", ".join(bad[:5])}]
    buyer.hs_codes = list(dict.fromkeys(codes))
    _full_clean(buyer, errors, exclude=["hs_codes", "country_name", "country"] if errors.get("country") else ["hs_codes"])
    if sectors is not None and not sectors and not buyer.hs_codes:
        errors.setdefault("sectors", []).append(_("Name the sectors or HS codes the buyer wants."))
    if errors:
        raise ValidationError(errors)
    _by(user, buyer)
    buyer.save()
    if sectors is not None:
        buyer.sectors.set(sectors)
    return buyer


# --- commitments ----------------------------------------------------------------------------------


def _commitment_validate(commitment, *, user, errors):
    today = timezone.localdate()
    commitment.currency = str(commitment.currency or "").strip().upper()
    if commitment.currency and commitment.currency not in CURRENCIES:
        errors["currency"] = [_("Unknown currency “%(code)s”; use a three-letter ISO 4217 code, e.g. USD, JPY, EUR.") % {"code": commitment.currency[:10]}]
    commitment.hs_code = str(commitment.hs_code or "").strip().replace(".", "")
    if isinstance(commitment.signed, datetime.date) and commitment.signed > today:
        errors["signed"] = [_("The signing date cannot be in the future.")]
    if commitment.status_date is None:
        commitment.status_date = commitment.signed if commitment.status == Commitment.Status.HELD or commitment.signed is None else today
    if isinstance(commitment.status_date, datetime.date):
        if commitment.status_date > today:
            errors["status_date"] = [_("The date of the status cannot be in the future.")]
        elif isinstance(commitment.signed, datetime.date) and commitment.status_date < commitment.signed:
            errors["status_date"] = [_("The status cannot date from before the signing.")]
    commitment.reason = str(commitment.reason or "").strip()
    if commitment.status in REASON_REQUIRED and not commitment.reason:
        errors["reason"] = [_("Give the reason a commitment is held or cancelled.")]
    for name in ("value", "value_idr", "value_realised"):
        amount = getattr(commitment, name)
        if amount is not None and amount < 0:
            errors[name] = [_("A value cannot be negative.")]
    if commitment.buyer_id is not None and not Buyer.objects.visible_to(user).filter(pk=commitment.buyer_id).exists():
        errors["buyer"] = [_("No such buyer.")]
    _full_clean(commitment, errors, exclude=["business", "buyer", "created_by", "currency", *[name for name in errors if name != "currency"]])


@transaction.atomic
def commitment_save(*, user, business, buyer, data, instance=None):
    """Record an export commitment of ``business`` with ``buyer``, or change one. The business
    must be one the user may edit (officers: their province); a reason is required when the
    commitment is held or cancelled; the signing date cannot be in the future."""
    if instance is not None:
        if not can(user, "change", instance):
            raise PermissionDenied
    elif not can(user, "add", Commitment):
        raise PermissionDenied
    errors = {}
    # Officers: a business of their province; ministry staff and admins: any (the saved row is
    # checked against the commitments' own scope below).
    if business is None or not Business.objects.visible_to(user).filter(pk=business.pk).exists():
        errors["business"] = [_("You may only record commitments of businesses of your own province.")]
    commitment = instance or Commitment(created_by=user)
    commitment.business = business if business is not None else commitment.business if instance else None
    commitment.buyer = buyer
    if instance is not None and "status" in data and data["status"] != instance.status and "status_date" not in data:
        data = {**data, "status_date": timezone.localdate()}
    for name in COMMITMENT_FIELDS:
        if name in data:
            setattr(commitment, name, data[name])
    _commitment_validate(commitment, user=user, errors=errors)
    if errors:
        raise ValidationError(errors)
    _by(user, commitment)
    commitment.save()
    # The saved row must still be in the user's scope (a foreign business in a POST).
    if not Commitment.objects.editable_by(user).filter(pk=commitment.pk).exists():
        raise ValidationError({"business": [_("You may only record commitments of businesses of your own province.")]})
    return commitment


# --- meetings and nominations -----------------------------------------------------------------------


@transaction.atomic
def meeting_save(*, user, data, businesses, buyers, instance=None):
    """Schedule or record a business-matching meeting (ministry staff) with the businesses and
    buyers taking part. Nominations of those businesses for those buyers become scheduled."""
    if not (can(user, "change", instance) if instance is not None else can(user, "add", MatchingMeeting)):
        raise PermissionDenied
    meeting = instance or MatchingMeeting(created_by=user)
    for name in MEETING_FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    errors = {}
    businesses, buyers = list(businesses or []), list(buyers or [])
    if not businesses:
        errors["businesses"] = [_("Name at least one business taking part.")]
    if not buyers:
        errors["buyers"] = [_("Name at least one buyer taking part.")]
    for name in ("mou_value", "realised_value"):
        amount = getattr(meeting, name)
        if amount is not None and amount < 0:
            errors[name] = [_("A value cannot be negative.")]
    if meeting.mou_value and not meeting.mou_signed:
        errors.setdefault("mou_value", []).append(_("An MoU value is given only for a signed MoU."))
    if isinstance(meeting.date, datetime.date) and meeting.date > timezone.localdate() and (meeting.mou_signed or meeting.realised_value):
        errors.setdefault("date", []).append(_("A meeting still to come has no MoU or realised value yet."))
    _full_clean(meeting, errors, exclude=["created_by", *errors])
    if errors:
        raise ValidationError(errors)
    _by(user, meeting)
    meeting.save()
    meeting.businesses.set(businesses)
    meeting.buyers.set(buyers)
    for nomination in Nomination.objects.filter(buyer__in=buyers, business__in=businesses, status=Nomination.Status.NOMINATED):
        nomination.status, nomination.meeting = Nomination.Status.SCHEDULED, meeting
        _by(user, nomination)
        nomination.save(update_fields=["status", "meeting"])
    return meeting


@transaction.atomic
def nomination_create(*, user, buyer, business, note=""):
    """An officer nominates a business of their province for a buyer's request."""
    if not can(user, "add", Nomination):
        raise PermissionDenied
    errors = {}
    if not Buyer.objects.visible_to(user).filter(pk=buyer.pk).exists():
        errors["buyer"] = [_("No such buyer.")]
    if not Business.objects.editable_by(user).filter(pk=business.pk).exists():
        errors["business"] = [_("You may only nominate businesses of your own province.")]
    elif Nomination.objects.filter(buyer=buyer, business=business).exists():
        errors["business"] = [_("This business is already nominated for this buyer.")]
    if errors:
        raise ValidationError(errors)
    nomination = Nomination(buyer=buyer, business=business, note=str(note or "").strip(), nominated_by=user)
    _by(user, nomination)
    nomination.save()
    return nomination


@transaction.atomic
def nominations_schedule(*, user, buyer, nominations, data):
    """Ministry staff schedule a meeting of ``buyer`` with the nominated businesses."""
    if not can(user, "schedule", Nomination):
        raise PermissionDenied
    nominations = [nomination for nomination in nominations if nomination.buyer_id == buyer.pk and nomination.status == Nomination.Status.NOMINATED]
    if not nominations:
        raise ValidationError({"nominations": [_("Choose at least one nominated business.")]})
    return meeting_save(user=user, data=data, businesses=[nomination.business for nomination in nominations], buyers=[buyer])


@transaction.atomic
def nomination_decline(*, user, nomination):
    """Ministry staff decline a nomination still waiting (a scheduled one has its meeting)."""
    if not can(user, "decline", nomination):
        raise PermissionDenied
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.NOMINATED:
        raise ValidationError({"status": [_("Only a nomination still waiting can be declined; this one is %(status)s.") % {
            "status": nomination.get_status_display().lower()}]})
    nomination.status = Nomination.Status.DECLINED
    _by(user, nomination)
    nomination.save(update_fields=["status"])
    return nomination


# --- the shortlist ---------------------------------------------------------------------------------

#: Points of each criterion of the shortlist.
WEIGHTS = {"sector": 4, "product": 4, "held": 1, "marketplace": 1, "workshop": 1}
EXPORT_TOPIC = "export-readiness"


def _hs_match(codes):
    """Commitment HS codes in the same family as one of ``codes`` (either is a prefix of the other)."""
    condition = Q(pk__in=[])
    for code in codes:
        prefixes = [code[:length] for length in range(2, len(code) + 1)]
        condition |= Q(hs_code__startswith=code) | Q(hs_code__in=prefixes)
    return condition


def buyer_shortlist(*, user, buyer, limit=50):
    """Businesses the user may see, ranked for ``buyer``'s request, in one query.

    Score: sector among the buyer's sectors (4), an HS code of the business's commitments in
    the family of one the buyer wants (4), scale (medium 2, small 1, micro 0), and export
    readiness: a commitment held because of COVID-19 (1), a shop on a marketplace (1), an
    attended export-readiness workshop (1). Only businesses matching on sector or product are
    listed; ties go to the larger scale, then the name.
    """
    codes = list(buyer.hs_codes or [])
    sector_ids = list(buyer.sectors.values_list("pk", flat=True))
    product = Exists(Commitment.objects.filter(_hs_match(codes), business=OuterRef("pk"))) if codes else Value(False)
    rows = (
        Business.objects.visible_to(user)
        .filter(status=Business.Status.ACTIVE)
        .annotate(
            sector_match=Case(When(sector_id__in=sector_ids, then=Value(1)), default=Value(0), output_field=IntegerField()),
            product_match=Case(When(product, then=Value(1)), default=Value(0), output_field=IntegerField()),
            scale_points=Case(When(scale="medium", then=Value(2)), When(scale="small", then=Value(1)), default=Value(0), output_field=IntegerField()),
            held=Case(When(Exists(Commitment.objects.filter(business=OuterRef("pk"), status=Commitment.Status.HELD)), then=Value(1)), default=Value(0), output_field=IntegerField()),
            on_marketplace=Case(When(Exists(Onboarding.objects.filter(business=OuterRef("pk"))), then=Value(1)), default=Value(0), output_field=IntegerField()),
            export_workshop=Case(When(Exists(Registration.objects.filter(business=OuterRef("pk"), attended=True, event__topics__contains=[EXPORT_TOPIC])), then=Value(1)),
                                 default=Value(0), output_field=IntegerField()),
        )
        .filter(Q(sector_match=1) | Q(product_match=1))
        .annotate(score=F("sector_match") * WEIGHTS["sector"] + F("product_match") * WEIGHTS["product"] + F("scale_points")
                  + F("held") * WEIGHTS["held"] + F("on_marketplace") * WEIGHTS["marketplace"] + F("export_workshop") * WEIGHTS["workshop"])
        .select_related("province", "regency", "sector")
        .order_by("-score", "-scale_points", "name", "pk")
    )
    return rows[:limit]


# --- the monitor -------------------------------------------------------------------------------------


def commitments_monitor(*, user):
    """The monitor's tables, each a list of dicts computed by one grouped query from the
    commitments (or meetings) the user may see."""
    commitments = Commitment.objects.visible_to(user)
    held = commitments.filter(status=Commitment.Status.HELD)
    figures = {"count": Count("pk"), "value_idr": Coalesce(Sum("value_idr"), 0)}
    by_country = list(held.values("buyer__country", "buyer__country_name").annotate(**figures).order_by("-value_idr", "buyer__country"))
    by_sector = list(held.values("business__sector__slug", "business__sector__name").annotate(**figures).order_by("-value_idr", "business__sector__slug"))
    over_time = list(
        commitments.filter(status__in=[Commitment.Status.RESUMED, Commitment.Status.REALISED])
        .annotate(month=TruncMonth("status_date"))
        .values("month")
        .annotate(
            resumed=Coalesce(Sum("value_idr", filter=Q(status=Commitment.Status.RESUMED)), 0),
            realised=Coalesce(Sum("value_realised", filter=Q(status=Commitment.Status.REALISED)), 0),
        )
        .order_by("month")
    )
    by_province = list(
        commitments.values("business__province__code", "business__province__name")
        .annotate(
            held=Coalesce(Sum("value_idr", filter=Q(status=Commitment.Status.HELD)), 0),
            renegotiating=Coalesce(Sum("value_idr", filter=Q(status=Commitment.Status.RENEGOTIATING)), 0),
            resumed=Coalesce(Sum("value_idr", filter=Q(status=Commitment.Status.RESUMED)), 0),
            realised=Coalesce(Sum("value_realised", filter=Q(status=Commitment.Status.REALISED)), 0),
            cancelled=Coalesce(Sum("value_idr", filter=Q(status=Commitment.Status.CANCELLED)), 0),
        )
        .order_by("business__province__code")
    )
    meetings = MatchingMeeting.objects.visible_to(user)
    mous = meetings.aggregate(
        meetings=Count("pk"), signed=Count("pk", filter=Q(mou_signed=True)),
        mou_value=Coalesce(Sum("mou_value", filter=Q(mou_signed=True)), 0), realised=Coalesce(Sum("realised_value"), 0),
    )
    return {"by_country": by_country, "by_sector": by_sector, "over_time": over_time, "by_province": by_province, "mous": mous,
            "mous_by_province": mous_by_province(user=user, meetings=meetings)}


def mous_by_province(*, user, meetings=None):
    """Meetings, MoUs signed, MoU value and realised value per province of the businesses
    taking part, among the meetings and businesses ``user`` may see. A meeting joining
    businesses of several provinces counts once in each of them (so the provinces may add up
    to more than the national figures, where it counts once)."""
    meetings = MatchingMeeting.objects.visible_to(user) if meetings is None else meetings
    # One row per (province, meeting): the distinct pairs of the meetings' businesses.
    pairs = (
        MatchingMeeting.businesses.through.objects
        .filter(matchingmeeting__in=meetings, business__in=Business.objects.visible_to(user))
        .values("business__province__code", "business__province__name", "matchingmeeting_id",
                "matchingmeeting__mou_signed", "matchingmeeting__mou_value", "matchingmeeting__realised_value")
        .distinct()
    )
    rows = {}
    for pair in pairs:
        row = rows.setdefault(pair["business__province__code"], {"code": pair["business__province__code"], "name": pair["business__province__name"],
                                                                  "meetings": 0, "signed": 0, "mou_value": 0, "realised": 0})
        signed = pair["matchingmeeting__mou_signed"]
        row["meetings"] += 1
        row["signed"] += int(signed)
        row["mou_value"] += pair["matchingmeeting__mou_value"] if signed else 0
        row["realised"] += pair["matchingmeeting__realised_value"]
    return [rows[code] for code in sorted(rows)]


def sectors_by_slug(slugs):
    """Sectors named by their slugs; a field error naming the unknown ones."""
    slugs = [str(slug) for slug in slugs or []]
    found = {sector.slug: sector for sector in Sector.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError({"sectors": [_("Unknown sector: %(slugs)s.") % {"slugs": ", ".join(unknown[:5])}]})
    return list(found.values())
