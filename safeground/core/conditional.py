"""Conditional GET for the API: ETags made of what a response read, `If-None-Match` → 304.

- A **record** (`/hazards/{code}`) has its `version` as ETag, the same one `If-Match` names for a change
  (core.versions): a client that sends it back with `If-None-Match` gets 304 while nobody changed it.
- A **list** has an ETag made of the change tokens of every table its SQL reads (core.table_versions:
  replaced after each committed write), the caller's account, the language and the full query string.
  An unchanged list then costs one small query and a 304, not a page. A list reading a table that is
  not watched gets no ETag: it is never answered from a stale token.

Responses say `Cache-Control: private, no-cache`: a browser or proxy keeps them for that user only and
asks again every time (the answer to that question is the cheap 304).
"""

from __future__ import annotations

import hashlib

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.translation import get_language

from safeground.core import table_versions
from safeground.core.features import Collection, Properties, tables_read

#: Bumped when the shape of list responses changes (a new property, another encoding): old ETags miss.
LIST_FORMAT = 1
HEADERS = {"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization, Accept-Language"}


def list_etag(request: HttpRequest, queryset: QuerySet, properties: Properties) -> str | None:
    """The ETag of a list (see the module's docstring); None when it reads an unwatched table, or
    inside an open transaction (its own writes have not replaced any change token yet)."""
    if connection.in_atomic_block:
        return None
    tables = tables_read(queryset, properties)
    if not tables or not tables <= table_versions.tracked():
        return None
    tokens = table_versions.tokens(tables)
    user = getattr(request, "user", None)
    parts = [
        str(LIST_FORMAT),
        str(getattr(user, "pk", None)),
        get_language() or "",
        request.get_full_path(),
        *(f"{t}={tokens[t]}" for t in sorted(tables)),
    ]
    return '"' + hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest() + '"'


def matches(request: HttpRequest, etag: str | None) -> bool:
    """Whether `If-None-Match` names this ETag (weak or strong: compression makes ours weak)."""
    header = request.headers.get("If-None-Match")
    if not header or etag is None:
        return False
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return _headers(response)


def _headers(response: HttpResponse | StreamingHttpResponse) -> HttpResponse | StreamingHttpResponse:
    for key, value in HEADERS.items():
        response[key] = value
    return response


def send(
    page: Collection, *, etag: str | None, content_type: str = "application/json"
) -> HttpResponse | StreamingHttpResponse:
    """A page as the response: whole (with its length) when small, streamed when large."""
    response: HttpResponse | StreamingHttpResponse
    if page.streamed:
        response = StreamingHttpResponse(page.body, content_type=content_type)
    else:
        response = HttpResponse(page.read(), content_type=content_type)
    if etag:
        response["ETag"] = etag
    return _headers(response)


def send_one(body: bytes, *, etag: str | None, status: int = 200, content_type: str = "application/json"):
    response = HttpResponse(body, status=status, content_type=content_type)
    if etag:
        response["ETag"] = etag
    return _headers(response)
