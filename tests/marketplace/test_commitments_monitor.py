"""The commitments monitor: every figure against pandas computing it from the raw rows the
user may see; the page and its XLSX."""
import datetime
import io
import random

import pandas as pd
import pytest

from marketplace import buyers as services
from marketplace.models import Commitment, MatchingMeeting
from programs.models import Sector
from tests.factories import BusinessFactory

from .buyer_helpers import make_buyer


@pytest.fixture
def rows(db, jabar, kalsel, staff_user, officer, other_officer):
    rng = random.Random(14)
    sectors = list(Sector.objects.filter(slug__in=["wood-furniture", "food-beverages", "crafts-miscellaneous", "textiles-clothing-leather"]))
    buyers = [make_buyer(staff_user, company=f"Buyer {code}", country=code) for code in ["US", "JP", "NL", "AU", "SA"]]
    businesses = [BusinessFactory(province=rng.choice([jabar, kalsel]), sector=rng.choice(sectors)) for _ in range(12)]
    for _ in range(60):
        status = rng.choice(["held", "held", "renegotiating", "resumed", "realised", "cancelled"])
        signed = datetime.date(2019, rng.randint(1, 12), rng.randint(1, 28))
        value = rng.randint(0, 900) * 1_000_000
        Commitment.objects.create(
            business=rng.choice(businesses), buyer=rng.choice(buyers), product="Produk", hs_code="9403", currency="USD", value=value / 14_000,
            value_idr=value, signed=signed, status=status, reason="COVID-19" if status in ("held", "cancelled") else "",
            status_date=signed if status == "held" else datetime.date(rng.choice([2020, 2021]), rng.randint(1, 12), 1) + datetime.timedelta(days=rng.randint(0, 27)),
            value_realised=rng.randint(0, value // 1_000_000) * 1_000_000 if status == "realised" else 0,
        )
    for number in range(4):
        meeting = MatchingMeeting.objects.create(mode="virtual", date=datetime.date(2020, 9, number + 1), facilitator="attache", mou_signed=number % 2 == 0,
                                                 mou_value=(number + 1) * 100_000_000 if number % 2 == 0 else 0, realised_value=number * 10_000_000)
        meeting.businesses.set(businesses[number * 3:number * 3 + 2])
        meeting.buyers.set(buyers[:2])


def raw_frame(user):
    frame = pd.DataFrame(list(Commitment.objects.visible_to(user).values(
        "status", "value_idr", "value_realised", "status_date", "buyer__country", "business__sector__slug", "business__province__code")))
    frame["month"] = pd.to_datetime(frame["status_date"]).dt.to_period("M").dt.to_timestamp().dt.date
    return frame


@pytest.mark.parametrize("role", ["staff_user", "officer"])
def test_every_figure_matches_pandas(rows, request, role):
    user = request.getfixturevalue(role)
    figures = services.commitments_monitor(user=user)
    frame = raw_frame(user)
    held = frame[frame.status == "held"]

    expected = held.groupby("buyer__country").agg(count=("value_idr", "size"), value_idr=("value_idr", "sum"))
    assert {row["buyer__country"]: (row["count"], row["value_idr"]) for row in figures["by_country"]} == {
        key: (int(row["count"]), int(row["value_idr"])) for key, row in expected.iterrows()}

    expected = held.groupby("business__sector__slug").agg(count=("value_idr", "size"), value_idr=("value_idr", "sum"))
    assert {row["business__sector__slug"]: (row["count"], row["value_idr"]) for row in figures["by_sector"]} == {
        key: (int(row["count"]), int(row["value_idr"])) for key, row in expected.iterrows()}

    moved = frame[frame.status.isin(["resumed", "realised"])]
    resumed = moved[moved.status == "resumed"].groupby("month")["value_idr"].sum()
    realised = moved[moved.status == "realised"].groupby("month")["value_realised"].sum()
    assert {row["month"]: (row["resumed"], row["realised"]) for row in figures["over_time"]} == {
        month: (int(resumed.get(month, 0)), int(realised.get(month, 0))) for month in sorted(set(moved["month"]))}

    for row in figures["by_province"]:
        mine = frame[frame["business__province__code"] == row["business__province__code"]]
        for status in ["held", "renegotiating", "resumed", "cancelled"]:
            assert row[status] == int(mine[mine.status == status]["value_idr"].sum())
        assert row["realised"] == int(mine[mine.status == "realised"]["value_realised"].sum())
    assert {row["business__province__code"] for row in figures["by_province"]} == set(frame["business__province__code"])

    meetings = pd.DataFrame(list(MatchingMeeting.objects.visible_to(user).values("pk", "mou_signed", "mou_value", "realised_value")))
    assert figures["mous"] == {"meetings": len(meetings), "signed": int(meetings.mou_signed.sum()),
                               "mou_value": int(meetings[meetings.mou_signed].mou_value.sum()), "realised": int(meetings.realised_value.sum())}


def test_an_officer_sees_only_their_province(rows, officer):
    figures = services.commitments_monitor(user=officer)
    assert {row["business__province__code"] for row in figures["by_province"]} == {"32"}


def test_the_page_and_each_xlsx(rows, client, officer):
    client.force_login(officer)
    page = client.get("/marketplace/commitments/")
    assert page.status_code == 200 and "Rp " in page.content.decode()
    for key in ["country", "sector", "month", "province", "mou"]:
        response = client.get(f"/marketplace/commitments/?table={key}&format=xlsx")
        assert response.status_code == 200
        assert len(pd.read_excel(io.BytesIO(response.content), header=None, engine="openpyxl")) >= 4
    assert client.get("/marketplace/commitments/?table=nope&format=xlsx").status_code == 404


def test_owners_see_the_monitor_of_their_own_businesses_only(rows, client, owner):
    client.force_login(owner)
    assert client.get("/marketplace/commitments/").status_code == 200
    assert not services.commitments_monitor(user=owner)["by_province"]


def test_on_a_phone_each_figure_row_is_a_card_with_its_labels(rows, client, staff_user):
    # Below the md breakpoint the tables give way to cards: nothing scrolls sideways.
    import re

    client.force_login(staff_user)
    body = client.get("/marketplace/commitments/").content.decode()
    for key in ["country", "sector", "month", "province", "mou"]:
        cards = re.search(rf'<div class="d-md-none list-group list-group-flush" id="{key}-cards">(.*?)</div>\s*<div class="d-none d-md-block', body, re.S)
        assert cards, key
        assert cards.group(1).count('class="list-group-item') >= 2, key
        assert '<span class="text-muted">' in cards.group(1), key
    mou = re.search(r'id="mou-cards">(.*?)<div class="d-none d-md-block', body, re.S).group(1)
    assert "Indonesia (setiap pertemuan dihitung sekali)" in mou
