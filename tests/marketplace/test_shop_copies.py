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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_shop_saved_outside_a_transaction_is_settled_too():
    # The admin, a shell or a script save without a surrounding transaction; the settling
    # needs one for its temporary table and opens its own.
    business = BusinessFactory(province=province("32"))
    shop(business, "shopee", datetime.date(2020, 8, 1))
    assert firsts(business) == ["shopee"]
