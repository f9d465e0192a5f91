"""Factories of the business-matching page tests: buyers and meetings with their businesses."""
import datetime
import io

import factory
import pandas as pd

from marketplace.models import Buyer, MatchingMeeting


class BuyerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buyer

    company = factory.Sequence(lambda n: f"Buyer {n} Ltd.")
    country = "JP"
    country_name = "Japan"
    hs_codes = factory.LazyFunction(lambda: ["9403"])
    source = "attache"


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting; ``businesses=[…]`` and ``buyers=[…]`` take part (a new buyer when none given)."""

    class Meta:
        model = MatchingMeeting
        skip_postgeneration_save = True

    mode = "virtual"
    date = datetime.date(2020, 9, 1)
    facilitator = "attache"

    @factory.post_generation
    def businesses(meeting, create, extracted, **kwargs):
        if create and extracted:
            meeting.businesses.set(extracted)

    @factory.post_generation
    def buyers(meeting, create, extracted, **kwargs):
        if create:
            meeting.buyers.set(extracted or [BuyerFactory()])


def xlsx_rows(response):
    """The data rows of one of the portal's XLSX tables (title, subtitle, blank, header, rows)."""
    assert response.status_code == 200, response.status_code
    frame = pd.read_excel(io.BytesIO(response.content), header=3, engine="openpyxl")
    return frame
