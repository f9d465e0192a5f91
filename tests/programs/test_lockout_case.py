"""A lockout counts the normalised user name: changing its case does not reset the count
(issue 11, point 5)."""
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD


@override_settings(AXES_FAILURE_LIMIT=3)
def test_changing_the_case_of_the_address_does_not_dodge_the_lockout(client, owner):
    for variant in (owner.email, owner.email.upper(), owner.email.title()):
        client.post(reverse("login"), {"username": variant, "password": "salah"})
    response = client.post(reverse("login"), {"username": owner.email.swapcase(), "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_control_fewer_failures_than_the_limit_still_sign_in(client, owner):
    for variant in (owner.email, owner.email.upper()):
        client.post(reverse("login"), {"username": variant, "password": "salah"})
    response = client.post(reverse("login"), {"username": owner.email.title(), "password": PASSWORD})
    assert response.status_code == 302
