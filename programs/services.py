"""Writes for accounts and businesses. Views, commands and the API call these."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Profile, Province
from .roles import Role

SIGNUP_SALT = "programs.signup-verification"


@transaction.atomic
def account_create(*, username, role, province_code=None, email="", password=None):
    """Create or update an account with exactly one role. Returns ``(user, created)``.

    Officers must name a province; other roles must not. Re-running with the same user name
    updates the account instead of failing, so provisioning scripts can be repeated.
    """
    role = Role(role)
    province = None
    if role == Role.OFFICER:
        if not province_code:
            raise ValidationError({"province": _("A provincial officer needs a province code.")})
        province = Province.objects.filter(code=province_code).first()
        if province is None:
            raise ValidationError({"province": _("Unknown province code %(code)s.") % {"code": province_code}})
    elif province_code:
        raise ValidationError({"province": _("Only provincial officers are bound to a province.")})

    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if email:
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ValidationError({"email": _("This e-mail address is already used by another account.")})
        user.email = email.lower()
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.is_active = True
    user.is_staff = user.is_superuser = role == Role.MINISTRY_ADMIN
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    Profile.objects.update_or_create(user=user, defaults={"province": province})
    return user, created


@transaction.atomic
def owner_signup(*, full_name, email, password, base_url):
    """Register an IKM owner, inactive until the e-mailed link is opened."""
    User = get_user_model()
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("This e-mail address is already registered. Sign in, or reset your password.")})
    first_name, _sep, last_name = full_name.strip().partition(" ")
    user = User(username=email, email=email, first_name=first_name[:150], last_name=last_name[:150], is_active=False)
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=Role.OWNER.value)])
    Profile.objects.create(user=user)
    language = translation.get_language()
    transaction.on_commit(lambda: signup_send_verification(user=user, base_url=base_url, language=language))
    return user


def signup_send_verification(*, user, base_url, language=None):
    """E-mail the verification link (valid for ``SIGNUP_VERIFICATION_MAX_AGE`` seconds)."""
    token = signing.dumps({"user": user.pk}, salt=SIGNUP_SALT)
    link = base_url.rstrip("/") + reverse("signup-verify", args=[token])
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"user": user, "link": link, "days": settings.SIGNUP_VERIFICATION_MAX_AGE // 86400}
        subject = _("Confirm your IKM Portal account")
        body = render_to_string("registration/signup_email.txt", context)
    send_mail(subject, body, None, [user.email])


class VerificationLinkInvalid(Exception):
    def __init__(self, expired):
        self.expired = expired


@transaction.atomic
def signup_verify(*, token):
    """Activate the account named by ``token``. Raises :class:`VerificationLinkInvalid`."""
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=settings.SIGNUP_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise VerificationLinkInvalid(expired=True) from None
    except signing.BadSignature:
        raise VerificationLinkInvalid(expired=False) from None
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=data.get("user")).first()
    if user is None:
        raise VerificationLinkInvalid(expired=False)
    profile, _created = Profile.objects.get_or_create(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def signup_resend_verification(*, email, base_url):
    """Send the link again to an account that has never been verified. Silent otherwise."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email.strip(), is_active=False, profile__email_verified_at__isnull=True).first()
    if user is not None:
        signup_send_verification(user=user, base_url=base_url)


# --- Businesses --------------------------------------------------------------------------

BUSINESS_FIELDS = [
    "name", "nib", "owner_name", "nik", "phone", "email", "address", "regency", "sector", "kbli_code",
    "workforce", "investment", "year_founded", "main_products", "is_exporter", "export_destinations", "status",
]


def normalise_phone(raw):
    """``0812-3456-7890`` / ``+62 812 3456 7890`` → ``+6281234567890``; raises ValidationError."""
    import phonenumbers

    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": _("Not a valid phone number. Write it as 0812 3456 7890 or +62 812 3456 7890.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_codes():
    """ISO 3166-1 alpha-2 codes known to CLDR (via Babel), for export destinations."""
    from babel import Locale

    not_countries = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}  # CLDR's "unknown" and groupings
    return {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()} - not_countries


def _business_validate(business):
    """Rules that span fields, shared by the form, the API and imports. Raises ValidationError."""
    from stdnum.id import nik as nik_number

    from .scale import classify_scale

    errors = {}
    if business.nib is not None:
        business.nib = business.nib.strip() or None
    business.nik = (business.nik or "").strip()
    business.email = (business.email or "").strip().lower()
    try:
        business.phone = normalise_phone(business.phone)
    except ValidationError as error:
        errors.update(error.message_dict)
    if business.nik and len(business.nik) == 16 and business.nik.isdigit() and not nik_number.is_valid(business.nik):
        errors["nik"] = [_("This NIK is not valid: its region code or date of birth does not exist.")]
    if business.nib:
        from .models import Business

        if Business.objects.filter(nib=business.nib).exclude(pk=business.pk).exists():
            errors["nib"] = [_("This NIB is already registered for another business.")]
    if business.regency_id:
        business.province_id = business.regency.province_id
    if business.kbli_code and business.sector_id and len(business.kbli_code) >= 2:
        from .models import KbliDivision

        division = KbliDivision.objects.filter(code=business.kbli_code[:2]).first()
        if division is not None and division.sector_id != business.sector_id:
            errors["kbli_code"] = [_("KBLI %(code)s belongs to the sector “%(sector)s”, not the one chosen.") % {"code": business.kbli_code, "sector": division.sector.display_name}]
    if business.workforce is not None and business.investment is not None:
        scale = classify_scale(business.workforce, business.investment)
        if scale is None:
            errors["investment"] = [_("20 or more workers with an investment over Rp 15 billion is a large industry, not an IKM.")]
        else:
            business.scale = scale
    destinations = business.export_destinations or []
    if not isinstance(destinations, list):
        errors["export_destinations"] = [_("Give the export destinations as a list of country codes.")]
    else:
        destinations = sorted({str(code).strip().upper() for code in destinations if str(code).strip()})
        unknown = [code for code in destinations if code not in country_codes()]
        if unknown:
            errors["export_destinations"] = [_("Unknown country code(s): %(codes)s.") % {"codes": ", ".join(unknown)}]
        elif destinations and not business.is_exporter:
            errors["export_destinations"] = [_("Export destinations are only for businesses marked as exporters.")]
        business.export_destinations = destinations
    try:
        # The NIB's uniqueness was checked above with a clearer message than the constraint's.
        business.full_clean(exclude=["province", "scale"] if errors else ["province"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def business_save(*, user, data, instance=None):
    """Create or update a business from ``data`` (model field names → values) for ``user``.

    Validation is shared by every channel. The saved business must be editable by the user
    (an officer's own province, an owner's own business), else nothing is saved.
    """
    from .models import Business
    from .policy import can
    from .roles import role_of

    if not can(user, "change", instance) if instance is not None else not can(user, "add", Business):
        raise PermissionDenied
    business = instance if instance is not None else Business(created_by=user if user.is_authenticated else None)
    for field, value in data.items():
        if field not in BUSINESS_FIELDS:
            raise ValueError(f"business_save() got an unknown field {field!r}")
        setattr(business, field, value)
    if instance is None and role_of(user) == Role.OWNER:
        business.owner = user
    _business_validate(business)
    business.save()
    if not Business.objects.editable_by(user).filter(pk=business.pk).exists():
        raise ValidationError({"regency": _("You may only record businesses of your own province.")})
    return business


# --- Claims: an owner takes over a business an officer registered --------------------------

@transaction.atomic
def claim_request(*, user, nib, message=""):
    """File a claim for the business with ``nib``; an officer of its province decides."""
    from .models import Business, BusinessClaim

    business = Business.objects.select_for_update().filter(nib=(nib or "").strip()).first()
    if business is None:
        raise ValidationError({"nib": _("No registered business has this NIB. Check the number, or register your business yourself.")})
    if business.owner_id == user.pk:
        raise ValidationError({"nib": _("This business is already yours.")})
    if business.owner_id is not None:
        raise ValidationError({"nib": _("This business is already kept by another owner account. Contact the industry office (Disperindag) of its province.")})
    if BusinessClaim.objects.filter(business=business, claimant=user, status=BusinessClaim.Status.PENDING).exists():
        raise ValidationError({"nib": _("You have already claimed this business; an officer will decide soon.")})
    return BusinessClaim.objects.create(business=business, claimant=user, message=message)


@transaction.atomic
def claim_decide(*, user, claim_id, approve, note=""):
    """Approve (the claimant becomes the owner) or reject a pending claim."""
    from .models import Business, BusinessClaim
    from .policy import can

    claim = BusinessClaim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or not can(user, "decide", claim):
        raise PermissionDenied
    if claim.status != BusinessClaim.Status.PENDING:
        raise ValidationError(_("This claim was already decided."))
    business = Business.objects.select_for_update().get(pk=claim.business_id)
    now = timezone.now()
    if approve:
        if business.owner_id is not None and business.owner_id != claim.claimant_id:
            raise ValidationError(_("The business already has another owner account."))
        business.owner = claim.claimant
        business.save(update_fields=["owner", "updated_at"])
        # Other owners' claims on the same business cannot succeed any more.
        BusinessClaim.objects.filter(business=business, status=BusinessClaim.Status.PENDING).exclude(pk=claim.pk).update(
            status=BusinessClaim.Status.REJECTED, decided_by=user, decided_at=now, decision_note=_("Another claim was approved.")
        )
    claim.status = BusinessClaim.Status.APPROVED if approve else BusinessClaim.Status.REJECTED
    claim.decided_by, claim.decided_at, claim.decision_note = user, now, note
    claim.save()
    return claim
