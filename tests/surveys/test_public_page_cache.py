"""Public pages and published figures come from the cache, and a refresh that changes the
figures shows at once; signed-in users never get a visitor's page, and each visitor gets a
CSRF token of their own."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programs.models import Province
from surveys.models import SurveyResponse
from surveys.rollups import refresh
from tests.factories import make_businesses, make_responses, make_wave


@pytest.fixture
def published(db, django_capture_on_commit_callbacks):
    wave = make_wave("2020-04", status="published")
    make_responses(wave, make_businesses(8, provinces=[Province.objects.get(code="32")]), seed=3)
    with django_capture_on_commit_callbacks(execute=True):
        refresh(wave=wave)
    return wave


def without_tokens(page):
    """The page without its CSRF token (each visitor's own, fresh on every request)."""
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page.content.decode())


def test_a_visitor_is_served_from_the_cache_without_queries(client, published):
    assert client.get("/impact/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/impact/")
    assert again.status_code == 200
    assert len(queries) == 0, [query["sql"][:80] for query in queries]


def test_a_refresh_shows_at_once(client, published, django_capture_on_commit_callbacks):
    first = without_tokens(client.get("/impact/"))
    SurveyResponse.objects.filter(pk=SurveyResponse.objects.first().pk).delete()
    assert without_tokens(client.get("/impact/")) == first  # still the cached page
    with django_capture_on_commit_callbacks(execute=True):
        refresh(wave=published)
    assert without_tokens(client.get("/impact/")) != first


def test_signed_in_users_get_their_own_page(client, published, staff_user):
    client.get("/impact/")  # a visitor's page is cached
    client.force_login(staff_user)
    page = client.get("/impact/").content.decode()
    assert 'action="/accounts/logout/"' in page  # their menu, not the visitor's page


def test_each_visitor_gets_a_csrf_token_of_their_own_and_the_language_switch_works(published):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        page = visitor.get("/impact/").content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    assert tokens[0] != tokens[1] and "__CSRF_TOKEN__" not in page
    switched = second.post("/i18n/setlang/", {"csrfmiddlewaretoken": tokens[1], "language": "en", "next": "/impact/"})
    assert switched.status_code == 302
    english = second.get("/impact/")
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()


def test_the_cached_page_is_not_kept_by_shared_caches(client, published):
    client.get("/impact/")
    response = client.get("/impact/")
    assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"]
