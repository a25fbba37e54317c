"""What a laptop sends for each record: the workbench's own API payloads (the schemas of the kinds
registered in workbench/kinds.py), so the server submits them unchanged.

A record created after the office's baseline is new: its whole create payload. A record that came with
the national seed and changed since the last sync is a change: the fields that differ from its state at
the last sync, and the version it started from. The state at the last sync is read from the record's
history; a record seeded in bulk has no history before its first change here, so then every field the
change payload can carry is sent (the reviewer's comparison shows which differ from the server's record).
"""

from __future__ import annotations

import datetime as dt
import json

from safeground.hazards.models import Hazard
from safeground.landrelease.models import Product

HAZARD_FIELDS = ("name", "hazard_class", "contamination_type", "recorded_on", "status", "status_changed_on")
#: What a change to a bulk-seeded hazard sends when its earlier state is unknown (status rules stay out).
HAZARD_FALLBACK = ("name", "hazard_class", "contamination_type", "recorded_on")
PRODUCT_FIELDS = ("outcome", "released_on", "clearance_depth_cm", "reported_area_m2")


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _geojson(geom) -> dict | None:
    return None if geom is None else json.loads(geom.geojson)


def hazard_create(hazard: Hazard) -> dict:
    payload = {f: _json(getattr(hazard, f)) for f in ("name", "hazard_class", "contamination_type", "recorded_on")}
    payload["geometry"] = _geojson(hazard.shape)
    payload["country"] = hazard.country
    if hazard.status != "open":
        payload["status"] = hazard.status
    if hazard.radius_m is not None:
        payload["radius_m"] = hazard.radius_m
    if hazard.reporting_organisation_id:
        payload["reporting_organisation"] = hazard.reporting_organisation.acronym
    return payload


def _hazard_values(row) -> dict:
    values = {f: _json(getattr(row, f)) for f in HAZARD_FIELDS}
    shape = row.geom if row.geom is not None else row.point
    values["geometry"] = shape.wkt if shape is not None else None
    values["radius_m"] = row.radius_m
    values["reporting_organisation"] = row.reporting_organisation_id
    return values


def hazard_update(hazard: Hazard, before) -> dict:
    """The change payload (HazardPatch): what differs from `before` (a historical row), or the fallback set."""
    if before is None:
        payload = {f: _json(getattr(hazard, f)) for f in HAZARD_FALLBACK}
        payload["geometry"] = _geojson(hazard.shape)
        return payload
    old, new = _hazard_values(before), _hazard_values(hazard)
    payload = {f: new[f] for f in HAZARD_FIELDS + ("radius_m",) if old[f] != new[f]}
    if old["geometry"] != new["geometry"]:
        payload["geometry"] = _geojson(hazard.shape)
    if old["reporting_organisation"] != new["reporting_organisation"] and hazard.reporting_organisation_id:
        payload["reporting_organisation"] = hazard.reporting_organisation.acronym
    return payload


def _device(device) -> dict:
    row = {
        "point": _geojson(device.point),
        "category": device.category,
        "disposal": device.disposal,
        "condition": device.condition,
        "found_on": _json(device.found_on),
        "count": device.count,
    }
    if device.model_id:
        row["model"] = device.model.name
    if device.depth_cm is not None:
        row["depth_cm"] = device.depth_cm
    return row


def product_create(product: Product, activity_code: str, hazard_code: str | None) -> dict:
    payload = {f: _json(getattr(product, f)) for f in PRODUCT_FIELDS}
    payload = {k: v for k, v in payload.items() if v is not None}
    payload.update(activity=activity_code, hazard=hazard_code, geometry=_geojson(product.geom))
    payload["devices"] = [_device(d) for d in product.devices.select_related("model").order_by("code")]
    return payload


def product_update(product: Product, before) -> dict:
    """The change payload (ProductPatch): what differs from `before`, or every field when it is unknown."""
    if before is None:
        payload = {f: _json(getattr(product, f)) for f in PRODUCT_FIELDS}
        payload = {k: v for k, v in payload.items() if v is not None}
        payload["geometry"] = _geojson(product.geom)
        return payload
    payload = {f: _json(getattr(product, f)) for f in PRODUCT_FIELDS if getattr(before, f) != getattr(product, f)}
    if before.geom.wkt != product.geom.wkt:
        payload["geometry"] = _geojson(product.geom)
    return payload


def activity_create(activity, hazard_codes: list[str]) -> dict:
    """ActivityIn: what, how, where (the hazards' codes as the server knows them), when, by whom."""
    payload = {
        "activity_type": activity.activity_type,
        "methods": list(activity.methods),
        "hazards": hazard_codes,
        "start_date": _json(activity.start_date),
        "teams": list(activity.teams.order_by("code").values_list("code", flat=True)),
        "organisation": activity.organisation.acronym,
    }
    if activity.end_date is not None:
        payload["end_date"] = _json(activity.end_date)
    return payload


PROGRESS_FIELDS = (
    "date", "period", "method", "area_m2", "days_worked", "searchers", "hours_per_day", "assets_deployed",
    "devices_found", "terrain", "vegetation", "soil_metal", "weather", "stoppage_hours", "stoppages",
)  # fmt: skip


def progress_create(report, activity_code: str, hazard_code: str | None) -> dict:
    """ProgressSubmissionIn: the report's figures, its activity and team, and its hazard if it names one."""
    payload = {f: _json(getattr(report, f)) for f in PROGRESS_FIELDS}
    payload.update(activity=activity_code, team=report.team.code, hazard=hazard_code)
    if report.cost_usd is not None:
        payload["cost_usd"] = str(report.cost_usd)
    return payload
