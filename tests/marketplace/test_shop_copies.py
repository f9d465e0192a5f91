"""Each shop keeps its business's province, sector and scale, and whether it is the business's
first confirmed shop, so the dashboard's refresh is one grouped scan; these copies follow
every change (issue 14, refresh within 3× of DuckDB)."""
import datetime

import pytest

from marketplace import figures
from marketplace.models import Marketplace, Onboarding, OnboardingFigures
from marketplace.services import onboarding_confirm
from programs.models import Sector
from programs.services import business_save
from tests.factories import BusinessFactory, province

from .conftest import run_report, seller


def shop(business, code, day, *, confirmed=True):
    return Onboarding.objects.create(
        business=business, marketplace=Marketplace.objects.get(code=code), shop_name=f"Toko {business.pk} {code}",
        onboarded=day, source="partner", confirmed=confirmed,
    )


def firsts(business):
    return list(Onboarding.objects.filter(business=business, first_shop=True).values_list("marketplace__code", flat=True))


def new_businesses(**where):
    return sum(OnboardingFigures.objects.filter(**where).values_list("new_businesses", flat=True))


@pytest.mark.django_db
def test_the_earliest_confirmed_shop_is_the_first_whatever_the_order_of_writing():
    business = BusinessFactory(province=province("32"))
    shop(business, "shopee", datetime.date(2020, 8, 1))
    assert firsts(business) == ["shopee"]
    earlier = shop(business, "tokopedia", datetime.date(2020, 5, 1))
    assert firsts(business) == ["tokopedia"]
    earlier.onboarded = datetime.date(2020, 9, 1)
    earlier.save()
    assert firsts(business) == ["shopee"]


@pytest.mark.django_db
def test_an_unconfirmed_shop_is_no_first_until_an_officer_confirms_it(admin_user):
    business = BusinessFactory(province=province("32"))
    shop(business, "shopee", datetime.date(2020, 8, 1))
    owners = shop(business, "tokopedia", datetime.date(2020, 5, 1), confirmed=False)
    assert firsts(business) == ["shopee"]
    onboarding_confirm(user=admin_user, onboarding=owners)
    assert firsts(business) == ["tokopedia"]


@pytest.mark.django_db
def test_removing_the_first_shop_hands_it_to_the_next():
    business = BusinessFactory(province=province("32"))
    first = shop(business, "tokopedia", datetime.date(2020, 5, 1))
    shop(business, "shopee", datetime.date(2020, 8, 1))
    first.delete()
    assert firsts(business) == ["shopee"]


@pytest.mark.django_db
def test_a_business_that_changes_sector_scale_or_province_takes_its_shops_along(admin_user):
    business = BusinessFactory(province=province("32"), workforce=2, investment=50_000_000, scale="micro")
    shop(business, "tokopedia", datetime.date(2020, 5, 1))
    figures.refresh()
    other_sector = Sector.objects.exclude(pk=business.sector_id).first()
    kalsel = province("63")
    business_save(user=admin_user, data={"sector": other_sector, "workforce": 10, "regency": kalsel.regencies.first()}, instance=business)
    assert Onboarding.objects.filter(business=business, sector=other_sector, scale="small", province=kalsel).count() == 1
    figures.refresh()
    assert new_businesses(province=kalsel, sector=other_sector, scale="small") == 1
    assert new_businesses(province=province("32")) == 0


@pytest.mark.django_db
def test_a_partner_report_with_an_earlier_date_moves_the_first_shop(admin_user):
    business = BusinessFactory(province=province("32"), nib="8120000000011")
    shop(business, "shopee", datetime.date(2020, 6, 1))
    record = run_report(admin_user, [seller(nib="8120000000011", onboarded="03-04-2020")])
    assert record.status == "done", record.message
    assert firsts(business) == ["tokopedia"]
    shops = Onboarding.objects.get(business=business, marketplace__code="tokopedia")
    assert (shops.sector_id, shops.scale, shops.province_id) == (business.sector_id, business.scale, business.province_id)
    figures.refresh()
    assert new_businesses(month=datetime.date(2020, 4, 1)) == 1 and new_businesses(month=datetime.date(2020, 6, 1)) == 0


@pytest.mark.django_db
def test_a_partner_report_leaves_the_first_shops_settling_from_scratch_would_give(admin_user):
    # The report decides first shops against each business's current first shop alone; every
    # case must end as settling all the business's shops again would leave them.
    days = {"none": None, "later": "2020-08-01", "earlier": "2020-03-01", "same day": "2020-06-15", "unconfirmed earlier": "2020-03-01"}
    cases = {}
    for index, (case, day) in enumerate(days.items()):
        business = BusinessFactory(province=province("32"), nib=f"81200000001{index:02d}")
        if day:
            shop(business, "shopee", datetime.date.fromisoformat(day), confirmed=case != "unconfirmed earlier")
        cases[case] = business
    # Its own shop on this marketplace: first and moved earlier; second and moved before the first.
    own_first = BusinessFactory(province=province("32"), nib="8120000000190")
    shop(own_first, "tokopedia", datetime.date(2020, 7, 1))
    shop(own_first, "shopee", datetime.date(2020, 7, 20))
    own_second = BusinessFactory(province=province("32"), nib="8120000000191")
    shop(own_second, "shopee", datetime.date(2020, 7, 1))
    shop(own_second, "tokopedia", datetime.date(2020, 7, 20))
    businesses = [*cases.values(), own_first, own_second]
    record = run_report(admin_user, [seller(name=f"Usaha {each.pk}", shop=f"Toko {each.pk}", nib=each.nib, onboarded="15-06-2020") for each in businesses])
    assert record.status == "done", record.message

    assert {case: firsts(business) for case, business in cases.items()} == {
        "none": ["tokopedia"], "later": ["tokopedia"], "earlier": ["shopee"], "same day": ["shopee"], "unconfirmed earlier": ["tokopedia"]}
    assert firsts(own_first) == ["tokopedia"] and firsts(own_second) == ["tokopedia"]
    assert figures.settle_shops([each.pk for each in businesses]) == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_shop_saved_outside_a_transaction_is_settled_too():
    # The admin, a shell or a script save without a surrounding transaction; the settling
    # needs one for its temporary table and opens its own.
    business = BusinessFactory(province=province("32"))
    shop(business, "shopee", datetime.date(2020, 8, 1))
    assert firsts(business) == ["shopee"]
