"""Set-based writes of land release products and devices: the bulk half of `landrelease.services`.

The rules of `create_product` and `record_devices`, applied over whole columns (NumPy, vectorised
Shapely, one query per table, never one per row): choices and ranges, dates, references (by id or by
code), geometry validity, the border rule of the record's country, codes unique in the batch and new
to the database. Derived fields are computed here as in the single writes: codes
(`<hazard>-LR-001`, `<product or activity>-EO-001`), area in the local UTM zone, a device's activity
from its product. A write creates one `core.Batch`, stamps it on every row and writes no per-row
history (decision 0015). All or nothing: a bad row raises `BulkValidationFailed` listing every bad
row (index, field, value, reason) before anything, the batch included, is written.

Callers pass columns (`{"category": [...], "point": [...]}`) or a list of dicts with the same keys.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.db import connection, transaction
from django.utils.translation import gettext as _

from safeground.core import bulk, columns
from safeground.core.codes import allocate_codes
from safeground.core.contracts import safe_code
from safeground.core.errors import BulkError, BulkValidationFailed, ValidationFailed
from safeground.core.geojson import to_geos
from safeground.core.geometry import (
    GeometryError,
    areas_m2,
    as_multipolygon,
    to_utm,
    utm_epsg_for,
    validate_point,
    validate_polygonal,
)
from safeground.core.models import Batch
from safeground.gazetteer.queries import check_inside_country, country_at, country_name, country_outline
from safeground.hazards.models import Hazard
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.operations.models import Activity
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel

#: Above this many touched hazards the ledger is recomputed in full rather than per hazard.
LEDGER_FULL_RECOMPUTE = 300
#: Above this many rows per row already in the table, secondary indexes are rebuilt after the load.
REBUILD_INDEXES_RATIO = 0.5
FIRST_DATE = dt.date(1900, 1, 1)


@dataclass
class Checked(columns.Checked):
    """Rows that went through every check, with their derived columns: what `bulk_create_*` writes.

    Only `check_products` / `check_devices` make one, so a write of a `Checked` is always validated.
    """

    errors: list[BulkError] = field(default_factory=list)
    hazard_ids: set = field(default_factory=set)


@dataclass
class BulkResult:
    batch: Batch
    codes: list[str]
    notes: list[str]


class _Columns:
    """The input as columns, and the error list every check appends to."""

    def __init__(self, rows: Mapping[str, Sequence] | Sequence[Mapping[str, Any]]):
        if isinstance(rows, Mapping):
            self.cols = {k: v for k, v in rows.items()}
        else:
            keys = {k for r in rows for k in r}
            self.cols = {k: [r.get(k) for r in rows] for k in keys}
        lengths = {len(v) for v in self.cols.values()}
        if len(lengths) > 1:
            raise ValidationFailed("every column must have the same number of rows", field="rows")
        self.n = lengths.pop() if lengths else 0
        self.errors: list[BulkError] = []
        self.bad = np.zeros(self.n, dtype=bool)
        self.reported: set[tuple[int, str]] = set()

    def error(self, i: int, name: str, value: Any, reason: str) -> None:
        """Record a bad value; only the first problem of each field of a row is named."""
        if (i, name) in self.reported:
            return
        self.reported.add((i, name))
        self.errors.append(BulkError(int(i) + 1, name, "" if value is None else str(value)[:200], reason))
        self.bad[i] = True

    def has(self, name: str) -> bool:
        return name in self.cols

    def get(self, name: str, default: Any = None) -> list:
        col = self.cols.get(name)
        if col is None:
            return [default] * self.n
        values = col.tolist() if isinstance(col, np.ndarray) and col.dtype != object else list(col)
        return values if default is None else [default if v is None else v for v in values]

    def choice(self, name: str, choices, default: str | None = None) -> list:
        order = [c[0] for c in choices]
        allowed = set(order)
        values = self.get(name, default)
        if set(values) <= allowed:  # one pass in C when every value is allowed
            return values
        for i in [i for i, v in enumerate(values) if v not in allowed]:
            reason = (
                _("required") if values[i] is None else _("must be one of %(choices)s") % {"choices": ", ".join(order)}
            )
            self.error(i, name, values[i], reason)
        return values

    def integer(self, name: str, low: int, high: int, default: int | None = None) -> list:
        values = self.get(name, default)
        if values and set(map(type, values)) <= {int}:  # plain integers: the range checked in NumPy
            try:
                column = np.array(values, dtype=np.int64)
            except OverflowError:  # beyond 64 bits: the row-by-row check names it
                column = None
            if column is not None and column.min() >= low and column.max() <= high:
                return values
        for i, v in enumerate(values):
            if v is not None and not (isinstance(v, (int, np.integer)) and low <= v <= high):
                self.error(i, name, v, _("must be between %(low)s and %(high)s") % {"low": low, "high": high})
        return values

    def date(self, name: str) -> list:
        today = dt.date.today()
        values = self.get(name)
        distinct = set(values)
        if all(type(v) is dt.date and FIRST_DATE <= v <= today for v in distinct):  # each distinct date once
            return values
        for i, v in enumerate(values):
            if v is None:
                self.error(i, name, v, _("required"))
            elif not isinstance(v, dt.date) or isinstance(v, dt.datetime):
                self.error(i, name, v, _("not a date (YYYY-MM-DD)"))
            elif not FIRST_DATE <= v <= today:
                self.error(
                    i, name, v.isoformat(), _("date out of range (1900 to %(last)s)") % {"last": today.isoformat()}
                )
        return values

    def reference(self, model, name: str, key: str, *fields: str) -> tuple[list, str | None]:
        """Resolve `<name>_id` or `<name>_code`-like columns to rows of `fields` (None where not given)."""
        given_as = next((c for c in (f"{name}_id", f"{name}_code", name) if self.has(c)), None)
        if given_as is None:
            return [None] * self.n, None
        values = self.get(given_as)
        by = "id" if given_as.endswith("_id") else key
        if by == "id":
            values = [_as_uuid(v) for v in values]
        given = set(values)
        given.discard(None)
        found = _lookup(model, by, [v for v in given if by != "id" or isinstance(v, uuid.UUID)], *fields)
        if given <= found.keys():  # every value known: the rows in one pass in C
            return list(map(found.get, values)), given_as
        out = []
        for i, v in enumerate(values):
            if v is None:
                out.append(None)
            elif v in found:
                out.append(found[v])
            else:
                what = {"what": model._meta.verbose_name}
                reason = (
                    _("no %(what)s with this code") % what
                    if by == "code"
                    else _("no %(what)s with this %(key)s") % {**what, "key": by}
                )
                self.error(i, given_as, v, reason)
                out.append(None)
        return out, given_as

    def codes(self, model) -> list:
        """Given codes: at most 40 characters, unique in the batch, new to the database."""
        codes = self.get("code")
        seen: dict[str, int] = dict(zip(codes, range(self.n), strict=True))
        seen.pop(None, None)  # type: ignore[call-overload]
        if len(seen) == self.n - codes.count(None) and all(len(c) <= 40 and safe_code(c) for c in seen):
            for c in sorted(bulk.existing_values(model, "code", list(seen))):
                self.error(seen[c], "code", c, _("a record with this code already exists"))
            return codes  # all unique and short enough: no row-by-row pass
        seen = {}
        for i, c in enumerate(codes):
            if c is None:
                continue
            if len(c) > 40:
                self.error(i, "code", c, _("longer than %(n)d characters") % {"n": 40})
            elif not safe_code(c):
                self.error(i, "code", c, _("a code uses only letters, digits, '-', '_' and '.'"))
            elif c in seen:
                self.error(i, "code", c, _("duplicate code (also on row %(row)d)") % {"row": seen[c] + 1})
            else:
                seen[c] = i
        for c in sorted(bulk.existing_values(model, "code", list(seen))):
            self.error(seen[c], "code", c, _("a record with this code already exists"))
        return codes

    def inside_countries(self, name: str, geoms: np.ndarray, country: list, what: str) -> None:
        """The border rule over whole columns: contained rows pass at once, the rest get the full check."""
        by_country: dict[str, list[int]] = {}
        for i, c in enumerate(country):
            if c is not None and geoms[i] is not None:
                by_country.setdefault(c, []).append(i)
        for iso3, rows in by_country.items():
            idx = np.array(rows)
            outline = country_outline(iso3)
            if outline is None:
                for i in idx:
                    self.error(i, name, iso3, _("no outline for this country in the gazetteer"))
                continue
            g = geoms[idx]
            if shapely.get_type_id(g[0]) == 0 and (shapely.get_type_id(g) == 0).all():
                inside = shapely.contains_xy(outline, shapely.get_x(g), shapely.get_y(g))
            else:
                inside = shapely.contains(outline, g)
            for i in idx[~inside]:
                try:
                    if shapely.get_type_id(geoms[i]) == 0:
                        _check_point_in_country(geoms[i], iso3, what)
                    else:
                        check_inside_country(geoms[i], iso3, what)
                except GeometryError as exc:
                    self.error(i, name, _where(exc), str(exc))


def _check_point_in_country(point, iso3: str, what: str) -> None:
    """The border rule for a point: inside the outline or within the border tolerance of it."""
    tolerance = settings.SAFEGROUND_BORDER_TOLERANCE_M
    x, y = point.x, point.y
    near = shapely.clip_by_rect(country_outline(iso3), x - 0.05, y - 0.05, x + 0.05, y + 0.05)
    epsg = utm_epsg_for(point)
    if not near.is_empty and to_utm(point, epsg).distance(to_utm(near, epsg)) <= tolerance:
        return
    found = country_at(point)
    where = {"what": what, "want": f"{country_name(iso3)} ({iso3})"}
    if found and found != iso3:
        message = _("%(what)s lies in %(got)s, not in %(want)s") % {**where, "got": f"{country_name(found)} ({found})"}
    else:
        message = _("%(what)s lies outside %(want)s, more than %(m)s m beyond its border") % {**where, "m": tolerance}
    raise GeometryError(message, reason="outside country", location=(x, y))


def _as_uuid(value):
    """An id as given (UUID or its text); text that is no UUID stays as it is and is reported as unknown."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return str(value)


def _where(exc: GeometryError) -> str:
    return f"{exc.location[0]:.6f} {exc.location[1]:.6f}" if exc.location else exc.reason


def _lookup(model, key: str, values, *fields: str) -> dict:
    """{key: row of fields} for the distinct values present, in one set-based query."""
    return {row[0]: row[1:] for row in bulk.lookup_rows(model.objects.all(), key, values, *fields)}


def _geometries(values: list) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    if len(arr) and isinstance(arr[0], (bytes, bytearray, memoryview)):
        arr = shapely.from_wkb(arr)
    return arr


# ------------------------------------------------------------------------------------------------
# Devices
# ------------------------------------------------------------------------------------------------


def check_devices(devices: Mapping[str, Sequence] | Sequence[Mapping[str, Any]]) -> Checked:
    """Every rule of `record_devices` over whole columns, plus the position inside the record's country.

    Columns: `point` (Shapely points or WKB, lon/lat), `category`, `disposal`, `found_on` (date), and
    `product_id` or `product_code` and/or `activity_id` or `activity_code`; optional `code`, `model_id`
    or `model` (name; a missing category is the model's), `condition`, `depth_cm`, `count`, `is_synthetic`.
    """
    cols = _Columns(devices)
    n = cols.n
    models, model_as = cols.reference(OrdnanceModel, "model", "name", "id", "category")
    category = [
        c if c is not None else (m[1] if m else None) for c, m in zip(cols.get("category"), models, strict=True)
    ]
    cols.cols["category"] = category
    category = cols.choice("category", CATEGORY_CHOICES)
    condition = cols.choice("condition", Device.CONDITION_CHOICES, default="unknown")
    disposal = cols.choice("disposal", Device.DISPOSAL_CHOICES)
    depth = cols.integer("depth_cm", 0, 32767)
    count = cols.integer("count", 1, 2**31 - 1, default=1)
    found_on = cols.date("found_on")
    synthetic = [bool(v) for v in cols.get("is_synthetic", False)]
    products, prod_as = cols.reference(
        Product, "product", "code", "id", "code", "activity_id", "hazard_id", "hazard__country"
    )
    activities, act_as = cols.reference(Activity, "activity", "code", "id", "code", "country")
    for i in range(n):
        if products[i] is None and activities[i] is None and not cols.bad[i]:
            cols.error(i, prod_as or act_as or "product_id", None, _("a device needs a product or an activity"))
    geoms = _geometries(cols.get("point"))
    _check_points(cols, geoms)
    country = [p[4] if p else (a[2] if a else None) for p, a in zip(products, activities, strict=True)]
    cols.inside_countries("point", geoms, country, _("device position"))
    codes = cols.codes(Device)
    checked = Checked("devices", n, errors=cols.errors)
    if cols.errors:
        return checked
    _allocate_device_codes(codes, products, activities)
    checked.data = dict(
        code=codes,
        product=[p[0] if p else None for p in products],
        activity=[a[0] if a else (p[2] if p else None) for a, p in zip(activities, products, strict=True)],
        point=geoms,
        category=category,
        model=[m[0] if m else None for m in models],
        condition=condition,
        depth_cm=depth,
        disposal=disposal,
        found_on=found_on,
        count=count,
        is_synthetic=synthetic,
    )
    # Rows of one product share its row object: hash each object's hazard id once, not once per device.
    checked.hazard_ids = {p[3] for p in dict(zip(map(id, products), products, strict=True)).values() if p}
    if cols.has("id"):  # stable ids given by the caller (the demo's UUID5s of the codes)
        checked.data["id"] = cols.get("id")
    for name in PROVENANCE:  # an import's source ID and columns, kept as given
        if cols.has(name):
            checked.data[name] = cols.get(name)
    return checked


#: Where an imported row came from (core.Record): written as given when the caller passes them.
PROVENANCE = ("source_id", "source_attributes")


def _check_points(cols: _Columns, geoms: np.ndarray) -> None:
    """validate_point over a column: a point, finite, longitude and latitude in range."""
    kinds = shapely.get_type_id(geoms)
    xs, ys = shapely.get_x(geoms), shapely.get_y(geoms)
    with np.errstate(invalid="ignore"):
        good = (kinds == 0) & (xs >= -180) & (xs <= 180) & (ys >= -90) & (ys <= 90)
    for i in np.flatnonzero(~good):
        g = geoms[i]
        if g is None:
            cols.error(i, "point", None, _("no geometry"))
            continue
        try:
            validate_point(g, _("device position"))
            raise GeometryError(_("%(what)s has coordinates that are not numbers") % {"what": _("device position")})
        except GeometryError as exc:
            cols.error(i, "point", _where(exc), str(exc))


def _allocate_device_codes(codes: list, products: list, activities: list) -> None:
    """`<product code>-EO-001` (or the activity's code when there is no product) for rows without a code."""
    missing = [i for i, c in enumerate(codes) if c is None]
    if not missing:
        return
    stems = {i: (products[i][1] if products[i] else activities[i][1]) for i in missing}
    new = allocate_codes(Device, "EO", [stems[i] for i in missing], width=3, taken=[c for c in codes if c])
    for i, code in zip(missing, new, strict=True):
        codes[i] = code


@transaction.atomic
def bulk_create_devices(
    devices: Mapping[str, Sequence] | Sequence[Mapping[str, Any]] | Checked,
    *,
    user=None,
    source: str = "",
    reason: str = "",
    progress=None,
) -> BulkResult:
    """Check and write devices found (columns as in `check_devices`, or its `Checked` result).

    One `Batch(kind="devices")`, no per-row history; the ledger's `devices_outside` is updated for the
    devices outside their product (set-based). Raises BulkValidationFailed, writing nothing, on a bad row.
    """
    checked = devices if isinstance(devices, Checked) else check_devices(devices)
    if checked.errors:
        raise BulkValidationFailed(checked.errors)
    batch, data = columns.stamp(
        checked, "devices", user=user, source=source, reason=reason, new_ids=bulk.sequential_ids
    )
    with bulk.loading(Device, checked.n):
        bulk.insert(Device, data, progress=progress)
    notes = [note for note in [_devices_outside(data, batch.id)] if note]
    return BulkResult(batch, list(data["code"]), notes)


def _devices_outside(data: dict, batch_id) -> str:
    """Add the new devices lying outside their product to the ledger's `devices_outside` (exact, set-based).

    The ledger counts a device outside when its product doesn't cover its point; only the new devices
    change that figure, so it is updated in place (one statement) instead of recomputing the hazards.
    PostGIS tests the batch's rows where they are (one join, `ST_Covers`); SpatiaLite, with vectorised Shapely.
    """
    if bulk.is_postgres():
        return _note_outside(_outside_per_hazard_sql(batch_id))
    product = np.asarray(data["product"], dtype=object)
    with_product = np.flatnonzero(product != None)  # noqa: E711 - elementwise
    if not len(with_product):
        return ""
    # Rows share their product's id object: each object is hashed once, then rows map by object in C.
    given = product[with_product].tolist()
    objects = dict(zip(map(id, given), given, strict=True))
    prod_ids = list(set(objects.values()))
    rows = _lookup_geometries(prod_ids)
    index = {pid: k for k, pid in enumerate(prod_ids)}
    geoms = shapely.from_wkb([rows[p][0] for p in prod_ids])
    shapely.prepare(geoms)
    by_object = {key: index[pid] for key, pid in objects.items()}
    which = np.fromiter(map(by_object.__getitem__, map(id, given)), dtype=np.int64, count=len(given))
    pts = np.asarray(data["point"], dtype=object)[with_product]
    inside = shapely.covers(geoms[which], pts)
    outside = Counter(which[~inside].tolist())
    per_hazard: Counter = Counter()
    for k, n in outside.items():
        per_hazard[rows[prod_ids[k]][1]] += n
    per_hazard.pop(None, None)  # products with no hazard have no ledger row to count them in
    return _note_outside(per_hazard)


def _outside_per_hazard_sql(batch_id) -> Counter:
    """{hazard id: devices of the batch its products don't cover}, counted by PostGIS in one query."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.hazard_id, count(*) FROM {q(Device._meta.db_table)} d
                JOIN {q(Product._meta.db_table)} p ON p.id = d.product_id
                WHERE d.batch_id = %s AND p.hazard_id IS NOT NULL AND NOT ST_Covers(p.geom, d.point)
                GROUP BY p.hazard_id""",
            [batch_id],
        )
        return Counter(dict(cursor.fetchall()))


def _note_outside(per_hazard: Counter) -> str:
    """Add the counts to the ledger's `devices_outside`; the note for the report."""
    if not per_hazard:
        return _("every device lies inside its product")
    table = connection.ops.quote_name(HazardLedger._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET devices_outside = devices_outside + %s WHERE hazard_id = %s",
            [(n, hid if connection.vendor == "postgresql" else hid.hex) for hid, n in per_hazard.items()],
        )
    return _("%(n)d device(s) lie outside their product (counted in the ledger)") % {"n": sum(per_hazard.values())}


def _lookup_geometries(prod_ids: list) -> dict:
    """{product id: (WKB, hazard id)}, in one set-based query."""
    rows = bulk.lookup_rows(Product.objects.annotate(wkb=AsWKB("geom")), "id", prod_ids, "wkb", "hazard_id")
    return {pid: (bytes(wkb), hid) for pid, wkb, hid in rows}


# ------------------------------------------------------------------------------------------------
# Products
# ------------------------------------------------------------------------------------------------

#: Ground a product must share with a hazard (m²) to overlap it; less is a sliver of digitising.
MIN_OVERLAP_M2 = 1.0


def hazards_overlapped(geoms) -> list[list[str]]:
    """For each product geometry (None allowed), the codes of the polygon hazards it shares at least
    MIN_OVERLAP_M2 with: one query for the envelope of all of them, then vectorised Shapely.

    A product filed under no hazard must overlap none: its ground is released *outside* every hazard,
    and ground inside one belongs to that hazard's ledger."""
    geoms = _geometries(list(geoms))
    out: list[list[str]] = [[] for _g in geoms]
    live = np.flatnonzero([g is not None and not g.is_empty for g in geoms])
    if not len(live):
        return out
    envelope = shapely.box(*shapely.total_bounds(geoms[live]))
    found = list(
        Hazard.objects.filter(geom__intersects=to_geos(envelope))
        .annotate(wkb=AsWKB("geom"))
        .values_list("code", "wkb")
        .order_by("code")
    )
    if not found:
        return out
    hazard_geoms = shapely.from_wkb([bytes(f[1]) for f in found])
    pi, hi = shapely.STRtree(hazard_geoms).query(geoms[live], predicate="intersects")
    if len(pi):
        shared = areas_m2(shapely.intersection(geoms[live][pi], hazard_geoms[hi]))
        for m2, p, h in zip(shared, pi, hi, strict=True):
            if m2 >= MIN_OVERLAP_M2:
                out[live[p]].append(found[h][0])
    return out


def overlap_message(codes: list[str]) -> str:
    """Why a product without a hazard is refused: it overlaps these hazards."""
    shown = ", ".join(codes[:5]) + (_(" and %(n)d more") % {"n": len(codes) - 5} if len(codes) > 5 else "")
    return _(
        "a product with no hazard must lie outside every hazard, and this one overlaps %(codes)s; give its hazard"
    ) % {"codes": shown}


def check_products(products: Mapping[str, Sequence] | Sequence[Mapping[str, Any]]) -> Checked:
    """Every rule of `create_product` over whole columns.

    Columns: `geom` (Shapely polygons or WKB, lon/lat), `outcome`, `released_on` (date), `activity_id`
    or `activity_code`, `hazard_id` or `hazard_code`; optional `code`, `clearance_depth_cm` (required
    when cleared, 1–500), `reported_area_m2` (positive), `is_synthetic`. A row with no hazard is ground
    released outside every hazard: it must overlap none (`hazards_overlapped`), its country is its
    activity's and its code is numbered on the activity's (`<activity>-LR-001`).
    """
    cols = _Columns(products)
    n = cols.n
    outcome = cols.choice("outcome", Product.OUTCOME_CHOICES)
    depth = cols.integer("clearance_depth_cm", 1, 500)
    for i in range(n):
        if outcome[i] == "cleared" and depth[i] is None:
            cols.error(i, "clearance_depth_cm", None, _("required when the outcome is cleared"))
    reported = cols.get("reported_area_m2")
    for i, v in enumerate(reported):
        if v is not None and not (isinstance(v, (int, float)) and np.isfinite(v) and v > 0):
            cols.error(i, "reported_area_m2", v, _("must be a positive number"))
    released_on = cols.date("released_on")
    synthetic = [bool(v) for v in cols.get("is_synthetic", False)]
    activities, act_as = cols.reference(Activity, "activity", "code", "id", "code", "country")
    hazards, hz_as = cols.reference(Hazard, "hazard", "code", "id", "code", "country")
    for i in range(n):
        if act_as is None or (activities[i] is None and not cols.bad[i]):
            cols.error(i, act_as or "activity_id", None, _("required"))
    geoms = _geometries(cols.get("geom"))
    for i, g in enumerate(geoms):
        try:
            if g is None:
                raise GeometryError(_("no geometry"), reason="missing")
            validate_polygonal(g, _("product geometry"))
            geoms[i] = as_multipolygon(g)
        except GeometryError as exc:
            cols.error(i, "geom", _where(exc), str(exc))
            geoms[i] = None
    country = [h[2] if h else (a[2] if a else None) for h, a in zip(hazards, activities, strict=True)]
    cols.inside_countries("geom", geoms, country, _("product geometry"))
    outside = [i for i in range(n) if hazards[i] is None and geoms[i] is not None and not cols.bad[i]]
    if outside:
        for i, codes_in in zip(outside, hazards_overlapped(geoms[outside]), strict=True):
            if codes_in:
                cols.error(i, hz_as or "hazard_code", None, overlap_message(codes_in))
    codes = cols.codes(Product)
    checked = Checked("products", n, errors=cols.errors)
    if cols.errors:
        return checked
    missing = [i for i, c in enumerate(codes) if c is None]
    if missing:
        stems = [hazards[i][1] if hazards[i] else activities[i][1] for i in missing]
        new = allocate_codes(Product, "LR", stems, width=3, taken=[c for c in codes if c])
        for i, code in zip(missing, new, strict=True):
            codes[i] = code
    checked.data = dict(
        code=codes,
        activity=[a[0] for a in activities],
        hazard=[h[0] if h else None for h in hazards],
        outcome=outcome,
        geom=geoms,
        released_on=released_on,
        clearance_depth_cm=depth,
        reported_area_m2=reported,
        area_m2=[float(a) for a in areas_m2(geoms)],
        is_synthetic=synthetic,
    )
    checked.hazard_ids = {h[0] for h in hazards if h}
    if cols.has("id"):  # stable ids given by the caller (the demo's UUID5s of the codes)
        checked.data["id"] = cols.get("id")
    for name in PROVENANCE:  # an import's source ID and columns, kept as given
        if cols.has(name):
            checked.data[name] = cols.get(name)
    return checked


@transaction.atomic
def bulk_create_products(
    products: Mapping[str, Sequence] | Sequence[Mapping[str, Any]] | Checked,
    *,
    user=None,
    source: str = "",
    reason: str = "",
    progress=None,
) -> BulkResult:
    """Check and write land release products (columns as in `check_products`, or its `Checked` result).

    One `Batch(kind="products")`, no per-row history; the touched hazards' ledger is refreshed (in full
    above LEDGER_FULL_RECOMPUTE hazards). Raises BulkValidationFailed, writing nothing, on a bad row.
    """
    checked = products if isinstance(products, Checked) else check_products(products)
    if checked.errors:
        raise BulkValidationFailed(checked.errors)
    batch, data = columns.stamp(checked, "products", user=user, source=source, reason=reason)
    with bulk.loading(Product, checked.n):
        bulk.insert(Product, data, progress=progress)
    return BulkResult(batch, list(data["code"]), [_refresh_ledger(checked.hazard_ids, data["geom"])])


def _refresh_ledger(hazard_ids: set, geoms) -> str:
    if not hazard_ids:
        return ""
    if len(hazard_ids) > LEDGER_FULL_RECOMPUTE:
        n = ledger_store.recompute_all()
        return _("land release ledger recomputed for all %(n)d hazards") % {"n": n}
    extra = [to_geos(g) for g in geoms] if len(geoms) <= LEDGER_FULL_RECOMPUTE else ()
    touched = ledger_store.refresh(hazard_ids, extra_geoms=extra)
    return _("land release ledger refreshed for %(n)d hazard(s)") % {"n": len(touched)}
