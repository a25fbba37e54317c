"""The synthetic NG database: what the manifest says is really there, checked with geocheck-like SQL on
the database itself (PostgreSQL + PostGIS only; no SafeGround tables involved)."""

from __future__ import annotations

import datetime as dt
import math
import os
import re

import psycopg
import pytest
from django.core.management import CommandError, call_command
from pyproj import Geod, Transformer

from safeground.gazetteer.traverse import compute_traverse
from safeground.imsma import schema, synthetic
from safeground.imsma.synthetic_data import VALUE_LISTS

BBOX = (-20.0, -30.0, -19.0, -29.0)  # Testland's square
ADMIN = os.environ.get("SAFEGROUND_PG_SERVER", "postgis://postgres@127.0.0.1:5432") + "/postgres"
GEOD = Geod(ellps="WGS84")
PROBLEM_TABLES = ("hazard", "hazreduc")


@pytest.fixture(scope="module")
def ng():
    """(url, manifest) of a freshly built database, dropped afterwards."""
    name = f"sg_ngsynth_test_{os.getpid()}"
    synthetic.drop_database(ADMIN, name)
    url = synthetic.create_database(ADMIN, name)
    try:
        yield url, synthetic.build(url, bbox=BBOX, seed=1)
    finally:
        synthetic.drop_database(ADMIN, name)


@pytest.fixture
def other():
    """A second, empty database (for changes and refusals)."""
    name = f"sg_ngsynth_test_{os.getpid()}_b"
    synthetic.drop_database(ADMIN, name)
    url = synthetic.create_database(ADMIN, name)
    yield url
    synthetic.drop_database(ADMIN, name)


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def guids(manifest, cause: str, table: str) -> set[str]:
    return {g for t, g in manifest.problems[cause] if t == table}


def pts(table: str) -> str:
    """Polygon points of a record table, with the step from the previous point (geocheck's _pts view)."""
    return f"""
      SELECT l.{schema.key(table)} AS guid, p.geospatialinfo_guid AS gi, p.pointno, p.longitude AS x, p.latitude AS y,
        first_value(p.pointno) OVER w = p.pointno AS is_first,
        (p.longitude, p.latitude) = (lag(p.longitude) OVER w, lag(p.latitude) OVER w) AS same_as_previous,
        ST_Distance(ST_MakePoint(p.longitude, p.latitude)::geography,
          ST_MakePoint(lag(p.longitude) OVER w, lag(p.latitude) OVER w)::geography) AS step
      FROM {table}_has_geospatialinfo l JOIN geospatialinfo g USING (geospatialinfo_guid)
      JOIN imsmaenum e ON e.imsmaenum_guid = g.shapeenum_guid AND e.enumvalue = 'Polygon'
      JOIN geopoint p ON p.geospatialinfo_guid = g.geospatialinfo_guid
      WINDOW w AS (PARTITION BY p.geospatialinfo_guid ORDER BY p.pointno)"""  # noqa: S608


def rings(table: str) -> str:
    return f"""
      SELECT guid, count(DISTINCT (x, y)) AS vertices, count(*) AS n, max(step) AS longest,
        bool_or(same_as_previous) AS repeats,
        CASE WHEN count(*) > 1 THEN ST_GeomFromText('LINESTRING(' || string_agg(x::text || ' ' || y::text, ','
          ORDER BY pointno) || ')', 4326) END AS line
      FROM ({pts(table)}) p GROUP BY guid, gi"""  # noqa: S608


def test_every_table_has_the_counted_rows(ng):
    url, manifest = ng
    assert set(manifest.counts) == set(schema.expected())
    for table, n in manifest.counts.items():
        assert rows(url, f'SELECT count(*) FROM "{table}"')[0][0] == n, table  # noqa: S608
    assert manifest.counts["hazard"] == 40 and manifest.counts["hazreduc"] == 20
    for table in (*schema.RECORDS, "cdfvalue", "hazard_has_cdfvalue", "accident_has_cdfvalue"):
        assert manifest.counts[table] > 0, table
    for table in schema.VERSIONED:
        assert manifest.counts[schema.version_table(table)] >= manifest.counts[table]


def test_keys_are_primary_and_links_resolve(ng):
    url, _ = ng
    keyed = {
        r[0]
        for r in rows(
            url, "SELECT table_name FROM information_schema.table_constraints WHERE constraint_type = 'PRIMARY KEY'"
        )
    }
    assert set(schema.expected()) <= keyed
    for table, links in schema.LINKS.items():
        for column, target in links.items():
            dangling = rows(
                url,
                f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {target} x WHERE x.{schema.key(target)} = t.{column})",
            )[0][0]
            assert dangling == 0, (table, column)


def test_every_value_list_column_has_values_and_resolves(ng):
    url, manifest = ng
    link_columns = {(t, c) for t, links in schema.LINKS.items() for c in links}
    tables = {**schema.RECORDS, **schema.GEOMETRY}
    for table, columns in tables.items():
        for column in columns:
            if not column.endswith("_guid") or column == schema.key(table) or (table, column) in link_columns:
                continue
            if column in ("geospatialinfo_guid", "frompoint_guid"):
                continue
            assert (table, column) in VALUE_LISTS, (table, column)
            used, dangling = rows(
                url,
                f"SELECT count({column}), count(*) FILTER (WHERE {column} IS NOT NULL AND {column} NOT IN "  # noqa: S608
                f"(SELECT imsmaenum_guid FROM imsmaenum)) FROM {table}",
            )[0]
            assert used > 0 and dangling == 0, (table, column)
    values = set(rows(url, "SELECT enumcategory, enumvalue FROM imsmaenum"))
    assert {*manifest.unmapped_values, manifest.custom_value} <= values
    assert ("Hazard Status", "Worked On") in values and ("Shape", "Polygon") in values
    assert manifest.hazards_by_status[manifest.custom_value[1]]["count"] >= 1


def test_gazetteer_is_a_tree_of_four_levels(ng):
    url, _ = ng
    paths = rows(
        url,
        """WITH RECURSIVE up AS (
             SELECT g.gazetteer_guid AS leaf, g.parent_guid, e.enumvalue AS level, 1 AS depth
             FROM gazetteer g JOIN imsmaenum e ON e.imsmaenum_guid = g.gazetteerlevelenum_guid
             WHERE e.enumvalue = 'Village'
             UNION ALL SELECT up.leaf, g.parent_guid, e.enumvalue, up.depth + 1 FROM up
             JOIN gazetteer g ON g.gazetteer_guid = up.parent_guid
             JOIN imsmaenum e ON e.imsmaenum_guid = g.gazetteerlevelenum_guid)
           SELECT leaf, string_agg(level, '>' ORDER BY depth DESC) FROM up GROUP BY leaf""",
    )
    assert paths and {p for _, p in paths} == {"Province>District>Commune>Village"}


@pytest.mark.parametrize("table", PROBLEM_TABLES)
def test_geometry_problems_are_exactly_the_manifest_ones(ng, table):
    url, manifest = ng
    got = rows(url, rings(table))
    by_guid = {r[0]: r for r in got}
    few = {g for g, vertices, *_ in got if vertices < 3}
    assert few == guids(manifest, "too-few-vertices", table)
    shaped = [r for r in got if r[1] >= 3]
    assert {r[0] for r in shaped if r[4]} == guids(manifest, "duplicate-consecutive-points", table)
    assert {r[0] for r in shaped if r[3] > 5000} == guids(manifest, "far-apart-points", table)
    open_rings = rows(url, f"SELECT guid FROM ({rings(table)}) r WHERE vertices >= 3 AND NOT ST_IsClosed(line)")  # noqa: S608
    assert {r[0] for r in open_rings} == guids(manifest, "ring-not-closed", table)
    invalid = rows(
        url,
        f"""SELECT guid, ST_IsValidReason(shape), ST_IsValid(ST_MakeValid(shape)),
              ST_Area(ST_MakeValid(shape)::geography)
            FROM (SELECT guid, ST_MakePolygon(ST_RemoveRepeatedPoints(ST_AddPoint(line, ST_StartPoint(line)))) AS shape
                  FROM ({rings(table)}) r WHERE vertices >= 3) s WHERE NOT ST_IsValid(shape)""",  # noqa: S608
    )
    assert {r[0] for r in invalid} == guids(manifest, "self-intersection", table)
    assert all(r[1].startswith("Self-intersection") and r[2] and r[3] > 1000 for r in invalid)
    without = rows(
        url,
        f"SELECT {table}_guid FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM {table}_has_geospatialinfo l "  # noqa: S608
        f"WHERE l.{schema.key(table)} = t.{schema.key(table)})",
    )
    assert {r[0] for r in without} == guids(manifest, "no-geometry", table)
    for cause in ("too-few-vertices", "self-intersection", "far-apart-points", "ring-not-closed"):
        assert len(guids(manifest, cause, table)) >= 1
        assert all(g in by_guid for g in guids(manifest, cause, table))


def test_each_cause_has_at_least_two_cases(ng):
    _, manifest = ng
    assert tuple(manifest.problems) == synthetic.CAUSES
    assert all(len(cases) >= 2 for cases in manifest.problems.values())
    assert [t for t, _ in manifest.special["point"]] == ["hazard"]


@pytest.mark.parametrize("table", PROBLEM_TABLES)
def test_duplicate_localids(ng, table):
    url, manifest = ng
    dup = rows(
        url,
        f"SELECT {schema.key(table)} FROM {table} WHERE {schema.localid(table)} IN "  # noqa: S608
        f"(SELECT {schema.localid(table)} FROM {table} GROUP BY 1 HAVING count(*) > 1)",
    )
    assert {r[0] for r in dup} == guids(manifest, "duplicate-localid", table)
    assert len(dup) == 2


def _bd_points(url: str) -> list[tuple]:
    return rows(
        url,
        """SELECT coalesce(h.hazard_guid, r.hazreduc_guid), p.longitude, p.latitude, p.bearing, p.distance,
                  f.longitude, f.latitude, f.pointno = p.pointno - 1
           FROM geopoint p JOIN geopoint f ON f.geopoint_guid = p.frompoint_guid
           LEFT JOIN hazard_has_geospatialinfo h ON h.geospatialinfo_guid = p.geospatialinfo_guid
           LEFT JOIN hazreduc_has_geospatialinfo r ON r.geospatialinfo_guid = p.geospatialinfo_guid""",
    )


def test_bearing_distance_points_agree_except_the_mismatches(ng):
    url, manifest = ng
    off: dict[str, int] = {}
    points = _bd_points(url)
    assert points
    for guid, lon, lat, bearing, distance, from_lon, from_lat, previous in points:
        assert previous and 0 <= bearing < 360 and distance > 0
        x, y, _ = GEOD.fwd(from_lon, from_lat, bearing, distance)
        error = GEOD.inv(x, y, lon, lat)[2]
        if error > 20:
            off[guid] = off.get(guid, 0) + 1
        else:
            assert error < 0.05, guid
    mismatched = {g for t, g in manifest.problems["traverse-mismatch"]}
    assert set(off) == mismatched and set(off.values()) == {1}
    entered = {g for _, g in manifest.special["bearing-distance"]} | mismatched
    assert {p[0] for p in points} == entered


def test_the_traverse_module_reproduces_clean_bearing_distance_polygons(ng):
    url, manifest = ng
    for table, guid in manifest.special["bearing-distance"]:
        got = rows(
            url,
            f"""SELECT p.longitude, p.latitude, p.bearing, p.distance FROM geopoint p
                JOIN {table}_has_geospatialinfo l USING (geospatialinfo_guid)
                WHERE l.{schema.key(table)} = %s ORDER BY p.pointno""",  # noqa: S608
            guid,
        )
        first, legs = got[0], got[1:]
        chain = {
            "bearing_reference": "true",
            "points": [{"name": "S", "type": "start", "coordinate": f"{first[1]}, {first[0]}"}]
            + [{"type": "turning", "bearing": b, "distance": d} for _, _, b, d in legs[:-1]]
            + [{"type": "closing", "bearing": legs[-1][2], "distance": legs[-1][3]}],
        }
        result = compute_traverse(chain)
        computed = [(p.lon, p.lat) for p in result.points if p.type == "turning"]
        for (lon, lat), stored in zip(computed, legs[:-1], strict=True):
            assert GEOD.inv(lon, lat, stored[0], stored[1])[2] < 0.1
        assert result.closure_error_m is not None and result.closure_error_m < 0.1


def test_utm_and_dms_texts_say_the_stored_position(ng):
    url, manifest = ng
    utm = rows(
        url,
        "SELECT coordrefsys, user_entered_x, user_entered_y, longitude, latitude FROM geopoint"
        " WHERE coordformat = 'UTM'",
    )
    assert utm
    for crs, x, y, lon, lat in utm:
        zone = re.fullmatch(r"WGS 84 / UTM zone (\d{1,2})([NS])", crs)
        assert zone, crs
        epsg = (32600 if zone[2] == "N" else 32700) + int(zone[1])
        back = Transformer.from_crs(epsg, 4326, always_xy=True).transform(float(x), float(y))
        assert math.isclose(back[0], lon, abs_tol=1e-9) and math.isclose(back[1], lat, abs_tol=1e-9)
    dms = rows(
        url,
        "SELECT user_entered_x, user_entered_y, longitude, latitude, coordrefsys FROM geopoint"
        " WHERE coordformat = 'DMS'",
    )
    assert dms
    for x, y, lon, lat, crs in dms:
        assert crs == "WGS 84"
        for text, value in ((x, lon), (y, lat)):
            m = re.fullmatch(r"(\d+)°(\d\d)'(\d\d\.\d\d)\"([NSEW])", text)
            assert m, text
            sign = -1 if m[4] in "SW" else 1
            assert math.isclose(sign * (int(m[1]) + int(m[2]) / 60 + float(m[3]) / 3600), value, abs_tol=1e-9)
    assert len(manifest.special["utm"]) >= 2 and len(manifest.special["dms"]) >= 2


def test_all_geometry_lies_well_inside_the_bbox(ng):
    url, _ = ng
    west, south, east, north = rows(
        url, "SELECT min(longitude), min(latitude), max(longitude), max(latitude) FROM geopoint"
    )[0]
    margin = 0.05
    assert west > BBOX[0] + margin and south > BBOX[1] + margin and east < BBOX[2] - margin and north < BBOX[3] - margin


def test_areas_agree_with_an_independent_computation(ng):
    """The SQL totals against shapely + pyproj on the clean decimal-degree hazards."""
    import numpy as np
    import shapely

    url, manifest = ng
    assert sum(v["count"] for v in manifest.hazards_by_status.values()) == 40
    assert math.isclose(
        sum(v["area_m2"] for v in manifest.hazards_by_status.values()),
        sum(manifest.hazard_area_m2.values()),
        abs_tol=0.1,
    )
    refused = {
        g
        for c in ("too-few-vertices", "far-apart-points", "no-geometry")
        for t, g in manifest.problems[c]
        if t == "hazard"
    }
    point = {g for _, g in manifest.special["point"]}
    assert set(manifest.hazard_area_m2) == set(rows_guids(url, "hazard")) - refused - point
    checked = 0
    for (guid,) in rows(url, "SELECT hazard_guid FROM hazard ORDER BY 1"):
        if guid not in manifest.hazard_area_m2 or any(guid in {g for _, g in v} for v in manifest.problems.values()):
            continue
        coords = rows(
            url,
            "SELECT longitude, latitude FROM geopoint JOIN hazard_has_geospatialinfo USING (geospatialinfo_guid) "
            "WHERE hazard_guid = %s ORDER BY pointno",
            guid,
        )
        polygon = shapely.Polygon(coords)
        c = polygon.centroid
        epsg = (32600 if c.y >= 0 else 32700) + int((c.x + 180) // 6) + 1
        x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(*np.array(polygon.exterior.coords).T)
        projected = shapely.Polygon(np.column_stack([x, y]))
        assert math.isclose(projected.area, manifest.hazard_area_m2[guid], rel_tol=1e-6)
        assert 10_000 < manifest.hazard_area_m2[guid] < 80_000  # a few hectares
        checked += 1
    assert checked >= 10


def rows_guids(url: str, table: str) -> list[str]:
    return [r[0] for r in rows(url, f"SELECT {schema.key(table)} FROM {table}")]  # noqa: S608


def test_hazard_reductions_overlap_their_hazards(ng):
    url, manifest = ng
    overlapping = rows(
        url,
        f"""SELECT r.guid, ST_Intersects(ST_MakePolygon(r.line), ST_MakePolygon(h.line))
            FROM ({rings("hazreduc")}) r JOIN hazreduc x ON x.hazreduc_guid = r.guid
            JOIN ({rings("hazard")}) h ON h.guid = x.hazard_guid
            WHERE r.vertices >= 3 AND ST_IsClosed(r.line) AND ST_IsClosed(h.line) AND h.vertices >= 3""",  # noqa: S608
    )
    assert len(overlapping) >= 10 and all(ok for _, ok in overlapping)


def test_devices_casualties_and_victims(ng):
    url, manifest = ng
    assert manifest.devices_by_model and set(manifest.devices_by_model) <= {
        "PMN-2", "PMN", "Type 72A", "M14", "MON-50", "BLU-26", "TM-62M",
    }  # fmt: skip
    total = rows(url, "SELECT sum(quantity) FROM hazreducdeviceinfo")[0][0]
    assert sum(manifest.devices_by_model.values()) == total
    victims = sum(n for year in manifest.casualties_by_year.values() for n in year.values())
    assert victims == manifest.counts["victim"] == len(manifest.victim_names)
    names = {f"{a} {b}" for a, b in rows(url, "SELECT firstname, lastname FROM victim")}
    assert names == set(manifest.victim_names)
    assert rows(url, "SELECT count(*) FROM victim WHERE birthdate IS NULL OR age IS NULL")[0][0] == 0


def test_infoversions_end_with_the_record(ng):
    url, manifest = ng
    for table in schema.VERSIONED:
        columns = list(schema.RECORDS[table])
        version = schema.version_table(table)
        history: dict[str, list[tuple]] = {}
        for row in rows(url, f"SELECT {', '.join(columns)} FROM {version} ORDER BY dataentrydate"):  # noqa: S608
            history.setdefault(row[0], []).append(row)
        current = {r[0]: r for r in rows(url, f"SELECT {', '.join(columns)} FROM {table}")}  # noqa: S608
        assert set(history) == set(current), table
        for guid, versions in history.items():
            assert 1 <= len(versions) <= 3 and manifest.versions[f"{table}/{guid}"] == len(versions)
            assert versions[-1] == current[guid]
            dates = [v[columns.index("dataentrydate")] for v in versions]
            assert dates == sorted(set(dates))
            assert all(v[columns.index("dataenterer")] for v in versions)
            assert all(v != versions[-1] for v in versions[:-1])


def test_manifest_json_round_trip(ng):
    _, manifest = ng
    again = synthetic.Manifest.from_json(manifest.to_json())
    assert again == manifest
    assert again.problems["self-intersection"][0] == manifest.problems["self-intersection"][0]
    assert isinstance(again.problems["self-intersection"][0], tuple)


def test_same_seed_same_database_and_change_records(ng, other):
    url, manifest = ng
    assert synthetic.build(other, bbox=BBOX, seed=1) == manifest
    before = {t: rows(other, f"SELECT count(*) FROM {schema.version_table(t)}")[0][0] for t in PROBLEM_TABLES}  # noqa: S608
    changed = synthetic.change_records(other, n=5, seed=2)
    assert len(changed) == len(set(changed)) == 5 and {t for t, _ in changed} == set(PROBLEM_TABLES)
    after = {t: rows(other, f"SELECT count(*) FROM {schema.version_table(t)}")[0][0] for t in PROBLEM_TABLES}  # noqa: S608
    assert sum(after.values()) - sum(before.values()) == 5
    for table, guid in changed:
        columns = list(schema.RECORDS[table])
        record = rows(other, f"SELECT {', '.join(columns)} FROM {table} WHERE {schema.key(table)} = %s", guid)[0]  # noqa: S608
        versions = rows(
            other,
            f"SELECT {', '.join(columns)} FROM {schema.version_table(table)} WHERE {schema.key(table)} = %s"  # noqa: S608
            " ORDER BY dataentrydate",
            guid,
        )
        assert versions[-1] == record and len(versions) >= 2
        assert versions[-1][columns.index("status_guid")] != versions[-2][columns.index("status_guid")]
        assert versions[-1][columns.index("dataentrydate")] > versions[-2][columns.index("dataentrydate")]
        original = rows(url, f"SELECT status_guid FROM {table} WHERE {schema.key(table)} = %s", guid)[0][0]  # noqa: S608
        assert record[columns.index("status_guid")] != original
    assert isinstance(versions[-1][columns.index("dataentrydate")], dt.datetime)


def test_build_and_command_refuse_a_database_that_is_not_empty(ng):
    url, _ = ng
    with pytest.raises(ValueError, match="not empty"):
        synthetic.build(url, bbox=BBOX)
    with pytest.raises(CommandError, match="not empty"):
        call_command("imsma-sample", "--to", url)
    with pytest.raises(ValueError, match="0.2"):
        synthetic.build(url, bbox=(0, 0, 0.1, 0.1))


def test_command_builds_a_new_database(tmp_path):
    name = f"sg_ngsynth_test_{os.getpid()}_c"
    synthetic.drop_database(ADMIN, name)
    url = synthetic.pg_url(ADMIN).rsplit("/", 1)[0] + "/" + name
    try:
        call_command("imsma-sample", "--to", url, "--seed", "3", "--manifest", str(tmp_path / "m.json"))
        manifest = synthetic.Manifest.from_json((tmp_path / "m.json").read_text(encoding="utf-8"))
        assert manifest.seed == 3 and manifest.bbox == (-20.0, -30.0, -19.0, -29.0)
        assert rows(url, "SELECT count(*) FROM hazard")[0][0] == manifest.counts["hazard"] == 40
    finally:
        synthetic.drop_database(ADMIN, name)


def test_custom_fields_hold_one_value_of_their_type(ng):
    url, _ = ng
    got = rows(
        url,
        """SELECT f.cdf_datatype, num_nonnulls(v.stringvalue, v.datevalue, v.numbervalue, v.organisation_value,
                  v.place_value, v.gazetteer_value), v.stringvalue IS NOT NULL, v.datevalue IS NOT NULL,
                  v.numbervalue IS NOT NULL, v.organisation_value IS NOT NULL, v.gazetteer_value IS NOT NULL
           FROM cdfvalue v JOIN customdefinedfield f USING (cdf_id)""",
    )
    assert got and all(n == 1 for _, n, *_ in got)
    column = {"STRING": 2, "DATE": 3, "NUMBER": 4, "ORGANISATION": 5, "GAZETTEER": 6}
    assert all(row[column[row[0]]] for row in got)
    linked = rows(url, "SELECT count(*) FROM hazard_has_cdfvalue") + rows(
        url, "SELECT count(*) FROM accident_has_cdfvalue"
    )
    assert sum(n for (n,) in linked) == len(got)
    # geocheck's duplicate-CDF check finds nothing: no record has two values of one field
    dup = rows(
        url,
        "SELECT hazard_guid, cdf_id FROM hazard_has_cdfvalue JOIN cdfvalue USING (cdfvalue_guid) GROUP BY 1, 2 "
        "HAVING count(*) > 1",
    )
    assert dup == []


def test_the_comparison_query_finds_every_column_in_the_synthetic_database(ng):
    url, _ = ng
    got = rows(url, synthetic.compare_columns_sql())
    assert len(got) == sum(len(columns) for columns in schema.expected().values())
    assert {status for *_, status in got} == {"ok"}
