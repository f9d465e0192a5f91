"""Report rows are matched to the registry by NIB, then phone (normalised to +62), then the
cleaned name within the regency; a row matching several businesses, or none, waits for an
officer (issue 14, point 2)."""
import pandas as pd
import pytest

from marketplace.matching import clean_names, normalise_phones
from marketplace.models import Onboarding, SellerReview
from programs.models import Regency
from tests.factories import BusinessFactory

from .conftest import HEADERS, run_report, seller


@pytest.mark.parametrize("raw", ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "812.3456.7890", "0062 812-3456-7890"])
def test_phones_are_normalised_to_plus_62(raw):
    assert normalise_phones(pd.Series([raw]))[0] == "+6281234567890"


def test_something_that_is_no_phone_is_left_empty():
    assert list(normalise_phones(pd.Series(["12", "abc", None, ""]))) == ["", "", "", ""]


def test_names_fold_case_punctuation_and_legal_forms():
    names = pd.Series(["CV. Batik  Lestari", "cv batik lestari", "Batik Lestari, CV", "UD Batik-Lestari", "PT. BATIK LESTARI Tbk"])
    assert set(clean_names(names)) == {"batik lestari"}


@pytest.mark.django_db
def test_the_database_cleans_names_as_python_does():
    # Rule 4 compares names in SQL (marketplace_name_key, indexed); sellers without an ID are
    # keyed in Python (clean_names). Both must agree, or a seller would match under one key
    # and wait in the queue under another.
    from django.db import connection

    names = ["CV. Batik  Lestari", "PT. BATIK LESTARI Tbk", "UD Batik-Lestari", "Koperasi  Usaha_Tani", "pt perorangan Maju Jaya, PT",
             "Toko (Bu) Sri's 2", "CV", "  ", "Rotan Kembar Dua", "Ikm Kayu Ukir Umkm", "Kop. Serba Usaha", "Tahu & Tempe \"Enak\""]
    with connection.cursor() as cursor:
        cursor.execute("SELECT marketplace_name_key(name) FROM unnest(%s::text[]) WITH ORDINALITY AS n (name, position) ORDER BY position", [names])
        in_sql = [row[0] for row in cursor.fetchall()]
    assert in_sql == list(clean_names(pd.Series(names)))


@pytest.fixture
def registry(jabar, kalsel):
    bandung = Regency.objects.get(code="32.73")
    return {
        "by_nib": BusinessFactory(name="Konveksi Nib", nib="8120000000011", regency=bandung, phone="+6281111111111"),
        "by_phone": BusinessFactory(name="Keripik Telepon", nib=None, regency=bandung, phone="+6281234567890"),
        "by_name": BusinessFactory(name="UD Batik Lestari", nib=None, regency=bandung),
        "twin_a": BusinessFactory(name="Rotan Kembar", nib=None, regency=bandung, phone="+6282222222222"),
        "twin_b": BusinessFactory(name="Rotan Kembar Dua", nib=None, regency=bandung, phone="+6282222222222"),
        "name_elsewhere": BusinessFactory(name="Batik Lestari", nib=None, province=kalsel),
    }


def test_a_nib_matches_first(admin_user, registry):
    # The phone is another business's: the NIB wins.
    record = run_report(admin_user, [seller(name="Nama Lain", nib="8120000000011", phone="081234567890")])
    assert record.status == "done", record.message
    assert Onboarding.objects.get().business == registry["by_nib"]


@pytest.mark.parametrize("phone", ["081234567890", "+62 812-3456-7890", "6281234567890"])
def test_a_phone_in_any_shape_matches_when_there_is_no_nib(admin_user, registry, phone):
    record = run_report(admin_user, [seller(name="Nama Beda", phone=phone)])
    assert record.status == "done", record.message
    onboarding = Onboarding.objects.get()
    assert onboarding.business == registry["by_phone"] and onboarding.source == "partner" and onboarding.confirmed


def test_an_unknown_nib_falls_through_to_the_phone(admin_user, registry):
    run_report(admin_user, [seller(nib="8120000000999", phone="0812 3456 7890")])
    assert Onboarding.objects.get().business == registry["by_phone"]


def test_the_cleaned_name_matches_within_the_regency_only(admin_user, registry):
    record = run_report(admin_user, [seller(name="CV. BATIK LESTARI", regency="32.73")])
    assert record.status == "done", record.message
    assert Onboarding.objects.get().business == registry["by_name"]


def test_a_name_without_a_regency_is_not_matched_but_queued(admin_user, registry):
    record = run_report(admin_user, [seller(name="CV. Batik Lestari")])
    assert record.rows_queued == 1 and not Onboarding.objects.exists()
    assert SellerReview.objects.get().reason == "no-match"


def test_a_phone_shared_by_two_businesses_waits_with_both_as_candidates(admin_user, registry, jabar):
    record = run_report(admin_user, [seller(name="Rotan", phone="0822-2222-2222")])
    assert record.status == "done" and record.rows_queued == 1
    review = SellerReview.objects.get()
    assert review.reason == "ambiguous"
    assert set(review.candidates) == {registry["twin_a"].pk, registry["twin_b"].pk}
    # The candidates' province is the row's: its officers decide.
    assert review.province == jabar
    assert not Onboarding.objects.exists()


def test_a_row_matching_nothing_waits_in_the_queue(admin_user, registry, kalsel):
    record = run_report(admin_user, [seller(name="Toko Tak Dikenal", regency="63.71", phone="0899 9999 9999")])
    review = SellerReview.objects.get()
    assert record.rows_queued == 1 and review.reason == "no-match" and review.province == kalsel
    assert review.phone == "+6289999999999"


def test_a_waiting_seller_waits_once_and_takes_the_latest_report(admin_user, registry, kalsel):
    import datetime

    row = seller(name="Toko Tak Dikenal", regency="63.71", phone="0899 9999 9999", sales="100.000")
    first = run_report(admin_user, [row])
    waiting = SellerReview.objects.get()
    run_report(admin_user, [row])  # the same report again: the waiting row is left as it is
    assert list(SellerReview.objects.values_list("pk", "report", "created_at")) == [(waiting.pk, first.pk, waiting.created_at)]
    august = run_report(admin_user, [{**row, HEADERS["sales"]: "250.000"}], month=datetime.date(2020, 8, 1))
    replaced = SellerReview.objects.get()  # still one row, now the latest report's
    assert (replaced.report_id, replaced.sales, replaced.report.month) == (august.pk, 250_000, datetime.date(2020, 8, 1))


def test_matching_takes_a_constant_number_of_queries(admin_user, registry):
    from marketplace.imports import check, to_keys
    from marketplace.matching import match
    from marketplace.models import Marketplace, PartnerReport

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = PartnerReport(marketplace=Marketplace.objects.get(code="shopee"), month=pd.Timestamp("2020-07-01").date())
    counted = {}
    for size in (30, 300):
        rows = pd.DataFrame([seller(name=f"Usaha {n}", phone=f"0812{n:08d}", regency="32.73") for n in range(size)], dtype=object)
        checked, errors = check(to_keys(rows), report=report)
        assert not errors
        with CaptureQueriesContext(connection) as queries:
            matched = match(checked, marketplace_id=report.marketplace.pk)
        assert (matched["rule"] == "none").all()
        counted[size] = len(queries)
    # Each rule: its keys copied in, one join, whatever the number of rows.
    assert counted[30] == counted[300] <= 4 * 6
