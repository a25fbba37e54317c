"""Bearing/distance traverses: vertices, closure error, bearing references, bad chains refused."""

import json
import math

import pytest
from django.core.management import CommandError, call_command
from pyproj import Geod, Transformer

from safeground.gazetteer.traverse import TraverseError, closure_text, compute_traverse, load_chain, read_csv

GEOD = Geod(ellps="WGS84")
START = "13.0512, 103.0521"  # Battambang


def square(short_by: float = 1.0, reference: str = "grid", **settings) -> dict:
    """100 m square walked clockwise from SP; the third side is `short_by` metres short."""
    return {
        "bearing_reference": reference,
        **settings,
        "points": [
            {"name": "SP", "type": "start", "coordinate": START},
            {"name": "TP1", "bearing": 90, "distance": 100},
            {"name": "TP2", "bearing": 180, "distance": 100},
            {"name": "TP3", "bearing": 270, "distance": 100 - short_by},
            {"name": "CL", "type": "closing", "bearing": 0, "distance": 100},
        ],
    }


def test_square_with_one_leg_a_metre_short_closes_to_one_metre():
    result = compute_traverse(square(short_by=1.0))
    assert result.closure_error_m == pytest.approx(1.000, abs=1e-3)  # to the millimetre
    assert result.perimeter_m == pytest.approx(399.0)
    assert result.closure_ratio == 399
    assert closure_text(result) == "1.000 m (1:399) over a perimeter of 399.0 m"
    assert result.warnings == []
    assert result.utm_epsg == 32648
    # The closing leg ends 1 m east of the start (the west side was short): grid metres × scale factor.
    start, closing = result.start, result.points[-1]
    assert (closing.easting - start.easting) / result.scale_factor == pytest.approx(1.0, abs=1e-3)
    assert closing.northing == pytest.approx(start.northing, abs=1e-3)
    # Vertices: SP, TP1, TP2, TP3; ~99 × 100 m on the ground.
    assert len(result.polygon.exterior.coords) == 5
    assert result.area_m2 == pytest.approx(100 * 99.5, rel=2e-3)


def test_closure_is_the_same_whatever_the_bearing_reference():
    for reference, settings in (("true", {}), ("magnetic", {"declination": -0.4}), ("magnetic", {"declination": 6.2})):
        result = compute_traverse(square(short_by=1.0, reference=reference, **settings))
        assert result.closure_error_m == pytest.approx(1.000, abs=1e-3), reference


def test_a_closed_square_reports_no_error():
    result = compute_traverse(square(short_by=0.0))
    # Not exactly zero: the point scale factor varies along the legs (by ~10⁻⁷ over 100 m).
    assert result.closure_error_m == pytest.approx(0.0, abs=2e-4)
    assert result.closure_ratio is None
    assert "exact" in closure_text(result)


def _leg_end(chain_leg: dict, declination=None) -> tuple[float, float]:
    chain = {
        "declination": declination,
        "points": [
            {"name": "RP", "type": "reference", "coordinate": START},
            {"name": "SP", "type": "start", **chain_leg},
            {"name": "TP1", "from": "SP", "bearing": 90, "distance": 50, "reference": "grid"},
            {"name": "TP2", "from": "SP", "bearing": 180, "distance": 50, "reference": "grid"},
        ],
    }
    p = compute_traverse(chain).start
    return p.lon, p.lat


def test_true_bearing_lands_where_the_geodesic_does():
    # 500 m at true azimuth 60° on the ellipsoid (pyproj's geodesic), against the plane computation
    # in UTM with convergence (−0.44° here) and scale factor (1.00015): within 1 cm (measured: 0.7 mm).
    lon, lat = 103.0521, 13.0512
    expected = GEOD.fwd(lon, lat, 60, 500)[:2]
    got = _leg_end({"bearing": 60, "distance": 500, "reference": "true"})
    assert GEOD.inv(*expected, *got)[2] < 0.01


def test_grid_bearing_follows_the_utm_grid():
    t = Transformer.from_crs(4326, 32648, always_xy=True)
    e0, n0 = t.transform(103.0521, 13.0512)
    got = t.transform(*_leg_end({"bearing": 0, "distance": 500, "reference": "grid"}))
    assert got[0] == pytest.approx(e0, abs=1e-6)
    assert got[1] - n0 == pytest.approx(500 * 1.0001532, abs=1e-3)  # ground metres × point scale factor


def test_magnetic_bearing_plus_declination_is_the_true_bearing():
    magnetic = _leg_end({"bearing": 100, "distance": 300, "reference": "magnetic"}, declination=6.2)
    true = _leg_end({"bearing": 106.2, "distance": 300, "reference": "true"})
    assert GEOD.inv(*magnetic, *true)[2] < 1e-6


def test_mils():
    degrees = _leg_end({"bearing": 90, "distance": 200, "reference": "true"})
    chain_mils = {
        "bearing_unit": "mils",
        "points": [
            {"name": "RP", "type": "reference", "coordinate": START},
            {"name": "SP", "type": "start", "bearing": 1600, "distance": 200, "reference": "true"},
            {"name": "TP1", "from": "SP", "bearing": 1600, "distance": 50, "reference": "grid"},
            {"name": "TP2", "from": "SP", "bearing": 3200, "distance": 50, "reference": "grid"},
        ],
    }
    p = compute_traverse(chain_mils).start
    assert GEOD.inv(*degrees, p.lon, p.lat)[2] < 1e-6


def test_reference_point_and_benchmark_lead_to_the_start_and_are_not_vertices():
    chain = square(short_by=0.0)
    chain["points"] = [
        {"name": "RP", "type": "reference", "coordinate": START},
        {"name": "BM", "type": "benchmark", "bearing": 45, "distance": 120},
        {"name": "SP", "type": "start", "bearing": 90, "distance": 30},
        *chain["points"][1:],
    ]
    result = compute_traverse(chain)
    assert [p.name for p in result.points] == ["RP", "BM", "SP", "TP1", "TP2", "TP3", "CL"]
    bm = result.point("benchmark")
    assert GEOD.inv(103.0521, 13.0512, bm.lon, bm.lat)[2] == pytest.approx(120, abs=0.05)
    ring = list(result.polygon.exterior.coords)[:-1]
    assert (bm.lon, bm.lat) not in ring and (result.start.lon, result.start.lat) == ring[0]
    assert result.closure_error_m == pytest.approx(0, abs=2e-4)


def test_a_poor_closure_is_a_warning_not_an_error():
    result = compute_traverse(square(short_by=6.0))
    assert result.closure_error_m == pytest.approx(6.0, abs=1e-3)
    assert result.closure_ratio == 66
    assert result.warnings == [
        "closure error 6.00 m over 394.0 m (1:66) is worse than 1:100: check the bearings and distances"
    ]
    assert compute_traverse(square(short_by=6.0), max_ratio=50).warnings == []


def test_without_a_closing_leg_the_closure_is_not_measured():
    chain = square()
    chain["points"] = chain["points"][:-1]
    result = compute_traverse(chain)
    assert result.closure_error_m is None and result.closure_ratio is None
    assert result.warnings == ["no closing leg back to the start point: the closure error is not measured"]
    assert result.perimeter_m == pytest.approx(100 + 100 + 99 + math.hypot(100, 1), abs=0.01)


def test_bowditch_spreads_the_misclosure_and_keeps_the_reported_error():
    raw = compute_traverse(square(short_by=1.0))
    adjusted = compute_traverse(square(short_by=1.0, adjustment="bowditch"))
    assert adjusted.closure_error_m == pytest.approx(1.0, abs=1e-3)
    closing, start = adjusted.points[-1], adjusted.start
    assert (closing.easting, closing.northing) == pytest.approx((start.easting, start.northing), abs=1e-6)
    # TP2 is 200 m of 399 m along: moved west by half a metre or so.
    shift = (raw.points[2].easting - adjusted.points[2].easting) / raw.scale_factor
    assert shift == pytest.approx(200 / 399, abs=1e-3)


def test_distance_from_a_named_earlier_point():
    chain = {
        "bearing_reference": "grid",
        "points": [
            {"name": "BM", "type": "benchmark", "coordinate": START},
            {"name": "SP", "type": "start", "from": "BM", "bearing": 0, "distance": 10},
            {"name": "TP1", "from": "BM", "bearing": 90, "distance": 10},
            {"name": "TP2", "from": "BM", "bearing": 180, "distance": 10},
        ],
    }
    result = compute_traverse(chain)
    bm = result.point("benchmark")
    for p in result.points[1:]:
        assert math.hypot(p.easting - bm.easting, p.northing - bm.northing) == pytest.approx(10 * result.scale_factor)


def _bad(chain: dict) -> TraverseError:
    with pytest.raises(TraverseError) as exc:
        compute_traverse(chain)
    return exc.value


def _with(point_index: int, **changes) -> dict:
    chain = square()
    chain["points"][point_index] = {**chain["points"][point_index], **changes}
    return chain


@pytest.mark.parametrize(
    ("chain", "field", "message"),
    [
        (
            _with(3, distance=-5),
            "points[3].distance",
            "point 4 (TP3): distance must be a positive number of metres; got -5",
        ),
        (
            _with(2, bearing=360),
            "points[2].bearing",
            "point 3 (TP2): bearing 360 is out of range: degrees must be at least 0 and less than 360",
        ),
        (_with(2, bearing=-1), "points[2].bearing", "bearing -1 is out of range"),
        (
            _with(1, reference="compass"),
            "points[1].reference",
            "point 2 (TP1): unknown bearing reference 'compass'; use magnetic, grid or true",
        ),
        (
            {**square(), "bearing_reference": "magnetic"},
            "declination",
            "magnetic bearings need the magnetic declination",
        ),
        (
            _with(2, **{"from": "TP9"}),
            "points[2].from",
            "point 3 (TP2): 'from' names 'TP9', which is not an earlier point",
        ),
        (
            _with(0, coordinate=None, bearing=0, distance=5),
            "points[0].coordinate",
            "the first point needs a coordinate",
        ),
        (_with(1, type="start"), "points", "exactly one start point"),
        (
            _with(2, type="summit"),
            "points[2].type",
            "unknown point type 'summit'; use reference, benchmark, start, turning, intermediate, end or closing",
        ),
        (_with(2, name="TP1"), "points[2].name", "the name 'TP1' is used twice"),
        (
            _with(1, coordinate="13.06, 103.06"),
            "points[1]",
            "give either a coordinate or a bearing and distance, not both",
        ),
        (_with(0, coordinate="13°63'N 103°03'E"), "points[0].coordinate", "minutes must be < 60 in '13°63'N'"),
        (_with(2, distance=None), "points[2].distance", "a distance is required"),
        (_with(1, type="reference"), "points[1].type", "a reference point comes before the start point"),
        ({**square(), "bearing_unit": "grads"}, "bearing_unit", "unknown bearing unit 'grads'"),
        ({**square(), "declination": 120}, "declination", "declination 120 is out of range"),
        ({**square(), "points": square()["points"][:2]}, "points", "a polygon needs 3"),
    ],
)
def test_bad_chains_name_the_point_and_the_problem(chain, field, message):
    error = _bad(chain)
    assert error.field == field
    assert message in str(error)


def test_self_intersecting_perimeter_names_the_reason_and_location():
    chain = {
        "bearing_reference": "grid",
        "points": [
            {"name": "SP", "type": "start", "coordinate": START},
            {"name": "TP1", "bearing": 45, "distance": 141.42},
            {"name": "TP2", "bearing": 270, "distance": 100},
            {"name": "TP3", "bearing": 135, "distance": 141.42},
        ],
    }
    error = _bad(chain)
    assert error.reason == "Self-intersection"
    assert error.location is not None
    assert "traverse polygon is invalid: Self-intersection at lon" in str(error)


def test_unknown_keys_and_wrong_types_are_refused_by_the_schema():
    chain = square()
    chain["points"][1]["bearings"] = 90
    error = _bad(chain)
    assert error.field == "points[1].bearings" and "Extra inputs are not permitted" in str(error)
    chain = _with(1, bearing="ninety")
    assert _bad(chain).field == "points[1].bearing"


def test_chain_json_keeps_from_and_round_trips():
    chain = load_chain(_with(2, **{"from": "SP"}))
    dumped = chain.dump()
    assert dumped["points"][2]["from"] == "SP"
    assert load_chain(json.loads(json.dumps(dumped))) == chain


CSV = """name,type,from,coordinate,bearing,reference,distance
SP,start,,"13.0512, 103.0521",,,
TP1,turning,,,90,,100
TP2,turning,,,180,,100
TP3,turning,,,270,,99
CL,closing,,,0,,100
"""


def test_csv_chain():
    result = compute_traverse(read_csv(CSV, bearing_reference="grid"))
    assert result.closure_error_m == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(TraverseError, match=r"row 4: bearing 'east' is not a number"):
        read_csv(CSV.replace(",180,", ",east,"))
    with pytest.raises(TraverseError, match="unknown CSV column"):
        read_csv("name,kind\nSP,start\n")


def test_traverse_command(tmp_path, capsys):
    path = tmp_path / "square.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("traverse", str(path), "--declination", "-0.4")
    out = capsys.readouterr().out
    assert "closure error   1.000 m (1:399) over a perimeter of 399.0 m" in out
    assert "EPSG:32648" in out
    call_command("traverse", str(path), "--declination", "-0.4", "--json")
    body = json.loads(capsys.readouterr().out)
    assert body["closure_error_m"] == pytest.approx(1.0, abs=1e-3)
    assert body["polygon"]["type"] == "Polygon"
    assert [f["properties"]["name"] for f in body["points"]["features"]] == ["SP", "TP1", "TP2", "TP3", "CL"]
    chain_file = tmp_path / "square.json"
    chain_file.write_text(json.dumps(square(short_by=2.0)), encoding="utf-8")
    call_command("traverse", str(chain_file))
    assert "2.000 m (1:199)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="magnetic bearings need the magnetic declination"):
        call_command("traverse", str(path))
    (tmp_path / "square.txt").write_text(CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="expected a .csv or .json file"):
        call_command("traverse", str(tmp_path / "square.txt"))


@pytest.mark.django_db
def test_compute_endpoint_writes_nothing(client):
    from safeground.hazards.models import Hazard, Traverse

    response = client.post("/api/v1/traverses/compute", square(), content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["closure_error_m"] == pytest.approx(1.0, abs=1e-3)
    assert body["closure_ratio"] == 399
    assert body["polygon"]["type"] == "Polygon"
    assert body["start_formats"]["mgrs"].startswith("48P ")
    assert body["warnings"] == []
    bad = client.post("/api/v1/traverses/compute", _with(3, distance=-5), content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["field"] == "points[3].distance"
    assert "distance must be a positive number of metres; got -5" in bad.json()["detail"]
    assert not Traverse.objects.exists() and not Hazard.objects.exists()


@pytest.mark.django_db
def test_compute_endpoint_warns_about_a_polygon_outside_the_country(client):
    chain = square()
    chain["points"][0]["coordinate"] = "13.6, 102.0"  # Thailand
    body = client.post("/api/v1/traverses/compute", chain, content_type="application/json").json()
    assert any("outside every country" in w for w in body["warnings"]), body["warnings"]
