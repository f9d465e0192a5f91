"""Targets and the pace to meet them (issue 14, point 4): the seeds' 2020 (3.7 million
onboarded against 2 million) and 2021 (6.1 million at about 500,000 a month)."""
import datetime

import pytest
from django.urls import reverse

from marketplace.figures import pace
from marketplace.models import Marketplace, OnboardingTarget
from tests.factories import province


def test_2020_met_well_before_the_year_ended():
    result = pace(OnboardingTarget(year=2020, target=2_000_000), 3_700_000, today=datetime.date(2020, 12, 31))
    assert result["share"] == pytest.approx(1.85)
    assert result["achieved_pace"] == pytest.approx(3_700_000 / 12)
    assert result["needed_pace"] == 0 and result["on_track"]
    assert result["met_on"] == datetime.date(2020, 1, 1) + datetime.timedelta(days=round(2_000_000 / 3_700_000 * 366) - 1)


def test_2021_at_500000_a_month_falls_short_of_6_1_million():
    """2.5 million by the end of May: 500,000 a month achieved; 3.6 million left over seven
    months needs 514,286 a month; at the pace achieved 6.1 million is reached in January 2022."""
    result = pace(OnboardingTarget(year=2021, target=6_100_000), 2_500_000, today=datetime.date(2021, 5, 31))
    elapsed = 151 / 365 * 12
    assert result["achieved_pace"] == pytest.approx(2_500_000 / elapsed)
    assert result["needed_pace"] == pytest.approx(3_600_000 / (12 - elapsed))
    assert result["met_on"] == datetime.date(2021, 1, 1) + datetime.timedelta(days=round(6_100_000 / (2_500_000 / 151)) - 1)
    assert result["met_on"].year == 2022 and not result["on_track"]


def test_nothing_achieved_yet_has_no_date():
    result = pace(OnboardingTarget(year=2021, target=100), 0, today=datetime.date(2021, 3, 1))
    assert result["met_on"] is None and result["needed_pace"] > 0


def test_staff_set_targets_once_per_year_and_place(client, staff_user, officer, db):
    client.force_login(staff_user)
    url = reverse("marketplace-target-create")
    response = client.post(url, {"year": 2021, "target": 6_100_000, "note": "Bangga Buatan Indonesia"})
    assert response.status_code == 302 and OnboardingTarget.objects.get().target == 6_100_000
    again = client.post(url, {"year": 2021, "target": 5_000_000})
    assert "sudah" in " ".join(again.context["form"].errors["target"])
    both = client.post(url, {"year": 2021, "target": 10, "province": province("32").pk, "marketplace": Marketplace.objects.get(code="shopee").pk})
    assert "marketplace" in both.context["form"].errors
    negative = client.post(url, {"year": 2021, "target": -5, "province": province("32").pk})
    assert "target" in negative.context["form"].errors
    assert OnboardingTarget.objects.count() == 1
    client.force_login(officer)
    assert client.post(url, {"year": 2022, "target": 10}).status_code == 403


def test_a_pace_that_would_take_centuries_gives_no_date():
    result = pace(OnboardingTarget(year=2020, target=2_000_000), 8, today=datetime.date(2026, 12, 4))
    assert result["met_on"] is None and not result["on_track"]
