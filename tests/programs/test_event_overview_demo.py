"""The events overview answers on the demo database (it answered 500 there) for each role
that may open it."""
import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--businesses=60", "--responses=60", "--events=24", "--registrations=120", stdout=io.StringIO())


def test_the_overview_on_the_demo_data(client, demo, staff_user, officer):
    for user in (staff_user, officer):
        client.force_login(user)
        for year in ("", "2020", "2026"):
            page = client.get("/events/overview/", {"year": year} if year else {})
            assert page.status_code == 200, (user.username, year, page.content[:300])
