"""Officers and owners register and edit businesses by form; bad input gets field errors and saves nothing."""
import pytest
from django.urls import reverse

from programs.models import Business, Regency
from tests.factories import BusinessFactory, form_payload


def post_new(client, **overrides):
    return client.post(reverse("business-create"), form_payload(**overrides))


def test_officer_registers_a_business_in_own_province(client, officer):
    client.force_login(officer)
    response = post_new(client)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    business = Business.objects.get(nib="8120001234567")
    assert business.province.code == "32" and business.regency.code == "32.73"
    assert business.investment == 350_000_000 and business.scale == "small"
    assert business.phone == "+6281234567890"
    assert business.export_destinations == ["MY", "SG"]
    assert business.created_by == officer and business.owner is None
    assert business.history.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Batik Tulis Lestari" in page and "Rp 350.000.000" in page


@pytest.mark.parametrize("typed", ["350000000", "350.000.000", "Rp 350.000.000", "Rp. 350.000.000,00"])
def test_rupiah_is_accepted_as_officers_type_it(client, officer, typed):
    client.force_login(officer)
    assert post_new(client, investment=typed).status_code == 302
    assert Business.objects.get().investment == 350_000_000


def test_owner_registers_own_business(client, owner):
    client.force_login(owner)
    assert post_new(client, regency="63.71", province="63").status_code == 302
    business = Business.objects.get()
    assert business.owner == owner and business.province.code == "63"


def field_errors(response):
    assert response.status_code == 200
    return response.context["form"].errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nib": "81200012345AB"}, "nib", "13 digit"),
        ({"nib": "812000123"}, "nib", "13 digit"),
        ({"nik": "32730145018000"}, "nik", "16 digit"),
        ({"nik": "3273013201800001"}, "nik", "tidak valid"),
        ({"phone": "12345"}, "phone", "Nomor telepon tidak valid"),
        ({"investment": "-5.000"}, "investment", ""),
        ({"investment": "dua juta"}, "investment", "rupiah"),
        # Said in rupiah, not as the column's limit "≤ 9223372036854775807".
        ({"investment": "99.999.999.999.999.999.999"}, "investment", "Paling banyak Rp 1.000.000.000.000.000."),
        ({"regency": "63.71"}, "regency", "tidak berada di provinsi"),
        ({"kbli_code": "10710"}, "kbli_code", "KBLI 10710"),
        ({"workforce": "50", "investment": "20.000.000.000"}, "investment", "industri besar"),
        ({"export_destinations": "MY, XX"}, "export_destinations", "XX"),
        ({"is_exporter": None}, "export_destinations", "eksportir"),
        ({"name": ""}, "name", ""),
    ],
)
def test_bad_input_gets_a_field_error_and_saves_nothing(client, officer, overrides, field, message):
    client.force_login(officer)
    errors = field_errors(post_new(client, **overrides))
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Business.objects.exists()


def test_officer_cannot_register_into_another_province(client, officer):
    client.force_login(officer)
    errors = field_errors(post_new(client, province="63", regency="63.71"))
    assert "province" in errors  # their form offers only their own province
    assert not Business.objects.exists()


def test_duplicate_nib_is_refused(client, officer):
    BusinessFactory(nib="8120001234567")
    client.force_login(officer)
    errors = field_errors(post_new(client))
    assert "NIB" in " ".join(errors["nib"]) or "nib" in errors
    assert Business.objects.count() == 1


def test_possible_duplicate_is_a_warning_that_can_be_confirmed(client, officer, jabar):
    existing = BusinessFactory(name="Batik Tulis Lestari", regency=Regency.objects.get(code="32.73"), nib="8120009999999")
    client.force_login(officer)
    response = post_new(client, name="Batik Tulis Lestari Jaya", nik="", phone="")
    page = response.content.decode()
    assert response.status_code == 200 and "Kemungkinan duplikat" in page
    assert reverse("business-detail", args=[existing.pk]) in page
    assert Business.objects.count() == 1
    response = post_new(client, name="Batik Tulis Lestari Jaya", nik="", phone="", confirm_not_duplicate="on")
    assert response.status_code == 302
    assert Business.objects.count() == 2


def test_same_nik_in_another_province_warns_without_naming_it(client, officer, kalsel):
    BusinessFactory(province=kalsel, nik="3273014501800001", name="Rahasia Kalsel")
    client.force_login(officer)
    page = post_new(client).content.decode()
    assert "usaha di provinsi lain" in page
    assert "Rahasia Kalsel" not in page


def test_edit_scope(client, officer, other_officer, staff_user, business_jabar):
    url = reverse("business-update", args=[business_jabar.pk])
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, form_payload(province="63", regency="63.71")).status_code == 404
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    assert client.get(url).status_code == 200
    response = client.post(url, form_payload(name="Konveksi Sari Jabar Baru", nib="", nik="", phone="", email=""))
    assert response.status_code == 302
    business_jabar.refresh_from_db()
    assert business_jabar.name == "Konveksi Sari Jabar Baru"
    assert business_jabar.history.count() == 2


def test_ministry_staff_cannot_register(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("business-create")).status_code == 403


def test_regency_picker_follows_the_province(client, db):
    html = client.get(reverse("regency-options"), {"province": "63"}).content.decode()
    assert 'value="63.71"' in html and "Kota Banjarmasin" in html
    assert "32.01" not in html
    assert "Pilih provinsi dulu" in client.get(reverse("regency-options")).content.decode()


def test_owner_cannot_see_others_personal_data(client, owner, officer, staff_user, business_jabar, kalsel):
    other = BusinessFactory(province=business_jabar.province, nik="3273014501800001", phone="+6281234567890")
    client.force_login(officer)
    assert "3273014501800001" in client.get(reverse("business-detail", args=[other.pk])).content.decode()
    client.force_login(staff_user)
    page = client.get(reverse("business-detail", args=[other.pk])).content.decode()
    assert "3273014501800001" not in page and "+6281234567890" not in page
    client.force_login(owner)
    assert client.get(reverse("business-detail", args=[other.pk])).status_code == 404


def test_every_field_error_shows_at_once(client, officer):
    """A wrong number used to hide the NIB, NIK, phone, year and KBLI errors until the next submit."""
    client.force_login(officer)
    errors = field_errors(post_new(client, investment="dua juta", workforce="banyak", nib="812000123", nik="3273013201800001", phone="12345", year_founded="1800", kbli_code="10710"))
    assert {"investment", "workforce", "nib", "nik", "phone", "year_founded", "kbli_code"} <= set(errors), errors
    assert not Business.objects.exists()
