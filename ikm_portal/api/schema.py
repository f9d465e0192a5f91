"""The OpenAPI schema documents the error answers too, not only the happy path.

drf-spectacular describes what an operation answers when it succeeds. Clients (and the
schemathesis run in ``tests/platform/test_api_fuzz.py``) also meet the errors every door
answers: 400 with field errors for bad input, 401 without (or with a wrong) token, 403 when
the policy refuses, 404 for what is out of scope or an invalid page, 409 when a delete would
orphan other records, 429 when an anonymous client is throttled. Their bodies have two shapes,
both added here as components.
"""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR_DETAIL = {
    "type": "object",
    "description": "Why the request was refused, in the user's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# ``{"field": ["message", …]}``; ``non_field_errors`` for the request as a whole, ``detail``
# for a body that is not JSON; list and nested fields answer per index or key.
VALIDATION_ERRORS = {
    "type": "object",
    "description": "Field errors: each field name (or non_field_errors / detail) with its messages, in the user's language.",
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]},
}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers each operation may give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        detail = {"content": {"application/json": {"schema": self._component("ErrorDetail", ERROR_DETAIL)}}}
        errors = {
            "401": {**detail, "description": "Not signed in, or the token is not valid."},
            "403": {**detail, "description": "The user's role may not perform this action."},
            "429": {**detail, "description": "Too many requests from an anonymous client; try again later."},
        }
        if self.method in ("POST", "PUT", "PATCH") or self._has_query_parameters():
            errors["400"] = {
                "content": {"application/json": {"schema": self._component("ValidationErrors", VALIDATION_ERRORS)}},
                "description": "The input is not valid: field errors.",
            }
        if self._has_path_parameters() or self.method == "GET":
            errors["404"] = {**detail, "description": "No such record within what the user may see (or no such page)."}
        if self.method == "DELETE":
            errors["409"] = {**detail, "description": "Other records still use this one."}
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses

    def _component(self, name, schema):
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref

    def _has_path_parameters(self):
        return "{" in self.path

    def _has_query_parameters(self):
        return any(parameter["in"] == "query" for parameter in self._get_parameters())


def blank_or_formatted(result, generator, request, public):
    """A field that may be blank or hold an e-mail address or URL is described by
    drf-spectacular as ``oneOf: [{format}, {maxLength: 0}]``. A client that does not check
    formats finds ``""`` valid under both and so refuses it: say ``anyOf`` instead (either
    will do), which every client reads the same."""

    def visit(node):
        if isinstance(node, dict):
            choices = node.get("oneOf")
            if isinstance(choices, list) and len(choices) == 2 and any(choice.get("maxLength") == 0 for choice in choices if isinstance(choice, dict)):
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result
