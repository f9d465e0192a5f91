"""Accounts inside the portal: the list (admins: everyone; officers: who else works for their
province), invitations, changing a role or province, deactivation, password resets and
lifting lockouts. The services record every change."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import accounts
from ..filtersets import AccountFilterSet
from ..forms import AccountChangeForm, AccountInviteForm
from ..models import AccountChange, Profile
from ..pagination import CappedCountPaginator
from ..policy import can
from .mixins import action_required

PROFILES = Profile.objects.select_related("user", "province")


def _base_url(request):
    # Links in e-mails point at the portal's public address, not whatever host the request named.
    return settings.PORTAL_BASE_URL


def _form_errors(form, error):
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


def _accounts(request):
    queryset = Profile.objects.visible_to(request.user).select_related("user", "province").prefetch_related("user__groups").order_by("user__username")
    return AccountFilterSet(request.GET or None, queryset=queryset)


@require_GET
@action_required("view", Profile)
def account_list(request):
    filterset = _accounts(request)
    page = CappedCountPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    profiles = list(page.object_list)
    locked = accounts.locked_out_usernames(profile.user.username for profile in profiles)
    for profile in profiles:
        profile.locked_out = profile.user.username.lower() in locked
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset, "page_obj": page, "profiles": profiles, "querystring": query.urlencode(),
        "can_invite": can(request.user, "add", Profile), "can_change": can(request.user, "change", Profile),
    }
    template = "programs/accounts/includes/account_results.html" if request.htmx and not request.htmx.boosted else "programs/accounts/account_list.html"
    return render(request, template, context)


@require_GET
@action_required("view", Profile)
def account_list_xlsx(request):
    """The filtered list as XLSX (name, user name, e-mail, role, province, last sign-in, status)."""
    profiles = list(_accounts(request).qs[:10_000])
    locked = accounts.locked_out_usernames(profile.user.username for profile in profiles)
    headers = [_("Name"), _("User name"), _("E-mail"), _("Role"), _("Province"), _("Last sign-in"), _("Active"), _("Locked out")]
    rows = []
    for profile in profiles:
        user = profile.user
        role = accounts.account_snapshot(user)["role"]
        rows.append([
            user.get_full_name(), user.username, user.email, str(dict(accounts.Role.choices).get(role, "")),
            profile.province.name if profile.province_id else "",
            timezone.localtime(user.last_login).replace(tzinfo=None) if user.last_login else None,
            _("Yes") if user.is_active else _("No"), _("Yes") if user.username.lower() in locked else _("No"),
        ])
    response = HttpResponse(_xlsx(_("Accounts"), headers, rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="akun-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@action_required("add", Profile)
def account_invite(request):
    form = AccountInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.account_invite(
                by=request.user, email=data["email"], full_name=data["full_name"], role=data["role"], province=data["province"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Account %(email)s made; a link to choose a password was sent to that address.") % {"email": user.email})
            return redirect("account-detail", user.profile.pk)
    return render(request, "programs/accounts/account_invite.html", {"form": form})


@require_GET
@action_required("view", PROFILES, lookup="pk")
def account_detail(request, profile):
    user = profile.user
    snapshot = accounts.account_snapshot(user)
    form = None
    if can(request.user, "change", profile):
        form = AccountChangeForm(initial={"role": snapshot["role"], "province": snapshot["province"], "is_active": user.is_active})
    return _detail_page(request, profile, form)


def _detail_page(request, profile, form, status=200):
    user = profile.user
    context = {
        "profile": profile, "account": user, "snapshot": accounts.account_snapshot(user), "form": form,
        "locked_out": user.username.lower() in accounts.locked_out_usernames([user.username]),
        "changes": AccountChange.objects.filter(account=user).select_related("changed_by")[:50] if can(request.user, "change", profile) else [],
        "can_reset": can(request.user, "reset_password", profile), "can_unlock": can(request.user, "unlock", profile),
    }
    return render(request, "programs/accounts/account_detail.html", context, status=status)


@require_POST
@action_required("change", PROFILES, lookup="pk")
def account_change(request, profile):
    form = AccountChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            accounts.account_update(by=request.user, profile=profile, role=data["role"], province=data["province"], is_active=data["is_active"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The account is saved."))
            return redirect("account-detail", profile.pk)
    profile.user.refresh_from_db()
    return _detail_page(request, profile, form, status=400)


@require_POST
@action_required("reset_password", PROFILES, lookup="pk")
def account_password_reset(request, profile):
    try:
        accounts.account_send_password_reset(by=request.user, profile=profile, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A link to choose a new password was sent to %(email)s.") % {"email": profile.user.email})
    return redirect("account-detail", profile.pk)


@require_POST
@action_required("unlock", PROFILES, lookup="pk")
def account_unlock(request, profile):
    accounts.account_unlock(by=request.user, profile=profile)
    messages.success(request, _("The lockout of %(user)s is lifted.") % {"user": profile.user.username})
    return redirect("account-detail", profile.pk)



def _xlsx(title, headers, rows):
    import io

    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "default_date_format": "dd/mm/yyyy hh:mm"})
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(headers) - 1, 20)
    workbook.close()
    return output.getvalue()
