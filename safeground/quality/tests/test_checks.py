"""The checks on a dataset with exactly one of each defect: exactly the expected findings, no more."""

import datetime as dt

import numpy as np
import pytest
import shapely

from safeground.hazards.models import Hazard
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.quality import checks, queries
from safeground.quality.findings import CHECKS, Thresholds
from safeground.quality.tests.conftest import EXPECTED, Defects, box

pytestmark = pytest.mark.django_db


def found(report) -> set:
    return {(f.check, f.record_type, f.code, f.severity) for f in report.findings}


def by_check(report, check: str) -> list:
    return [f for f in report.findings if f.check == check]


def test_exactly_the_expected_findings(defects):
    report = queries.run()
    assert found(report) == EXPECTED
    assert len(report.findings) == len(EXPECTED)  # one finding per defect, none twice
    # Every check is exercised by the fixture.
    assert {check for check, *_ in EXPECTED} == set(CHECKS)


def test_clean_records_give_nothing(defects):
    involved = {f.code for f in queries.run().findings}
    for clean in (Defects.clean, Defects.p_ok, Defects.d_ok, Defects.act, Defects.dup_a, Defects.ov_a, Defects.main):
        assert clean not in involved


def test_finding_details(defects):
    report = queries.run()
    (invalid,) = by_check(report, "invalid-geometry")
    assert invalid.message.startswith("invalid polygon: Self-intersection at lon 103.101000, lat 13.101000")
    assert (invalid.lon, invalid.lat) == pytest.approx((103.101, 13.101))
    assert invalid.hazard_code == Defects.bowtie
    (few,) = by_check(report, "too-few-vertices")
    assert "2 distinct vertices" in few.message
    (swap,) = by_check(report, "latlon-swap")
    assert 103.2 <= swap.lon <= 103.202 and 13.1 <= swap.lat <= 13.102  # shown where it belongs
    (outside,) = by_check(report, "outside-country")
    assert "outside Cambodia (KHM)" in outside.message and outside.lon == pytest.approx(101.501, abs=0.001)
    (dup,) = by_check(report, "duplicate-geometry")
    assert dup.related == [Defects.dup_a]
    (code,) = by_check(report, "duplicate-code")
    assert code.related == [Defects.main] and "letter case" in code.message
    (gap,) = by_check(report, "vertex-gap")
    assert gap.message.startswith("2 edges longer than 5.0 km; the longest is 6.5 km")
    (overlap,) = by_check(report, "hazard-overlap")
    assert overlap.related == [Defects.ov_a] and "(50% of the smaller)" in overlap.message
    (spill,) = by_check(report, "product-outside-hazard")
    assert "(67%) lies outside its hazard KH02-HAZ-000001" in spill.message and "outside every hazard" in spill.message
    assert 103.055 <= spill.lon <= 103.057
    (pair,) = by_check(report, "product-overlap")
    assert pair.related == [Defects.p_ov_a] and "(50% of the smaller)" in pair.message
    (device,) = by_check(report, "device-outside-product")
    assert device.message.startswith("739 m outside its product KH02-HAZ-000001-LR-001")
    assert (device.lon, device.lat) == pytest.approx((103.050, 13.053))
    assert device.hazard_code == Defects.main
    dates = {f.record_type: f.message for f in by_check(report, "date-order")}
    assert dates["product"] == "released on 2024-01-20 but its activity KH-CLR-000001 started on 2024-02-01"
    assert dates["activity"] == "ends on 2024-01-01, before it starts on 2024-03-01"
    assert dates["device"] == "found on 2024-08-01, after its activity ended (KH-CLR-000001: 2024-02-01 to 2024-06-30)"
    assert dates["hazard"] == "recorded on 2024-05-01, after 1 of its products was released (the first on 2024-04-01)"
    (area,) = by_check(report, "area-mismatch")
    assert area.message.endswith("(+10.0 %)")
    (stale,) = by_check(report, "stored-area")
    assert "stored area" in stale.message
    for f in report.findings:
        assert f.fix, f"{f.check} has no suggested fix"


def test_must_fix_first(defects):
    severities = [f.severity for f in queries.run().findings]
    assert severities == sorted(severities, key=lambda s: s != "must_fix")


def recompute_ledger() -> None:
    """The stored ledger of every hazard but the swapped one (the ledger can't measure a latitude of 103°)."""
    ledger_store.refresh(Hazard.objects.exclude(code=Defects.swapped).values_list("id", flat=True))


def test_ledger_path_gives_the_same_findings(defects):
    """With the stored ledger current, the checks skip clean hazards yet find the same things."""
    recompute_ledger()
    assert HazardLedger.objects.filter(devices_outside__gt=0).count() == 1
    with_ledger = queries.run()
    assert found(with_ledger) == EXPECTED
    # The ledger spared reading the devices of hazards it knows are clean (here: none are clean).
    assert with_ledger.checked["device"] == 3
    assert found(queries.run(fresh=True)) == EXPECTED


def test_clean_ledger_spares_reading_devices(defects):
    Device.objects.filter(code=Defects.d_out).update(point="SRID=4326;POINT(103.0461 13.0461)")
    recompute_ledger()
    report = queries.run()
    assert report.checked["device"] == 0  # every device of every hazard is inside its product
    assert not by_check(report, "device-outside-product")


def test_stale_ledger_is_trusted_unless_fresh(defects):
    """A change written around the services leaves the ledger stale: `fresh` is the way to see it."""
    Device.objects.filter(code=Defects.d_out).update(point="SRID=4326;POINT(103.0461 13.0461)")
    recompute_ledger()
    Device.objects.filter(code=Defects.d_ok).update(point="SRID=4326;POINT(103.0499 13.0531)")
    assert not by_check(queries.run(), "device-outside-product")
    assert [f.code for f in by_check(queries.run(fresh=True), "device-outside-product")] == [Defects.d_ok]


def test_only_and_country(defects):
    report = queries.run(only=["date-order", "vertex-gap"])
    assert {f.check for f in report.findings} == {"date-order", "vertex-gap"}
    assert len(report.findings) == 5
    assert queries.run(country="AZE").findings == []
    assert found(queries.run(country="KHM")) == EXPECTED
    with pytest.raises(ValueError, match="unknown check"):
        queries.run(only=["nonsense"])


def test_thresholds(defects):
    report = queries.run(
        only=["vertex-gap", "hazard-overlap"], thresholds=Thresholds(vertex_gap_m=7000, overlap_share=0.6)
    )
    assert report.findings == []
    report = queries.run(only=["vertex-gap"], thresholds=Thresholds(vertex_gap_m=1000))
    # The vast hazard's edges are split every 3.3 km: over the 1 km threshold too.
    assert {f.code for f in report.findings} == {Defects.long, Defects.main, Defects.vast}


def test_product_only_in_another_hazard_is_advisory(defects):
    """A product spilling into a neighbouring hazard (one task across two) is advisory, not must-fix."""
    from safeground.core.geojson import to_geos

    Product.objects.filter(code=Defects.p_out).update(geom=to_geos(shapely.MultiPolygon([box(103.054, 13.049)])))
    Hazard.objects.filter(code=Defects.clean).update(
        geom=to_geos(shapely.MultiPolygon([box(103.055, 13.048, 0.003, 0.004)]))
    )
    (spill,) = by_check(queries.run(), "product-outside-hazard")
    assert spill.severity == "advisory" and spill.related == [Defects.clean]
    assert f"in hazard {Defects.clean}" in spill.message and "outside every hazard" not in spill.message


@pytest.mark.parametrize(("beyond_deg", "reported"), [(0.000000009, False), (0.0000005, True)])
def test_edge_tolerance(defects, beyond_deg, reported):
    """1 mm beyond the hazard's edge is float rounding (within the 1 cm edge); 5 cm along 220 m is 10 m²."""
    from safeground.core.geojson import to_geos

    geom = shapely.MultiPolygon([box(103.053, 13.049, 0.002 + beyond_deg)])
    Product.objects.filter(code=Defects.p_out).update(geom=to_geos(geom))
    assert bool(by_check(queries.run(), "product-outside-hazard")) is reported


def test_ring_analysis_finds_holes_with_too_few_vertices():
    ring = [(103.002, 13.002), (103.003, 13.003), (103.002, 13.002), (103.002, 13.002)]
    holed = shapely.Polygon(box(103, 13, 0.01, 0.01).exterior.coords, [ring])
    layer = checks.Layer(
        "hazard",
        codes=np.array(["A", "B"], dtype=object),
        country=np.array(["KHM", "KHM"], dtype=object),
        geoms=np.array([holed, box(103, 13)], dtype=object),
        hazard_codes=np.array(["A", "B"], dtype=object),
    )
    findings = checks.basics(layer, {}, Thresholds())
    assert [(f.check, f.code) for f in findings] == [("too-few-vertices", "A")]
    assert "a hole has 2 distinct vertices" in findings[0].message
    assert list(layer.ok) == [False, True]


def test_dates_use_the_products_activity_when_the_device_has_none(defects):
    Device.objects.filter(code=Defects.d_late).update(activity=None)
    dates = [f for f in queries.run(only=["date-order"]).findings if f.record_type == "device"]
    assert [f.code for f in dates] == [Defects.d_late]
    Device.objects.filter(code=Defects.d_late).update(found_on=dt.date(2024, 6, 30))
    assert not [f for f in queries.run(only=["date-order"]).findings if f.record_type == "device"]


def test_points_swapped_and_outside(defects):
    """Activities' reference points and devices go through the same country checks as polygons."""
    from safeground.operations.models import Activity

    Activity.objects.filter(code=Defects.act_bad).update(reference_point="SRID=4326;POINT(13.10 103.30)")
    Device.objects.filter(code=Defects.d_ok).update(point="SRID=4326;POINT(101.5 13.5)")
    report = queries.run(only=["latlon-swap", "outside-country"])
    got = {(f.check, f.code): f for f in report.findings}
    assert set(got) == {
        ("latlon-swap", Defects.act_bad),
        ("outside-country", Defects.d_ok),
        ("latlon-swap", Defects.swapped),
        ("outside-country", Defects.thai),
    }
    assert (got["latlon-swap", Defects.act_bad].lon, got["latlon-swap", Defects.act_bad].lat) == (103.30, 13.10)
    assert got["outside-country", Defects.d_ok].message == (
        "the device lies more than 5 km outside Cambodia (KHM) (border tolerance 50 m)"
    )


def test_out_of_range_without_an_outline_is_still_reported():
    layer = checks.Layer(
        "activity",
        codes=np.array(["A"], dtype=object),
        country=np.array(["XYZ"], dtype=object),
        geoms=np.array([shapely.Point(13.1, 103.3)], dtype=object),
        hazard_codes=np.array([None], dtype=object),
    )
    (finding,) = checks.basics(layer, {}, Thresholds(), polygons=False)
    assert finding.check == "outside-country"
    assert finding.message == "coordinates (13.100000, 103.300000) are not a longitude/latitude, far outside XYZ"
    assert not layer.ok[0]


def test_future_dates_of_products_and_devices(defects):
    """Written around the services (the API and the importer refuse them): found by the same rule."""
    later = dt.date.today() + dt.timedelta(days=30)
    Product.objects.filter(code=Defects.p_ok).update(released_on=later)
    Device.objects.filter(code=Defects.d_ok).update(found_on=later)
    report = queries.run(only=["future-date"])
    found_now = {(f.record_type, f.code) for f in report.findings}
    assert found_now == {("hazard", Defects.future), ("product", Defects.p_ok), ("device", Defects.d_ok)}
    device = next(f for f in report.findings if f.code == Defects.d_ok)
    assert f"found on {later.isoformat()} is in the future" in device.message and device.hazard_code == Defects.main
