"""seed_demo's targets and onboardings at scale (issue 14, point 10)."""
import io

from django.core.management import call_command

from marketplace.models import Onboarding, OnboardingFigures, OnboardingTarget


def test_seed_demo_adds_the_targets_and_shops_at_scale_once_per_business_and_marketplace(db):
    out = io.StringIO()
    call_command("seed_demo", businesses=40, responses=0, events=0, registrations=0, onboardings=120, stdout=out)
    assert {(target.year, target.target) for target in OnboardingTarget.objects.filter(province=None, marketplace=None)} == {(2020, 2_000_000), (2021, 6_100_000)}
    scale = Onboarding.objects.filter(shop_name__startswith="Toko ", confirmed=True, created_at__isnull=False)
    assert scale.count() >= 120
    assert {day.year for day in Onboarding.objects.dates("onboarded", "year")} >= {2020, 2021}
    assert sum(OnboardingFigures.objects.values_list("shops", flat=True)) == Onboarding.objects.filter(confirmed=True).count()
    assert "marketplace shops at scale" in out.getvalue()
    before = Onboarding.objects.count()
    call_command("seed_demo", businesses=40, responses=0, events=0, registrations=0, stdout=io.StringIO())
    assert Onboarding.objects.count() == before and OnboardingTarget.objects.count() == 4
