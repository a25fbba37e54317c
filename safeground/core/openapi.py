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

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.parser import Parser

#: Content types a JSON request body may be sent as.
JSON_CONTENT_TYPES = {"application/json", "application/geo+json", "application/merge-patch+json"}

ERROR_REF = "#/components/schemas/ErrorOut"
INPUT_ERROR_REF = "#/components/schemas/InputErrorOut"
PERMISSION_SCHEMES = {"_BearerWithPermission", "_SessionWithPermission"}

#: Ninja's refusals of a parameter or body, in the ErrorOut shape plus every error found (`errors`).
INPUT_ERROR_SCHEMA = {
    "title": "InputErrorOut",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "reason": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
    "required": ["detail", "field", "reason", "errors"],
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


class UnsupportedMediaType(ValueError):
    """A request body sent with a content type other than JSON (answered 415)."""

    def __init__(self, content_type: str):
        super().__init__(f"the request body must be JSON (Content-Type: application/json), not {content_type!r}")

    def as_dict(self) -> dict:
        return {"detail": str(self), "field": "Content-Type", "reason": "unsupported media type"}


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number; numbers must be finite")


class JSONOnlyParser(Parser):
    """Ninja's body parser, stricter: the body must be declared JSON (else 415) and be strict JSON
    (NaN, Infinity and -Infinity, which Python's json module accepts, are refused with 400)."""

    def parse_body(self, request):
        content_type = (request.content_type or "").lower()
        if content_type not in JSON_CONTENT_TYPES and not content_type.endswith("+json"):
            raise UnsupportedMediaType(request.content_type or "none")
        return json.loads(request.body, parse_constant=_no_constant)


def input_error_body(errors: list[dict]) -> dict:
    """Ninja's list of Pydantic errors as an ErrorOut body: the first one's field and message first."""
    first = errors[0] if errors else {}
    loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "form", "header")]
    # a body schema's own name comes first in Ninja's loc (["body", "payload", "name"]): drop it
    if len(loc) > 1 and first.get("loc", [""])[0] == "body":
        loc = loc[1:]
    field = ".".join(loc) or None
    message = first.get("msg", "invalid input")
    clean = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in errors]
    return {
        "detail": f"{field}: {message}" if field else message,
        "field": field,
        "reason": first.get("type", ""),
        "errors": json.loads(json.dumps(clean, default=str)),
    }


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Add 400/401/403/404/415/422 to the operations that can answer them (a route's own declaration is kept,
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
            if _json_body(operation):
                responses.setdefault(400, _json(error, "Bad Request: the body is not valid JSON"))
                responses.setdefault(415, _json(error, "Unsupported Media Type: the body must be application/json"))
            if "requestBody" in operation or any(_can_fail(p) for p in operation.get("parameters", [])):
                declared = responses.get(422) or responses.get("422")
                if declared is None:
                    responses[422] = _json(bad_input, "Unprocessable Entity: the input is wrong (see detail)")
                else:
                    content = declared.setdefault("content", {}).setdefault("application/json", {})
                    content["schema"] = {"anyOf": [content.get("schema", error), {"$ref": INPUT_ERROR_REF}]}
    return document


def _json_body(operation: dict) -> bool:
    return "application/json" in operation.get("requestBody", {}).get("content", {})


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
