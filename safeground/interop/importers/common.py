"""What every kind's importer shares: column access with a per-row error list, parsing, references,
geometry parsing over whole columns, the mapping of the services' row errors, and the ledger refresh.
Codes, countries and the rules themselves are the services' (`core.codes`, `gazetteer.queries`).

Checks run over whole columns (NumPy, vectorised Shapely, one query per chunk of codes), never a query
per row; every check appends to `Rows.errors` so one report names every bad row (row, field, value, reason).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _

from safeground.core import bulk
from safeground.core.contracts import CODE_MAX, safe_code
from safeground.core.dates import PRECISION_CHOICES, parse_partial
from safeground.core.geometry import (
    GeometryError,
    as_multipolygon,
    validate_point,
    validate_polygonal,
)
from safeground.interop.reader import Mapping, Table
from safeground.landrelease.ledger import store as ledger_store

#: Above this many touched hazards the ledger is recomputed in full rather than incrementally.
LEDGER_FULL_RECOMPUTE = 300


@dataclass
class RowError:
    row: int  # 1-based feature number in the layer (for CSV/XLSX: the data row, header not counted)
    field: str
    value: str
    reason: str
    kind: str = ""  # short and stable ("no geometry", "outside country"): the report counts rows per kind

    @property
    def cause(self) -> str:
        """What the quarantine report counts rows by: the field and the kind of problem."""
        return f"{self.field}: {self.kind or self.reason}"


@dataclass
class Plan:
    """What validation produced: the rows to write (column-oriented) and how to write them."""

    kind: str
    n: int
    data: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)


class Rows:
    """Column access with the mapping applied, and the error list every check appends to."""

    def __init__(self, table: Table, mapping: Mapping):
        self.table = table
        self.mapping = mapping
        self.n = table.n
        self.errors: list[RowError] = []
        self.bad = np.zeros(self.n, dtype=bool)
        self.used: set[str] = set()
        self.repairs: dict[int, str] = {}  # row index -> what `--repair` did to it
        self.kept: list[str] = []  # the source's columns kept per record as source attributes

    def error(self, i: int, field_name: str, value: Any, reason: str, kind: str = "") -> None:
        self.errors.append(RowError(int(i) + 1, field_name, "" if value is None else str(value)[:200], reason, kind))
        self.bad[i] = True

    # -- raw columns ------------------------------------------------------------------------------

    def raw(self, name: str) -> list:
        """The column as Python values with vocabulary translation and defaults; None where empty."""
        self.used.add(name)
        col = self.table.columns.get(name)
        default = self.mapping.defaults.get(name)
        if col is None:
            return [default] * self.n
        if isinstance(col, np.ndarray) and col.dtype.kind == "M":
            values = col.astype("datetime64[D]").tolist()
        elif isinstance(col, np.ndarray) and col.dtype.kind == "f":
            values = [None if math.isnan(v) else v for v in col.tolist()]
        elif isinstance(col, np.ndarray):
            values = col.tolist()
        else:
            values = list(col)
        kinds = set(map(type, values))
        if str in kinds and (kinds != {str} or "" in values or any(map(str.isspace, values))):
            values = [None if (isinstance(v, str) and not v.strip()) else v for v in values]
        vocab = self.mapping.values.get(name)
        if vocab:
            values = [vocab.get(_key(v), v) if v is not None else None for v in values]
        if default is not None:
            values = [default if v is None else v for v in values]
        return values

    def text(self, name: str, required: bool = False, max_length: int | None = None) -> list[str | None]:
        values = self.raw(name)
        if set(map(type, values)) <= {str, type(None)}:  # text as read: no per-row checks unless one fails
            out = (
                list(map(str.strip, values))
                if _all_text(values)
                else [None if v is None else v.strip() for v in values]
            )
            too_long = max_length and max(map(len, filter(None, out)), default=0) > max_length
            if not too_long and not (required and None in out):
                return out
        out = []
        for i, v in enumerate(values):
            s = _key(v) if v is not None else None
            if s is None and required:
                self.error(i, name, v, _("required"), "required")
            elif s is not None and max_length and len(s) > max_length:
                self.error(i, name, s, _("longer than %(n)d characters") % {"n": max_length}, "too long")
            out.append(s)
        return out

    def choice(self, name: str, choices, required: bool = True, default: str | None = None) -> list[str | None]:
        allowed = [c[0] for c in choices]
        values = self.text(name, required=required and default is None)
        arr = np.array([v if v is not None else "" for v in values], dtype=object)
        known = np.isin(arr, allowed) | (arr == "")
        for i in np.flatnonzero(~known):
            self.error(
                i, name, arr[i], _("must be one of %(choices)s") % {"choices": ", ".join(allowed)}, "not a choice"
            )
        if default is not None:
            values = [default if v is None else v for v in values]
        return values

    def date(
        self, name: str, required: bool = False, future: bool = False, values: list | None = None
    ) -> list[dt.date | None]:
        """Dates; `future` allows dates after today (planned work), otherwise they are refused.
        `values`: the column already read (as `partial_date` rewrites it), else it is read here."""
        formats = self.mapping.dates
        today = dt.date(2100, 1, 1) if future else dt.date.today()
        out: list[dt.date | None] = []
        values = self.raw(name) if values is None else values
        parsed = {v: _to_date(v, formats) for v in set(values)}  # dates repeat: each distinct text parsed once
        good = {v for v, d in parsed.items() if d is not None and dt.date(1900, 1, 1) <= d <= today}
        if len(good) == len(parsed):
            return list(map(parsed.__getitem__, values))
        for i, v in enumerate(values):
            d = parsed[v]
            if v is not None and d is None:
                self.error(i, name, v, _("not a date (YYYY-MM-DD)"), "not a date")
            elif d is None and required:
                self.error(i, name, v, _("required"), "required")
            elif d is not None and not (dt.date(1900, 1, 1) <= d <= today):
                self.error(
                    i,
                    name,
                    d.isoformat(),
                    _("date out of range (1900 to %(last)s)") % {"last": today.isoformat()},
                    "date out of range",
                )
                d = None
            out.append(d)
        return out

    def partial_date(self, name: str, required: bool = False) -> tuple[list[dt.date | None], list[str]]:
        """Dates that may be known only to the month or year ("2019", "2019-06"): the period's first
        day and its precision (day, month, year), never an invented 1 January (core.dates). A
        `<name>_precision` column (SafeGround's own export) says the precision of full dates."""
        dates, precisions = self._partial_date(name, required)
        if f"{name}_precision" in self.table.columns:
            given = self.choice(f"{name}_precision", PRECISION_CHOICES, required=False)
            precisions = [g or p for g, p in zip(given, precisions, strict=True)]
        return dates, precisions

    def _partial_date(self, name: str, required: bool) -> tuple[list[dt.date | None], list[str]]:
        values = self.raw(name)
        partial = {v: parse_partial(v) for v in set(values) if v is not None and not isinstance(v, dt.date)}
        partial = {v: p for v, p in partial.items() if p is not None}
        firsts = [partial[v][0] if v in partial else v for v in values]  # the table keeps "2019" as read
        dates = self.date(name, required=required, values=firsts)
        precisions = [partial[v][1] if v in partial else "day" for v in values]
        return dates, precisions

    def integer(self, name: str, low: int | None = None, high: int | None = None, required: bool = False):
        out: list[int | None] = []
        for i, v in enumerate(self.raw(name)):
            if v is None:
                if required:
                    self.error(i, name, v, _("required"), "required")
                out.append(None)
                continue
            try:
                f = float(v)
                if not f.is_integer():
                    raise ValueError
                number = int(f)
            except (TypeError, ValueError, OverflowError):
                self.error(i, name, v, _("not a whole number"), "not a number")
                out.append(None)
                continue
            if (low is not None and number < low) or (high is not None and number > high):
                self.error(
                    i,
                    name,
                    number,
                    _("must be between %(low)s and %(high)s") % {"low": low, "high": high},
                    "out of range",
                )
            out.append(number)
        return out

    def number(self, name: str, positive: bool = False) -> list[float | None]:
        out: list[float | None] = []
        for i, v in enumerate(self.raw(name)):
            if v is None:
                out.append(None)
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                self.error(i, name, v, _("not a number"), "not a number")
                out.append(None)
                continue
            if not math.isfinite(f) or (positive and f <= 0):
                self.error(i, name, v, _("must be a positive number"), "not positive")
            out.append(f)
        return out

    def boolean(self, name: str, default: bool = False) -> list[bool]:
        out = []
        for i, v in enumerate(self.raw(name)):
            if v is None:
                out.append(default)
            elif isinstance(v, (bool, int, float)) and v in (0, 1):
                out.append(bool(v))
            elif str(v).strip().lower() in ("true", "yes", "y", "1", "t"):
                out.append(True)
            elif str(v).strip().lower() in ("false", "no", "n", "0", "f"):
                out.append(False)
            else:
                self.error(i, name, v, _("not true or false"), "not a boolean")
                out.append(default)
        return out

    def listing(self, name: str) -> list[list[str]]:
        """A list in one attribute: values separated by commas or semicolons (JSON arrays accepted)."""
        out = []
        for v in self.raw(name):
            if v is None:
                out.append([])
                continue
            s = str(v).strip().strip("[]")
            out.append([p.strip().strip("\"'") for p in re.split(r"[;,]", s) if p.strip().strip("\"'")])
        return out

    # -- references --------------------------------------------------------------------------------

    def once_in_file(self, values: list[str | None], field_name: str, duplicate: str) -> dict[str, int]:
        """Each value at most once in the file (`duplicate` is the message, with %(row)d); returns value → row."""
        seen: dict[str, int] = {}
        for i, v in enumerate(values):
            if v is None:
                continue
            if v in seen:
                self.error(i, field_name, v, duplicate % {"row": seen[v] + 1}, "duplicate")
            else:
                seen[v] = i
        return seen

    def unique_codes(
        self,
        model,
        codes: list[str | None],
        field_name: str = "code",
        db_field: str = "code",
        duplicate: str | None = None,
        exists: str | None = None,
    ) -> None:
        """Codes (or another unique field, `db_field`) must be unique in the file and new to the database."""
        if db_field == "code":  # the code alphabet (core.contracts): every code can sit in a URL
            for i, c in enumerate(codes):
                if c is not None and (len(c) > CODE_MAX or not safe_code(c)):
                    reason = _("a code is 1 to %(n)d characters of letters, digits, '-', '_' and '.'") % {"n": CODE_MAX}
                    self.error(i, field_name, c, reason, "bad code")
        seen = self.once_in_file(codes, field_name, duplicate or _("duplicate code (also on row %(row)d)"))
        for c in sorted(bulk.existing_values(model, db_field, list(seen))):
            self.error(seen[c], field_name, c, exists or _("a record with this code already exists"), "exists")

    def unused_columns(self) -> list[str]:
        return sorted(set(self.table.columns) - self.used)


def value_at(col, i: int):
    """Row i of a column as a Python value (NumPy scalars unwrapped)."""
    return col[i].item() if isinstance(col, np.ndarray) and hasattr(col[i], "item") else col[i]


def plain(value):
    """A value as JSON keeps it: dates as ISO text, NaN as null, anything unusual as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def source_attributes(rows: Rows, skip: set[str]) -> list[dict | None]:
    """Per row, the source's columns no field took (read after every other column), as they were read;
    None where a row has none. An exported `source_attributes` column (JSON) is unpacked again."""
    extra = [c for c in rows.unused_columns() if c not in skip and c != "source_attributes"]
    packed = rows.table.columns.get("source_attributes")
    rows.used.update([*extra, "source_attributes"])
    rows.kept = extra
    out: list[dict | None] = []
    for i in range(rows.n):
        found = {c: plain(value_at(rows.table.columns[c], i)) for c in extra}
        found = {c: v for c, v in found.items() if v not in (None, "")}
        if packed is not None and value_at(packed, i):
            try:
                found = {**json.loads(value_at(packed, i)), **found}
            except (TypeError, ValueError):
                found["source_attributes"] = plain(value_at(packed, i))
        out.append(found or None)
    return out


def provenance(rows: Rows, model, skip: set[str] = frozenset()) -> dict[str, list]:
    """`source_id` and `source_attributes` columns for a kind written as new records only (every kind
    but hazards, whose re-import updates): a source ID must be new to the file and to the database.
    Call it after every other column is read (the attributes are the columns left)."""
    ids = rows.text("source_id", max_length=100)
    rows.unique_codes(
        model,
        ids,
        "source_id",
        "source_id",
        duplicate=_("duplicate source_id (also on row %(row)d)"),
        exists=_("a record with this source_id already exists (only hazards are updated by a re-import)"),
    )
    return {"source_id": ids, "source_attributes": source_attributes(rows, skip)}


def _key(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _all_text(values: list) -> bool:
    """Whether every value is a str (checked in C: the cheap paths above then apply)."""
    return bool(values) and type(values[0]) is str and set(map(type, values)) == {str}


def _to_date(v, formats: list[str]) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        pass
    for fmt in [*formats, "%Y/%m/%d"]:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


# ------------------------------------------------------------------------------------------------
# Geometry: the services' rules, applied over whole columns
# ------------------------------------------------------------------------------------------------


def geometry_column(rows: Rows) -> np.ndarray:
    geoms = rows.table.geoms
    if geoms is None:
        geoms = np.full(rows.n, None, dtype=object)
    for i, reason in rows.table.geometry_errors.items():
        rows.error(i, "geometry", "", reason, "unreadable")
    return geoms


def polygonal_part(geom):
    """The polygonal part of a repaired geometry (make_valid may return a collection with lines)."""
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in getattr(geom, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.MultiPolygon()
    return shapely.union_all(parts)


def polygons(rows: Rows, what: str, repair: bool) -> np.ndarray:
    """Validate polygon geometries (validate_polygonal); with `repair`, make invalid ones valid first."""
    geoms = geometry_column(rows)
    out = np.full(rows.n, None, dtype=object)
    for i, g in enumerate(geoms):
        if i in rows.table.geometry_errors:
            continue
        if g is None:
            rows.error(i, "geometry", "", _("no geometry"), "no geometry")
            continue
        out[i] = _polygon(rows, i, g, what, repair)
    return out


def _polygon(rows: Rows, i: int, g, what: str, repair: bool):
    """One row's polygon, validated (repaired first with `repair`) as a MultiPolygon; None with an error."""
    if repair and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_valid:
        rows.repairs[i] = f"made valid ({shapely.is_valid_reason(g).split('[')[0]})"  # kept in the history
        g = polygonal_part(shapely.make_valid(g))
    try:
        validate_polygonal(g, what)
    except GeometryError as exc:
        rows.error(i, "geometry", location(exc), str(exc), exc.reason)
        return None
    return as_multipolygon(g)


def polygons_or_points(rows: Rows, what: str, repair: bool) -> np.ndarray:
    """A layer whose rows may be polygons or points (hazards: a GeoPackage layer of type Unknown, a CSV
    with a WKT column or coordinate columns): polygons as in `polygons` (MultiPolygons), points
    validated as points. A multipoint of one point (how some tools write a point layer) is its point."""
    geoms = geometry_column(rows)
    out = np.full(rows.n, None, dtype=object)
    for i, g in enumerate(geoms):
        if i in rows.table.geometry_errors:
            continue
        if g is None:
            rows.error(i, "geometry", "", _("no geometry"), "no geometry")
            continue
        if g.geom_type == "MultiPoint" and len(g.geoms) == 1:
            g = g.geoms[0]
        if g.geom_type == "Point":
            try:
                validate_point(g, what)
            except GeometryError as exc:
                rows.error(i, "geometry", location(exc), str(exc), exc.reason)
                continue
            out[i] = g
        elif g.geom_type in ("Polygon", "MultiPolygon") or g.is_empty:
            out[i] = _polygon(rows, i, g, what, repair)
        else:
            message = _("%(what)s must be a Polygon, MultiPolygon or Point, not %(kind)s") % {
                "what": what,
                "kind": g.geom_type,
            }
            rows.error(i, "geometry", g.geom_type, message, "type")
    return out


def points(rows: Rows, what: str, required: bool = True) -> np.ndarray:
    """Validated points; a row without one is an error unless not `required` (then None)."""
    geoms = geometry_column(rows)
    out = np.full(rows.n, None, dtype=object)
    kinds = shapely.get_type_id(geoms)
    # Fast path: well-formed points (the million-device case); anything else gets the full message.
    ok = kinds == 0
    if ok.any():
        xs, ys = shapely.get_x(geoms[ok]), shapely.get_y(geoms[ok])
        in_range = (xs >= -180) & (xs <= 180) & (ys >= -90) & (ys <= 90) & np.isfinite(xs) & np.isfinite(ys)
        idx = np.flatnonzero(ok)
        good = idx[in_range]
        out[good] = geoms[good]
        ok[idx[~in_range]] = False
    for i in np.flatnonzero(~ok):
        if i in rows.table.geometry_errors:
            continue
        if geoms[i] is None:
            if required:
                rows.error(i, "geometry", "", _("no geometry"), "no geometry")
            continue
        try:
            validate_point(geoms[i], what)
            out[i] = geoms[i]
        except GeometryError as exc:
            rows.error(i, "geometry", location(exc), str(exc), exc.reason)
    return out


def location(exc: GeometryError) -> str:
    return f"{exc.location[0]:.6f} {exc.location[1]:.6f}" if exc.location else exc.reason


# ------------------------------------------------------------------------------------------------
# The import's context, history and ledger
# ------------------------------------------------------------------------------------------------


@dataclass
class Context:
    """Who imports, why (the history reason) and whether invalid polygons may be repaired."""

    repair: bool = False
    user: Any = None
    reason: str = "import"
    source: str = ""  # the file's name, recorded on the batch
    orphans: str = "refuse"  # products that overlap no hazard: refuse, outside or historical-hazard


def add_bulk_errors(rows: Rows, errors, row_of: list[int] | None = None, fields: dict[str, str] | None = None) -> None:
    """Add a bulk service's errors to the report: rows mapped to file rows (`row_of`), fields renamed.

    A field the parsing already reported for that row (e.g. "not a date", then "required") is not repeated.
    """
    fields = fields or {}
    reported = {(e.row, e.field) for e in rows.errors}
    for e in errors:
        i = row_of[e.row - 1] if row_of is not None else e.row - 1
        name = fields.get(e.field, e.field)
        if (i + 1, name) not in reported:
            rows.error(i, name, e.value or None, e.reason, e.kind)
            reported.add((i + 1, name))


def refresh_ledger(hazard_ids: set, extra_geoms=()) -> str:
    """Bring the touched hazards' ledger up to date (in full above LEDGER_FULL_RECOMPUTE hazards)."""
    if not hazard_ids:
        return ""
    if len(hazard_ids) > LEDGER_FULL_RECOMPUTE:
        n = ledger_store.recompute_all()
        return _("land release ledger recomputed for all %(n)d hazards") % {"n": n}
    touched = ledger_store.refresh(hazard_ids, extra_geoms=extra_geoms)
    return _("land release ledger refreshed for %(n)d hazard(s)") % {"n": len(touched)}
