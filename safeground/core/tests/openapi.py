"""Every API response a test receives is checked against the OpenAPI document (as Zulip does).

A pytest plugin (listed in the root conftest): an autouse fixture wraps Django's test `Client.request`
so that each response to a path under `/api/v1/` must
- come from an operation the document describes (path template and method),
- carry a status code that operation documents, and
- when it is JSON, validate against that status's response schema (`$ref`s resolved).

A mismatch fails the test with the operation, the status and what is wrong. The document is the one
served at `/api/v1/openapi.json` (built once per session from `config.api`), and the compiled
validators are cached per (operation, status), so the check costs little.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.test.client import Client
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

API_PREFIX = "/api/v1/"
#: Served by Ninja itself, not operations of the API.
NOT_OPERATIONS = {f"{API_PREFIX}openapi.json", f"{API_PREFIX}docs"}
JSON_TYPES = ("application/json", "application/geo+json")
DOCUMENT_URI = "urn:safeground:openapi"


class OpenAPIMismatch(AssertionError):
    """A response the OpenAPI document does not describe."""


@dataclass(frozen=True)
class Operation:
    template: str
    method: str
    spec: dict


@cache
def document() -> dict:
    """The OpenAPI document exactly as `/api/v1/openapi.json` serves it."""
    from ninja.responses import NinjaJSONEncoder

    from config.api import api

    # Through JSON, as served: status codes become strings, Pydantic's types plain JSON.
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_PREFIX), cls=NinjaJSONEncoder))


@cache
def _registry() -> Registry:
    return Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document()))


@cache
def _routes() -> list[tuple[re.Pattern, str]]:
    """Path templates as regexes, literal segments before parameters (`/x/expiring` before `/x/{code}`)."""
    routes = []
    for template in document()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}/?$"), template))
    return sorted(routes, key=lambda r: (r[1].count("{"), [s.startswith("{") for s in r[1].split("/")]))


def operation_for(path: str, method: str) -> Operation | None:
    method = method.lower()
    for regex, template in _routes():
        if regex.match(path) and method in document()["paths"][template]:
            return Operation(template, method, document()["paths"][template][method])
    return None


@cache
def _validator(template: str, method: str, status: str, content_type: str) -> Draft202012Validator | None:
    response = document()["paths"][template][method]["responses"][status]
    schema = response.get("content", {}).get(content_type, {}).get("schema")
    if schema is None:
        return None
    # Refs like "#/components/schemas/X" resolve against the whole document.
    rooted = {
        "$ref": f"{DOCUMENT_URI}#/paths/{_pointer(template)}/{method}/responses/{status}/content/"
        f"{_pointer(content_type)}/schema"
    }
    return Draft202012Validator(rooted, registry=_registry())


def _pointer(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def check_response(method: str, path: str, response) -> None:
    """Raise OpenAPIMismatch unless the document describes this response."""
    if not path.startswith(API_PREFIX) or path.rstrip("/") in {p.rstrip("/") for p in NOT_OPERATIONS}:
        return
    op = operation_for(path, method)
    if op is None:
        raise OpenAPIMismatch(
            f"{method.upper()} {path}: no operation in the OpenAPI document matches this path and method"
        )
    where = f"{method.upper()} {path} ({op.method.upper()} {op.template})"
    responses = op.spec.get("responses", {})
    status = str(response.status_code) if str(response.status_code) in responses else "default"
    if status not in responses:
        documented = ", ".join(sorted(responses)) or "none"
        raise OpenAPIMismatch(
            f"{where} answered {response.status_code}, which the OpenAPI document does not "
            f"list for this operation (documented: {documented}). Body: {_excerpt(response)}"
        )
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type not in JSON_TYPES or getattr(response, "streaming", False):
        return
    declared = responses[status].get("content", {})
    documented_type = content_type if content_type in declared else "application/json"
    validator = _validator(op.template, op.method, status, documented_type)
    if validator is None:
        return
    body: Any = json.loads(response.content or b"null")
    errors = sorted(validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        lines = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:5]]
        raise OpenAPIMismatch(
            f"{where} {response.status_code}: the body does not match the documented schema:\n" + "\n".join(lines)
        )


def _excerpt(response) -> str:
    if getattr(response, "streaming", False):
        return "(streamed)"
    return response.content[:300].decode(errors="replace")


_original_request = Client.request


def _checked_request(self, **request):
    response = _original_request(self, **request)
    check_response(request.get("REQUEST_METHOD", "GET"), request.get("PATH_INFO", ""), response)
    return response


@pytest.fixture(autouse=True)
def openapi_checked_client(monkeypatch):
    """Every Django test client in the test checks API responses against the OpenAPI document."""
    monkeypatch.setattr(Client, "request", _checked_request)
