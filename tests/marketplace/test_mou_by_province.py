"""The commitments monitor's MoU table per province: a meeting joining businesses of several
provinces counts once in each of them, the national row once; checked against pandas
working from the raw meetings and their businesses, on the page and in its XLSX."""
import datetime
import random

import pandas as pd
import pytest

from marketplace import buyers as services
from marketplace.models import MatchingMeeting
from programs.models import Business
from tests.factories import BusinessFactory, province

from .meeting_helpers import MeetingFactory, xlsx_rows


@pytest.fixture
def meetings(db, jabar, kalsel):
    rng = random.Random(21)
    places = [jabar, kalsel, province("72"), province("31")]
    businesses = [BusinessFactory(province=place) for place in places for _ in range(3)]
    for number in range(25):
        signed = rng.random() < 0.6
        MeetingFactory(date=datetime.date(2020, rng.randint(6, 12), rng.randint(1, 28)), mou_signed=signed,
                       mou_value=rng.randint(1, 50) * 10_000_000 if signed else 0, realised_value=rng.randint(0, 5) * 5_000_000,
                       businesses=rng.sample(businesses, rng.randint(1, 4)))


def raw(user):
    """Per province from the raw rows: the meetings with a business of it (each once)."""
    meetings = pd.DataFrame(list(MatchingMeeting.objects.visible_to(user).values("pk", "mou_signed", "mou_value", "realised_value")))
    meetings = meetings.rename(columns={"pk": "matchingmeeting_id"})
    taking_part = pd.DataFrame(list(MatchingMeeting.businesses.through.objects.values("matchingmeeting_id", "business_id")))
    places = pd.DataFrame(list(Business.objects.visible_to(user).values("pk", "province__name"))).rename(columns={"pk": "business_id"})
    pairs = (taking_part.merge(places, on="business_id").drop_duplicates(["matchingmeeting_id", "province__name"])
             .merge(meetings, on="matchingmeeting_id"))
    pairs["mou"] = pairs.mou_value.where(pairs.mou_signed, 0)
    per_province = pairs.groupby("province__name").agg(meetings=("matchingmeeting_id", "nunique"), signed=("mou_signed", "sum"),
                                                       mou_value=("mou", "sum"), realised=("realised_value", "sum"))
    national = (len(meetings), int(meetings.mou_signed.sum()), int(meetings.mou_value[meetings.mou_signed].sum()), int(meetings.realised_value.sum()))
    return {name: tuple(int(value) for value in row) for name, row in per_province.iterrows()}, national


@pytest.mark.parametrize("role", ["staff_user", "officer", "other_officer"])
def test_each_province_against_pandas(meetings, request, role):
    user = request.getfixturevalue(role)
    per_province, national = raw(user)
    rows = services.mous_by_province(user=user)
    assert {row["name"]: (row["meetings"], row["signed"], row["mou_value"], row["realised"]) for row in rows} == per_province
    figures = services.commitments_monitor(user=user)["mous"]
    assert (figures["meetings"], figures["signed"], figures["mou_value"], figures["realised"]) == national
    if role == "staff_user":
        assert len(per_province) == 4
        # Joint meetings count in each province: the provinces add up to more than the nation.
        assert sum(row[0] for row in per_province.values()) > national[0]
    else:
        assert list(per_province) == [user.profile.province.name]


@pytest.mark.parametrize("role", ["staff_user", "officer"])
def test_the_page_and_the_xlsx(meetings, client, request, role):
    user = request.getfixturevalue(role)
    per_province, national = raw(user)
    client.force_login(user)
    frame = xlsx_rows(client.get("/marketplace/commitments/?table=mou&format=xlsx"))
    assert {row.iloc[0]: tuple(int(value) for value in row.iloc[1:]) for _index, row in frame.iloc[:-1].iterrows()} == per_province
    assert frame.iloc[-1, 0] == "Indonesia (setiap pertemuan dihitung sekali)"
    assert tuple(int(value) for value in frame.iloc[-1, 1:]) == national
    body = client.get("/marketplace/commitments/").content.decode()
    assert "dihitung di setiap provinsi tersebut" in body
    code = user.profile.province.code if role == "officer" else "72"
    assert f'href="/marketplace/meetings/?province={code}"' in body and 'href="/marketplace/meetings/">Indonesia' in body


def test_owners_have_no_meetings_to_count(meetings, client, owner):
    client.force_login(owner)
    body = client.get("/marketplace/commitments/").content.decode()
    assert "/marketplace/meetings/" not in body
    assert services.mous_by_province(user=owner) == []
