"""Bulk services for products and devices: the single writes' rules over columns, one batch, no per-row history."""

import datetime as dt

import pytest
import shapely

from safeground.core.models import Batch
from safeground.core.tests.fixtures import BATTAMBANG, FUZULI
from safeground.landrelease import services
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, HazardLedger, Product

LON, LAT = BATTAMBANG


@pytest.fixture
def product(hazard, activity, user):
    """A cleared product covering the west half of `hazard`."""
    return services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=shapely.box(LON - 0.002, LAT - 0.002, LON, LAT + 0.002),
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=30,
        user=user,
    )


def written() -> tuple[int, int, int, int]:
    return (Batch.objects.count(), Product.objects.count(), Device.objects.count(), Device.history.count())


def test_devices_in_bulk_get_codes_activity_batch_and_no_history_rows(product, user):
    devices = {
        "point": [shapely.Point(LON - 0.001, LAT), shapely.Point(LON + 0.001, LAT), shapely.Point(LON - 0.0015, LAT)],
        "product_code": [product.code] * 3,
        "category": ["ap_mine", "uxo", None],
        "model": [None, None, "PMN-2"],
        "disposal": ["destroyed_in_situ"] * 3,
        "found_on": [dt.date(2024, 2, 20)] * 3,
        "code": [None, "OWN-1", None],
    }
    history_before = Device.history.count()

    result = services.bulk_create_devices(devices, user=user, source="finds.gpkg", reason="import finds.gpkg")

    assert result.codes == [f"{product.code}-EO-001", "OWN-1", f"{product.code}-EO-002"]
    assert (result.batch.kind, result.batch.source, result.batch.rows, result.batch.user) == (
        "devices",
        "finds.gpkg",
        3,
        user,
    )
    stored = {d.code: d for d in Device.objects.filter(batch=result.batch)}
    assert set(stored) == set(result.codes)
    assert {d.activity_id for d in stored.values()} == {product.activity_id}
    assert stored[result.codes[2]].category == "ap_mine"  # the model's own category
    assert stored[result.codes[2]].condition == "unknown" and stored[result.codes[2]].count == 1
    assert Device.history.count() == history_before
    # The one device east of the product (outside it) is counted, exactly as a full recompute counts it.
    assert HazardLedger.objects.get(hazard_id=product.hazard_id).devices_outside == 1
    assert ledger_store.verify() == []


def test_devices_in_bulk_accept_a_list_of_dicts_with_ids(product, activity):
    rows = [
        {
            "point": shapely.Point(LON - 0.001, LAT + 0.001),
            "product_id": product.id,
            "category": "uxo",
            "disposal": "removed_destroyed",
            "found_on": dt.date(2024, 2, 21),
            "count": 4,
            "depth_cm": 15,
        },
        {
            "point": shapely.Point(LON, LAT),
            "activity_id": activity.id,
            "category": "submunition",
            "disposal": "rendered_safe",
            "found_on": dt.date(2024, 2, 22),
        },
    ]
    result = services.bulk_create_devices(rows)
    first, second = (Device.objects.get(code=c) for c in result.codes)
    assert (first.product_id, first.count, first.depth_cm) == (product.id, 4, 15)
    assert (second.product_id, second.activity_id, second.code) == (None, activity.id, f"{activity.code}-EO-001")


def test_every_bad_device_is_named_and_nothing_is_written(product):
    devices = {
        "point": [
            shapely.Point(LON, LAT),
            shapely.Point(*FUZULI),  # Azerbaijan, but the product is in Cambodia
            shapely.Point(LAT, LON),  # swapped
            shapely.Point(LON, LAT),
            shapely.Point(LON, LAT),
        ],
        "product_code": [product.code, product.code, product.code, "KH-NOPE-LR-001", product.code],
        "category": ["banana", "uxo", "uxo", "uxo", "uxo"],
        "disposal": ["destroyed_in_situ"] * 5,
        "found_on": [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 1, 1), None],
        "count": [1, 0, 1, 1, 1],
        "code": ["D-1", "D-1", None, None, None],
    }
    before = written()

    with pytest.raises(services.BulkValidationFailed) as caught:
        services.bulk_create_devices(devices)

    assert written() == before
    found = {(e.row, e.field): e for e in caught.value.errors}
    assert set(found) == {
        (1, "category"),
        (2, "count"),
        (2, "point"),
        (2, "code"),
        (3, "point"),
        (4, "product_code"),
        (5, "found_on"),
    }
    assert found[(1, "category")].value == "banana"
    assert "must be one of ap_mine, at_mine" in found[(1, "category")].reason
    assert "duplicate code (also on row 1)" in found[(2, "code")].reason
    assert "Azerbaijan" in found[(2, "point")].reason or "border" in found[(2, "point")].reason
    assert "swapped" in found[(3, "point")].reason
    assert (found[(4, "product_code")].value, found[(4, "product_code")].reason) == (
        "KH-NOPE-LR-001",
        "no product with this code",
    )
    assert found[(5, "found_on")].reason == "required"
    assert str(caught.value).startswith("7 error(s) in 5 row(s); row 1, category 'banana'")


def test_a_device_code_already_in_the_database_is_refused(product):
    [existing] = services.record_devices(
        product, [{"point": shapely.Point(LON - 0.001, LAT), "category": "uxo", "disposal": "other"}]
    )
    before = written()
    with pytest.raises(services.BulkValidationFailed) as caught:
        services.bulk_create_devices(
            [
                {
                    "point": shapely.Point(LON - 0.001, LAT),
                    "product_id": product.id,
                    "category": "uxo",
                    "disposal": "other",
                    "found_on": dt.date(2024, 3, 1),
                    "code": existing.code,
                }
            ]
        )
    assert written() == before
    [error] = caught.value.errors
    assert (error.row, error.field, error.value) == (1, "code", existing.code)
    assert error.reason == "a record with this code already exists"


def test_products_in_bulk_get_codes_area_batch_and_a_fresh_ledger(hazard, activity, user):
    rows = {
        "geom": [
            shapely.box(LON - 0.002, LAT - 0.002, LON, LAT),
            shapely.box(LON, LAT - 0.002, LON + 0.002, LAT),
        ],
        "hazard_code": [hazard.code, hazard.code],
        "activity_code": [activity.code, activity.code],
        "outcome": ["cleared", "reduced"],
        "clearance_depth_cm": [30, None],
        "released_on": [dt.date(2024, 3, 1), dt.date(2024, 3, 2)],
    }
    product_history = Product.history.count()

    result = services.bulk_create_products(rows, user=user, source="products.gpkg")

    assert result.codes == [f"{hazard.code}-LR-001", f"{hazard.code}-LR-002"]
    assert (result.batch.kind, result.batch.rows) == ("products", 2)
    first, second = (Product.objects.get(code=c) for c in result.codes)
    assert first.batch_id == second.batch_id == result.batch.id
    # Areas in the local UTM zone, as the single write computes them.
    from safeground.core.geometry import area_m2

    assert first.area_m2 == pytest.approx(area_m2(rows["geom"][0]), rel=1e-9)
    assert Product.history.count() == product_history
    ledger = HazardLedger.objects.get(hazard=hazard)
    assert ledger.cleared_m2 == pytest.approx(first.area_m2, rel=1e-6)
    assert ledger.reduced_m2 == pytest.approx(second.area_m2, rel=1e-6)
    assert ledger_store.verify() == []


def test_bad_products_are_named_and_nothing_is_written(hazard, activity):
    bowtie = shapely.Polygon([(LON, LAT), (LON + 0.001, LAT + 0.001), (LON + 0.001, LAT), (LON, LAT + 0.001)])
    rows = {
        "geom": [
            bowtie,
            shapely.box(LON - 0.001, LAT - 0.001, LON, LAT),
            shapely.box(*FUZULI, FUZULI[0] + 0.001, FUZULI[1] + 0.001),
        ],
        "hazard_code": [hazard.code, hazard.code, hazard.code],
        "activity_code": [activity.code, "NOPE", activity.code],
        "outcome": ["reduced", "cleared", "released"],
        "released_on": [dt.date(2024, 3, 1), dt.date(2024, 3, 1), dt.date(2024, 3, 1)],
    }
    before = written()
    with pytest.raises(services.BulkValidationFailed) as caught:
        services.bulk_create_products(rows)
    assert written() == before
    found = {(e.row, e.field): e.reason for e in caught.value.errors}
    assert set(found) == {(1, "geom"), (2, "activity_code"), (2, "clearance_depth_cm"), (3, "outcome"), (3, "geom")}
    assert "Self-intersection" in found[(1, "geom")]
    assert found[(2, "clearance_depth_cm")] == "required when the outcome is cleared"
