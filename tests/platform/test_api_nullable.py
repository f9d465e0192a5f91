"""The OpenAPI schema marks nullable fields as nullable: every record the API returns, with
every column that may be empty left empty, matches the schema (so a client generated from
it does not choke on a null)."""
import copy

import jsonschema
import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import Client

PROJECT_APPS = ("programs", "surveys", "budgets", "marketplace")
KNOWN_PATH = {
    "businesses": "business", "events": "event", "survey-responses": "response", "survey-waves": "JB-2020-04",
    "provinces": "32", "regencies": "32.73", "sectors": "food-beverages", "organisations": "tokopedia",
}


def _empty_every_nullable_column():
    """Set each nullable column of the project's models to NULL, one at a time, where the
    model's constraints allow it (returns how many columns were emptied)."""
    emptied = 0
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not field.null or field.primary_key:
                continue
            try:
                with transaction.atomic():
                    model._base_manager.update(**{field.attname: None})
                emptied += 1
            except IntegrityError:
                pass  # a CHECK constraint wants a value here
    return emptied


def as_json_schema(node):
    """OpenAPI 3.0 → JSON Schema: ``nullable: true`` becomes "or null"; without it, null is refused."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture
def world_with_nulls(db, admin_user, jabar):
    from surveys.models import SurveyResponse
    from surveys.rollups import refresh
    from tests.factories import BusinessFactory, make_businesses, make_event, make_responses, make_wave

    business = BusinessFactory(province=jabar)
    event = make_event(organiser_province=jabar)
    wave = make_wave("JB-2020-04", province=jabar)
    national = make_wave("2020-04", status="published")
    make_responses(national, make_businesses(6, provinces=[jabar]))
    response = SurveyResponse.objects.create(
        wave=wave, business=business, province=jabar, regency=business.regency, sector=business.sector, scale=business.scale,
        turnover_before=40_000_000, turnover_after=20_000_000, workers_before=10, workers_after=8, operating_status="reduced",
    )
    refresh(wave=national)
    assert _empty_every_nullable_column() > 20
    return {**KNOWN_PATH, "businesses": business.pk, "events": event.pk, "survey-responses": response.pk}


def test_every_get_operation_matches_its_schema_with_nulls(world_with_nulls, admin_user):
    client = Client()
    client.force_login(admin_user)
    document = client.get("/api/schema/?format=json").json()
    components = as_json_schema(document["components"])
    mismatches, not_checked = [], []
    checked = nulls_seen = 0
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        resource = path.strip("/").split("/")[2]
        url = path
        for parameter in [p for p in operation.get("parameters", []) if p["in"] == "path"]:
            url = url.replace("{%s}" % parameter["name"], str(world_with_nulls.get(resource, "")))
        answer = client.get(url, {"province": "32"} if path.endswith("/by-regency/") else {})
        if answer.status_code != 200 or "application/json" not in answer["Content-Type"]:
            not_checked.append(f"GET {path}: {answer.status_code}")
            continue
        checked += 1
        nulls_seen += answer.content.count(b":null")
        expected = operation["responses"]["200"]["content"]["application/json"]["schema"]
        validator = jsonschema.Draft7Validator({"allOf": [as_json_schema(expected)], "components": components}, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(answer.json()), key=lambda error: list(error.absolute_path))
        mismatches += [f"GET {path}: {'/'.join(map(str, error.absolute_path))}: {error.message[:120]}" for error in errors[:5]]
    assert checked >= 24, not_checked
    assert nulls_seen > 50, nulls_seen  # the check met nulls in many places
    assert mismatches == [], "\n".join(mismatches)


def test_the_check_sees_a_null_the_schema_does_not_allow():
    schema = {"type": "object", "properties": {"phone": {"type": "string"}}}
    assert list(jsonschema.Draft7Validator(as_json_schema(schema)).iter_errors({"phone": None}))
    nullable = {"type": "object", "properties": {"phone": {"type": "string", "nullable": True}}}
    assert not list(jsonschema.Draft7Validator(as_json_schema(nullable)).iter_errors({"phone": None}))
