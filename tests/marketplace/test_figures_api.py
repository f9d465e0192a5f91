"""``/api/v1/onboarding-figures/`` and ``…/conversion/`` (issue 14): the dashboard's figures
as JSON — against pandas from the raw onboardings, identical to the page, scoped like it, in
the same few queries whatever the data."""
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace import figures
from marketplace.models import Marketplace, OnboardingTarget
from programs.models import Organisation, Registration
from tests.factories import BusinessFactory, make_event, province

from .conftest import raw, shop
from .test_api import client_for

URL = "/api/v1/onboarding-figures/"


def rows(user, **query):
    response = client_for(user).get(URL, query)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


@pytest.mark.parametrize(("by", "column"), [
    ("marketplace", "marketplace__code"), ("province", "province__code"), ("sector", "business__sector__slug"), ("scale", "business__scale"),
])
def test_each_grouping_matches_pandas(staff_user, onboardings, by, column):
    frame = raw()
    expected = {key: {"new_businesses": int(group["first"].sum()), "shops": len(group)} for key, group in frame.groupby(column)}
    got = rows(staff_user, year=2020, by=by)
    assert {row["key"]: {"new_businesses": row["new_businesses"], "shops": row["shops"]} for row in got} == expected
    assert {row["year"] for row in got} == {2020}


def test_by_month_counts_each_business_once_in_its_first_month(staff_user, onboardings):
    frame = raw()
    month = frame.onboarded.dt.strftime("%Y-%m")
    shops = frame.groupby(month).size()
    firsts = frame[frame["first"]].groupby(month[frame["first"]]).size().reindex(shops.index, fill_value=0)
    got = rows(staff_user, year=2020, by="month")
    assert [row["key"] for row in got] == sorted(shops.index)  # in order, every month with a shop opened
    assert {row["key"]: (row["shops"], row["new_businesses"], row["new_businesses_to_date"]) for row in got} == {
        key: (int(shops[key]), int(firsts[key]), int(firsts.cumsum()[key])) for key in shops.index}
    assert got[-1]["new_businesses_to_date"] == 8  # eight businesses; second shops and the unconfirmed one do not add


@pytest.mark.parametrize("by", ["marketplace", "province", "sector", "scale", "month"])
def test_the_numbers_are_the_dashboards(client, staff_user, onboardings, by):
    client.force_login(staff_user)
    page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    card = next(card for card in page.context["cards"] if card["name"] == by)
    table = [[cell for cell, _kind in row] for row in card["rows"]]
    api = [[row["name"], row["new_businesses"], row["shops"]] + ([row["new_businesses_to_date"]] if by == "month" else []) for row in rows(staff_user, year=2020, by=by)]
    assert api == table  # the same rows in the same order and the same names


def test_targets_where_the_dashboard_shows_them(staff_user, onboardings, jabar):
    OnboardingTarget.objects.create(year=2020, target=24)
    OnboardingTarget.objects.create(year=2020, province=jabar, target=5)
    OnboardingTarget.objects.create(year=2020, marketplace=Marketplace.objects.get(code="shopee"), target=40)
    by_province = {row["key"]: row["target"] for row in rows(staff_user, year=2020, by="province")}
    assert by_province == {"32": 5, "63": None, "72": None}
    assert {row["key"]: row["target"] for row in rows(staff_user, year=2020, by="marketplace")} == {"tokopedia": None, "shopee": 40}
    months = rows(staff_user, year=2020, by="month")
    assert [row["target_to_date"] for row in months] == [round(24 * int(row["key"][5:]) / 12) for row in months]
    assert {row["target"] for row in rows(staff_user, year=2020, by="sector")} == {None}


def test_an_officer_reads_the_figures_of_the_province_only(officer, onboardings):
    assert [row["key"] for row in rows(officer, year=2020, by="province")] == ["32"]
    assert sum(row["new_businesses"] for row in rows(officer, year=2020, by="month")) == 3


def test_the_year_defaults_to_the_dashboards(client, staff_user, onboardings):
    client.force_login(staff_user)
    assert client.get(reverse("marketplace-dashboard")).context["year"] == 2021
    assert [(row["year"], row["key"]) for row in rows(staff_user)] == [(2021, "2021-01")]  # by month unless asked


def test_the_default_year_is_the_newest_with_shops_opened(client, staff_user, onboardings, jabar):
    OnboardingTarget.objects.create(year=2022, target=6_100_000)  # a target set ahead
    later = make_event(organiser_province=jabar, topics=["marketplace"])
    type(later).objects.filter(pk=later.pk).update(starts_at=datetime.datetime(2023, 3, 1, 2, tzinfo=datetime.UTC),
                                                   ends_at=datetime.datetime(2023, 3, 1, 5, tzinfo=datetime.UTC))
    Registration.objects.create(event=later, business=BusinessFactory(province=jabar), status="confirmed", attended=True)
    figures.refresh_conversion()
    cache.clear()
    client.force_login(staff_user)
    page = client.get(reverse("marketplace-dashboard"))
    assert page.context["years"][0] == 2023  # still in the picker
    assert page.context["year"] == 2021  # but the newest year with shops opened is shown, not 2022's target alone
    assert [(row["year"], row["key"]) for row in rows(staff_user)] == [(2021, "2021-01")]


def test_those_the_dashboard_refuses_are_refused(owner, onboardings):
    assert client_for(owner).get(URL).status_code == 403
    assert client_for(None).get(URL).status_code == 401
    assert client_for(owner).get(URL + "conversion/").status_code == 403


def test_a_bad_grouping_or_year_is_a_400_in_indonesian_by_default(staff_user, db):
    client = client_for(staff_user)
    response = client.get(URL, {"by": "regency"})
    assert response.status_code == 400
    assert response.json() == {"by": ["Tidak dapat dikelompokkan menurut “regency”; gunakan salah satu: month, province, marketplace, sector, scale."]}
    year = client.get(URL, {"year": "dua ribu"})
    assert year.status_code == 400 and "year" in year.json()
    assert client.get(URL + "conversion/", {"group": "regency"}).json().keys() == {"group"}


def test_the_same_queries_whatever_the_data(staff_user, onboardings):
    client = client_for(staff_user)
    OnboardingTarget.objects.create(year=2020, target=2_000)
    OnboardingTarget.objects.create(year=2020, province=province("32"), target=500)

    def queries(by):
        cache.clear()  # what a refresh's bump does after its commit
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"by": by}).status_code == 200
        return len(captured)

    groupings = ["month", "province", "marketplace", "sector", "scale"]
    client.get(URL)  # the first request of a client reads what later ones have at hand (the user's role)
    small = {by: queries(by) for by in groupings}
    tokopedia, shopee = Marketplace.objects.get(code="tokopedia"), Marketplace.objects.get(code="shopee")
    for index, code in enumerate(["11", "51", "91", "32", "63", "72", "12", "35"] * 3):
        business = BusinessFactory(province=province(code), scale=["micro", "small", "medium"][index % 3])
        shop(business, tokopedia, datetime.date(2020, 1 + index % 12, 9))
        shop(business, shopee, datetime.date(2021, 2, 1))
    OnboardingTarget.objects.create(year=2020, province=province("51"), target=50)
    figures.refresh()
    assert {by: queries(by) for by in groupings} == small
    assert sum(row["new_businesses"] for row in rows(staff_user, year=2020)) == 8 + 24
    client.get(URL, {"by": "province"})
    with CaptureQueriesContext(connection) as cached:
        client.get(URL, {"by": "province"})
    assert len(cached) < small["province"]  # the rows come from the cache until the next refresh


def test_workshop_conversion_is_the_dashboards(client, staff_user, jabar, kalsel):
    start = datetime.datetime(2020, 6, 10, 2, tzinfo=datetime.UTC)
    jabar_workshop = make_event(organiser_province=jabar, topics=["marketplace"])
    kalsel_workshop = make_event(organiser_province=kalsel, topics=["online-marketing"])
    for event in (jabar_workshop, kalsel_workshop):
        type(event).objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    jabar_workshop.partners.add(Organisation.objects.get(slug="tokopedia"))
    shopee = Marketplace.objects.get(code="shopee")
    for event, offsets in {jabar_workshop: [10, 60, -5, None], kalsel_workshop: [29, None]}.items():
        for offset in offsets:
            business = BusinessFactory(province=event.organiser_province)
            Registration.objects.create(event=event, business=business, status="confirmed", attended=True)
            if offset is not None:
                shop(business, shopee, start.date() + datetime.timedelta(days=offset))
    figures.refresh_conversion()
    client.force_login(staff_user)
    page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    api = client_for(staff_user)
    for group in ("province", "partner"):
        card = next(card for card in page.context["cards"] if card["name"] == f"conversion-{group}")
        got = api.get(URL + "conversion/", {"year": 2020, "group": group}).json()["results"]
        assert [[row["name"], row["attendees"], row["within_30"], row["within_90"], row["rate_30"], row["rate_90"]] for row in got] == [
            [row[0][0] if row[0][0] != "Tanpa mitra" else None, *[cell for cell, _kind in row[1:]]] for row in card["rows"]]
    by_office = {row["name"]: row for row in api.get(URL + "conversion/", {"year": 2020}).json()["results"]}
    assert (by_office[jabar.name]["attendees"], by_office[jabar.name]["within_30"], by_office[jabar.name]["within_90"]) == (4, 1, 2)
    assert by_office[kalsel.name]["rate_30"] == pytest.approx(0.5)
