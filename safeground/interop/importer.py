"""Importing records from a layer: set-based validation with a per-row error report, then bulk writes.

One kind per layer (hazards, products, devices, activities, places). Every row is checked before
anything is written — choices, dates, references to other records by code, duplicate codes, and
geometry through the same rules as the services (`validate_polygonal`, `check_inside_country`) —
and the import is all or nothing: one bad row and nothing is written; the report names every bad
row (row, field, value, reason). Checks run over whole columns (NumPy, vectorised Shapely, one
query per chunk of codes), never a query per row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core.geojson import to_geos
from safeground.core.geometry import (
    GeometryError,
    areas_m2,
    as_multipolygon,
    utm_epsg_for,
    validate_point,
    validate_polygonal,
)
from safeground.gazetteer.models import AdminArea, Place
from safeground.gazetteer.queries import _admin_index, check_inside_country, countries, country_outline, locate
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.interop import bulk
from safeground.interop.reader import Mapping, Table
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.operations.models import METHOD_CHOICES, Activity
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel
from safeground.organisations.models import Organisation, Team

KINDS = ("hazards", "activities", "products", "devices", "places")
#: The permission an account needs to import each kind (API and page).
IMPORT_PERMISSION = {
    "hazards": "hazards.add_hazard",
    "activities": "operations.add_activity",
    "products": "landrelease.add_product",
    "devices": "landrelease.add_device",
    "places": "gazetteer.add_place",
}
COUNTRY_PREFIX = {"KHM": "KH", "AZE": "AZ"}
ACTIVITY_TYPE_CODES = {"nts": "NTS", "ts": "TS", "clearance": "CLR", "bac": "BAC", "eod": "EOD"}
#: A product with no hazard is split among the hazards it overlaps by at least this much (m²).
MIN_SPLIT_M2 = 1.0
#: Above this many touched hazards the ledger is recomputed in full rather than incrementally.
LEDGER_FULL_RECOMPUTE = 300
CHUNK = 900  # codes per IN (...) query: under SQLite's default variable limit


@dataclass
class RowError:
    row: int  # 1-based feature number in the layer (for CSV/XLSX: the data row, header not counted)
    field: str
    value: str
    reason: str


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

    def error(self, i: int, field_name: str, value: Any, reason: str) -> None:
        self.errors.append(RowError(int(i) + 1, field_name, "" if value is None else str(value)[:200], reason))
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
        values = [None if (isinstance(v, str) and not v.strip()) else v for v in values]
        vocab = self.mapping.values.get(name)
        if vocab:
            values = [vocab.get(_key(v), v) if v is not None else None for v in values]
        if default is not None:
            values = [default if v is None else v for v in values]
        return values

    def text(self, name: str, required: bool = False, max_length: int | None = None) -> list[str | None]:
        out = []
        for i, v in enumerate(self.raw(name)):
            s = _key(v) if v is not None else None
            if s is None and required:
                self.error(i, name, v, _("required"))
            elif s is not None and max_length and len(s) > max_length:
                self.error(i, name, s, _("longer than %(n)d characters") % {"n": max_length})
            out.append(s)
        return out

    def choice(self, name: str, choices, required: bool = True, default: str | None = None) -> list[str | None]:
        allowed = [c[0] for c in choices]
        values = self.text(name, required=required and default is None)
        arr = np.array([v if v is not None else "" for v in values], dtype=object)
        known = np.isin(arr, allowed) | (arr == "")
        for i in np.flatnonzero(~known):
            self.error(i, name, arr[i], _("must be one of %(choices)s") % {"choices": ", ".join(allowed)})
        if default is not None:
            values = [default if v is None else v for v in values]
        return values

    def date(self, name: str, required: bool = False, future: bool = False) -> list[dt.date | None]:
        """Dates; `future` allows dates after today (planned work), otherwise they are refused."""
        formats = self.mapping.dates
        today = dt.date(2100, 1, 1) if future else dt.date.today()
        out: list[dt.date | None] = []
        for i, v in enumerate(self.raw(name)):
            d = _to_date(v, formats)
            if v is not None and d is None:
                self.error(i, name, v, _("not a date (YYYY-MM-DD)"))
            elif d is None and required:
                self.error(i, name, v, _("required"))
            elif d is not None and not (dt.date(1900, 1, 1) <= d <= today):
                self.error(
                    i, name, d.isoformat(), _("date out of range (1900 to %(last)s)") % {"last": today.isoformat()}
                )
                d = None
            out.append(d)
        return out

    def integer(self, name: str, low: int | None = None, high: int | None = None, required: bool = False):
        out: list[int | None] = []
        for i, v in enumerate(self.raw(name)):
            if v is None:
                if required:
                    self.error(i, name, v, _("required"))
                out.append(None)
                continue
            try:
                f = float(v)
                if not f.is_integer():
                    raise ValueError
                number = int(f)
            except (TypeError, ValueError, OverflowError):
                self.error(i, name, v, _("not a whole number"))
                out.append(None)
                continue
            if (low is not None and number < low) or (high is not None and number > high):
                self.error(i, name, number, _("must be between %(low)s and %(high)s") % {"low": low, "high": high})
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
                self.error(i, name, v, _("not a number"))
                out.append(None)
                continue
            if not math.isfinite(f) or (positive and f <= 0):
                self.error(i, name, v, _("must be a positive number"))
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
                self.error(i, name, v, _("not true or false"))
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

    def reference(self, name: str, values: list[str | None], lookup: dict, what: str) -> list:
        out = []
        for i, v in enumerate(values):
            if v is None:
                out.append(None)
            elif v in lookup:
                out.append(lookup[v])
            else:
                self.error(i, name, v, _("no %(what)s with this code") % {"what": what})
                out.append(None)
        return out

    def unique_codes(self, model, codes: list[str | None], field_name: str = "code") -> None:
        """Codes must be unique in the file and new to the database."""
        seen: dict[str, int] = {}
        for i, c in enumerate(codes):
            if c is None:
                continue
            if c in seen:
                self.error(i, field_name, c, _("duplicate code (also on row %(row)d)") % {"row": seen[c] + 1})
            else:
                seen[c] = i
        existing = existing_values(model, "code", list(seen))
        for c in sorted(existing):
            self.error(seen[c], field_name, c, _("a record with this code already exists"))

    def unused_columns(self) -> list[str]:
        return sorted(set(self.table.columns) - self.used)


def _key(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


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


def existing_values(model, field_name: str, values: list) -> set:
    """Which of `values` already exist in `model.field_name` (one query per chunk)."""
    found: set = set()
    values = [v for v in values if v is not None]
    if connection.vendor == "postgresql" and values:
        # One array parameter instead of thousands of placeholders.
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field(field_name).column)
        with connection.cursor() as cursor:
            for start in range(0, len(values), 200_000):
                cursor.execute(
                    f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)", [values[start : start + 200_000]]
                )
                found.update(r[0] for r in cursor.fetchall())
        return found
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(model.objects.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


def lookup(model, key: str, values, *fields: str) -> dict:
    """{key value: row values} for the distinct `values` present (one query per chunk)."""
    wanted = sorted({v for v in values if v is not None})
    out: dict = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in model.objects.filter(**{f"{key}__in": chunk}).values_list(key, *fields):
            out[row[0]] = row[1:] if len(fields) > 1 else row[1]
    return out


# ------------------------------------------------------------------------------------------------
# Geometry: the services' rules, applied over whole columns
# ------------------------------------------------------------------------------------------------


def _geometry_column(rows: Rows) -> np.ndarray:
    geoms = rows.table.geoms
    if geoms is None:
        geoms = np.full(rows.n, None, dtype=object)
    for i, reason in rows.table.geometry_errors.items():
        rows.error(i, "geometry", "", reason)
    return geoms


def _polygonal_part(geom):
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
    geoms = _geometry_column(rows)
    out = np.full(rows.n, None, dtype=object)
    for i, g in enumerate(geoms):
        if i in rows.table.geometry_errors:
            continue
        if g is None:
            rows.error(i, "geometry", "", _("no geometry"))
            continue
        if repair and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_valid:
            g = _polygonal_part(shapely.make_valid(g))
        try:
            validate_polygonal(g, what)
        except GeometryError as exc:
            rows.error(i, "geometry", _location(exc), str(exc))
            continue
        out[i] = as_multipolygon(g)
    return out


def points(rows: Rows, what: str) -> np.ndarray:
    geoms = _geometry_column(rows)
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
            rows.error(i, "geometry", "", _("no geometry"))
            continue
        try:
            validate_point(geoms[i], what)
            out[i] = geoms[i]
        except GeometryError as exc:
            rows.error(i, "geometry", _location(exc), str(exc))
    return out


def _location(exc: GeometryError) -> str:
    return f"{exc.location[0]:.6f} {exc.location[1]:.6f}" if exc.location else exc.reason


def settle_countries(rows: Rows, geoms: np.ndarray, given: list[str | None], what: str) -> list[str | None]:
    """Each geometry's country (the one holding its representative point); must match a given one.

    Then the border rule: anything reaching more than the tolerance beyond the border is refused
    (check_inside_country), tested only for geometries the outline doesn't simply contain.
    """
    present = np.array([g is not None for g in geoms], dtype=bool)
    found = np.full(rows.n, None, dtype=object)
    iso3s = countries()
    if present.any():
        reps = shapely.point_on_surface(geoms[present])
        idx = np.flatnonzero(present)
        for iso3 in iso3s:
            outline = country_outline(iso3)
            if outline is None:
                continue
            hit = shapely.contains(outline, reps) & (found[idx] == None)  # noqa: E711 - elementwise
            found[idx[hit]] = iso3
    out: list[str | None] = []
    for i in range(rows.n):
        want, got = given[i], found[i]
        if not present[i]:
            out.append(want)
            continue
        if want and want not in iso3s:
            rows.error(i, "country", want, _("unknown country; the gazetteer has %(c)s") % {"c": ", ".join(iso3s)})
            out.append(None)
            continue
        if want and got and want != got:
            rows.error(
                i,
                "geometry",
                want,
                _("%(what)s lies in %(got)s, not in %(want)s") % {"what": what, "got": got, "want": want},
            )
            out.append(None)
            continue
        country = want or got
        if country is None:
            rows.error(
                i,
                "geometry",
                "",
                _("%(what)s lies outside every country in the gazetteer; check the coordinates and the CRS")
                % {"what": what},
            )
        out.append(country)
    # Border rule, vectorised first: rows fully inside their outline need no further test.
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(out):
        if c and present[i] and not rows.bad[i]:
            by_country[c].append(i)
    for iso3, idx in by_country.items():
        outline = country_outline(iso3)
        arr = np.array(idx)
        g = geoms[arr]
        if all(x.geom_type == "Point" for x in g[:1]):
            inside = shapely.contains_xy(outline, shapely.get_x(g), shapely.get_y(g))
        else:
            inside = shapely.contains(outline, g)
        for i in arr[~inside]:
            try:
                check_inside_country(geoms[i], iso3, what)
            except GeometryError as exc:
                rows.error(i, "geometry", _location(exc), str(exc))
    return out


# ------------------------------------------------------------------------------------------------
# Codes
# ------------------------------------------------------------------------------------------------


class CodeAllocator:
    """Next free `<stem>-<KIND>-<n>` codes, reading the highest number per stem in one query per stem."""

    def __init__(self, model, kind: str, width: int, taken: set[str]):
        self.model, self.kind, self.width = model, kind, width
        self.taken = taken
        self.next: dict[str, int] = {}

    def prime(self, stems: set[str], existing: list[str] | None = None) -> None:
        """Read the highest number of each stem: from `existing` codes if given, else one query per stem."""
        pattern = re.compile(r"^(.*)-" + re.escape(self.kind) + r"-(\d+)$")
        highest: dict[str, int] = {}
        if existing is None:
            existing = []
            for stem in stems:
                existing += list(
                    self.model.objects.filter(code__startswith=f"{stem}-{self.kind}-").values_list("code", flat=True)
                )
        for code in list(existing) + list(self.taken):
            m = pattern.match(code)
            if m and m.group(1) in stems:
                highest[m.group(1)] = max(highest.get(m.group(1), 0), int(m.group(2)))
        for stem in stems:
            self.next[stem] = highest.get(stem, 0) + 1

    def code(self, stem: str) -> str:
        n = self.next.get(stem, 1)
        while True:
            code = f"{stem}-{self.kind}-{n:0{self.width}d}"
            n += 1
            if code not in self.taken:
                self.next[stem] = n
                self.taken.add(code)
                return code


# ------------------------------------------------------------------------------------------------
# Kinds
# ------------------------------------------------------------------------------------------------


@dataclass
class Context:
    repair: bool = False
    user: Any = None
    reason: str = "import"


def validate(kind: str, table: Table, mapping: Mapping, ctx: Context, progress) -> tuple[Plan, Rows]:
    rows = Rows(table, mapping)
    plan = VALIDATORS[kind](rows, ctx, progress)
    return plan, rows


def _hazards(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking hazards"), rows.n)
    codes = rows.text("code", max_length=40)
    name = rows.text("name", max_length=200)
    hazard_class = rows.choice("hazard_class", Hazard.CLASS_CHOICES)
    status = rows.choice("status", Hazard.STATUS_CHOICES, default="open")
    contamination = rows.choice("contamination_type", CONTAMINATION_CHOICES)
    recorded_on = rows.date("recorded_on", required=True)
    changed_on = rows.date("status_changed_on")
    for i, (a, b) in enumerate(zip(recorded_on, changed_on, strict=True)):
        if a and b and b < a:
            rows.error(i, "status_changed_on", b, _("before recorded_on (%(d)s)") % {"d": a})
    orgs_given = rows.text("reporting_organisation")
    orgs = rows.reference(
        "reporting_organisation", orgs_given, lookup(Organisation, "acronym", orgs_given, "id"), _("organisation")
    )
    models_given = rows.listing("suspected_models")
    known_models = lookup(OrdnanceModel, "name", [m for ms in models_given for m in ms], "id")
    for i, ms in enumerate(models_given):
        missing = [m for m in ms if m not in known_models]
        if missing:
            rows.error(i, "suspected_models", ", ".join(missing), _("unknown ordnance model(s)"))
    bx, by = rows.number("benchmark_lon"), rows.number("benchmark_lat")
    benchmarks: list = [None] * rows.n
    for i, (x, y) in enumerate(zip(bx, by, strict=True)):
        if x is None and y is None:
            continue
        try:
            if x is None or y is None:
                raise GeometryError(_("benchmark needs both benchmark_lon and benchmark_lat"), reason="missing")
            benchmarks[i] = shapely.Point(x, y)
            validate_point(benchmarks[i], "benchmark")
        except GeometryError as exc:
            rows.error(i, "benchmark_lon", f"{x} {y}", str(exc))
    synthetic = rows.boolean("is_synthetic")
    given_country = rows.text("country")
    geoms = polygons(rows, _("hazard geometry"), ctx.repair)
    country = settle_countries(rows, geoms, given_country, _("hazard geometry"))
    rows.unique_codes(Hazard, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("hazards", rows.n)
    if rows.bad.any():
        return plan
    locations: list = [None] * rows.n
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(country):
        by_country[c].append(i)
    for c, idx in by_country.items():
        for i, where in zip(idx, locate(list(geoms[idx]), c), strict=True):
            locations[i] = where
    province_codes = dict(AdminArea.objects.filter(level=1).values_list("id", "code"))
    stems = {}
    for i in range(rows.n):
        if codes[i] is None:
            pid = locations[i].province_id
            stems[i] = province_codes.get(pid) if pid else COUNTRY_PREFIX.get(country[i], country[i])
    alloc = CodeAllocator(Hazard, "HAZ", 6, {c for c in codes if c})
    alloc.prime(set(stems.values()))
    for i, stem in stems.items():
        codes[i] = alloc.code(stem)
    plan.codes = codes
    plan.data = dict(
        code=codes,
        name=[v or "" for v in name],
        hazard_class=hazard_class,
        status=status,
        contamination_type=contamination,
        recorded_on=recorded_on,
        status_changed_on=[b or a for a, b in zip(recorded_on, changed_on, strict=True)],
        reporting_organisation_id=orgs,
        geom=geoms,
        benchmark=benchmarks,
        country=country,
        locations=locations,
        area_m2=areas_m2(geoms),
        utm_epsg=[utm_epsg_for(g) for g in geoms],
        is_synthetic=synthetic,
    )
    plan.extra["models"] = [[known_models[m] for m in ms] for ms in models_given]
    return plan


def _activities(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking activities"), rows.n)
    codes = rows.text("code", max_length=40)
    activity_type = rows.choice("activity_type", Activity.TYPE_CHOICES)
    status = rows.choice("status", Activity.STATUS_CHOICES, default="planned")
    org_given = rows.text("organisation", required=True)
    orgs = rows.reference(
        "organisation", org_given, lookup(Organisation, "acronym", org_given, "id"), _("organisation")
    )
    methods = rows.listing("methods")
    allowed = {c[0] for c in METHOD_CHOICES}
    for i, ms in enumerate(methods):
        bad = [m for m in ms if m not in allowed]
        if bad:
            rows.error(i, "methods", ", ".join(bad), _("must be among %(c)s") % {"c": ", ".join(sorted(allowed))})
    teams_given = rows.listing("teams")
    team_ids = lookup(Team, "code", [t for ts in teams_given for t in ts], "id")
    hazards_given = rows.listing("hazard_codes")
    hazard_ids = lookup(Hazard, "code", [h for hs in hazards_given for h in hs], "id")
    for name, given, known in (("teams", teams_given, team_ids), ("hazard_codes", hazards_given, hazard_ids)):
        for i, values in enumerate(given):
            missing = [v for v in values if v not in known]
            if missing:
                rows.error(i, name, ", ".join(missing), _("unknown code(s)"))
    start = rows.date("start_date", required=True, future=True)
    end = rows.date("end_date", future=True)
    for i, (a, b) in enumerate(zip(start, end, strict=True)):
        if a and b and b < a:
            rows.error(i, "end_date", b, _("before start_date (%(d)s)") % {"d": a})
    synthetic = rows.boolean("is_synthetic")
    geoms = points(rows, _("reference point"))
    country = settle_countries(rows, geoms, rows.text("country"), _("reference point"))
    rows.unique_codes(Activity, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("activities", rows.n)
    if rows.bad.any():
        return plan
    stems = {}
    by_country: dict[str, list[int]] = defaultdict(list)
    for i in range(rows.n):
        if codes[i] is None:
            by_country[country[i]].append(i)
    province_codes = dict(AdminArea.objects.filter(level=1).values_list("id", "code"))
    for c, idx in by_country.items():
        for i, where in zip(idx, locate(list(geoms[idx]), c), strict=True):
            prefix = province_codes.get(where.province_id) or COUNTRY_PREFIX.get(c, c)
            stems[i] = (prefix, ACTIVITY_TYPE_CODES[activity_type[i]])
    for type_code in {s[1] for s in stems.values()}:
        alloc = CodeAllocator(Activity, type_code, 6, {c for c in codes if c})
        alloc.prime({s[0] for s in stems.values() if s[1] == type_code})
        for i, s in stems.items():
            if s[1] == type_code:
                codes[i] = alloc.code(s[0])
    plan.codes = codes
    plan.data = dict(
        code=codes,
        activity_type=activity_type,
        status=status,
        organisation_id=orgs,
        methods=methods,
        reference_point=geoms,
        country=country,
        start_date=start,
        end_date=end,
        is_synthetic=synthetic,
    )
    plan.extra["teams"] = [[team_ids[t] for t in ts] for ts in teams_given]
    plan.extra["hazards"] = [[hazard_ids[h] for h in hs] for hs in hazards_given]
    return plan


def _split(product, candidates: list[tuple]) -> list[tuple]:
    """Partition a product among the hazards it overlaps: [(hazard id, code, piece)], largest first.

    Ground inside several hazards goes to the first (largest overlap); ground outside every hazard
    stays with the first piece, so no released ground is lost (the ledger reports it as outside).
    """
    scored = []
    for hid, code, country, hgeom in candidates:
        inter = _polygonal_part(shapely.intersection(product, hgeom))
        area = areas_m2([inter])[0] if inter is not None and not inter.is_empty else 0.0
        if area >= MIN_SPLIT_M2:
            scored.append((area, code, hid, country, hgeom))
    scored.sort(key=lambda s: (-s[0], s[1]))
    if not scored:
        return []
    pieces = []
    claimed = None
    for _area, code, hid, country, hgeom in scored[1:]:
        piece = _polygonal_part(shapely.intersection(product, hgeom))
        if claimed is not None:
            piece = _polygonal_part(shapely.difference(piece, claimed))
        claimed = hgeom if claimed is None else shapely.union(claimed, hgeom)
        if piece is not None and not piece.is_empty and areas_m2([piece])[0] >= MIN_SPLIT_M2:
            pieces.append((hid, code, country, piece))
    first = product
    if pieces:
        first = _polygonal_part(shapely.difference(product, shapely.union_all([p[3] for p in pieces])))
    _a, code, hid, country, _g = scored[0]
    return [(hid, code, country, first)] + pieces


def _products(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking products"), rows.n)
    codes = rows.text("code", max_length=40)
    outcome = rows.choice("outcome", Product.OUTCOME_CHOICES)
    released_on = rows.date("released_on", required=True)
    depth = rows.integer("clearance_depth_cm", 1, 500)
    for i, (o, d) in enumerate(zip(outcome, depth, strict=True)):
        if o == "cleared" and d is None:
            rows.error(i, "clearance_depth_cm", "", _("required when the outcome is cleared"))
    reported = rows.number("reported_area_m2", positive=True)
    act_given = rows.text("activity_code", required=True)
    acts = rows.reference("activity_code", act_given, lookup(Activity, "code", act_given, "id"), _("activity"))
    hz_given = rows.text("hazard_code")
    hz_rows = lookup(Hazard, "code", hz_given, "id", "country")
    hz = rows.reference("hazard_code", hz_given, hz_rows, _("hazard"))
    synthetic = rows.boolean("is_synthetic")
    geoms = polygons(rows, _("product geometry"), ctx.repair)
    # Products without a hazard: split among the hazards they overlap (one query for all of them).
    pieces: list[list[tuple]] = [[] for _ in range(rows.n)]
    orphans = [i for i in range(rows.n) if hz_given[i] is None and geoms[i] is not None]
    if orphans:
        envelope = shapely.box(*shapely.total_bounds(geoms[orphans]))
        cand = list(
            Hazard.objects.filter(geom__intersects=to_geos(envelope))
            .annotate(wkb=AsWKB("geom"))
            .values_list("id", "code", "country", "wkb")
        )
        cand_geoms = shapely.from_wkb([bytes(c[3]) for c in cand]) if cand else np.array([], dtype=object)
        tree = shapely.STRtree(cand_geoms) if cand else None
        for i in orphans:
            near = tree.query(geoms[i], predicate="intersects") if tree is not None else []
            split = _split(geoms[i], [(cand[j][0], cand[j][1], cand[j][2], cand_geoms[j]) for j in sorted(near)])
            if not split:
                rows.error(i, "hazard_code", "", _("the product overlaps no hazard; give hazard_code"))
            pieces[i] = split
    for i in range(rows.n):
        if hz[i] is not None and geoms[i] is not None:
            pieces[i] = [(hz[i][0], hz_given[i], hz[i][1], geoms[i])]
    # Each piece must lie inside its hazard's country (the services' border rule).
    flat = [(i, p) for i in range(rows.n) for p in pieces[i]]
    if flat:
        check = np.array([as_multipolygon(p[3]) for _i, p in flat], dtype=object)
        sub = Rows(rows.table, rows.mapping)
        sub.n = len(flat)
        sub.bad = np.zeros(len(flat), dtype=bool)
        settle_countries(sub, check, [p[2] for _i, p in flat], _("product geometry"))
        for e in sub.errors:
            i = flat[e.row - 1][0]
            rows.error(i, e.field, e.value, e.reason)
    rows.unique_codes(Product, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("products", rows.n)
    if rows.bad.any():
        return plan
    out: dict[str, list] = defaultdict(list)
    taken = {c for c in codes if c}
    hazard_codes = {p[0]: p[1] for ps in pieces for p in ps}
    existing = [c for c in Product.objects.filter(hazard_id__in=list(hazard_codes)).values_list("code", flat=True)]
    alloc = CodeAllocator(Product, "LR", 3, taken)
    alloc.prime(set(hazard_codes.values()), existing=existing)
    split_notes = 0
    for i in range(rows.n):
        for k, (hid, hcode, _country, piece) in enumerate(pieces[i]):
            if codes[i] and len(pieces[i]) == 1:
                code = codes[i]
            elif codes[i]:
                code = f"{codes[i]}-{k + 1}"
                if code in taken or code in existing_values(Product, "code", [code]):
                    code = alloc.code(hcode)
                taken.add(code)
            else:
                code = alloc.code(hcode)
            split_notes += len(pieces[i]) > 1
            out["code"].append(code)
            out["activity_id"].append(acts[i])
            out["hazard_id"].append(hid)
            out["outcome"].append(outcome[i])
            out["geom"].append(as_multipolygon(piece))
            out["released_on"].append(released_on[i])
            out["clearance_depth_cm"].append(depth[i])
            out["reported_area_m2"].append(reported[i] if len(pieces[i]) == 1 else None)
            out["is_synthetic"].append(synthetic[i])
            out["row"].append(i)
    out["area_m2"] = areas_m2(np.array(out["geom"], dtype=object))
    plan.data = dict(out)
    plan.codes = out["code"]
    if split_notes:
        plan.extra["note"] = _("%(n)d product(s) without a hazard were split among the hazards they overlap") % {
            "n": len({i for i in out["row"] if len(pieces[i]) > 1})
        }
    return plan


def _devices(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking devices"), rows.n)
    codes = rows.text("code", max_length=40)
    category = rows.text("category")
    model_given = rows.text("model")
    models = lookup(OrdnanceModel, "name", model_given, "id", "category")
    model_ids = rows.reference("model", model_given, models, _("ordnance model"))
    # A missing category is the model's own.
    category = [c if c is not None else (m[1] if m else None) for c, m in zip(category, model_ids, strict=True)]
    model_ids = [m[0] if m else None for m in model_ids]
    allowed = [c[0] for c in CATEGORY_CHOICES]
    cat_arr = np.array([c or "" for c in category], dtype=object)
    for i in np.flatnonzero(~np.isin(cat_arr, allowed)):
        rows.error(i, "category", cat_arr[i] or None, _("must be one of %(c)s") % {"c": ", ".join(allowed)})
    condition = rows.choice("condition", Device.CONDITION_CHOICES, default="unknown")
    disposal = rows.choice("disposal", Device.DISPOSAL_CHOICES)
    depth = rows.integer("depth_cm", 0, 32767)
    found_on = rows.date("found_on", required=True)
    count = rows.integer("count", 1, 2**31 - 1)
    count = [1 if c is None else c for c in count]
    prod_given = rows.text("product_code")
    prods = lookup(Product, "code", prod_given, "id", "hazard__country", "hazard_id", "activity_id")
    prod = rows.reference("product_code", prod_given, prods, _("product"))
    act_given = rows.text("activity_code")
    acts = lookup(Activity, "code", act_given, "id", "country")
    act = rows.reference("activity_code", act_given, acts, _("activity"))
    for i in range(rows.n):
        if prod_given[i] is None and act_given[i] is None:
            rows.error(i, "product_code", "", _("a device needs a product_code or an activity_code"))
    synthetic = rows.boolean("is_synthetic")
    geoms = points(rows, _("device position"))
    country = [p[1] if p else (a[1] if a else None) for p, a in zip(prod, act, strict=True)]
    settle_countries(rows, geoms, country, _("device position"))
    rows.unique_codes(Device, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("devices", rows.n)
    if rows.bad.any():
        return plan
    missing = [i for i in range(rows.n) if codes[i] is None]
    if missing:
        stems = {i: prod_given[i] or act_given[i] for i in missing}
        prod_ids = sorted({prod[i][0] for i in missing if prod[i]})
        act_ids = sorted({act[i][0] for i in missing if not prod[i] and act[i]})
        existing: list[str] = []
        for fk, ids in (("product_id", prod_ids), ("activity_id", act_ids)):
            for start in range(0, len(ids), CHUNK):
                existing += list(
                    Device.objects.filter(**{f"{fk}__in": ids[start : start + CHUNK]}).values_list("code", flat=True)
                )
        alloc = CodeAllocator(Device, "EO", 3, {c for c in codes if c})
        alloc.prime(set(stems.values()), existing=existing)
        for i in missing:
            codes[i] = alloc.code(stems[i])
    plan.codes = codes
    plan.data = dict(
        code=codes,
        product=[p[0] if p else None for p in prod],
        activity=[a[0] if a else (p[2] if p else None) for a, p in zip(act, prod, strict=True)],
        point=geoms,
        category=category,
        model=model_ids,
        condition=condition,
        depth_cm=depth,
        disposal=disposal,
        found_on=found_on,
        count=count,
        is_synthetic=synthetic,
    )
    plan.extra["hazard_of"] = [p[1] if p else None for p in prod]
    return plan


def _places(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking places"), rows.n)
    codes = rows.text("code", required=True, max_length=20)
    names = rows.text("name", required=True, max_length=200)
    kind = rows.choice("kind", Place.KIND_CHOICES)
    geoms = points(rows, _("place"))
    country = settle_countries(rows, geoms, rows.text("country"), _("place"))
    keys = [(c, k, code) for c, k, code in zip(country, kind, codes, strict=True)]
    seen: dict = {}
    for i, key in enumerate(keys):
        if None in key:
            continue
        if key in seen:
            rows.error(i, "code", key[2], _("duplicate code (also on row %(row)d)") % {"row": seen[key] + 1})
        else:
            seen[key] = i
    existing = (
        set(Place.objects.filter(code__in=[k[2] for k in seen]).values_list("country", "kind", "code"))
        if (len(seen) <= CHUNK)
        else {
            r
            for start in range(0, len(seen), CHUNK)
            for r in Place.objects.filter(code__in=[k[2] for k in list(seen)[start : start + CHUNK]]).values_list(
                "country", "kind", "code"
            )
        }
    )
    for key in sorted(set(seen) & existing):
        rows.error(seen[key], "code", key[2], _("a place with this country, kind and code already exists"))
    progress.update(rows.n)
    progress.close()
    plan = Plan("places", rows.n)
    if rows.bad.any():
        return plan
    # The deepest admin area holding each point (commune, else district, else province).
    area = [None] * rows.n
    for c in set(country):
        idx = [i for i in range(rows.n) if country[i] == c]
        pts = geoms[idx]
        for level in (1, 2, 3):
            ids, admin_geoms, tree = _admin_index(c, level)
            if not ids:
                continue
            pairs = tree.query(pts, predicate="within")
            for p, a in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
                area[idx[p]] = ids[a]
    plan.codes = codes
    plan.data = dict(code=codes, name=names, kind=kind, country=country, point=geoms, admin_area_id=area)
    return plan


VALIDATORS = {
    "hazards": _hazards,
    "activities": _activities,
    "products": _products,
    "devices": _devices,
    "places": _places,
}


# ------------------------------------------------------------------------------------------------
# Writing (called inside the import's transaction, only when validation found nothing)
# ------------------------------------------------------------------------------------------------


def _history(model, objs, ctx: Context) -> list:
    return model.history.bulk_history_create(
        objs,
        batch_size=2000,
        default_user=ctx.user,
        default_change_reason=ctx.reason[:100],
        default_date=timezone.now(),
    )


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the plan's rows; returns notes (ledger refreshed, products split)."""
    return WRITERS[plan.kind](plan, ctx, progress)


def _refresh_ledger(hazard_ids: set, extra_geoms=()) -> str:
    if not hazard_ids:
        return ""
    if len(hazard_ids) > LEDGER_FULL_RECOMPUTE:
        n = ledger_store.recompute_all()
        return _("land release ledger recomputed for all %(n)d hazards") % {"n": n}
    touched = ledger_store.refresh(hazard_ids, extra_geoms=extra_geoms)
    return _("land release ledger refreshed for %(n)d hazard(s)") % {"n": len(touched)}


def _write_hazards(plan: Plan, ctx: Context, progress) -> list[str]:
    d = plan.data
    progress.stage(_("writing hazards"), plan.n)
    objs = []
    for i in range(plan.n):
        where = d["locations"][i]
        objs.append(
            Hazard(
                id=uuid.uuid4(),
                code=d["code"][i],
                name=d["name"][i],
                hazard_class=d["hazard_class"][i],
                status=d["status"][i],
                contamination_type=d["contamination_type"][i],
                recorded_on=d["recorded_on"][i],
                status_changed_on=d["status_changed_on"][i],
                reporting_organisation_id=d["reporting_organisation_id"][i],
                geom=to_geos(d["geom"][i]),
                benchmark=to_geos(d["benchmark"][i]) if d["benchmark"][i] is not None else None,
                country=d["country"][i],
                province_id=where.province_id,
                district_id=where.district_id,
                commune_id=where.commune_id,
                area_m2=float(d["area_m2"][i]),
                utm_epsg=int(d["utm_epsg"][i]),
                is_synthetic=d["is_synthetic"][i],
            )
        )
    Hazard.objects.bulk_create(objs, batch_size=1000)
    _history(Hazard, objs, ctx)
    through = Hazard.suspected_models.through
    through.objects.bulk_create(
        [
            through(hazard_id=o.id, ordnancemodel_id=m)
            for o, ms in zip(objs, plan.extra["models"], strict=True)
            for m in ms
        ],
        batch_size=2000,
    )
    progress.update(plan.n)
    progress.close()
    return [_refresh_ledger({o.id for o in objs})]


def _write_activities(plan: Plan, ctx: Context, progress) -> list[str]:
    d = plan.data
    progress.stage(_("writing activities"), plan.n)
    objs = [
        Activity(
            id=uuid.uuid4(),
            code=d["code"][i],
            activity_type=d["activity_type"][i],
            status=d["status"][i],
            organisation_id=d["organisation_id"][i],
            methods=d["methods"][i],
            reference_point=to_geos(d["reference_point"][i]),
            country=d["country"][i],
            start_date=d["start_date"][i],
            end_date=d["end_date"][i],
            is_synthetic=d["is_synthetic"][i],
        )
        for i in range(plan.n)
    ]
    Activity.objects.bulk_create(objs, batch_size=1000)
    links = {}
    for field_name, other in (("teams", "team_id"), ("hazards", "hazard_id")):
        through = getattr(Activity, field_name).through
        links[field_name] = through.objects.bulk_create(
            [
                through(activity_id=o.id, **{other: x})
                for o, xs in zip(objs, plan.extra[field_name], strict=True)
                for x in xs
            ],
            batch_size=2000,
        )
    history = {h.id: h for h in _history(Activity, objs, ctx)}
    # The teams and hazards each activity had when created, as simple_history records them.
    from django.apps import apps

    for field_name, other in (("teams", "team_id"), ("hazards", "hazard_id")):
        hist_model = apps.get_model("operations", f"HistoricalActivity_{field_name}")
        through = getattr(Activity, field_name).through
        created = list(
            through.objects.filter(activity_id__in=[o.id for o in objs]).values_list("id", "activity_id", other)
        )
        hist_model.objects.bulk_create(
            [hist_model(id=r[0], activity_id=r[1], history=history[r[1]], **{other: r[2]}) for r in created],
            batch_size=2000,
        )
    progress.update(plan.n)
    progress.close()
    return []


def _write_products(plan: Plan, ctx: Context, progress) -> list[str]:
    d = plan.data
    n = len(d["code"])
    progress.stage(_("writing products"), n)
    objs = [
        Product(
            id=uuid.uuid4(),
            code=d["code"][j],
            activity_id=d["activity_id"][j],
            hazard_id=d["hazard_id"][j],
            outcome=d["outcome"][j],
            geom=to_geos(d["geom"][j]),
            released_on=d["released_on"][j],
            clearance_depth_cm=d["clearance_depth_cm"][j],
            reported_area_m2=d["reported_area_m2"][j],
            area_m2=float(d["area_m2"][j]),
            is_synthetic=d["is_synthetic"][j],
        )
        for j in range(n)
    ]
    Product.objects.bulk_create(objs, batch_size=1000)
    _history(Product, objs, ctx)
    progress.update(n)
    progress.close()
    notes = [plan.extra["note"]] if plan.extra.get("note") else []
    notes.append(_refresh_ledger({o.hazard_id for o in objs}, extra_geoms=[o.geom for o in objs] if n <= 300 else ()))
    return notes


def _write_devices(plan: Plan, ctx: Context, progress) -> list[str]:
    d = plan.data
    now = timezone.now()
    progress.stage(_("writing devices"), plan.n)
    data = dict(d)
    data["id"] = bulk.sequential_uuids(plan.n)
    data["created_at"] = [now] * plan.n
    data["updated_at"] = data["created_at"]
    bulk.insert_with_history(
        Device, data, when=now, user_id=getattr(ctx.user, "pk", None), reason=ctx.reason, progress=progress
    )
    progress.close()
    return [_devices_outside(plan)]


def _devices_outside(plan: Plan) -> str:
    """Add the new devices lying outside their product to the ledger's `devices_outside` (exact, set-based).

    The ledger counts a device outside when its product doesn't cover its point; only the new devices
    change that figure, so it is updated in place instead of recomputing every touched hazard.
    """
    d = plan.data
    with_product = [i for i in range(plan.n) if d["product"][i] is not None]
    if not with_product:
        return ""
    prod_ids = sorted({d["product"][i] for i in with_product})
    geoms = {}
    for start in range(0, len(prod_ids), CHUNK):
        for pid, wkb in (
            Product.objects.filter(id__in=prod_ids[start : start + CHUNK])
            .annotate(wkb=AsWKB("geom"))
            .values_list("id", "wkb")
        ):
            geoms[pid] = bytes(wkb)
    pid_index = {p: k for k, p in enumerate(prod_ids)}
    prod_geoms = shapely.from_wkb([geoms[p] for p in prod_ids])
    which = np.array([pid_index[d["product"][i]] for i in with_product])
    pts = np.array(d["point"], dtype=object)[with_product]
    inside = shapely.covers(prod_geoms[which], pts)
    outside = Counter(d["product"][with_product[k]] for k in np.flatnonzero(~inside))
    if not outside:
        return _("every device lies inside its product")
    hazard_of = dict(Product.objects.filter(id__in=list(outside)).values_list("id", "hazard_id"))
    per_hazard = Counter()
    for pid, k in outside.items():
        per_hazard[hazard_of[pid]] += k
    for hid, k in per_hazard.items():
        HazardLedger.objects.filter(hazard_id=hid).update(devices_outside=F("devices_outside") + k)
    return _("%(n)d device(s) lie outside their product (counted in the ledger)") % {"n": sum(outside.values())}


def _write_places(plan: Plan, ctx: Context, progress) -> list[str]:
    d = plan.data
    progress.stage(_("writing places"), plan.n)
    Place.objects.bulk_create(
        [
            Place(
                code=d["code"][i],
                name=d["name"][i],
                kind=d["kind"][i],
                country=d["country"][i],
                point=to_geos(d["point"][i]),
                admin_area_id=d["admin_area_id"][i],
                source=ctx.reason[:200],
            )
            for i in range(plan.n)
        ],
        batch_size=2000,
    )
    progress.update(plan.n)
    progress.close()
    return []


WRITERS = {
    "hazards": _write_hazards,
    "activities": _write_activities,
    "products": _write_products,
    "devices": _write_devices,
    "places": _write_places,
}
