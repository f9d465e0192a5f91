"""Accounts managed inside the portal: ministry admins invite officers and staff, change a
role or province, deactivate, send a password reset and lift a lockout. Every change is
recorded in :class:`~programs.models.AccountChange` with what the account was before.

Each service asks the policy (``Profile``'s rules) itself, whatever the channel: page, API
or a script.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import AccountChange, Profile
from .policy import can
from .roles import Role

#: Roles an admin may give; owners sign up themselves.
INVITABLE_ROLES = (Role.OFFICER, Role.MINISTRY_STAFF, Role.MINISTRY_ADMIN)


def account_snapshot(user):
    """What an account is, as the change log keeps it."""
    profile = getattr(user, "profile", None)
    role = _role_ignoring_activity(user)
    return {
        "email": user.email,
        "name": user.get_full_name(),
        "role": role.value if role else None,
        "province": profile.province.code if profile is not None and profile.province_id else None,
        "is_active": user.is_active,
    }


def _role_ignoring_activity(user):
    """The account's role as ``role_of`` decides it, also for a deactivated account; reads
    the groups through ``user.groups.all()`` so a list can prefetch them."""
    if user.is_superuser:
        return Role.MINISTRY_ADMIN
    names = {group.name for group in user.groups.all()}
    return next((role for role in (Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF, Role.OFFICER, Role.OWNER) if role.value in names), None)


def _validate_role_and_province(role, province, *, current_role=None):
    """Refuse a role or province an account may not have (``current_role``: None for a new one)."""
    errors = {}
    if current_role is None and role not in INVITABLE_ROLES:
        errors["role"] = [_("Choose provincial officer, ministry staff or ministry admin; IKM owners sign up themselves.")]
    elif current_role is not None and (role is None or (role == Role.OWNER) != (current_role == Role.OWNER)):
        # An owner keeps businesses and registrations; staff accounts are made by invitation.
        errors["role"] = [_("An IKM owner account stays an owner account; invite staff with an account of their own.")]
    elif role == Role.OFFICER and province is None:
        errors["province"] = [_("A provincial officer needs a province.")]
    elif role != Role.OFFICER and province is not None:
        errors["province"] = [_("Only provincial officers are bound to a province.")]
    if errors:
        raise ValidationError(errors)


def _apply_role(user, role, province):
    user.is_staff = user.is_superuser = role == Role.MINISTRY_ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    user.groups.set([Group.objects.get(name=role.value)])
    Profile.objects.update_or_create(user=user, defaults={"province": province})
    user._portal_role = False  # forget the role cached for this request


def _record(*, account, by, action, before, after):
    return AccountChange.objects.create(account=account, changed_by=by, action=action, before=before, after=after)


@transaction.atomic
def account_invite(*, by, email, full_name, role, province=None, base_url):
    """Create an account for ``email`` with ``role`` and e-mail it a link to choose a password."""
    if not can(by, "add", Profile):
        raise PermissionDenied
    User = get_user_model()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": [_("This e-mail address is already used by another account.")]})
    role = Role(role) if role in Role.values else None
    _validate_role_and_province(role, province)
    first_name, _sep, last_name = (full_name or "").strip().partition(" ")
    user = User(username=email, email=email, first_name=first_name[:150], last_name=last_name[:150], is_active=True)
    user.set_unusable_password()
    user.save()
    _apply_role(user, role, province)
    _record(account=user, by=by, action=AccountChange.Action.INVITE, before={}, after=account_snapshot(user))
    language = translation.get_language()
    transaction.on_commit(lambda: _send_password_link(user, base_url=base_url, language=language, invitation=True))
    return user


@transaction.atomic
def account_update(*, by, profile, role, province, is_active):
    """Change an account's role, province or whether it may sign in; the change is recorded."""
    if not can(by, "change", profile):
        raise PermissionDenied
    user = get_user_model().objects.select_for_update().get(pk=profile.user_id)
    role = Role(role) if role in Role.values else None
    if user.pk == by.pk and (role != Role.MINISTRY_ADMIN or not is_active):
        raise ValidationError({"role": [_("You cannot take away your own admin role or deactivate yourself; ask another admin.")]})
    before = account_snapshot(user)
    _validate_role_and_province(role, province, current_role=Role(before["role"]) if before["role"] else None)
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    _apply_role(user, role, province)
    after = account_snapshot(get_user_model().objects.select_related("profile__province").get(pk=user.pk))
    if after != before:
        _record(account=user, by=by, action=AccountChange.Action.CHANGE, before=before, after=after)
    return user


@transaction.atomic
def account_send_password_reset(*, by, profile, base_url):
    """E-mail the account a link to choose a new password (the old one works until then)."""
    if not can(by, "reset_password", profile):
        raise PermissionDenied
    user = profile.user
    if not user.is_active:
        raise ValidationError(_("This account is deactivated; reactivate it first."))
    if not user.email:
        raise ValidationError(_("This account has no e-mail address."))
    snapshot = account_snapshot(user)
    _record(account=user, by=by, action=AccountChange.Action.PASSWORD_RESET, before=snapshot, after=snapshot)
    language = translation.get_language()
    transaction.on_commit(lambda: _send_password_link(user, base_url=base_url, language=language, invitation=False))


@transaction.atomic
def account_unlock(*, by, profile):
    """Lift a sign-in lockout (django-axes) of the account."""
    from axes.utils import reset

    if not can(by, "unlock", profile):
        raise PermissionDenied
    user = profile.user
    removed = reset(username=user.username.lower())
    snapshot = account_snapshot(user)
    _record(account=user, by=by, action=AccountChange.Action.UNLOCK, before={**snapshot, "locked_out": True}, after={**snapshot, "locked_out": False})
    return removed


def locked_out_usernames(usernames):
    """The user names among ``usernames`` (lower-cased, as lockouts count them) that are locked
    out of signing in now."""
    from datetime import timedelta

    from axes.models import AccessAttempt

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return set(
        AccessAttempt.objects.filter(username__in=[name.lower() for name in usernames], failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)
        .values_list("username", flat=True)
    )


def _send_password_link(user, *, base_url, language, invitation):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = base_url.rstrip("/") + reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"user": user, "link": link, "invitation": invitation}
        subject = _("Your IKM Portal account") if invitation else _("Choose a new password for the IKM Portal")
        send_mail(subject, render_to_string("programs/emails/account_password.txt", context), None, [user.email])
