"""One door to data: another province's record is a 404 on pages and in the API, and can't be written."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from programs.models import Business
from tests.factories import api_payload

# role → may it read the Jawa Barat business (owned by `owner`)?
READ_JABAR = {"ministry-admin": True, "ministry-staff": True, "officer": True, "owner": True}
# role → may it read the Kalimantan Selatan business (no owner)?
READ_KALSEL = {"ministry-admin": True, "ministry-staff": True, "officer": False, "owner": False}


@pytest.mark.parametrize("role", list(READ_JABAR))
def test_detail_page_scope(client, users_by_role, business_jabar, business_kalsel, role):
    client.force_login(users_by_role[role])
    for business, allowed in ((business_jabar, READ_JABAR[role]), (business_kalsel, READ_KALSEL[role])):
        response = client.get(reverse("business-detail", args=[business.pk]))
        assert response.status_code == (200 if allowed else 404), (role, business.name)
        if allowed:
            assert business.name in response.content.decode()


@pytest.mark.parametrize("role", list(READ_JABAR))
def test_list_page_shows_only_scope(client, users_by_role, business_jabar, business_kalsel, role):
    client.force_login(users_by_role[role])
    page = client.get(reverse("business-list")).content.decode()
    assert (business_jabar.name in page) == READ_JABAR[role]
    assert (business_kalsel.name in page) == READ_KALSEL[role]


def test_anonymous_is_sent_to_login(client, business_jabar):
    response = client.get(reverse("business-detail", args=[business_jabar.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(READ_JABAR))
def test_api_detail_scope(users_by_role, business_jabar, business_kalsel, role):
    api = APIClient()
    api.force_authenticate(users_by_role[role])
    assert api.get(f"/api/v1/businesses/{business_jabar.pk}/").status_code == (200 if READ_JABAR[role] else 404)
    assert api.get(f"/api/v1/businesses/{business_kalsel.pk}/").status_code == (200 if READ_KALSEL[role] else 404)
    listed = {row["name"] for row in api.get("/api/v1/businesses/").json()["results"]}
    assert (business_kalsel.name in listed) == READ_KALSEL[role]


def test_officer_cannot_change_or_delete_another_provinces_record(officer, business_kalsel):
    api = APIClient()
    api.force_authenticate(officer)
    assert api.patch(f"/api/v1/businesses/{business_kalsel.pk}/", {"name": "Diubah"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/businesses/{business_kalsel.pk}/").status_code == 404
    business_kalsel.refresh_from_db()
    assert business_kalsel.name == "Sasirangan Banjar Kalsel"


def test_officer_cannot_create_or_move_a_record_into_another_province(officer, business_jabar):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post("/api/v1/businesses/", api_payload(name="Usaha Titipan", regency="63.71"), format="json")
    assert response.status_code == 400
    assert "regency" in response.json()
    assert not Business.objects.filter(name="Usaha Titipan").exists()
    response = api.patch(f"/api/v1/businesses/{business_jabar.pk}/", {"regency": "63.71"}, format="json")
    assert response.status_code == 400 and "regency" in response.json()
    business_jabar.refresh_from_db()
    assert business_jabar.province.code == "32" and business_jabar.regency.code == "32.01"


def test_officer_creates_in_own_province(officer):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post("/api/v1/businesses/", api_payload(name="Keripik Tasik", regency="32.06"), format="json")
    assert response.status_code == 201, response.json()
    business = Business.objects.get(name="Keripik Tasik")
    assert business.province.code == "32" and business.created_by == officer


def test_ministry_staff_reads_but_cannot_change(staff_user, business_kalsel):
    api = APIClient()
    api.force_authenticate(staff_user)
    assert api.get(f"/api/v1/businesses/{business_kalsel.pk}/").status_code == 200
    assert api.patch(f"/api/v1/businesses/{business_kalsel.pk}/", {"name": "X"}, format="json").status_code == 403


def test_admin_list_is_scoped_too(client, admin_user, business_kalsel):
    client.force_login(admin_user)
    assert business_kalsel.name in client.get("/admin/programs/business/").content.decode()


def test_an_officers_filters_offer_their_province_only(client, officer, jabar):
    """The business and response lists offered all 38 provinces and every regency."""
    from tests.factories import make_wave

    wave = make_wave()
    client.force_login(officer)
    for page in ("/businesses/", f"/surveys/{wave.code}/responses/"):
        form = client.get(page).context["filter"].form
        assert [p.code for p in form.fields["province"].queryset] == ["32"], page
        assert {r.province_id for r in form.fields["regency"].queryset} == {jabar.pk}, page
        assert form.fields["province"].empty_label == "Semua", page
