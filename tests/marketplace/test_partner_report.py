"""Partner reports: all or nothing with a row report; re-importing updates, never
duplicates; an officer's decision on a queued seller is applied to the next report unasked
(issue 14, points 2 and "Bad input")."""
import datetime

import pandas as pd

import pytest
from django.utils import timezone

from marketplace import services
from marketplace.models import Onboarding, OnboardingSales, SellerDecision, SellerReview
from programs.models import Business, Regency
from tests.factories import BusinessFactory

from .conftest import run_report, seller


@pytest.fixture
def batik(jabar):
    return BusinessFactory(name="Batik Lestari", nib="8120000000011", regency=Regency.objects.get(code="32.73"), phone="+6281234567890")


def test_a_clean_report_adds_shops_with_their_history_and_sales(admin_user, batik):
    record = run_report(admin_user, [seller(nib=batik.nib, shop_url="tokopedia.com/batiklestari", status="produk tayang", products_listed="24", sales="Rp 2.500.000")])
    assert record.status == "done", record.message
    assert (record.rows_matched, record.rows_created, record.rows_queued) == (1, 1, 0)
    shop = Onboarding.objects.get()
    assert (shop.business, shop.status, shop.products_listed, shop.shop_url) == (batik, "products_listed", 24, "https://tokopedia.com/batiklestari")
    assert shop.province == batik.province and shop.marketplace.code == "tokopedia"
    assert OnboardingSales.objects.get().value == 2_500_000
    assert shop.history.get().history_user == admin_user


def test_re_importing_updates_and_never_duplicates(admin_user, batik):
    rows = [seller(nib=batik.nib, status="terdaftar"), seller(name="Toko Tak Dikenal", shop="Tak Dikenal", seller_id="TKP-9")]
    run_report(admin_user, rows)
    again = run_report(admin_user, rows)
    assert again.status == "done" and (again.rows_created, again.rows_updated) == (0, 0)
    assert Onboarding.objects.count() == 1 and SellerReview.objects.count() == 1
    # Next month the seller made a first sale: the same shop, its status moved on, history kept.
    later = run_report(admin_user, [seller(nib=batik.nib, status="penjualan pertama", sales="1.000.000")], month=datetime.date(2020, 8, 1))
    assert later.rows_updated == 1
    shop = Onboarding.objects.get()
    assert shop.status == "first_sale"
    assert [entry.status for entry in shop.history.order_by("history_date")] == ["registered", "first_sale"]
    assert OnboardingSales.objects.get(onboarding=shop, month=datetime.date(2020, 8, 1)).value == 1_000_000
    # The month's sales corrected, the shop itself as it was: the figure is replaced, not added.
    corrected = run_report(admin_user, [seller(nib=batik.nib, status="penjualan pertama", sales="1.200.000")], month=datetime.date(2020, 8, 1))
    assert corrected.status == "done" and (corrected.rows_created, corrected.rows_updated) == (0, 0)
    assert list(OnboardingSales.objects.filter(onboarding=shop).values_list("month", "value")) == [(datetime.date(2020, 8, 1), 1_200_000)]


def test_a_decision_is_remembered_for_the_next_report(officer, admin_user, batik):
    row = seller(name="Batik Lestari Bandung", shop="BL Official", seller_id="TKP-77", regency="32.73")
    first = run_report(admin_user, [row])
    assert first.rows_queued == 1
    review = SellerReview.objects.get()
    services.review_match(user=officer, review=review, business=batik)
    assert Onboarding.objects.get().business == batik
    assert SellerDecision.objects.get(seller_key="id:TKP-77").business == batik
    # Next month: applied without asking, the shop updated.
    second = run_report(admin_user, [{**row, "Jumlah Produk": "30"}], month=datetime.date(2020, 8, 1))
    assert second.status == "done" and second.rows_queued == 0 and second.rows_matched == 1
    assert Onboarding.objects.get().products_listed == 30
    assert SellerReview.objects.filter(state="pending").count() == 0


def test_a_rejected_seller_is_skipped_next_time(officer, admin_user, jabar):
    row = seller(name="Reseller Impor", shop="Grosir Murah", seller_id="TKP-5", regency="32.73")
    run_report(admin_user, [row])
    services.review_reject(user=officer, review=SellerReview.objects.get())
    again = run_report(admin_user, [row])
    assert again.rows_skipped == 1 and again.rows_queued == 0 and not Onboarding.objects.exists()


def test_a_new_business_from_the_queue(officer, admin_user, jabar):
    run_report(admin_user, [seller(name="Keripik Baru", shop="Keripik Baru Shop", regency="32.73", phone="0813 1111 2222")])
    review = SellerReview.objects.get()
    onboarding = services.review_create_business(user=officer, review=review, data={
        "name": review.name, "owner_name": "Ani", "phone": review.phone, "regency": review.regency, "sector": Business._meta.get_field("sector").related_model.objects.first(),
        "workforce": 3, "investment": 50_000_000,
    })
    assert onboarding.business.name == "Keripik Baru" and onboarding.business.province == jabar
    assert SellerReview.objects.get().state == "matched"


def test_an_officer_of_another_province_cannot_decide(other_officer, admin_user, batik):
    from django.core.exceptions import PermissionDenied

    run_report(admin_user, [seller(name="Toko Jabar", shop="Toko Jabar", regency="32.73")])
    review = SellerReview.objects.get()
    with pytest.raises(PermissionDenied):
        services.review_match(user=other_officer, review=review, business=batik)
    assert not SellerReview.objects.visible_to(other_officer).exists()


# --- refusals: nothing half-written -------------------------------------------------------------


def refused(record):
    assert record.status == "rejected", record.message
    assert not Onboarding.objects.exists() and not SellerReview.objects.exists()
    return {(error["column"], error["row"]): error["message"] for error in record.errors}


def test_a_report_without_a_required_column_is_refused_whole(admin_user, batik):
    record = run_report(admin_user, [{"Nama Usaha": "Batik", "Tanggal Bergabung": "15-06-2020"}])
    refused(record)
    assert "Nama Toko" in record.message


def test_a_renamed_column_is_named_in_the_refusal(admin_user, batik):
    record = run_report(admin_user, [{"Nama Usaha": "Batik", "Nama Toko": "B", "Tanggal Bergabung": "15-06-2020", "Nomor Telepon Penjual": "0812"}])
    refused(record)
    assert "Nomor Telepon Penjual" in record.message


def test_accepted_aliases_are_read(admin_user, batik):
    record = run_report(admin_user, [{"Seller name": "Batik", "Store name": "Batik", "Join date": "2020-06-15", "nib": batik.nib}])
    assert record.status == "done", record.message


@pytest.mark.parametrize(("column", "value", "words"), [
    ("onboarded", "31-02-2020", "not a date"),
    ("shop_url", "bukan alamat web", "not a web address"),
    ("products_listed", "-3", "negative"),
    ("sales", "-1.000", "negative"),
    ("nib", "12345", "13 digits"),
    ("phone", "12", "Not a phone number"),
    ("regency", "99.99", "Unknown regency"),
    ("status", "entah", "Unknown status"),
])
def test_each_bad_cell_is_a_row_error(admin_user, batik, column, value, words):
    good = seller(nib=batik.nib)
    bad = seller(name="Lain", shop="Lain", **{column: value})
    errors = refused(run_report(admin_user, [good, bad]))
    assert words in errors[(column, 3)]


def test_a_future_date_is_a_row_error(admin_user, batik):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d-%m-%Y")
    errors = refused(run_report(admin_user, [seller(nib=batik.nib, onboarded=tomorrow)]))
    assert "future" in errors[("onboarded", 2)]


def test_the_same_seller_twice_is_a_row_error_on_both_rows(admin_user, batik):
    errors = refused(run_report(admin_user, [seller(seller_id="TKP-1"), seller(name="Lain", seller_id="TKP-1")]))
    assert "more than once" in errors[("seller_id", 2)] and ("seller_id", 3) in errors


def test_two_rows_of_the_same_registry_business_are_row_errors(admin_user, batik):
    errors = refused(run_report(admin_user, [seller(nib=batik.nib), seller(name="Lain", phone="0812-3456-7890")]))
    assert "same business" in errors[("name", 2)]


def test_an_officer_cannot_report_a_business_of_another_province(officer, kalsel):
    banjar = BusinessFactory(name="Sasirangan", nib="8120000000063", province=kalsel)
    errors = refused(run_report(officer, [seller(nib=banjar.nib)], province=officer.profile.province))
    assert "another province" in errors[("nib", 2)]


def test_an_officers_report_mixing_rows_with_and_without_a_regency(officer, jabar):
    business = BusinessFactory(name="Batik Jabar", nib="8120000000032", province=jabar)
    record = run_report(officer, [seller(nib=business.nib), seller(name="Toko Baru Sekali", shop="TBS", regency="32.73")], province=jabar)
    assert record.status == "done", record.errors
    assert (record.rows_matched, record.rows_queued) == (1, 1)
    later = run_report(officer, [seller(name="Toko Banjar", shop="TB", regency="63.71")], province=jabar)
    assert later.status == "rejected" and "not in" in later.errors[0]["message"]


def test_sales_given_for_some_rows_only(admin_user, batik, jabar):
    other = BusinessFactory(name="Keripik Jabar", nib="8120000000012", province=jabar)
    record = run_report(admin_user, [seller(nib=batik.nib, sales="750.000"), seller(name="Keripik", nib=other.nib),
                                     seller(name="Belum Terdaftar", shop="BT", regency="32.73", sales="Rp 100.000")])
    assert record.status == "done", record.message
    assert list(OnboardingSales.objects.values_list("onboarding__business", "month", "value")) == [(batik.pk, datetime.date(2020, 7, 1), 750_000)]
    assert SellerReview.objects.get().sales == 100_000


@pytest.mark.parametrize("cell", [
    "https://www.tokopedia.com/batik", "tokopedia.com/toko-1", "www.blibli.com/merchant/abc-123", "", None, "http://a-.com",
    "https://shopee.co.id/x?y=1#z", "not a url", "https://exa mple.com", "ftp://x.com", "https://localhost/x", "https://1.2.3.4/x",
    "HTTPS://WWW.Tokopedia.COM/Batik", "https://xn--bcher-kva.example/", "https://toko.example:8080/a", "https://" + "a" * 500 + ".com",
])
def test_the_column_wise_address_check_agrees_with_djangos_validator(cell):
    # Addresses of the usual shape are checked for the whole column at once; whatever it
    # accepts or refuses must be what Django's URLValidator (used for the rest) decides.
    from marketplace.imports import _url, _urls

    assert _urls(pd.Series([cell], dtype=object))[0] == _url(cell)
