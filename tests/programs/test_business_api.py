"""/api/v1/businesses/ CRUD with per-field 400s, personal data only for those allowed, reference endpoints."""
import pytest
from rest_framework.test import APIClient

from programs.models import Business
from tests.factories import BusinessFactory, api_payload


def api_as(user):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_create_read_update_delete(officer):
    api = api_as(officer)
    created = api.post("/api/v1/businesses/", api_payload(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["province"] == "32" and body["regency"] == "32.73" and body["sector"] == "textiles-clothing-leather"
    assert body["scale"] == "small" and body["investment"] == 350000000 and body["phone"] == "+6281234567890"
    url = f"/api/v1/businesses/{body['id']}/"
    assert api.patch(url, {"workforce": 25, "investment": 2_000_000_000}, format="json").json()["scale"] == "medium"
    assert api.delete(url).status_code == 204
    assert not Business.objects.exists()


def test_resending_the_same_nib_does_not_duplicate(officer):
    api = api_as(officer)
    assert api.post("/api/v1/businesses/", api_payload(), format="json").status_code == 201
    again = api.post("/api/v1/businesses/", api_payload(), format="json")
    assert again.status_code == 400 and "nib" in again.json()
    assert Business.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nib": "12345"}, "nib"),
        ({"nib": "812000123456X"}, "nib"),
        ({"nik": "abc"}, "nik"),
        ({"nik": "3273013201800001"}, "nik"),
        ({"regency": "99.99"}, "regency"),
        ({"regency": "63.71"}, "regency"),
        ({"sector": "weapons"}, "sector"),
        ({"investment": -1}, "investment"),
        ({"workforce": -3}, "workforce"),
        ({"phone": "call me"}, "phone"),
        ({"export_destinations": ["ZZ"]}, "export_destinations"),
        ({"status": "bankrupt"}, "status"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(officer, overrides, field):
    response = api_as(officer).post("/api/v1/businesses/", api_payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Business.objects.exists()


def test_personal_data_only_for_those_allowed(admin_user, staff_user, officer, other_officer, owner, business_jabar):
    business_jabar.nik, business_jabar.phone = "3273014501800001", "+6281234567890"
    business_jabar.save()
    url = f"/api/v1/businesses/{business_jabar.pk}/"
    for user in (admin_user, officer, owner):
        assert api_as(user).get(url).json()["nik"] == "3273014501800001"
    staff_view = api_as(staff_user).get(url).json()
    assert "nik" not in staff_view and "phone" not in staff_view and "email" not in staff_view
    assert api_as(other_officer).get(url).status_code == 404


def test_owner_creates_own_and_cannot_touch_others(owner, business_kalsel):
    api = api_as(owner)
    created = api.post("/api/v1/businesses/", api_payload(regency="63.71"), format="json")
    assert created.status_code == 201
    assert Business.objects.get(pk=created.json()["id"]).owner == owner
    assert api.patch(f"/api/v1/businesses/{business_kalsel.pk}/", {"name": "X"}, format="json").status_code == 404


def test_list_filters_match_the_page(staff_user, jabar, kalsel):
    BusinessFactory(province=jabar, name="Sari Rasa")
    BusinessFactory(province=kalsel, name="Sari Banjar")
    api = api_as(staff_user)
    names = lambda query: sorted(row["name"] for row in api.get(f"/api/v1/businesses/?{query}").json()["results"])
    assert names("q=sari") == ["Sari Banjar", "Sari Rasa"]
    assert names("q=sari&province=63") == ["Sari Banjar"]
    assert names("sector=food-beverages&scale=small&status=active&is_exporter=false") == ["Sari Banjar", "Sari Rasa"]
    assert names("regency=63.01") == ["Sari Banjar"]
    bad = api.get("/api/v1/businesses/?sector=nope")
    assert bad.status_code == 400 and "sector" in bad.json()


def test_reference_endpoints(db):
    api = APIClient()
    regencies = api.get("/api/v1/regencies/?province=31&page_size=100").json()
    assert regencies["count"] == 6 and {row["code"][:2] for row in regencies["results"]} == {"31"}
    assert api.get("/api/v1/regencies/31.71/").json()["name"] == "Kota Administrasi Jakarta Pusat"
    sectors = api.get("/api/v1/sectors/").json()
    assert sectors["count"] == 6
    food = next(row for row in sectors["results"] if row["slug"] == "food-beverages")
    assert food["kbli_divisions"] == ["10", "11", "12"]
    marketplaces = api.get("/api/v1/organisations/?kind=marketplace").json()
    assert sorted(row["name"] for row in marketplaces["results"]) == ["Blibli", "Bukalapak", "Shopee", "Tokopedia"]
