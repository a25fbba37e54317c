"""The ledger on hand-built geometries with known answers (built in metres in UTM, then unprojected)."""

import datetime as dt
import random
import threading
from concurrent.futures import Future
from itertools import combinations

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
        (shapely.box(-103.06, -13.06, -103.05, -13.05), "the signs of longitude and latitude look flipped"),
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


def _random_case(seed, hazards=12, products=30):
    """Hazards and products of random rectangles (metres in UTM), overlapping each other at random."""
    rng = random.Random(seed)
    hs = [hz(f"H{i}", rect(*_random_box(rng, 400, 60, 200))) for i in range(hazards)]
    ps = []
    for j in range(products):
        outcome = rng.choice(["cleared", "reduced", "cancelled"])
        when = (dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(30)), f"P{j:03d}")
        ps.append(pr(f"P{j}", rng.choice(hs).id, outcome, rect(*_random_box(rng, 450, 10, 90)), when))
    devices = [
        ledger.DeviceInput(p.id, unproject(shapely.Point(rng.uniform(0, 450), rng.uniform(0, 450)), 32648))
        for p in ps
        for _ in range(3)
    ]
    return hs, ps, devices


def _random_box(rng, extent, smallest, largest):
    x, y = rng.uniform(0, extent), rng.uniform(0, extent)
    return x, y, x + rng.uniform(smallest, largest), y + rng.uniform(smallest, largest)


def _same_rows(a, b):
    assert [r.hazard_id for r in a] == [r.hazard_id for r in b]
    for x, y in zip(a, b, strict=True):
        assert x.figures() == y.figures()
        assert x.credits == y.credits
        assert x.overlaps == y.overlaps
        assert (x.remaining_geom is None) == (y.remaining_geom is None)
        if x.remaining_geom is not None:
            assert x.remaining_geom.equals_exact(y.remaining_geom, 0)


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_batch_gives_the_rows_of_the_ordered_loop_on_random_overlaps(seed):
    hazards, products, devices = _random_case(seed)
    batched = ledger.compute(hazards, products, devices)
    ordered = ledger.compute(hazards, products, devices, batch=False)
    _same_rows(batched, ordered)
    # The case exercises both paths: some hazards hold products overlapping each other, others do not.
    meet = "T********"
    holding = [[p for p in products if shapely.relate_pattern(p.geom, h.geom, meet)] for h in hazards]
    overlapping = [any(shapely.relate_pattern(a.geom, b.geom, meet) for a, b in combinations(ps, 2)) for ps in holding]
    assert any(overlapping) and not all(overlapping)
    for row in batched:  # and the ledger still adds up
        released = row.cleared_m2 + row.reduced_m2 + row.cancelled_m2
        assert sum(m2 for _, _, m2 in row.credits) == pytest.approx(released, rel=1e-12)
        assert released + row.remaining_m2 == pytest.approx(row.estimated_m2, rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_threads_and_device_columns_give_the_same_rows(seed, monkeypatch):
    hazards, products, devices = _random_case(seed, hazards=30, products=400)
    monkeypatch.setattr(ledger, "_MIN_SLICE", 8)  # small enough for this case to be cut into slices
    monkeypatch.setattr(ledger, "_MIN_ITEMS", 1)
    single = ledger.compute(hazards, products, devices, workers=1)
    threaded = ledger.compute(hazards, products, devices, workers=3)
    columns = ledger.compute(hazards, products, ledger.DevicePoints.of(devices), workers=3)
    later: Future = Future()  # the devices arriving while the topology runs, as the full recompute reads them
    threading.Timer(0.05, later.set_result, [ledger.DevicePoints.of(devices)]).start()
    pending = ledger.compute(hazards, products, later, workers=3, batch=False)
    _same_rows(single, threaded)
    _same_rows(single, columns)
    _same_rows(single, pending)
    assert sum(r.devices_outside for r in single) > 0


# A hazard of the national demo and two reduction strips of it that share an edge (full precision).
STRIPS_HAZARD = (
    "MULTIPOLYGON (((46.71864878350746 39.55956836214878, 46.717068092114744 39.558269417419524, "
    "46.71399250848735 39.555848096542725, 46.712146058249225 39.55218642177048, 46.7099423521899 39.5487222841047, "
    "46.70433764955468 39.54885759839449, 46.70140329266151 39.55252696103008, 46.70062004357214 39.55525203586468, "
    "46.69922379868338 39.55602117865785, 46.697086106352295 39.55915863230314, 46.69826510030288 39.56146475166408, "
    "46.70316796448654 39.56634905039398, 46.710209087454686 39.565777608655786, 46.711831188579836 39.56659948016449, "
    "46.71219190061263 39.56663957877013, 46.71930491981612 39.562480218959756, 46.71864878350746 39.55956836214878)))"
)
STRIP_1 = (
    "MULTIPOLYGON (((46.69826510030288 39.56146475166408, 46.6988217114251 39.562019255092174, "
    "46.719138212646826 39.56174039188427, 46.718929010345995 39.56081197634546, "
    "46.69807769227638 39.56109818042077, 46.69826510030288 39.56146475166408)))"
)
STRIP_2 = (
    "MULTIPOLYGON (((46.699619162610794 39.56281368660558, 46.7191941334909 39.562545001603446, "
    "46.71930491981612 39.562480218959756, 46.719138212646826 39.56174039188427, "
    "46.6988217114251 39.562019255092174, 46.699619162610794 39.56281368660558)))"
)


@pytest.mark.parametrize("batch", [True, False])
def test_products_sharing_an_edge_each_keep_their_whole_piece(batch):
    """Cut by the hazard's edge, the two strips' pieces overlap by rounding, and GEOS's difference of
    such near-coincident pieces even ADDED 43 m² to the second one. Precedence is decided on the
    products (which only share an edge), so each strip is credited exactly its own piece."""
    hazard, first, second = (shapely.from_wkt(w) for w in (STRIPS_HAZARD, STRIP_1, STRIP_2))
    assert shapely.relate(first, second) == "FF2F11212"  # the products share an edge, no interior
    h = hz("H", hazard, 32638)
    products = [
        pr("A", "H", "reduced", first, (dt.date(2024, 2, 19), "A")),
        pr("B", "H", "reduced", second, (dt.date(2024, 3, 5), "B")),
    ]
    (row,) = ledger.compute([h], products, batch=batch)
    credits = {p: m2 for p, _, m2 in row.credits}
    assert credits["B"] == pytest.approx(153_663.747, abs=0.01)  # the piece itself, not 153,706.8
    assert credits["A"] == pytest.approx(183_326.460, abs=0.01)
    assert row.overlap_m2 == 0
