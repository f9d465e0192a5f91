"""Sign-in, lockout, owner sign-up with e-mail verification, password reset — in Indonesian."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

User = get_user_model()


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_wrong_password_gets_a_clear_indonesian_message(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "salah-sekali"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_by_username_or_email(client, officer):
    response = client.post(reverse("login"), {"username": officer.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(client, officer):
    for _ in range(3):
        client.post(reverse("login"), {"username": officer.username, "password": "salah"})
    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session


def signup(client, email="baru@contoh.id", password="Batik-Tulis-2020"):
    return client.post(
        reverse("signup"),
        {"full_name": "Siti Aminah", "email": email, "password1": password, "password2": password},
    )


def test_owner_signup_needs_email_verification(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 200
    assert "Periksa e-mail Anda" in response.content.decode()
    user = User.objects.get(email="baru@contoh.id")
    assert not user.is_active
    assert user.groups.filter(name="owner").exists()

    # Not yet verified: signing in says so instead of "wrong password".
    response = client.post(reverse("login"), {"username": "baru@contoh.id", "password": "Batik-Tulis-2020"})
    assert "Akun ini belum aktif" in response.content.decode()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["baru@contoh.id"]
    assert "Konfirmasi akun Portal IKM" in mail.outbox[0].subject
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.profile.email_verified_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Usaha saya" in client.get("/").content.decode()


def test_signup_with_a_used_email_is_refused_at_the_field(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, email=owner.email.upper())
    assert response.status_code == 200
    form = response.context["form"]
    assert "sudah terdaftar" in " ".join(form.errors["email"])
    assert User.objects.filter(email__iexact=owner.email).count() == 1
    assert mail.outbox == []


def test_signup_with_weak_or_mismatched_password_is_refused(client, db):
    response = signup(client, password="12345678")
    assert "password1" in response.context["form"].errors
    response = client.post(reverse("signup"), {"full_name": "A", "email": "a@contoh.id", "password1": "Batik-Tulis-2020", "password2": "lain"})
    assert "Kedua kata sandi tidak sama." in response.context["form"].errors["password2"]
    assert not User.objects.filter(email__in=["baru@contoh.id", "a@contoh.id"]).exists()


def test_expired_verification_link_offers_a_new_one(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    link = link_in(mail.outbox[0])
    with override_settings(SIGNUP_VERIFICATION_MAX_AGE=-1):
        response = client.get(link)
    assert response.status_code == 400
    assert "sudah kedaluwarsa" in response.content.decode()
    assert not User.objects.get(email="baru@contoh.id").is_active

    client.post(reverse("signup-resend"), {"email": "baru@contoh.id"})
    assert len(mail.outbox) == 2
    assert client.get(link_in(mail.outbox[1])).status_code == 302


def test_tampered_verification_link_is_refused(client, db):
    response = client.get(reverse("signup-verify", args=["bukan-token-asli"]))
    assert response.status_code == 400
    assert "Tautan ini tidak berlaku" in response.content.decode()


def test_password_reset_round_trip_and_used_link(client, officer):
    client.post(reverse("password_reset"), {"email": officer.email})
    assert len(mail.outbox) == 1
    assert "Atur ulang kata sandi" in mail.outbox[0].subject
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Tenun-Ikat-2021", "new_password2": "Tenun-Ikat-2021"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Tenun-Ikat-2021")
    again = client.get(link, follow=True).content.decode()
    assert "tidak berlaku lagi" in again


def test_password_change(client, officer):
    client.force_login(officer)
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Songket-Baru-2022", "new_password2": "Songket-Baru-2022"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Songket-Baru-2022")


def test_sign_out_is_a_post(client, officer):
    client.force_login(officer)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
