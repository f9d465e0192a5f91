"""``/api/v1/onboarding-targets/`` (issue 14): ministry staff set targets through the page's
validation; every target carries the pace the dashboard shows for it; officers read the
national targets and their province's."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.models import Marketplace, OnboardingTarget
from tests.factories import province

from .test_api import client_for

URL = "/api/v1/onboarding-targets/"


def test_staff_set_a_target_and_read_its_pace(staff_user, onboardings):
    response = client_for(staff_user).post(URL, {"year": 2020, "target": 16, "note": "Bangga Buatan Indonesia"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["year"], body["province"], body["marketplace"], body["target"]) == (2020, None, None, 16)
    assert body["pace"]["achieved"] == 8 and body["pace"]["share"] == pytest.approx(0.5)  # eight businesses onboarded in 2020
    assert OnboardingTarget.objects.get().history.get().history_user == staff_user


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"year": 2020, "target": 500}, "target", "sudah ditetapkan untuk 2020"),  # a second national target for the year
    ({"year": 2020, "target": -5, "province": "32"}, "target", "1"),
    ({"year": 2020, "target": 10, "province": "32", "marketplace": "shopee"}, "marketplace", "tidak keduanya"),
    ({"year": 2020, "target": 10, "province": "99"}, "province", "99"),
    ({"year": 2020, "target": 10, "marketplace": "lazada-x"}, "marketplace", "tokopedia"),
    ({"year": 1990, "target": 10}, "year", "2015"),
])
def test_bad_targets_are_refused_with_a_field_message(staff_user, body, field, words):
    OnboardingTarget.objects.create(year=2020, target=1000)
    response = client_for(staff_user).post(URL, body, format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert OnboardingTarget.objects.count() == 1


def test_the_same_words_in_english_on_request(staff_user):
    OnboardingTarget.objects.create(year=2021, target=1000)
    client = client_for(staff_user)
    client.cookies["django_language"] = "en"  # the language switch's choice
    response = client.post(URL, {"year": 2021, "target": 5}, format="json")
    assert response.status_code == 400 and response.json()["target"] == ["This target is already set for 2021; change it instead."]


def test_staff_change_a_target_but_not_onto_another(staff_user):
    national = OnboardingTarget.objects.create(year=2021, target=6_000_000)
    jabar = OnboardingTarget.objects.create(year=2021, province=province("32"), target=500)
    client = client_for(staff_user)
    response = client.patch(f"{URL}{national.pk}/", {"target": 6_100_000}, format="json")
    assert response.status_code == 200 and response.json()["target"] == 6_100_000
    moved = client.patch(f"{URL}{jabar.pk}/", {"province": None}, format="json")
    assert moved.status_code == 400 and "target" in moved.json()
    jabar.refresh_from_db()
    assert jabar.province_id is not None and national.history.count() == 2


def test_only_ministry_staff_set_targets(officer, owner, jabar):
    target = OnboardingTarget.objects.create(year=2021, province=jabar, target=500)
    officer_client = client_for(officer)
    assert officer_client.post(URL, {"year": 2021, "target": 5}, format="json").status_code == 403
    assert officer_client.patch(f"{URL}{target.pk}/", {"target": 5}, format="json").status_code == 403
    assert client_for(owner).get(URL).status_code == 403
    assert client_for(None).get(URL).status_code == 401
    assert OnboardingTarget.objects.get().target == 500


def test_officers_read_national_targets_and_their_provinces(officer, jabar, kalsel):
    national = OnboardingTarget.objects.create(year=2021, target=6_100_000)
    own = OnboardingTarget.objects.create(year=2021, province=jabar, target=500)
    other = OnboardingTarget.objects.create(year=2021, province=kalsel, target=300)
    client = client_for(officer)
    assert {row["id"] for row in client.get(URL).json()["results"]} == {national.pk, own.pk}
    assert client.get(f"{URL}{other.pk}/").status_code == 404


def test_filters_by_year_province_and_marketplace(staff_user, jabar):
    shopee = Marketplace.objects.get(code="shopee")
    national = OnboardingTarget.objects.create(year=2021, target=6_100_000)
    province_target = OnboardingTarget.objects.create(year=2021, province=jabar, target=500)
    partner = OnboardingTarget.objects.create(year=2021, marketplace=shopee, target=1_000_000)
    earlier = OnboardingTarget.objects.create(year=2020, target=2_000_000)
    client = client_for(staff_user)

    def ids(**query):
        return {row["id"] for row in client.get(URL, query).json()["results"]}

    assert ids(year=2020) == {earlier.pk}
    assert ids(province="32") == {province_target.pk}
    assert ids(marketplace="shopee") == {partner.pk}
    assert ids(year=2021) == {national.pk, province_target.pk, partner.pk}


@pytest.mark.parametrize("role", ["staff_user", "officer"])
def test_the_pace_is_the_dashboards(client, request, role, onboardings, jabar):
    """Achieved, paces and the date met are the dashboard's for each target it shows."""
    user = request.getfixturevalue(role)
    OnboardingTarget.objects.create(year=2020, target=20)
    OnboardingTarget.objects.create(year=2020, province=jabar, target=4)
    OnboardingTarget.objects.create(year=2020, marketplace=Marketplace.objects.get(code="tokopedia"), target=10)
    OnboardingTarget.objects.create(year=2020, province=province("63"), target=3)
    client.force_login(user)
    page = client.get(reverse("marketplace-dashboard"), {"year": 2020})
    expected = {row["target"].pk: {key: row[key] for key in ("achieved", "share", "achieved_pace", "needed_pace", "on_track")} | {"met_on": row["met_on"] and row["met_on"].isoformat()}
                for row in page.context["pace"]}
    listed = {row["id"]: row["pace"] for row in client_for(user).get(URL, {"year": 2020}).json()["results"]}
    assert listed.keys() == expected.keys() and len(listed) == (4 if role == "staff_user" else 3)
    for pk, pace in listed.items():
        assert pace == pytest.approx(expected[pk]), pk


def test_a_list_reads_the_pace_in_the_same_queries_however_many_targets(staff_user, onboardings):
    client = client_for(staff_user)
    OnboardingTarget.objects.create(year=2020, target=20)
    client.get(URL)  # the first request of a client reads what later ones have at hand (the user's role)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for code in ("11", "32", "51", "63", "72", "91"):
        OnboardingTarget.objects.create(year=2020, province=province(code), target=5)
        OnboardingTarget.objects.create(year=2021, province=province(code), target=7)
    for code in ("tokopedia", "shopee", "blibli"):
        OnboardingTarget.objects.create(year=2019, marketplace=Marketplace.objects.get(code=code), target=100)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.json()["count"] == 16
    assert len(many) == len(few)
