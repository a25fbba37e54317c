"""Every write to land release products: validation, computed area, history — in one transaction."""

from __future__ import annotations

import datetime as dt

import shapely
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import transaction
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.core.codes import next_code
from safeground.core.contracts import check_code
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_geos
from safeground.core.geometry import GeometryError, area_m2
from safeground.core.history import record_author
from safeground.core.purge import purge, purge_synthetic
from safeground.gazetteer.queries import place_polygon
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard

# Set-based writes (importer, demo): the same rules over whole columns, one core.Batch, no per-row history.
from safeground.landrelease.bulk import (  # noqa: F401 - part of this module's services
    BulkError,
    BulkResult,
    BulkValidationFailed,
    Checked,
    bulk_create_devices,
    bulk_create_products,
    check_devices,
    check_products,
    hazards_overlapped,
    overlap_message,
)
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, HazardLedger, Product, ProductOverlap, ProductRelease
from safeground.operations.models import Activity
from safeground.ordnance.models import CATEGORY_CHOICES

OUTCOMES = [c[0] for c in Product.OUTCOME_CHOICES]


def _check(outcome: str, clearance_depth_cm: int | None, reported_area_m2: float | None) -> None:
    if outcome not in OUTCOMES:
        raise ValidationFailed(
            _("%(field)s must be one of %(choices)s; got %(value)s")
            % {"field": "outcome", "choices": ", ".join(OUTCOMES), "value": repr(outcome)},
            field="outcome",
        )
    if outcome == "cleared" and clearance_depth_cm is None:
        raise ValidationFailed(
            _("%(field)s is required when the outcome is cleared") % {"field": "clearance_depth_cm"},
            field="clearance_depth_cm",
        )
    if clearance_depth_cm is not None and not 0 < clearance_depth_cm <= 500:
        raise ValidationFailed(
            f"clearance_depth_cm must be between 1 and 500; got {clearance_depth_cm}", field="clearance_depth_cm"
        )
    if reported_area_m2 is not None and reported_area_m2 <= 0:
        raise ValidationFailed(
            _("%(field)s must be positive") % {"field": "reported_area_m2"}, field="reported_area_m2"
        )


def _lookup(model, code: str, field: str):
    row = model.objects.filter(code=code).first()
    if row is None:
        raise ValidationFailed(_("unknown %(field)s %(code)s") % {"field": field, "code": repr(code)}, field=field)
    return row


def _apply_geometry(product: Product, geom: shapely.Geometry) -> None:
    """Check and set the geometry: inside the product's country and, for a product with no hazard,
    outside every hazard (bulk.hazards_overlapped)."""
    country = product.hazard.country if product.hazard is not None else product.activity.country
    multi, _ = place_polygon(geom, country, "product geometry")
    if not product.hazard_id:
        overlapped = hazards_overlapped([multi])[0]
        if overlapped:
            raise ValidationFailed(overlap_message(overlapped), field="hazard")
    product.geom = to_geos(multi, MultiPolygon)
    product.area_m2 = area_m2(multi)


@transaction.atomic
def create_product(
    *,
    activity: str,
    hazard: str | None,
    outcome: str,
    geometry: shapely.Geometry,
    released_on: dt.date,
    clearance_depth_cm: int | None = None,
    reported_area_m2: float | None = None,
    code: str | None = None,
    user=None,
    source_id: str | None = None,
    source_attributes: dict | None = None,
    reason: str | None = None,
) -> Product:
    """One product; `hazard` None is ground released outside every hazard (refused where it overlaps one).
    `source_id`/`source_attributes`: where a migrated product came from; `reason` goes in the history."""
    check_code(code)
    _check(outcome, clearance_depth_cm, reported_area_m2)
    activity_row = _lookup(Activity, activity, "activity")
    hazard_row = _lookup(Hazard, hazard, "hazard") if hazard is not None else None
    if code and Product.objects.filter(code=code).exists():
        raise ValidationFailed(f"a product with code {code!r} already exists", field="code")
    product = Product(
        activity=activity_row,
        hazard=hazard_row,
        outcome=outcome,
        released_on=released_on,
        clearance_depth_cm=clearance_depth_cm,
        reported_area_m2=reported_area_m2,
        source_id=source_id,
        source_attributes=source_attributes,
    )
    _apply_geometry(product, geometry)
    product.code = code or next_code(Product, (hazard_row or activity_row).code, "LR", width=3)
    record_author(product, user, reason)
    product.save()
    ledger_store.refresh([product.hazard_id], extra_geoms=[product.geom])
    return product


@transaction.atomic
def update_product(
    product: Product, *, user=None, expected_version: int | None = None, reason: str | None = None, **changes
) -> Product:
    """A partial update, on the row re-read locked with its version raised (core/versions.py):
    `expected_version`, when given, must be the stored one (else StaleVersion, nothing written).
    `reason` goes in the history (a migration names the source record)."""
    allowed = {"outcome", "geometry", "released_on", "clearance_depth_cm", "reported_area_m2", "source_attributes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"cannot update field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if not changes:
        versions.check(product, expected_version, f"product {product.code}")
        return product
    versions.lock(product, expected_version, f"product {product.code}")
    outcome = changes.get("outcome", product.outcome)
    depth = changes.get("clearance_depth_cm", product.clearance_depth_cm)
    reported = changes.get("reported_area_m2", product.reported_area_m2)
    _check(outcome, depth, reported)
    product.outcome, product.clearance_depth_cm, product.reported_area_m2 = outcome, depth, reported
    if "released_on" in changes:
        product.released_on = changes["released_on"]
    if "source_attributes" in changes:  # a re-import or re-run: the source's own columns as read now
        product.source_attributes = changes["source_attributes"]
    old_geom = product.geom.clone()
    if "geometry" in changes:
        _apply_geometry(product, changes["geometry"])
    record_author(product, user, reason)
    product.save()
    ledger_store.refresh([product.hazard_id], extra_geoms=[old_geom, product.geom])
    return product


@transaction.atomic
def record_devices(product: Product, devices: list[dict], *, user=None) -> list[Device]:
    """The devices found in a product: each a point (lon/lat), a category, a disposal and a date.

    A point outside the product is accepted (the ledger counts it as outside, and the data quality
    checks list it); a bad category, disposal, model or count is refused naming the device's index."""
    rows = [
        _device(d, f"devices[{i}]", product=product, activity=product.activity, default_on=product.released_on)
        for i, d in enumerate(devices)
    ]
    for device in rows:
        device.code = next_code(Device, product.code, "EO", width=3)
        record_author(device, user)
        device.save()
    if rows:
        ledger_store.refresh([product.hazard_id])
    return rows


@transaction.atomic
def record_spot_devices(activity: Activity, devices: list[dict], *, found_on: dt.date, user=None) -> list[Device]:
    """The devices an EOD spot task found and disposed of: the activity's own, with no product (no ground
    was released, so the ledger, which counts devices by product, is untouched). Same checks as
    `record_devices`, refused naming the device's index."""
    rows = [
        _device(d, f"devices[{i}]", product=None, activity=activity, default_on=found_on) for i, d in enumerate(devices)
    ]
    for device in rows:
        device.code = next_code(Device, activity.code, "EO", width=3)
        record_author(device, user)
        device.save()
    return rows


def _device(d: dict, field: str, *, product: Product | None, activity: Activity, default_on: dt.date) -> Device:
    """One device checked (point, category, disposal, model, count) and built, not saved."""
    from safeground.core.geometry import validate_point
    from safeground.ordnance.models import OrdnanceModel

    point = d["point"]
    try:
        validate_point(point, f"{field}.point")
    except GeometryError as exc:
        raise ValidationFailed.from_geometry(exc, field=f"{field}.point") from exc
    for name, choices in (("category", CATEGORY_CHOICES), ("disposal", Device.DISPOSAL_CHOICES)):
        if d.get(name) not in dict(choices):
            raise ValidationFailed(f"{field}.{name} must be one of {', '.join(dict(choices))}", field=f"{field}.{name}")
    model = None
    if d.get("model"):
        model = OrdnanceModel.objects.filter(name=d["model"]).first()
        if model is None:
            raise ValidationFailed(
                _("no ordnance model %(model)s") % {"model": repr(d["model"])},
                field=f"{field}.model",
                reason="unknown",
            )
    if int(d.get("count") or 1) < 1:
        raise ValidationFailed(_("%(field)s must be 1 or more") % {"field": "count"}, field=f"{field}.count")
    return Device(
        product=product,
        activity=activity,
        point=to_geos(point, Point),
        category=d["category"],
        model=model,
        condition=d.get("condition") or "unknown",
        depth_cm=d.get("depth_cm"),
        disposal=d["disposal"],
        found_on=d.get("found_on") or default_on,
        count=int(d.get("count") or 1),
        source_id=d.get("source_id"),
        source_attributes=d.get("source_attributes"),
    )


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic device and product with their history, the traverses of synthetic hazards
    and products, and the stored ledger rows (`ledger.store`: keyed by hazard) of synthetic hazards (the
    demo's rebuild, before the operations and hazards go, which these rows point at).

    The only hard delete of these tables, limited to `is_synthetic` rows: set-based through `core.purge`,
    which refuses (deleting nothing) if a real record depends on one. The real hazards' ledger rows are
    left as stored; the demo recomputes the whole ledger after its build.
    """
    counts = hazard_services.delete_synthetic_traverses()
    for rows in (
        purge_synthetic(Device),
        purge_synthetic(Product),
        purge(HazardLedger, hazard__is_synthetic=True),
        purge(ProductOverlap, hazard__is_synthetic=True),
        purge(ProductRelease, hazard__is_synthetic=True),
    ):
        for table, n in rows.items():
            counts[table] = counts.get(table, 0) + n
    return counts
