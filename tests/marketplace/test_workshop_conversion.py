"""Workshop → onboarding conversion (issue 14, point 5): of the businesses that attended a
marketplace or online-marketing workshop, how many had a shop within 30 and 90 days — per
organising office and per partner, against pandas from the raw rows."""
import datetime

import pandas as pd
from django.urls import reverse

from marketplace import figures
from marketplace.models import Marketplace, Onboarding
from programs.models import Organisation, Registration
from tests.factories import BusinessFactory, make_event, province


def test_conversion_per_organiser_and_partner_matches_pandas(client, staff_user, jabar, kalsel):
    start = datetime.datetime(2020, 6, 10, 2, tzinfo=datetime.UTC)
    tokopedia_org = Organisation.objects.get(slug="tokopedia")
    jabar_workshop = make_event(organiser_province=jabar, topics=["marketplace"])
    kalsel_workshop = make_event(organiser_province=kalsel, topics=["online-marketing"])
    other = make_event(organiser_province=jabar, topics=["export"])
    for event in (jabar_workshop, kalsel_workshop, other):
        type(event).objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    jabar_workshop.partners.add(tokopedia_org)
    shopee = Marketplace.objects.get(code="shopee")
    offsets = {jabar_workshop: [10, 60, -5, None, 200], kalsel_workshop: [29, None], other: [3]}
    for event, days in offsets.items():
        for offset in days:
            business = BusinessFactory(province=event.organiser_province)
            Registration.objects.create(event=event, business=business, status="confirmed", attended=True)
            if offset is not None:
                Onboarding.objects.create(business=business, marketplace=shopee, province_id=business.province_id, shop_name="Toko",
                                          onboarded=start.date() + datetime.timedelta(days=offset), source="workshop")
        Registration.objects.create(event=event, business=BusinessFactory(province=event.organiser_province), status="confirmed", attended=False)
    figures.refresh_conversion()

    attended = pd.DataFrame.from_records(Registration.objects.filter(attended=True, event__topics__has_any_keys=["marketplace", "online-marketing"]).values(
        "event_id", "business_id", "event__organiser_province__name", "event__starts_at"))
    shops = pd.DataFrame.from_records(Onboarding.objects.values("business_id", "onboarded"))
    merged = attended.merge(shops, on="business_id", how="left")
    merged["days"] = (pd.to_datetime(merged.onboarded) - pd.to_datetime(merged.event__starts_at.dt.date)).dt.days
    per_business = merged.groupby(["event_id", "business_id", "event__organiser_province__name"]).days.apply(lambda days: days[days >= 0].min()).reset_index()
    expected = {
        name: [len(group), int((group.days <= 30).sum()), int((group.days <= 90).sum())]
        for name, group in per_business.groupby("event__organiser_province__name")
    }
    client.force_login(staff_user)
    page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    card = next(card for card in page.context["cards"] if card["name"] == "conversion-province")
    assert {row[0][0]: [row[1][0], row[2][0], row[3][0]] for row in card["rows"]} == expected
    assert expected == {province("32").name: [5, 1, 2], province("63").name: [2, 1, 1]}
    partners = next(card for card in page.context["cards"] if card["name"] == "conversion-partner")
    assert {row[0][0]: row[1][0] for row in partners["rows"]} == {"Tokopedia": 5, "Tanpa mitra": 2}


def test_a_workshop_the_ministry_ran_is_the_ministrys_row_not_a_partnerless_one(client, staff_user, jabar):
    start = datetime.datetime(2020, 6, 10, 2, tzinfo=datetime.UTC)
    national = make_event(organiser_province=None, topics=["marketplace"])
    type(national).objects.filter(pk=national.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    Registration.objects.create(event=national, business=BusinessFactory(province=jabar), status="confirmed", attended=True)
    figures.refresh_conversion()
    client.force_login(staff_user)
    cards = {card["name"]: card for card in client.get(reverse("marketplace-dashboard"), {"year": 2020}).context["cards"]}
    assert [row[0][0] for row in cards["conversion-province"]["rows"]] == ["Kementerian Perindustrian (Ditjen IKMA)"]
    assert [row[0][0] for row in cards["conversion-partner"]["rows"]] == ["Tanpa mitra"]
