"""/api/v1/: token and session auth, bounded pagination, anonymous throttling, a valid offline schema."""
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import BusinessFactory

ROOT = Path(__file__).resolve().parents[2]


def test_schema_is_valid_openapi_3():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_schema_and_docs_are_served_without_internet(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert "/api/v1/businesses/" in schema.json()["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()


def test_token_authentication(db, officer):
    call_command("drf_create_token", officer.username)
    token = Token.objects.get(user=officer)
    api = APIClient()
    assert api.get("/api/v1/businesses/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/businesses/").status_code == 200


def test_pagination_shape_and_bound(db, staff_user, jabar):
    BusinessFactory.create_batch(3, province=jabar)
    api = APIClient()
    api.force_authenticate(staff_user)
    body = api.get("/api/v1/businesses/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2 and "page=2" in body["next"]
    assert len(api.get("/api/v1/businesses/?page_size=100000").json()["results"]) == 3  # capped, not an error


def test_filter_by_province_code(db, staff_user, jabar, kalsel):
    BusinessFactory(province=jabar, name="A")
    BusinessFactory(province=kalsel, name="B")
    api = APIClient()
    api.force_authenticate(staff_user)
    assert [row["name"] for row in api.get("/api/v1/businesses/?province=63").json()["results"]] == ["B"]
    bad = api.get("/api/v1/businesses/?province=99")
    assert bad.status_code == 400 and "province" in bad.json()


def test_provinces_are_public_reference_data(db):
    body = APIClient().get("/api/v1/provinces/").json()
    assert body["count"] == 38
    papua_selatan = next(row for row in body["results"] if row["code"] == "93")
    assert papua_selatan["parent_2020"] == "91" and papua_selatan["timezone"] == "Asia/Jayapura"


def test_anonymous_clients_are_throttled(db, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    api = APIClient()
    statuses = [api.get("/api/v1/provinces/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
