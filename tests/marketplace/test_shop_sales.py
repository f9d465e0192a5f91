"""A shop's monthly sales page: officers of the shop's province add or correct a month (a
month reported again is corrected, not doubled); future months and negative amounts are
refused next to the field; owners read their own shops' sales; the page is linked from the
shop list and the owner's "Toko saya"."""
import datetime
import re

import pytest
from django.utils import timezone

from marketplace.models import Marketplace, Onboarding, OnboardingSales


@pytest.fixture
def shop(db, business_jabar):
    return Onboarding.objects.create(business=business_jabar, marketplace=Marketplace.objects.get(code="tokopedia"), province_id=business_jabar.province_id,
                                     shop_name="Batik Lestari Official", onboarded=datetime.date(2020, 6, 1), source="partner")


def field_errors(response, field):
    return re.findall(rf'id="id_{field}_error">([^<]*)<', response.content.decode())


def test_an_officer_adds_and_corrects_a_month(shop, client, officer):
    client.force_login(officer)
    url = f"/marketplace/shops/{shop.pk}/sales/"
    assert "Belum ada penjualan yang dilaporkan." in client.get(url).content.decode()
    response = client.post(f"{url}save/", {"month": "2020-07", "value": "Rp 12.500.000"})
    assert response.status_code == 302 and response["Location"] == url
    client.post(f"{url}save/", {"month": "2020-08", "value": "9000000"})
    response = client.post(f"{url}save/", {"month": "2020-07", "value": "15.000.000"}, follow=True)  # corrected
    body = response.content.decode()
    assert "Penjualan 07-2020 disimpan: Rp 15.000.000." in body
    assert list(OnboardingSales.objects.filter(onboarding=shop).order_by("month").values_list("month", "value")) == [
        (datetime.date(2020, 7, 1), 15_000_000), (datetime.date(2020, 8, 1), 9_000_000)]
    # August, July (corrected) and the total: July once.
    assert re.findall(r'<td class="text-end text-nowrap">(Rp [\d.]+)</td>', body) == ["Rp 9.000.000", "Rp 15.000.000", "Rp 24.000.000"]
    # The correct link puts the month and its amount in the form.
    form = client.get(f"{url}?month=2020-07").content.decode()
    assert 'value="2020-07"' in form and 'value="15.000.000"' in form


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"month": "2020-07", "value": "-5"}, "value", "Penjualan tidak boleh negatif."),
    ({"month": "next", "value": "5"}, "month", "Isi bulan"),
    ({"month": "2020-07", "value": "1,5"}, "value", "Tulis jumlah rupiah bulat"),
])
def test_refusals_are_shown_next_to_the_field(shop, client, officer, data, field, message):
    client.force_login(officer)
    response = client.post(f"/marketplace/shops/{shop.pk}/sales/save/", data)
    assert response.status_code == 400
    assert any(error.startswith(message) for error in field_errors(response, field)), field_errors(response, field)
    assert not OnboardingSales.objects.exists()


def test_a_future_month_is_refused(shop, client, officer):
    client.force_login(officer)
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")
    response = client.post(f"/marketplace/shops/{shop.pk}/sales/save/", {"month": next_month, "value": "1000"})
    assert response.status_code == 400 and field_errors(response, "month") == ["Bulan tidak boleh di masa depan."]
    assert not OnboardingSales.objects.exists()


def test_owners_read_their_shops_sales_and_others_are_kept_out(shop, client, owner, other_officer, staff_user):
    OnboardingSales.objects.create(onboarding=shop, month=datetime.date(2020, 7, 1), value=3_000_000)
    client.force_login(owner)
    body = client.get(f"/marketplace/shops/{shop.pk}/sales/").content.decode()
    assert "Rp 3.000.000" in body and "sales/save/" not in body
    assert client.post(f"/marketplace/shops/{shop.pk}/sales/save/", {"month": "2020-07", "value": "1"}).status_code == 403
    client.force_login(staff_user)  # ministry staff read; recording is the province's
    assert client.get(f"/marketplace/shops/{shop.pk}/sales/").status_code == 200
    assert client.post(f"/marketplace/shops/{shop.pk}/sales/save/", {"month": "2020-07", "value": "1"}).status_code == 403
    client.force_login(other_officer)
    assert client.get(f"/marketplace/shops/{shop.pk}/sales/").status_code == 404
    assert client.post(f"/marketplace/shops/{shop.pk}/sales/save/", {"month": "2020-07", "value": "1"}).status_code == 404
    assert OnboardingSales.objects.get().value == 3_000_000


@pytest.mark.parametrize("role", ["owner", "officer"])
def test_the_shop_list_and_toko_saya_link_the_sales(shop, client, request, role):
    client.force_login(request.getfixturevalue(role))
    body = client.get("/marketplace/").content.decode()
    assert f'href="/marketplace/shops/{shop.pk}/sales/"' in body
