"""The ledger on hand-built geometries with known answers (built in metres in UTM, then unprojected)."""

import datetime as dt
import random

import pytest
import shapely

from safeground.core.geometry import area_m2, unproject
from safeground.hazards import services as hazard_services
from safeground.landrelease import services as product_services
from safeground.landrelease.ledger import compute as ledger
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, HazardLedger, ProductOverlap, ProductRelease

# Origins in metres: Battambang (UTM 48N) and on the 48° E meridian in Azerbaijan (UTM 39N side).
BTB = (32648, 480_000.0, 1_443_000.0)


def rect(x0, y0, x1, y1, origin=BTB, holes=()):
    epsg, e, n = origin
    shell = [(e + x0, n + y0), (e + x1, n + y0), (e + x1, n + y1), (e + x0, n + y1)]
    rings = [[(e + a, n + b), (e + c, n + b), (e + c, n + d), (e + a, n + d)] for a, b, c, d in holes]
    return unproject(shapely.Polygon(shell, rings), epsg)


def hz(id_, geom, epsg=32648):
    return ledger.HazardInput(id_, geom, epsg)


def pr(id_, hazard, outcome, geom, order=()):
    return ledger.ProductInput(id_, hazard, outcome, geom, order)


def test_overlapping_products_count_once_with_precedence():
    h = hz("H", rect(0, 0, 100, 100))
    products = [
        pr("C", "H", "cleared", rect(0, 0, 50, 100)),
        pr("R", "H", "reduced", rect(25, 0, 75, 100)),
        pr("X", "H", "cancelled", rect(60, 0, 100, 100)),
        pr("X2", "H", "cancelled", rect(80, 0, 100, 100)),
    ]
    (row,) = ledger.compute([h], products)
    assert row.estimated_m2 == pytest.approx(10_000, rel=1e-9)
    assert row.cleared_m2 == pytest.approx(5_000, rel=1e-6)
    assert row.reduced_m2 == pytest.approx(2_500, rel=1e-6)
    assert row.cancelled_m2 == pytest.approx(2_500, rel=1e-6)
    assert row.remaining_m2 == pytest.approx(0, abs=0.01)  # mm² slivers: edges straight in UTM bend in lon/lat
    # C∩R 2,500 + R∩X 1,500 + X∩X2 2,000 = 6,000 m² double-counted if the products were summed.
    assert row.overlap_m2 == pytest.approx(6_000, rel=1e-6)
    assert {(a, b) for a, b, _ in row.overlaps} == {("C", "R"), ("R", "X"), ("X", "X2")}
    # Credits partition the released area: the later cancellation X2 gets nothing.
    credits = {p: m2 for p, _, m2 in row.credits}
    assert credits == pytest.approx({"C": 5_000, "R": 2_500, "X": 2_500}, rel=1e-6)


def test_product_partly_outside_its_hazard_and_remaining_geometry():
    h = hz("H", rect(0, 0, 100, 100))
    products = [pr("C", "H", "cleared", rect(50, 0, 130, 100))]
    (row,) = ledger.compute([h], products)
    assert row.cleared_m2 == pytest.approx(5_000, rel=1e-6)
    assert row.outside_m2 == pytest.approx(3_000, rel=1e-6)
    assert row.remaining_m2 == pytest.approx(5_000, rel=1e-6)
    west = rect(-1, -1, 51, 101)
    assert area_m2(row.remaining_geom.intersection(west)) == pytest.approx(5_000, rel=1e-6)
    assert area_m2(row.remaining_geom.difference(west)) < 0.01


def test_multipolygon_with_holes():
    hazard_geom = shapely.MultiPolygon([rect(0, 0, 100, 100, holes=[(30, 30, 70, 70)]), rect(200, 0, 220, 50)])
    h = hz("H", hazard_geom)
    products = [pr("C", "H", "cleared", rect(0, 0, 100, 100)), pr("R", "H", "reduced", rect(200, 0, 210, 50))]
    (row,) = ledger.compute([h], products)
    assert row.estimated_m2 == pytest.approx(10_000 - 1_600 + 1_000, rel=1e-6)
    assert row.cleared_m2 == pytest.approx(8_400, rel=1e-6)
    assert row.reduced_m2 == pytest.approx(500, rel=1e-6)
    assert row.remaining_m2 == pytest.approx(500, rel=1e-6)
    # The hole is not hazard ground: the product over it is outside every hazard.
    assert row.outside_m2 == pytest.approx(1_600, rel=1e-6)


def test_one_product_spanning_two_hazards():
    a, b = hz("A", rect(0, 0, 100, 100)), hz("B", rect(100, 0, 200, 100))
    products = [pr("P", "A", "cleared", rect(50, 0, 150, 100))]
    rows = {r.hazard_id: r for r in ledger.compute([a, b], products)}
    assert rows["A"].cleared_m2 == pytest.approx(5_000, rel=1e-6)
    assert rows["B"].cleared_m2 == pytest.approx(5_000, rel=1e-6)
    # The rest lies on hazard B (edges straight in UTM bend by millimetres in lon/lat: a sliver of mm²).
    assert rows["A"].outside_m2 == pytest.approx(0, abs=0.01)
    assert rows["B"].remaining_m2 == pytest.approx(5_000, rel=1e-6)


def test_devices_outside_their_product():
    h = hz("H", rect(0, 0, 100, 100))
    products = [pr("C", "H", "cleared", rect(0, 0, 50, 100))]
    epsg, e, n = BTB
    inside, outside = (unproject(shapely.Point(e + x, n + 10), epsg) for x in (10, 70))
    devices = [ledger.DeviceInput("C", inside), ledger.DeviceInput("C", outside)]
    (row,) = ledger.compute([h], products, devices)
    assert row.devices_outside == 1


@pytest.mark.django_db
def test_azerbaijan_hazard_across_48e_measured_in_one_zone(user, organisation):
    from safeground.operations.models import Activity

    # 1 km square centred on 48° E at 39.95° N (Saatly/Imishli), split by the UTM 38N/39N boundary.
    square = shapely.box(47.994, 39.946, 48.006, 39.954)
    hazard = hazard_services.create_hazard(
        geometry=square, hazard_class="CHA", contamination_type="uxo", recorded_on=dt.date(2024, 1, 1), user=user
    )
    assert hazard.country == "AZE" and hazard.utm_epsg == 32639
    activity = Activity.objects.create(
        code="AZ-CLR-1",
        activity_type="clearance",
        organisation=organisation,
        methods=["manual"],
        reference_point=hazard.geom.centroid,
        country="AZE",
        start_date=dt.date(2024, 2, 1),
    )
    west = shapely.box(47.994, 39.946, 48.0, 39.954)
    product_services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=west,
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=20,
    )
    stored = HazardLedger.objects.get(hazard=hazard)
    assert stored.estimated_m2 == pytest.approx(hazard.area_m2, rel=1e-12)
    assert stored.cleared_m2 == pytest.approx(hazard.area_m2 / 2, rel=1e-3)
    assert stored.cleared_m2 + stored.remaining_m2 == pytest.approx(stored.estimated_m2, rel=1e-9)


@pytest.mark.django_db
def test_saves_keep_the_stored_ledger_current_and_verify_passes_after_random_edits(hazard, activity, user):
    rng = random.Random(7)
    center = hazard.geom.centroid
    codes = []
    for i in range(12):
        dx, dy = rng.uniform(-0.002, 0.001), rng.uniform(-0.002, 0.001)
        size = rng.uniform(0.0003, 0.0015)
        geom = shapely.box(center.x + dx, center.y + dy, center.x + dx + size, center.y + dy + size)
        outcome = rng.choice(["cleared", "reduced", "cancelled"])
        product = product_services.create_product(
            activity=activity.code,
            hazard=hazard.code,
            outcome=outcome,
            geometry=geom,
            released_on=dt.date(2024, 3, 1) + dt.timedelta(days=i),
            clearance_depth_cm=13 if outcome == "cleared" else None,
            user=user,
        )
        codes.append(product.code)
        assert ledger_store.verify() == []
    for code in rng.sample(codes, 5):
        from safeground.landrelease.models import Product

        product = Product.objects.get(code=code)
        moved = shapely.affinity.translate(shapely.from_wkb(bytes(product.geom.wkb)), 0.0007, -0.0004)
        product_services.update_product(product, geometry=moved, outcome="cleared", clearance_depth_cm=15, user=user)
        assert ledger_store.verify() == []
    hazard_services.update_hazard(
        hazard, geometry=shapely.box(center.x - 0.001, center.y - 0.001, center.x + 0.003, center.y + 0.003), user=user
    )
    assert ledger_store.verify() == []
    row = HazardLedger.objects.get(hazard=hazard)
    released = sum(ProductRelease.objects.filter(hazard=hazard).values_list("released_m2", flat=True))
    assert released == pytest.approx(row.cleared_m2 + row.reduced_m2 + row.cancelled_m2, rel=1e-9)
    assert row.estimated_m2 == pytest.approx(
        row.cleared_m2 + row.reduced_m2 + row.cancelled_m2 + row.remaining_m2, rel=1e-6
    )
    assert ProductOverlap.objects.filter(hazard=hazard).count() > 0


@pytest.mark.django_db
def test_verify_reports_a_tampered_row_and_recompute_repairs_it(hazard):
    assert ledger_store.verify() == []
    HazardLedger.objects.filter(hazard=hazard).update(remaining_m2=1.0)
    problems = ledger_store.verify()
    assert problems == [f"{hazard.code}: remaining_m2 stored 1.0, recomputed {hazard.area_m2!r}"]
    assert ledger_store.recompute_all() >= 1
    assert ledger_store.verify() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "geometry, message",
    [
        (shapely.Polygon([(103.05, 13.05), (103.06, 13.06), (103.06, 13.05), (103.05, 13.06)]), "Self-intersection"),
        (shapely.Polygon(), "empty"),
        (shapely.box(-103.06, -13.06, -103.05, -13.05), "wrong hemisphere"),
    ],
)
def test_bad_product_polygons_are_refused_and_nothing_is_written(hazard, activity, geometry, message):
    from safeground.core.errors import ValidationFailed
    from safeground.landrelease.models import Product

    before = HazardLedger.objects.get(hazard=hazard).remaining_m2
    with pytest.raises(ValidationFailed, match=message):
        product_services.create_product(
            activity=activity.code,
            hazard=hazard.code,
            outcome="cleared",
            geometry=geometry,
            released_on=dt.date(2024, 3, 1),
            clearance_depth_cm=13,
        )
    assert not Product.objects.exists() and not Device.objects.exists()
    assert HazardLedger.objects.get(hazard=hazard).remaining_m2 == before
