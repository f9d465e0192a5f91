"""A page's SQL queries do not grow with the data."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import BusinessFactory

URLS = ["/businesses/?province=32&sector=food-beverages", "/businesses/?q=konveksi", "/api/v1/businesses/?province=32&sector=food-beverages", "/api/v1/businesses/?q=konveksi"]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["officer", "staff_user"])
def test_queries_constant_with_more_businesses(request, jabar, who):
    user = request.getfixturevalue(who)
    client = APIClient()
    client.force_login(user)
    BusinessFactory.create_batch(5, province=jabar)
    few = {url: count_queries(client, url) for url in URLS}
    BusinessFactory.create_batch(35, province=jabar)
    many = {url: count_queries(client, url) for url in URLS}
    assert many == few
    assert max(few.values()) <= 12
