"""The API's OpenAPI document, completed with the error responses every operation can give.

Django Ninja documents only the responses a route declares. But some answers come from the shared
machinery, whatever the route: 401 without credentials (any operation with a security scheme), 403
when the account lacks the permission (operations guarded by `core.auth.needs`), 404 for an unknown
code in the path, and 422 for bad input (Ninja's own parsing, or `ValidationFailed` raised by a
service). `SafeGroundAPI` adds those to each operation that can give them, with their schemas, so
the document tells clients the whole truth, and the test client can hold every response to it
(`core/tests/openapi.py`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger

ERROR_REF = "#/components/schemas/ErrorOut"
INPUT_ERROR_REF = "#/components/schemas/InputErrorOut"
PERMISSION_SCHEMES = {"_BearerWithPermission", "_SessionWithPermission"}

#: Ninja's answer to input it cannot parse: {"detail": [{"type", "loc", "msg", ...}, ...]}.
INPUT_ERROR_SCHEMA = {
    "title": "InputErrorOut",
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"type": "object", "additionalProperties": True}}},
    "required": ["detail"],
}
#: ValidationFailed's body (core.schemas.ErrorOut), kept here so the document has it even if no route names it.
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "reason": {"type": "string"},
        "location": {"anyOf": [{"type": "object", "additionalProperties": {"type": "number"}}, {"type": "null"}]},
    },
    "required": ["detail"],
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Add 401/403/404/422 to the operations that can answer them (a route's own declaration is kept,
    except that a declared 422 also admits Ninja's input-error body)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ERROR_SCHEMA)
    schemas["InputErrorOut"] = INPUT_ERROR_SCHEMA
    error = {"$ref": ERROR_REF}
    bad_input = {"anyOf": [{"$ref": ERROR_REF}, {"$ref": INPUT_ERROR_REF}]}
    for template, item in document.get("paths", {}).items():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            schemes = {name for requirement in operation.get("security", []) for name in requirement}
            if schemes:
                responses.setdefault(401, _json(error, "Unauthorized: no valid session or bearer token"))
            if schemes & PERMISSION_SCHEMES:
                responses.setdefault(403, _json(error, "Forbidden: the account lacks the permission"))
            if "{" in template:
                responses.setdefault(404, _json(error, "Not Found: no record with this code"))
            if "requestBody" in operation or any(_can_fail(p) for p in operation.get("parameters", [])):
                declared = responses.get(422) or responses.get("422")
                if declared is None:
                    responses[422] = _json(bad_input, "Unprocessable Entity: the input is wrong (see detail)")
                else:
                    content = declared.setdefault("content", {}).setdefault("application/json", {})
                    content["schema"] = {"anyOf": [content.get("schema", error), {"$ref": INPUT_ERROR_REF}]}
    return document


def _can_fail(parameter: dict) -> bool:
    """Whether Ninja can refuse this parameter's value: anything but a text path segment."""
    return parameter.get("in") != "path" or parameter.get("schema", {}).get("type") != "string"


class SafeGroundAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the shared error responses (see the module docstring)."""

    def get_openapi_schema(self, *args, **kwargs):
        return add_error_responses(super().get_openapi_schema(*args, **kwargs))


class LocalSwagger(Swagger):
    """Swagger UI from static/vendor/swagger-ui/ instead of Ninja's CDN template (Ninja is not an
    installed app, so it would pick the CDN one): the docs work offline and no third-party script
    runs on the site. Settings go in a JSON block that static/js/api-docs.js reads (the CSP allows no inline code)."""

    template = "core/api_docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"swagger_settings": settings, "api": api})
