"""``seed_demo`` can be run again: on a seeded database it adds only what is missing, and
growing the numbers adds the difference, never a duplicate or an error."""
import io

from django.core.management import call_command

from programs.models import Business, Event, Registration
from surveys.models import SurveyResponse


def counts():
    return Business.objects.count(), SurveyResponse.objects.count(), Event.objects.count(), Registration.objects.count()


def seed(**numbers):
    call_command("seed_demo", *[f"--{name}={value}" for name, value in numbers.items()], stdout=io.StringIO())


def test_seed_demo_twice_and_then_bigger(db):
    small = {"businesses": 40, "responses": 60, "events": 4, "registrations": 20}
    seed(**small)
    first = counts()
    assert first[0] >= 40 and first[1] == 60 and first[2] == 4
    seed(**small)
    assert counts() == first
    seed(**{**small, "businesses": 80, "responses": 90, "events": 6})
    grown = counts()
    assert grown[0] >= 80 and grown[1] == 90 and grown[2] == 6


def test_the_demo_can_be_tried_at_once(db):
    """An officer finds an open wave to enter or upload into; the demo owner has attended a
    workshop (a certificate to see)."""
    from surveys.models import SurveyWave

    seed(businesses=40, responses=60, events=24, registrations=20)
    assert SurveyWave.objects.filter(status="open").exists()
    owner_registrations = Registration.objects.filter(business__owner__username="pemilik@demo.ikm.go.id")
    assert owner_registrations.filter(attended=True, event__status="completed").exists()
