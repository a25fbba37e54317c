"""The spatial layers of an exchange package, read from our records for one programme and period.

Each reader gives (rows, geometries) with only the fields `policies.LAYER_FIELDS` allows: the
package never holds a column that is not on that list, whatever a policy says. Devices are counted
per (position after generalisation, category, model): a partner sees how many of what were found
where, at the policy's precision.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import shapely

from safeground.exchange.figures import in_period
from safeground.exchange.generalise import generalise
from safeground.exchange.policies import LAYER_FIELDS
from safeground.hazards.models import Hazard
from safeground.hazards.queries import shape
from safeground.landrelease.models import Device, Product

GEOMETRY_TYPES = {"hazards": "Unknown", "products": "Unknown", "devices": "Point"}
FIELD_TYPES = {
    "code": "str",
    "hazard_class": "str",
    "status": "str",
    "contamination_type": "str",
    "recorded_on": "date",
    "status_changed_on": "date",
    "area_m2": "float",
    "admin_area": "str",
    "outcome": "str",
    "released_on": "date",
    "category": "str",
    "model": "str",
    "devices": "int",
    "items": "int",
}


def _wkb(value) -> shapely.Geometry:
    return shapely.from_wkb(bytes(value.wkb))


def _hazards(country, date_from, date_to):
    qs = in_period(Hazard.objects.filter(country=country), "recorded_on", None, date_to)
    qs = qs.annotate(shape=shape()).exclude(shape__isnull=True).order_by("code")
    rows, geoms = [], []
    for r in qs.values(
        "code",
        "hazard_class",
        "status",
        "contamination_type",
        "recorded_on",
        "status_changed_on",
        "area_m2",
        "province__code",
        "shape",
    ):
        geoms.append(_wkb(r.pop("shape")))
        r["admin_area"] = r.pop("province__code") or ""
        rows.append(r)
    return rows, geoms


def _products(country, date_from, date_to):
    qs = Product.objects.filter(hazard__country=country) | Product.objects.filter(
        hazard__isnull=True, activity__country=country
    )
    qs = in_period(qs, "released_on", date_from, date_to).order_by("code")
    rows, geoms = [], []
    for r in qs.values("code", "outcome", "released_on", "area_m2", "hazard__province__code", "geom"):
        geoms.append(_wkb(r.pop("geom")))
        r["admin_area"] = r.pop("hazard__province__code") or ""
        rows.append(r)
    return rows, geoms


def _devices(country, date_from, date_to):
    qs = Device.objects.filter(product__hazard__country=country) | Device.objects.filter(
        product__isnull=True, activity__country=country
    )
    qs = in_period(qs, "found_on", date_from, date_to).order_by("code")
    rows, geoms = [], []
    for r in qs.values("category", "model__name", "count", "point"):
        geoms.append(_wkb(r.pop("point")))
        rows.append({"category": r["category"], "model": r["model__name"] or "", "items": r["count"]})
    return rows, geoms


READERS = {"hazards": _hazards, "products": _products, "devices": _devices}


def _group_devices(rows: list[dict], geoms: np.ndarray, places: list[str]) -> tuple[list[dict], list]:
    groups: dict[tuple, dict] = defaultdict(lambda: {"devices": 0, "items": 0})
    where: dict[tuple, object] = {}
    for row, geom, place in zip(rows, geoms, places, strict=True):
        key = (shapely.to_wkb(geom).hex() if geom is not None else "", row["category"], row["model"], place)
        groups[key]["devices"] += 1
        groups[key]["items"] += int(row["items"])
        where[key] = geom
    out_rows, out_geoms = [], []
    for key in sorted(groups):
        _wkb_hex, category, model, place = key
        out_rows.append({"category": category, "model": model, "admin_area": place, **groups[key]})
        out_geoms.append(where[key])
    return out_rows, out_geoms


def read_layer(layer: str, rule: dict, country: str, epsg: int, date_from=None, date_to=None):
    """The layer's rows (allowed fields minus the policy's drops) and its generalised geometries."""
    rows, geoms = READERS[layer](country, date_from, date_to)
    out_geoms, places = generalise(geoms, rule, country, epsg)
    if rule["geometry"] != "keep":
        for row, place in zip(rows, places, strict=True):
            row["admin_area"] = place
    if layer == "devices":
        rows, out_geoms = _group_devices(rows, out_geoms, [r.get("admin_area", "") for r in rows])
    # Features outside every admin area of the level asked have no position to give: they are left out.
    keep = [i for i, g in enumerate(out_geoms) if g is not None]
    fields = [f for f in LAYER_FIELDS[layer] if f not in rule.get("drop", [])]
    rows = [{f: rows[i].get(f) for f in fields} for i in keep]
    return [(f, FIELD_TYPES[f]) for f in fields], rows, np.array([out_geoms[i] for i in keep], dtype=object)
