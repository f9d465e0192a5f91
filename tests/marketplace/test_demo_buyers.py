"""The demo has buyers, held export commitments of crafts, furniture, garment and food
businesses with statuses spread over 2020–2021, and virtual meetings with MoUs."""
import io

from django.core.management import call_command

from marketplace.models import Buyer, Commitment, MatchingMeeting, Nomination


def test_the_demo_shows_export_buyer_matching(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--businesses=200", "--responses=10", "--events=4", "--registrations=5", stdout=io.StringIO())
    assert Buyer.objects.count() == 15 and {"US", "JP", "NL", "AU", "SA"} <= set(Buyer.objects.values_list("country", flat=True))
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert {"held", "resumed", "realised"} <= statuses
    held = Commitment.objects.filter(status="held")
    assert held.count() > Commitment.objects.count() / 3 and not held.filter(reason="").exists()
    assert set(Commitment.objects.values_list("business__sector__slug", flat=True)) <= {"wood-furniture", "crafts-miscellaneous", "textiles-clothing-leather", "food-beverages"}
    assert not Commitment.objects.filter(status="resumed", status_date__year=2020).exists()
    assert MatchingMeeting.objects.filter(mode="virtual", mou_signed=True).exists()
    assert Nomination.objects.filter(status="nominated").exists()
    count = Commitment.objects.count()
    call_command("seed_demo", "--businesses=200", "--responses=10", "--events=4", "--registrations=5", stdout=io.StringIO())
    assert Commitment.objects.count() == count
