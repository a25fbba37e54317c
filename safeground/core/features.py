"""GeoJSON features at database speed: the fields a response shows, read with `values()`, and the
geometry as the GeoJSON text the database writes, spliced into the body without parsing it again.

A list or detail endpoint declares its properties once, as `Properties`: each property is an ORM
path (`"province__code"`), a `Derived` value computed from such paths, or a `Many` list of related
records' values (one extra query per page, not per row). The same declaration serves both ways:

- `collection()` / `one()` read rows as dictionaries (no model instances, no GEOS) and encode them
  with orjson: a 5,000-hazard page spent 85% of its time building instances, parsing GeoJSON into
  Python and validating it again (docs/decisions/0043);
- calling the declaration on a model instance (`properties(hazard)`) gives the same dictionary for
  the pages that already hold the record, and is the reference the tests compare the lean path with.
"""

from __future__ import annotations

import decimal
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson
from django.apps import apps
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import F, QuerySet

#: Rows per database round trip, and features per streamed chunk, of a large page.
CHUNK = 1000
#: Pages with more features than this are streamed (sent as they are read) rather than built whole.
STREAM_ABOVE = 1000
#: Decimal places of list geometries (about 1 mm). A single record's geometry keeps every digit
#: stored: it is read as GEOS and written by Python (the databases' GeoJSON rounds the last digits).
LIST_PRECISION = 8


@dataclass(frozen=True)
class Derived:
    """A property computed from other fields of the row (`needs`: their ORM paths)."""

    needs: tuple[str, ...]
    value: Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Many:
    """The values of `field` over a to-many relation (`relation`), in `field` order."""

    relation: str
    field: str = "code"

    @property
    def path(self) -> str:
        return f"{self.relation}__{self.field}"


Spec = str | Derived | Many


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    """orjson with Decimals as numbers (dates, datetimes and UUIDs it writes itself, as ISO text)."""
    return orjson.dumps(value, default=_default)


class Properties:
    """A feature's properties, declared once: `Properties(code="code", province_code="province__code", …)`."""

    def __init__(self, **spec: Spec):
        self.spec = spec

    @cached_property
    def paths(self) -> tuple[str, ...]:
        """The ORM paths `values()` reads (the `code` always: it is the feature's id)."""
        found: dict[str, None] = {"code": None}
        for spec in self.spec.values():
            if isinstance(spec, str):
                found[spec] = None
            elif isinstance(spec, Derived):
                found.update(dict.fromkeys(spec.needs))
        return tuple(found)

    @cached_property
    def many(self) -> dict[str, Many]:
        return {name: spec for name, spec in self.spec.items() if isinstance(spec, Many)}

    def of_row(self, row: Mapping[str, Any], lists: Mapping[str, Mapping[Any, list]]) -> dict[str, Any]:
        """The properties of a `values()` row (`lists`: each Many property's values by primary key)."""
        out = {}
        for name, spec in self.spec.items():
            if isinstance(spec, str):
                out[name] = row[spec]
            elif isinstance(spec, Derived):
                out[name] = spec.value(row)
            else:
                out[name] = lists[name].get(row["pk"], [])
        return out

    def __call__(self, record) -> dict[str, Any]:
        """The same properties from a model instance (its relations are followed attribute by attribute),
        as the API writes them: dates as ISO text, as the pages that show them expect."""
        row = {path: _follow(record, path) for path in self.paths}
        row["pk"] = record.pk
        lists = {name: {record.pk: _related(record, many)} for name, many in self.many.items()}
        return orjson.loads(dumps(self.of_row(row, lists)))


def _related(record, many: Many) -> list:
    values = (getattr(r, many.field) for r in getattr(record, many.relation).all())
    return sorted(v for v in values if v is not None)


def _follow(record, path: str) -> Any:
    value = record
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


def _lean(queryset: QuerySet, properties: Properties, geom, precision: int | None) -> QuerySet:
    """The queryset reduced to the properties' fields and the geometry: GeoJSON text rounded to
    `precision` decimals, or with `precision` None the stored geometry (GEOS)."""
    expression = F(geom) if isinstance(geom, str) else geom
    shape = AsGeoJSON(expression, precision=precision) if precision is not None else expression
    if queryset._prefetch_related_lookups:
        queryset = queryset.prefetch_related(None)
    return queryset.values("pk", *properties.paths, _shape=shape)


def _geometry(value) -> bytes:
    if value is None:
        return b"null"
    return value.encode() if isinstance(value, str) else value.json.encode()


def _lists(queryset: QuerySet, properties: Properties, pks: list) -> dict[str, dict[Any, list]]:
    """Each Many property's values for these rows: one query per property."""
    out: dict[str, dict[Any, list]] = {}
    for name, spec in properties.many.items():
        grouped: dict[Any, list] = defaultdict(list)
        pairs = (
            queryset.model._default_manager.filter(pk__in=pks, **{f"{spec.path}__isnull": False})
            .values_list("pk", spec.path)
            .order_by(spec.path)
        )
        for pk, value in pairs:
            grouped[pk].append(value)
        out[name] = grouped
    return out


def _features(rows: list[dict], queryset: QuerySet, properties: Properties) -> bytes:
    """Features as JSON text, comma-separated: each geometry is the database's GeoJSON, not parsed."""
    lists = _lists(queryset, properties, [r["pk"] for r in rows]) if properties.many else {}
    parts = []
    for row in rows:
        head = dumps({"type": "Feature", "id": row["code"], "properties": properties.of_row(row, lists)})
        parts.append(head[:-1] + b',"geometry":' + _geometry(row["_shape"]) + b"}")
    return b",".join(parts)


def _chunks(iterable: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Collection:
    """A FeatureCollection page: `matched` is known before the body is written; `body` yields its bytes."""

    matched: int
    streamed: bool
    body: Iterator[bytes]

    def read(self) -> bytes:
        return b"".join(self.body)


def collection(
    queryset: QuerySet,
    *,
    limit: int,
    offset: int,
    geom,
    properties: Properties,
    links: Callable[[int], list[dict]],
    extra: dict | None = None,
    precision: int = LIST_PRECISION,
) -> Collection:
    """One page of `queryset` as a GeoJSON FeatureCollection (OGC API Features paging members).

    `links(matched)` gives the page's links; `extra` adds top-level members (the OGC `timeStamp`).
    Two queries (the count and the page) plus one per Many property. A page of more than
    STREAM_ABOVE features is read and sent CHUNK at a time; its `numberReturned`, counted as it
    goes, comes after the features (a member's place in a JSON object carries no meaning)."""
    matched = queryset.count()
    head = {"type": "FeatureCollection", "numberMatched": matched}
    rows = _lean(queryset, properties, geom, precision)[offset : offset + limit]
    streamed = min(limit, matched - offset) > STREAM_ABOVE
    if not streamed:
        rows = list(rows) if offset < matched else []  # read now: numberReturned is what was read
        head["numberReturned"] = len(rows)
    head.update(extra or {})
    head["links"] = links(matched)
    opening = dumps(head)[:-1] + b',"features":['

    def body() -> Iterator[bytes]:
        yield opening
        if not streamed:
            if rows:
                yield _features(rows, queryset, properties)
            yield b"]}"
            return
        sent = 0
        for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
            yield (b"," if sent else b"") + _features(chunk, queryset, properties)
            sent += len(chunk)
        yield b'],"numberReturned":' + str(sent).encode() + b"}"

    return Collection(matched, streamed, body())


def one(queryset: QuerySet, code: str, *, geom, properties: Properties):
    """The record with this code as a GeoJSON Feature (bytes) and its row; (None, None) when there is none.
    One query, plus one per Many property."""
    rows = list(_lean(queryset.filter(code=code), properties, geom, None)[:1])
    if not rows:
        return None, None
    return _features(rows[:1], queryset, properties), rows[0]


# ------------------------------------------------------------------------------------------------
# Which tables a list reads (its ETag is made of their change tokens)
# ------------------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"(\w+)"')


def tables_read(queryset: QuerySet, properties: Properties) -> frozenset[str]:
    """The model tables a page's SQL names: the list's own, its joins and subqueries, and each Many
    property's (compiled, not run)."""
    queries = [queryset.values("pk", *properties.paths)]
    queries += [queryset.model._default_manager.values_list("pk", m.path) for m in properties.many.values()]
    names: set[str] = set()
    for query in queries:
        sql, _params = query.query.sql_with_params()
        names.update(_QUOTED.findall(sql))
    return frozenset(names) & _model_tables()


def _model_tables() -> frozenset[str]:
    global _MODEL_TABLES
    if _MODEL_TABLES is None:
        _MODEL_TABLES = frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    return _MODEL_TABLES


_MODEL_TABLES: frozenset[str] | None = None
