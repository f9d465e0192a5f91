"""Writes for accounts and businesses. Views, commands and the API call these."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
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
