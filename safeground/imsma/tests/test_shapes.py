"""NG geometry rebuilt from geopoint rows: one test per geocheck cause, in a made-up place (lon 30.5,
lat 10.2, WGS 84 / UTM zone 36N). Expected numbers come from pyproj directly (Geod, a Transformer
of our own), not from the code under test."""

from __future__ import annotations

import re

import pytest
import shapely
from pyproj import Geod, Transformer

from safeground.core.geometry import validate_polygonal
from safeground.gazetteer.coordinates import to_mgrs
from safeground.imsma.shapes import Note, group_points, read_entry, rebuild, rebuild_many, traverse_position

GEOD = Geod(ellps="WGS84")
TO_UTM = Transformer.from_crs(4326, 32636, always_xy=True)
LON, LAT = 30.5, 10.2
ENUMS = {"e-poly": "Polygon", "e-point": "Point", "e-line": "Line"}


def enum(guid):
    return ENUMS.get(guid)


def moved(lon, lat, bearing, metres):
    x, y, _ = GEOD.fwd(lon, lat, bearing, metres)
    return x, y


def square(size=100.0, lon=LON, lat=LAT):
    """Corners of a square walked clockwise from the south-west corner (true bearings)."""
    a = (lon, lat)
    b = moved(*a, 0, size)
    c = moved(*b, 90, size)
    d = moved(*a, 90, size)
    return [a, b, c, d]


def info(guid="gi-1", shape="e-poly", shape_id=1, isactive=True):
    return {"geospatialinfo_guid": guid, "shapeenum_guid": shape, "shape_id": shape_id, "isactive": isactive}


def points(coords, gi="gi-1", **extra_by_no):
    rows = []
    for no, (lon, lat) in enumerate(coords, start=1):
        row = {
            "geopoint_guid": f"{gi}-p{no}",
            "geospatialinfo_guid": gi,
            "pointno": no,
            "pointlocal_id": f"P{no}",
            "longitude": lon,
            "latitude": lat,
        }
        row.update(extra_by_no.get(f"p{no}", {}))
        rows.append(row)
    return rows


def closed(coords):
    return [*coords, coords[0]]


def utm_area(geom):
    return shapely.transform(geom, lambda xy: list(zip(*TO_UTM.transform(xy[:, 0], xy[:, 1]), strict=True))).area


def geodesic_area(geom):
    return sum(abs(GEOD.geometry_area_perimeter(p)[0]) for p in shapely.get_parts(geom))


def numbers(text, unit):
    return [float(n) for n in re.findall(rf"(-?\d+(?:\.\d+)?) {unit}", text)]


def causes(shape):
    return [n.cause for n in shape.notes]


def assert_valid(geom):
    assert geom.is_valid
    validate_polygonal(geom)


def test_a_clean_closed_square_has_no_notes_and_its_area():
    shape = rebuild([(info(), points(closed(square())))], enum)
    assert shape.notes == [] and shape.refused is None
    assert shape.geometry.geom_type == "Polygon"
    assert_valid(shape.geometry)
    assert len(shape.geometry.exterior.coords) == 5
    assert geodesic_area(shape.geometry) == pytest.approx(10_000, rel=1e-4)
    assert utm_area(shape.geometry) == pytest.approx(10_000, rel=2e-3)  # UTM scale factor 2.5° off the meridian


def test_duplicate_consecutive_points_are_removed():
    a, b, c, d = square()
    shape = rebuild([(info(), points([a, b, b, c, c, c, d, a]))], enum)
    [note] = shape.notes
    assert note == Note(
        "duplicate-consecutive-points",
        "point 3 repeats point 2; point 5 repeats point 4; point 6 repeats point 4: removed",
        True,
    )
    assert shape.repairs == [note]
    assert list(shape.geometry.exterior.coords) == [a, b, c, d, a]
    assert_valid(shape.geometry)


def test_a_ring_not_closed_is_closed_and_the_gap_named():
    a, b, c, d = square(80)
    shape = rebuild([(info(), points([a, b, c, d]))], enum)
    [note] = shape.notes
    assert (note.cause, note.repaired) == ("ring-not-closed", True)
    gap = GEOD.inv(*d, *a)[2]
    assert "ended at point 4" in note.detail and "from point 1" in note.detail
    assert numbers(note.detail, "m") == [pytest.approx(gap, abs=0.05)]
    assert list(shape.geometry.exterior.coords) == [a, b, c, d, a]
    assert geodesic_area(shape.geometry) == pytest.approx(6_400, rel=1e-4)


def test_fewer_than_three_distinct_vertices_is_refused():
    a, b, _, _ = square()
    shape = rebuild([(info(), points([a, b, a]))], enum)
    assert shape.geometry is None
    assert shape.refused.cause == "too-few-vertices" and not shape.refused.repaired
    assert "2 distinct vertex(es) (point 1, point 2)" in shape.refused.detail
    assert causes(shape) == ["too-few-vertices"]


def test_a_polygon_whose_points_coincide_is_a_point_stored_as_polygon_and_refused():
    shape = rebuild([(info(), points([(LON, LAT)] * 4))], enum)
    assert shape.geometry is None
    assert causes(shape) == ["point-as-polygon", "too-few-vertices"]
    assert shape.refused.cause == "too-few-vertices"
    assert "all 4 point(s)" in shape.notes[0].detail and f"lon {LON:.6f}, lat {LAT:.6f}" in shape.notes[0].detail


def test_a_point_part_is_a_point():
    shape = rebuild([(info(shape="e-point"), points([(LON, LAT)]))], enum)
    assert shape.geometry == shapely.Point(LON, LAT)
    assert shape.notes == [] and shape.refused is None


def test_a_self_intersecting_bowtie_is_made_valid_with_the_areas_before_and_after():
    a, b, c, d = square(100)
    bowtie = [a, b, d, c, a]  # south-west, north-west, south-east, north-east: the sides cross in the middle
    shape = rebuild([(info(), points(bowtie))], enum)
    [note] = shape.notes
    assert (note.cause, note.repaired) == ("self-intersection", True)
    middle = shapely.LineString([a, c]).intersection(shapely.LineString([b, d]))
    assert f"self-intersection at lon {middle.x:.6f}, lat {middle.y:.6f}" in note.detail
    before, after = numbers(note.detail, "m²")
    drawn = shapely.Polygon(bowtie)
    assert before == pytest.approx(utm_area(drawn), abs=0.05)
    assert before < 100  # the two lobes cancel out in the area as drawn
    assert_valid(shape.geometry)
    assert shape.geometry.geom_type == "MultiPolygon" and len(shape.geometry.geoms) == 2
    assert after == pytest.approx(utm_area(shape.geometry), abs=0.05)
    assert geodesic_area(shape.geometry) == pytest.approx(5_000, rel=1e-3)  # two triangles of a quarter each


def test_a_polygon_with_nothing_polygonal_left_is_refused():
    line = [(LON, LAT), (LON + 0.001, LAT), (LON + 0.0005, LAT)]  # three points on one line
    shape = rebuild([(info(), points(closed(line)))], enum)
    assert shape.geometry is None
    assert shape.refused.cause == "self-intersection" and not shape.refused.repaired
    assert "nothing polygonal is left" in shape.refused.detail


def test_far_apart_points_are_refused_naming_the_points_and_distance():
    a, b, c, d = square(100)
    far = moved(*c, 45, 48_200)
    shape = rebuild([(info(), points(closed([a, b, far, d])))], enum)
    assert shape.geometry is None
    assert shape.refused.cause == "far-apart-points"
    detail = shape.refused.detail
    there = GEOD.inv(*b, *far)[2] / 1000
    back = GEOD.inv(*far, *d)[2] / 1000
    assert f"point 3 is {there:.1f} km from point 2" in detail
    assert f"point 4 is {back:.1f} km from point 3" in detail
    assert "more than 5.0 km apart" in detail
    assert rebuild([(info(), points(closed([a, b, far, d])))], enum, far_m=60_000).refused is None


def test_bearing_and_distance_have_the_known_answer_true_north_not_grid_north():
    for bearing, metres in ((0, 1000), (90, 250), (213.5, 640)):
        x, y = traverse_position(LON, LAT, bearing, metres)
        expected = moved(LON, LAT, bearing, metres)
        assert GEOD.inv(x, y, *expected)[2] < 0.05  # the plane computation agrees with the geodesic to cm


def test_a_traverse_point_stored_off_its_bearing_and_distance_is_reported_not_moved():
    a = (LON, LAT)
    b = moved(*a, 90, 100)  # exactly where the leg puts it
    c_exact = moved(*b, 0, 100)
    c = moved(*c_exact, 90, 20)  # stored 20 m east of where the leg puts it
    d = moved(*a, 0, 100)
    rows = points(
        closed([a, b, c, d]),
        p2={"frompoint_guid": "gi-1-p1", "bearing": 90.0, "distance": 100.0},
        p3={"frompoint_guid": "gi-1-p2", "bearing": 0.0, "distance": 100.0},
    )
    shape = rebuild([(info(), rows)], enum)
    [note] = shape.notes
    assert (note.cause, note.repaired) == ("traverse-mismatch", False)
    assert note.detail.startswith("point 3 is stored ")
    assert numbers(note.detail, "m")[0] == pytest.approx(20.0, abs=0.1)
    assert "from point 2" in note.detail
    assert c in list(shape.geometry.exterior.coords)  # the stored position is kept
    assert shape.refused is None


def test_a_utm_user_entry_replaces_the_stored_position():
    a, b, c, d = square()
    easting, northing = TO_UTM.transform(*b)
    stored = moved(*b, 45, 30)
    rows = points(
        closed([a, stored, c, d]),
        p2={
            "user_entered_x": f"{easting:.3f}",
            "user_entered_y": f"{northing:.3f}",
            "coordformat": "UTM",
            "coordrefsys": "WGS 84 / UTM zone 36N",
        },
    )
    shape = rebuild([(info(), rows)], enum)
    [note] = shape.notes
    assert (note.cause, note.repaired) == ("coordinates-recomputed", True)
    assert note.detail.startswith("point 2: moved ")
    assert numbers(note.detail, "m")[0] == pytest.approx(30.0, abs=0.1)
    vertex = shape.geometry.exterior.coords[1]
    assert GEOD.inv(*vertex, *b)[2] < 0.01
    assert geodesic_area(shape.geometry) == pytest.approx(10_000, rel=1e-4)


@pytest.mark.parametrize(
    "crs", ["EPSG:32636", "UTM 36N", "WGS84 UTM zone 36 north", "UTM zone 36N (WGS 84)", "urn:ogc:def:crs:EPSG::32636"]
)
def test_utm_coordrefsys_forms(crs):
    easting, northing = TO_UTM.transform(LON, LAT)
    row = {"user_entered_x": str(easting), "user_entered_y": str(northing), "coordformat": "utm", "coordrefsys": crs}
    lon, lat, _ = read_entry(row)
    assert GEOD.inv(lon, lat, LON, LAT)[2] < 0.01


def test_a_utm_entry_with_its_zone_in_the_text_and_a_geographic_coordrefsys():
    easting, northing = TO_UTM.transform(LON, LAT)
    row = {"user_entered_x": f"36P {easting:.0f}", "user_entered_y": f"{northing:.0f}", "coordformat": "UTM"}
    lon, lat, _ = read_entry(row)
    assert GEOD.inv(lon, lat, LON, LAT)[2] < 1


def test_a_dms_user_entry_replaces_the_stored_position_and_a_close_one_does_not():
    exact = (30 + 30 / 60 + 15 / 3600, 10 + 12 / 60 + 30 / 3600)
    entry = {"user_entered_x": "30°30'15.0\"E", "user_entered_y": "10°12'30.0\"N", "coordformat": "DMS"}
    b, c = moved(*exact, 0, 100), moved(*exact, 90, 100)
    off = moved(*exact, 180, 12)
    shape = rebuild([(info(), points(closed([off, b, c]), p1={**entry, "coordrefsys": "WGS 84"}))], enum)
    [note] = shape.notes
    assert (note.cause, note.repaired) == ("coordinates-recomputed", True)
    assert numbers(note.detail, "m")[0] == pytest.approx(12.0, abs=0.05)
    assert shape.geometry.exterior.coords[0] == pytest.approx(exact)
    nearly = (round(exact[0], 6), round(exact[1], 6))  # 0.1 m away: within the 1 m tolerance
    shape = rebuild([(info(), points(closed([nearly, b, c]), p1=entry))], enum)
    assert shape.notes == []
    assert shape.geometry.exterior.coords[0] == nearly


def test_a_legacy_datum_entry_is_shifted_to_wgs84():
    text = {"user_entered_x": "30.5", "user_entered_y": "10.2", "coordformat": "Decimal degrees"}
    wgs = read_entry({**text, "coordrefsys": "WGS 84"})
    indian = read_entry({**text, "coordrefsys": "Indian 1960"})
    assert wgs[:2] == (30.5, 10.2)
    assert 100 < GEOD.inv(*wgs[:2], *indian[:2])[2] < 1500  # a 3-parameter shift of a few hundred metres
    assert "Indian 1960" in indian[2]


def test_an_mgrs_user_entry():
    target = moved(LON, LAT, 30, 70)
    reference = to_mgrs(*target)
    a, b = (LON, LAT), moved(LON, LAT, 90, 200)
    stored = moved(*target, 0, 50)
    shape = rebuild([(info(), points(closed([a, b, stored]), p3={"user_entered_mgrs": reference}))], enum)
    [note] = shape.notes
    assert note.cause == "coordinates-recomputed" and reference in note.detail
    assert GEOD.inv(*shape.geometry.exterior.coords[2], *target)[2] < 1.5  # MGRS truncates to the metre


@pytest.mark.parametrize(
    "entry",
    [
        {"user_entered_x": "30.5", "user_entered_y": "10.2", "coordformat": "DD", "coordrefsys": "Clarke 1880 grid"},
        {"user_entered_x": "abc", "user_entered_y": "10.2", "coordformat": "DD"},
        {"user_entered_x": "30.5", "user_entered_y": "10.2", "coordformat": "Gauss-Kruger"},
        {"user_entered_x": "505000", "user_entered_y": "1127000", "coordformat": "UTM", "coordrefsys": "WGS 84"},
    ],
)
def test_an_unreadable_user_entry_keeps_the_stored_position(entry):
    a, b, c, _ = square()
    shape = rebuild([(info(), points(closed([a, b, c]), p2=entry))], enum)
    [note] = shape.notes
    assert (note.cause, note.repaired) == ("coordinate-unreadable", False)
    assert note.detail.startswith("point 2: ") and "stored latitude/longitude are kept" in note.detail
    assert shape.geometry.exterior.coords[1] == b


def test_no_active_part_with_points_is_no_geometry():
    for parts in (
        [],
        [(info(isactive=False), points(closed(square())))],
        [(info(), [])],
    ):
        shape = rebuild(parts, enum)
        assert shape.geometry is None
        assert shape.refused.cause == "no-geometry"
    assert rebuild([(info(isactive=None), points(closed(square())))], enum).geometry is not None


def test_a_line_is_refused():
    shape = rebuild([(info(shape="e-line"), points(square()))], enum)
    assert shape.geometry is None
    assert shape.refused.cause == "line"
    assert "SafeGround stores no lines" in shape.refused.detail


def test_two_active_polygon_parts_are_a_multipolygon_and_an_inactive_part_is_ignored():
    one = closed(square(100))
    two = closed(square(50, lon=LON + 0.01))
    three = closed(square(500, lon=LON - 0.01))
    parts = [
        (info("g1", shape_id=1), points(one, gi="g1")),
        (info("g2", shape_id=2), points(two, gi="g2")),
        (info("g3", shape_id=3, isactive=False), points(three, gi="g3")),
    ]
    shape = rebuild(parts, enum)
    assert shape.notes == []
    assert shape.geometry.geom_type == "MultiPolygon" and len(shape.geometry.geoms) == 2
    assert_valid(shape.geometry)
    assert geodesic_area(shape.geometry) == pytest.approx(12_500, rel=1e-4)


def test_a_problem_in_one_of_several_parts_names_the_part():
    parts = [
        (info("g1", shape_id=1), points(closed(square(100)), gi="g1")),
        (info("g2", shape_id=2), points(square(50, lon=LON + 0.01), gi="g2")),
    ]
    shape = rebuild(parts, enum)
    [note] = shape.notes
    assert note.cause == "ring-not-closed" and note.detail.startswith("shape 2: ")


def test_overlapping_parts_are_dissolved():
    parts = [
        (info("g1", shape_id=1), points(closed(square(100)), gi="g1")),
        (info("g2", shape_id=2), points(closed(square(100, lon=LON + 0.0005)), gi="g2")),
    ]
    shape = rebuild(parts, enum)
    [note] = shape.notes
    assert (note.cause, note.repaired) == ("overlapping-parts", True)
    assert_valid(shape.geometry)
    summed, after = numbers(note.detail, "m²")
    assert summed == pytest.approx(2 * utm_area(shapely.Polygon(square(100))), abs=0.05)
    assert after == pytest.approx(utm_area(shape.geometry), abs=0.05)
    assert after < summed


def test_group_points_and_rebuild_many():
    links = [{"hazard_guid": "h1", "geospatialinfo_guid": "g2"}, {"hazard_guid": "h1", "geospatialinfo_guid": "g1"}]
    links.append({"hazard_guid": "h2", "geospatialinfo_guid": "g3"})
    infos = [info("g1", shape_id=1), info("g2", shape_id=2), info("g3", shape="e-point", shape_id=1)]
    rows = points(closed(square()), gi="g1") + points(closed(square(50, lon=LON + 0.01)), gi="g2")
    rows += points([(LON, LAT)], gi="g3")
    rows.reverse()
    grouped = group_points(infos, rows, links, "hazard_guid")
    assert sorted(grouped) == ["h1", "h2"]
    assert [part[0]["geospatialinfo_guid"] for part in grouped["h1"]] == ["g1", "g2"]
    assert [p["pointno"] for p in grouped["h1"][0][1]] == [1, 2, 3, 4, 5]
    shapes = rebuild_many(grouped, enum)
    assert shapes["h1"].geometry.geom_type == "MultiPolygon"
    assert shapes["h2"].geometry == shapely.Point(LON, LAT)


def test_a_point_without_coordinates_is_placed_from_its_user_entry_or_refused():
    a, b, c, _ = square()
    easting, northing = TO_UTM.transform(*b)
    entry = {"user_entered_x": f"{easting:.3f}", "user_entered_y": f"{northing:.3f}", "coordformat": "UTM"}
    rows = points(closed([a, b, c]), p2={"longitude": None, "latitude": None, **entry, "coordrefsys": "EPSG:32636"})
    shape = rebuild([(info(), rows)], enum)
    assert [(n.cause, n.repaired) for n in shape.notes] == [("coordinates-recomputed", True)]
    assert GEOD.inv(*shape.geometry.exterior.coords[1], *b)[2] < 0.01
    rows = points(closed([a, b, c]), p2={"longitude": None, "latitude": None})
    shape = rebuild([(info(), rows)], enum)
    assert shape.geometry is None and shape.refused.cause == "missing-coordinates"
    assert shape.refused.detail.startswith("point 2: ")


def test_an_indian_1960_utm_zone_entry():
    lon, lat = 105.5, 12.5  # UTM zone 48, where EPSG:3148 is "Indian 1960 / UTM zone 48N"
    x, y = Transformer.from_crs(4326, 32648, always_xy=True).transform(lon, lat)
    text = {"user_entered_x": f"{x:.2f}", "user_entered_y": f"{y:.2f}", "coordformat": "UTM"}
    wgs = read_entry({**text, "coordrefsys": "WGS 84 / UTM zone 48N"})
    indian = read_entry({**text, "coordrefsys": "Indian 1960 / UTM zone 48N"})
    assert read_entry({**text, "coordrefsys": "UTM zone 48N (Indian 1960)"})[:2] == indian[:2]
    epsg = read_entry({**text, "coordrefsys": "EPSG:3148"})
    assert GEOD.inv(*wgs[:2], lon, lat)[2] < 0.01
    assert indian[:2] == pytest.approx(epsg[:2], abs=1e-9)
    assert 100 < GEOD.inv(*indian[:2], lon, lat)[2] < 1500


def test_a_traverse_from_an_unknown_point_is_unchecked_and_duplicate_pointnos_are_named():
    a, b, c, d = square()
    rows = points(closed([a, b, c, d]), p3={"frompoint_guid": "nowhere", "bearing": 90.0, "distance": 100.0})
    rows[3]["pointno"] = 3
    shape = rebuild([(info(), rows)], enum)
    assert [n.cause for n in shape.notes] == ["duplicate-pointno", "traverse-unchecked"]
    assert "pointno 3 used more than once" in shape.notes[0].detail
    assert "from-point nowhere" in shape.notes[1].detail
    assert shape.geometry is not None


def test_a_point_part_beside_a_polygon_is_left_out_with_a_note():
    parts = [
        (info("g1", shape_id=1), points(closed(square()), gi="g1")),
        (info("g2", shape="e-point", shape_id=2), points([(LON - 0.001, LAT)], gi="g2")),
        (info("g3", shape="e-line", shape_id=3), points(square(), gi="g3")),
    ]
    shape = rebuild(parts, enum)
    assert shape.geometry.geom_type == "Polygon"
    assert [(n.cause, n.repaired) for n in shape.notes] == [("line", False), ("extra-points", False)]
    assert shape.notes[0].detail.startswith("shape 3: a line, left out")
