"""Accounts inside the portal: admins invite, change, deactivate, reset and unlock; every
change is recorded; officers see who else works for their province; the API does the same."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from programs.models import AccountChange, Profile
from tests.factories import PASSWORD, make_user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _signs_in(client, username, password):
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def _invite(client, **overrides):
    data = {"email": "Rina.Petugas@Disperindag.go.id", "full_name": "Rina Wulandari", "role": "officer", "province": "32"}
    data.update(overrides)
    return client.post(reverse("account-invite"), data)


def test_admin_invites_an_officer_who_sets_a_password_and_signs_in(admin_client, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(admin_client)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="rina.petugas@disperindag.go.id")
    assert user.profile.province.code == "32" and user.groups.get().name == "officer" and not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rina.petugas@disperindag.go.id"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("//", 1)[1].split("/", 1)[1]
    # Django's password reset view swaps the token for a session marker, then asks for the password.
    form = admin_client.get("/" + path, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    admin_client.post(form.redirect_chain[-1][0], {"new_password1": "Batik-Kalsel-2020!", "new_password2": "Batik-Kalsel-2020!"})
    admin_client.logout()
    assert _signs_in(admin_client, "rina.petugas@disperindag.go.id", "Batik-Kalsel-2020!")
    change = AccountChange.objects.get(account=user)
    assert change.action == "invite" and change.after["role"] == "officer" and change.after["province"] == "32"


@pytest.mark.parametrize("overrides, field", [
    ({"province": ""}, "province"),                      # an officer needs a province
    ({"role": "ministry-staff"}, "province"),             # staff are not bound to one
    ({"role": "owner", "province": ""}, "role"),         # owners sign up themselves
    ({"email": "bukan-email"}, "email"),
    ({"email": "x" * 200 + "@contoh.id"}, "email"),
])
def test_invitation_with_bad_input_is_refused_next_to_the_field(admin_client, overrides, field):
    before = get_user_model().objects.count()
    response = _invite(admin_client, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert get_user_model().objects.count() == before


def test_an_address_already_in_use_is_refused(admin_client, officer):
    response = _invite(admin_client, email=officer.email.upper())
    assert "email" in response.context["form"].errors


def test_change_of_role_and_province_is_recorded_with_what_it_was(admin_client, admin_user, officer):
    response = admin_client.post(reverse("account-change", args=[officer.profile.pk]), {"role": "officer", "province": "63", "is_active": "on"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.profile.province.code == "63"
    change = AccountChange.objects.get(account=officer, action="change")
    assert change.changed_by == admin_user
    assert [(str(label), before, after) for label, before, after in change.changed_fields] == [("Provinsi", "32", "63")]
    page = admin_client.get(reverse("account-detail", args=[officer.profile.pk])).content.decode()
    assert "32 → 63" in page


def test_deactivated_account_cannot_sign_in(admin_client, officer):
    from django.test import Client

    admin_client.post(reverse("account-change", args=[officer.profile.pk]), {"role": "officer", "province": "32"})
    officer.refresh_from_db()
    assert not officer.is_active
    assert not _signs_in(Client(), officer.username, PASSWORD)


def test_admin_cannot_remove_their_own_admin_role(admin_client, admin_user):
    response = admin_client.post(reverse("account-change", args=[admin_user.profile.pk]), {"role": "ministry-staff"})
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    admin_user.refresh_from_db()
    assert admin_user.is_superuser


def test_lockout_is_listed_and_lifted(admin_client, officer, settings):
    from axes.models import AccessAttempt
    from django.test import Client

    client = Client()  # the officer's own browser, not the admin's
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": officer.username, "password": "salah"})
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    listing = admin_client.get(reverse("account-list"), {"q": officer.username}).content.decode()
    assert "Terkunci" in listing or "Locked out" in listing
    admin_client.post(reverse("account-unlock", args=[officer.profile.pk]))
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert AccountChange.objects.filter(account=officer, action="unlock").exists()
    assert _signs_in(client, officer.username, PASSWORD)


def test_password_reset_is_sent_and_recorded(admin_client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("account-password-reset", args=[officer.profile.pk]))
    assert [message.to for message in mail.outbox] == [[officer.email]]
    assert AccountChange.objects.filter(account=officer, action="password-reset").exists()


def test_officer_sees_the_officers_of_their_province_only(client, officer, other_officer, owner, staff_user):
    colleague = make_user("officer", province=officer.profile.province, username="rekan.jabar")
    client.force_login(officer)
    page = client.get(reverse("account-list"))
    names = {profile.user.username for profile in page.context["profiles"]}
    assert names == {officer.username, colleague.username}
    assert client.get(reverse("account-detail", args=[other_officer.profile.pk])).status_code == 404
    assert client.get(reverse("account-invite")).status_code == 403
    assert client.post(reverse("account-change", args=[colleague.profile.pk]), {"role": "ministry-admin"}).status_code == 403


def test_staff_and_owners_have_no_account_list(client, staff_user, owner):
    for user in (staff_user, owner):
        client.force_login(user)
        assert client.get(reverse("account-list")).status_code == 403


def test_account_list_downloads_as_xlsx(admin_client, officer):
    import io

    import openpyxl

    response = admin_client.get(reverse("account-list-xlsx"), {"role": "officer"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][1] in ("Nama pengguna", "User name")
    assert [row[1] for row in rows[1:]] == [officer.username]


def test_api_invites_changes_and_refuses_non_admins(client, admin_user, officer, other_officer, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/accounts/", {"email": "staf.baru@kemenperin.go.id", "full_name": "Staf Baru", "role": "ministry-staff"}, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["role"] == "ministry-staff" and len(mail.outbox) == 1
    url = f"/api/v1/accounts/{officer.profile.pk}/"
    changed = client.patch(url, {"is_active": False}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    # Staff are bound to no province: the officer's province must be cleared with the role.
    refused = client.patch(url, {"role": "ministry-staff"}, content_type="application/json")
    assert refused.status_code == 400 and "province" in refused.json()
    assert client.patch(url, {"role": "ministry-staff", "province": None}, content_type="application/json").json()["role"] == "ministry-staff"
    bad = client.post("/api/v1/accounts/", {"email": "x@contoh.id", "role": "officer"}, content_type="application/json")
    assert bad.status_code == 400 and "province" in bad.json()
    assert client.delete(url).status_code == 403  # deactivate instead: nobody deletes accounts
    client.force_login(other_officer)
    assert client.post("/api/v1/accounts/", {"email": "y@contoh.id", "role": "officer", "province": "32"}, content_type="application/json").status_code == 403
    assert Profile.objects.filter(user__email="y@contoh.id").count() == 0


def test_owner_account_can_be_deactivated_but_not_turned_into_staff(admin_client, owner):
    url = reverse("account-change", args=[owner.profile.pk])
    assert admin_client.post(url, {"role": "ministry-admin"}).status_code == 400
    assert admin_client.post(url, {"role": "owner"}).status_code == 302
    owner.refresh_from_db()
    assert not owner.is_active and not owner.is_superuser


def test_api_account_list_queries_do_not_grow_with_the_accounts(client, admin_user, jabar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/accounts/").status_code == 200
        return len(captured)

    few = queries()
    for number in range(10):
        make_user("officer", province=jabar, username=f"petugas.{number}")
    assert queries() == few
