"""The onboarding dashboard's figures, refreshed in SQL, against pandas from the raw rows;
a refresh after a write rewrites only the cells it changed (issue 14, point 5)."""
import datetime
import io

import pandas as pd
import pytest
from django.urls import reverse

from marketplace import figures
from marketplace.models import Marketplace, Onboarding, OnboardingFigures
from tests.factories import BusinessFactory, province

from .conftest import raw, shop


@pytest.mark.parametrize("table, column", [("marketplace", "marketplace__name"), ("province", "province__name"), ("sector", "business__sector__name")])
def test_each_table_matches_pandas(client, staff_user, onboardings, table, column):
    frame = raw()
    expected = {name: [int(group["first"].sum()), len(group)] for name, group in frame.groupby(column)}
    client.force_login(staff_user)
    page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    card = next(card for card in page.context["cards"] if card["name"] == table)
    assert {row[0][0]: [row[1][0], row[2][0]] for row in card["rows"]} == expected
    download = client.get(reverse("marketplace-dashboard"), {"year": 2020, "table": table, "format": "xlsx"})
    sheet = pd.read_excel(io.BytesIO(download.content), engine="calamine", header=3)
    assert dict(zip(sheet.iloc[:, 0], sheet.iloc[:, 1])) == {name: counts[0] for name, counts in expected.items()}


def test_onboarded_over_time_counts_each_business_once(client, staff_user, onboardings):
    frame = raw()
    months = sorted(frame.onboarded.dt.strftime("%m-%Y").unique())  # every month with a shop opened
    monthly = frame[frame["first"]].groupby(frame.onboarded.dt.strftime("%m-%Y")).size().reindex(months, fill_value=0).cumsum()
    client.force_login(staff_user)
    page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    assert dict(zip(page.context["chart"]["months"], page.context["chart"]["onboarded"])) == monthly.to_dict()
    assert page.context["total"] == 8  # eight businesses; their second shops and the unconfirmed one do not add
    assert OnboardingFigures.objects.filter(month__year=2021).count() == 1


def test_a_refresh_after_a_write_rewrites_only_the_cells_it_changed(onboardings):
    bukalapak = Marketplace.objects.get(code="bukalapak")
    before = set(OnboardingFigures.objects.values_list("id", flat=True))
    shop(BusinessFactory(province=province("63")), bukalapak, datetime.date(2020, 11, 3))
    rows, _seconds = figures.refresh(changed_only=True)
    assert rows == 1
    fresh = OnboardingFigures.objects.exclude(id__in=before)
    assert list(fresh.values_list("province__code", "marketplace__code", "month", "new_businesses")) == [("63", "bukalapak", datetime.date(2020, 11, 1), 1)]
    assert before <= set(OnboardingFigures.objects.values_list("id", flat=True))  # every other row left as it was
    assert figures.refresh(changed_only=True)[0] == 0  # nothing changed since


@pytest.mark.parametrize("many_cells", [150, 0], ids=["cell by cell", "one scan"])
def test_a_changed_first_shop_rewrites_the_cells_of_both_shops(onboardings, monkeypatch, many_cells):
    monkeypatch.setattr(figures, "MANY_CELLS", many_cells)
    business = onboardings[0].business  # its Tokopedia shop in March 2020 is its first; Shopee in August
    onboardings[0].onboarded = datetime.date(2020, 9, 15)
    onboardings[0].save()
    figures.refresh(changed_only=True)
    full = list(OnboardingFigures.objects.order_by("month", "province", "marketplace", "sector", "scale").values_list(
        "month", "province", "marketplace", "sector", "scale", "shops", "new_businesses"))
    figures.refresh()
    assert full == list(OnboardingFigures.objects.order_by("month", "province", "marketplace", "sector", "scale").values_list(
        "month", "province", "marketplace", "sector", "scale", "shops", "new_businesses"))
    assert Onboarding.objects.get(business=business, first_shop=True).marketplace.code == "shopee"


def test_an_officer_sees_the_figures_of_the_province_only(client, officer, onboardings):
    client.force_login(officer)
    page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    provinces = next(card for card in page.context["cards"] if card["name"] == "province")
    assert [row[0][0] for row in provinces["rows"]] == ["Jawa Barat"]


def test_the_dashboard_asks_the_same_queries_whatever_the_data(client, staff_user, onboardings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.models import OnboardingTarget

    OnboardingTarget.objects.create(year=2020, target=2_000_000)
    OnboardingTarget.objects.create(year=2020, province=province("32"), target=500)
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("marketplace-dashboard"), {"year": 2020})
    tokopedia = Marketplace.objects.get(code="tokopedia")
    for code in ("11", "51", "91", "32"):
        shop(BusinessFactory(province=province(code)), tokopedia, datetime.date(2020, 9, 9))
    OnboardingTarget.objects.create(year=2020, province=province("51"), target=50)
    figures.refresh()
    cache.clear()  # what the refresh's bump does after its commit
    with CaptureQueriesContext(connection) as later:
        page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    assert len(later) == len(first)
    assert page.context["total"] == 12
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("marketplace-dashboard"), {"year": 2020})
    assert len(cached) < len(first)  # the tables come from the cache until the next refresh


def test_the_map_counts_businesses_per_2020_province(client, staff_user, onboardings):
    tokopedia = Marketplace.objects.get(code="tokopedia")
    for code in ("91", "93", "93"):  # Papua, and Papua Selatan (formed in 2022) drawn within it
        shop(BusinessFactory(province=province(code)), tokopedia, datetime.date(2020, 10, 1))
    figures.refresh()
    frame = raw()
    firsts = frame[frame["first"]]
    client.force_login(staff_user)
    shapes = {shape["code"]: shape for shape in client.get(reverse("marketplace-dashboard"), {"year": 2020}).context["chart"]["map"]}
    assert shapes["91"]["value"] == 3 and sorted(shapes["91"]["members"]) == sorted([province("91").name, province("93").name])
    assert "93" not in shapes
    assert sum(shape["value"] for shape in shapes.values()) == len(firsts)
