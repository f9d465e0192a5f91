"""API fuzzing: schemathesis sends requests generated from ``/api/schema/`` to the portal.

Every operation of the schema is called as a provincial officer, as ministry staff and
anonymously (token authentication), in-process through the WSGI application, against one
record of each kind. Each answer must

- not be a server error (5xx),
- have a status code, content type and body the schema documents for that operation,
- refuse a body field beyond a limit the schema states (too long, out of range, not one of
  the choices, a date in another format, a required field missing) with a 4xx.

Requests name the records of the world below about half of the time (path parameters and
``business``/``wave``/... in bodies), so they reach the services, not only "not found".
Bodies are sent as JSON.

Two phases per operation and role: the boundary cases schemathesis derives from the schema
(each field at and past its limits, wrong types, missing fields; for POST bodies and all
query parameters) and ``MAX_EXAMPLES`` generated requests (three times as many for PUT and
PATCH). Anonymous writes get only the generated ones: the door refuses them before the body
is read.

The run is reproducible and bounded (about three minutes): a fixed seed, derandomised
generation, no example database. Its figures (operations, requests, server errors, time)
are printed at the end of the test session; see ``docs/api-fuzzing.md``.
"""
import datetime
import time
from collections import Counter

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ikm_portal.wsgi import application

from ..factories import BusinessFactory, make_businesses, make_event, make_responses, make_user, make_wave, province

SEED = 20200501
#: Generated requests per operation and role in the fuzzing phase (the coverage phase adds
#: its boundary cases: each field's limits, wrong types and missing fields).
MAX_EXAMPLES = 10
ROLES = ["officer", "staff", "anonymous"]

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    # Methods an operation does not have are probed with two of them, not all seven: Django
    # and DRF refuse them the same way everywhere.
    "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": ["delete", "patch"]}},
    # A body's boundary cases are sent once, to its POST; PUT and PATCH run the same serializer
    # (on the known record) and are fuzzed three times as much instead.
    "operations": [{"include-method": ["PUT", "PATCH"], "phases": {"coverage": {"enabled": False}}, "generation": {"max-examples": 3 * MAX_EXAMPLES}}],
})


def _load_schema():
    """``/api/schema/`` as the portal serves it, request bodies in JSON only: the form and
    multipart parsers feed the same serializers, and each body would otherwise be sent three
    times (one boundary case per field and media type is most of the run)."""
    from werkzeug.test import Client

    raw = Client(application).get("/api/schema/?format=json").get_json()
    for operations in raw["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content")
            if content:
                operation["requestBody"]["content"] = {"application/json": content["application/json"]}
    loaded = schemathesis.openapi.from_dict(raw, config=CONFIG)
    loaded.app = application
    return loaded


schema = _load_schema()

# The records the world below creates, named as the API names them: a generated path or body
# names one of them half of the time, so requests reach past "not found".
KNOWN_PATH = {
    "businesses": 900_001, "events": 900_001, "survey-responses": 900_001,
    "survey-waves": "JB-2020-04", "provinces": "32", "regencies": "32.73",
    "sectors": "food-beverages", "organisations": "tokopedia", "marketplace-onboardings": 900_001,
}
KNOWN_BODY = {"business": 900_001, "wave": "JB-2020-04", "regency": "32.73", "sector": "food-beverages", "province": "32", "marketplace": "tokopedia"}

FIGURES = Counter()


def _resource(path):
    """``/api/v1/events/{id}/register/`` → ``events``."""
    return path.strip("/").split("/")[2]


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    known = KNOWN_PATH.get(_resource(context.operation.path))
    if known is None or not path_parameters:
        return st.just(path_parameters)
    name = next(iter(path_parameters))
    return st.sampled_from([path_parameters, {**path_parameters, name: known}])


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict) or not body.keys() & KNOWN_BODY.keys():
        return st.just(body)
    return st.sampled_from([body, {**body, **{key: KNOWN_BODY[key] for key in body.keys() & KNOWN_BODY.keys()}}])


def _aim(case):
    """Boundary cases (the coverage phase, generated without the hooks above) name the known
    records too, except in the path parameter or body field the case is about."""
    meta = case.meta
    if meta is None or meta.phase.name != "coverage":
        return
    data = meta.phase.data
    location = data.parameter_location.name if data.parameter_location is not None else None
    known = KNOWN_PATH.get(_resource(case.path))
    if known is not None and case.path_parameters and location != "PATH":
        case.path_parameters = {name: known for name in case.path_parameters}
    if isinstance(case.body, dict):
        # A body case names the field it is about first: "turnover_before: Incorrect type".
        about = data.description.split(":")[0] if location == "BODY" else None
        case.body = {**case.body, **{key: KNOWN_BODY[key] for key in case.body.keys() & KNOWN_BODY.keys() if key != about}}


#: Boundary cases that break a limit the schema states for a body field.
LIMITS_BROKEN = {
    "value_above_maximum", "value_below_minimum", "string_above_max_length", "string_below_min_length",
    "array_above_max_items", "array_below_min_items", "object_missing_required_property",
    "invalid_enum_value", "invalid_format", "invalid_pattern",
}


def invalid_body_rejected(ctx, response, case):
    """A body field beyond a limit the schema states (too long, out of range, not one of the
    choices, a date in another format, a required field missing) is refused with a 4xx:
    schemathesis's ``negative_data_rejection`` for those boundary cases. (A ``0`` for
    ``false`` or ``"5"`` for ``5`` is read as DRF reads it, and an empty or unknown query
    parameter is ignored, as the HTML lists do.)"""
    meta = case.meta
    if meta is None or meta.phase.name != "coverage" or meta.phase.data.scenario not in LIMITS_BROKEN:
        return None
    location = meta.phase.data.parameter_location
    if location is None or location.name != "BODY":
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    response_headers_conformance, invalid_body_rejected,
]


@pytest.fixture
def fuzz_world(db, monkeypatch, request):
    """A business, an event, an open province wave with a response, a published national wave
    with responses and (for the impact operations) its figures, two users with tokens."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from rest_framework.throttling import AnonRateThrottle

    from surveys.models import SurveyResponse
    from surveys.rollups import refresh

    # Thousands of anonymous requests in a row: the throttle would answer most of them.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})
    jabar = province("32")
    officer = make_user("officer", province=jabar, username="petugas.fuzz")
    staff = make_user("ministry-staff", username="staf.fuzz")
    business = BusinessFactory(id=KNOWN_BODY["business"], name="Konveksi Fuzz", province=jabar)
    make_event(id=KNOWN_PATH["events"], organiser_province=jabar)
    wave = make_wave(KNOWN_BODY["wave"], province=jabar, status="open")
    national = make_wave("2020-04", status="published")
    make_responses(national, make_businesses(6, provinces=[jabar, province("63")]), seed=SEED)
    if "/impact/" in request.node.name:
        refresh(wave=national)
    SurveyResponse.objects.create(
        id=KNOWN_PATH["survey-responses"], wave=wave, business=business, province=jabar, regency=business.regency,
        sector=business.sector, scale=business.scale, turnover_before=40_000_000, turnover_after=20_000_000,
        workers_before=10, workers_after=8, operating_status="reduced",
    )
    from marketplace.models import Marketplace, Onboarding

    Onboarding.objects.create(id=KNOWN_PATH["marketplace-onboardings"], business=business, marketplace=Marketplace.objects.get(code="tokopedia"),
                              province=jabar, shop_name="Konveksi Fuzz Official", onboarded=datetime.date(2020, 7, 1), source="bbi")
    headers = {
        "officer": {"Authorization": f"Token {Token.objects.create(user=officer).key}"},
        "staff": {"Authorization": f"Token {Token.objects.create(user=staff).key}"},
        "anonymous": {},
    }
    # The WSGI handler closes the connection after each request; the test's transaction lives on it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield headers
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_api_answers_as_its_schema_says(case, role, fuzz_world):
    if role == "anonymous" and case.method != "GET" and case.meta is not None and case.meta.phase.name == "coverage":
        return  # refused at the door (401) before the body is read: the fuzzed requests show it
    _aim(case)
    started = time.monotonic()
    response = case.call(headers=fuzz_world[role])
    FIGURES["seconds"] += time.monotonic() - started
    FIGURES[f"operation {case.operation.label}"] = 1
    FIGURES["requests"] += 1
    FIGURES["server errors"] += response.status_code >= 500
    case.validate_response(response, checks=CHECKS)


def fuzz_summary():
    """One line for the end of the test session, or None when no fuzzing ran."""
    if not FIGURES["requests"]:
        return None
    operations = sum(1 for key in FIGURES if key.startswith("operation "))
    return (
        f"API fuzzing: {operations} operations x {len(ROLES)} roles, {FIGURES['requests']} requests "
        f"(seed {SEED}, {MAX_EXAMPLES} fuzzed examples per operation and role plus boundary cases), "
        f"{FIGURES['server errors']} answered with a server error, {FIGURES['seconds']:.0f} s in requests"
    )
