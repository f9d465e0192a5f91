"""The demo has shops, the demo owner's unconfirmed one, and a messy partner report: one
refused (the same seller twice), its correction applied with sellers in Jawa Barat's queue."""
import io

from django.core.management import call_command

from marketplace.models import Onboarding, PartnerReport, SellerReview


def test_the_demo_shows_onboarding_and_the_confirm_queue(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--businesses=120", "--responses=10", "--events=4", "--registrations=5", stdout=io.StringIO())
    assert Onboarding.objects.filter(source="partner").exists()
    assert Onboarding.objects.filter(business__owner__username="pemilik@demo.ikm.go.id", confirmed=False, source="owner").exists()
    refused, applied = PartnerReport.objects.order_by("pk")
    assert refused.status == "rejected" and any("more than once" in error["message"] or "lebih dari sekali" in error["message"] for error in refused.errors)
    assert applied.status == "done" and applied.rows_matched > 0, applied.message
    assert SellerReview.objects.filter(state="pending", province__code="32").count() >= 4
    shops = Onboarding.objects.count()
    call_command("seed_demo", "--businesses=120", "--responses=10", "--events=4", "--registrations=5", stdout=io.StringIO())
    assert Onboarding.objects.count() == shops
