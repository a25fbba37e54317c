"""A synthetic IMSMA NG v6 database: every table of `schema.expected()`, filled deterministically with
records of every kind and the geocheck problems injected in known numbers.

The migration tests read it as they would a programme's real NG database; `safeground imsma-sample`
builds one so a programme can try the migrator without touching its own data. The `Manifest` says what
is inside and the totals a faithful migration must reproduce; the totals are computed independently in
PostGIS SQL on the NG database (geocheck-style), never by the migrator's code. Plain psycopg, no Django.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from safeground.imsma import schema
from safeground.imsma.synthetic_data import VALUE_LISTS, Generator

CAUSES = (
    "duplicate-consecutive-points",
    "ring-not-closed",
    "too-few-vertices",
    "self-intersection",
    "far-apart-points",
    "duplicate-localid",
    "traverse-mismatch",
    "no-geometry",
)


@dataclass
class Manifest:
    """What a synthetic NG database holds (JSON: `to_json` / `from_json`)."""

    seed: int
    scale: int
    bbox: tuple[float, float, float, float]
    #: Rows in every table of schema.expected() (record tables, links, versions, geometry, enums).
    counts: dict[str, int]
    #: cause → [(table, record guid)]; duplicate-localid lists both records of each pair.
    problems: dict[str, list[tuple[str, str]]]
    #: Other shapes and formats to look for: "point" (shapeenum Point hazards), "utm", "dms",
    #: "bearing-distance" (whole polygons entered that way) → [(table, record guid)].
    special: dict[str, list[tuple[str, str]]]
    #: "First Last" of every victim: personal data that must never be stored in clear.
    victim_names: list[str]
    #: (enumcategory, enumvalue) of value-list entries SafeGround has no equivalent for.
    unmapped_values: list[tuple[str, str]]
    #: (enumcategory, enumvalue) of the programme's own addition to a value list.
    custom_value: tuple[str, str]
    #: NG hazard status → {"count": hazards, "area_m2": area of their valid or repairable polygons}.
    hazards_by_status: dict[str, dict[str, float]]
    #: hazard guid → area in m² (only hazards whose polygons are valid or repairable).
    hazard_area_m2: dict[str, float]
    #: ordnance model → sum of hazreducdeviceinfo.quantity.
    devices_by_model: dict[str, int]
    #: accident year → {"Killed": n, "Injured": n} (victims).
    casualties_by_year: dict[str, dict[str, int]]
    #: "table/guid" of every versioned record → its number of infoversions.
    versions: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data["bbox"] = tuple(data["bbox"])
        data["custom_value"] = tuple(data["custom_value"])
        data["unmapped_values"] = [tuple(v) for v in data["unmapped_values"]]
        for name in ("problems", "special"):
            data[name] = {k: [tuple(v) for v in vs] for k, vs in data[name].items()}
        return cls(**data)


# ---- databases


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def pg_url(url: str) -> str:
    """psycopg's form of a URL SafeGround may write as postgis://."""
    return "postgresql://" + url.split("://", 1)[1] if url.startswith("postgis://") else url


def create_database(admin_url: str, name: str) -> str:
    """Create an empty database `name` with PostGIS on admin_url's server; return its URL."""
    with psycopg.connect(pg_url(admin_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_db(pg_url(admin_url), name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return url


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(pg_url(admin_url), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def user_tables(conn: psycopg.Connection) -> list[str]:
    """Tables in the database other than PostGIS's own."""
    rows = conn.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        " WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'topology', 'tiger')"
        " AND table_name NOT IN ('spatial_ref_sys', 'geometry_columns', 'geography_columns')"
        " ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def primary_key(table: str, columns: dict[str, str]) -> list[str]:
    if table.endswith("infoversion"):
        return [f"{table}_guid"]
    if table == "customdefinedfield":
        return ["cdf_id"]
    if table.endswith(("_has_geospatialinfo", "_has_cdfvalue")):
        return list(columns)
    return [next(iter(columns))]


def create_tables(conn: psycopg.Connection) -> None:
    for table, columns in schema.with_optional().items():
        cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns.items()]
        pk = sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, primary_key(table, columns))))
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), sql.SQL(", ").join([*cols, pk])))


def _insert(conn: psycopg.Connection, table: str, rows: list[dict]) -> None:
    columns = list(schema.with_optional()[table])
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cur, cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row([row.get(c) for c in columns])


# ---- build


def build(url: str, *, bbox: tuple[float, float, float, float], seed: int = 1, scale: int = 1) -> Manifest:
    """Create every NG table in the (empty) database at url and fill it; return what is inside."""
    west, south, east, north = bbox
    if not (-180 <= west < east <= 180 and -80 <= south < north <= 84):
        raise ValueError(f"bbox must be W,S,E,N in degrees within UTM's range; got {bbox}")
    if east - west < 0.2 or north - south < 0.2:
        raise ValueError("bbox must be at least 0.2° wide and high (a far-apart typo is pushed 6.5 km)")
    if scale < 1:
        raise ValueError("scale must be 1 or more")
    gen = Generator(random.Random(seed), bbox, scale)
    tables = gen.generate()
    with psycopg.connect(pg_url(url)) as conn:
        if user_tables(conn):
            raise ValueError("the database is not empty")
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        create_tables(conn)
        for table in schema.expected():
            _insert(conn, table, tables.get(table, []))
        conn.commit()
        counts = {t: len(tables.get(t, [])) for t in schema.expected()}
        return Manifest(
            seed=seed,
            scale=scale,
            bbox=(west, south, east, north),
            counts=counts,
            problems={cause: gen.problems.get(cause, []) for cause in CAUSES},
            special=gen.special,
            victim_names=gen.victim_names,
            unmapped_values=gen.unmapped_values,
            custom_value=gen.custom_value,
            hazards_by_status=hazards_by_status(conn),
            hazard_area_m2=hazard_areas(conn),
            devices_by_model=devices_by_model(conn),
            casualties_by_year=casualties_by_year(conn),
            versions=gen.versions,
        )


# ---- totals, computed in SQL on the NG database (not from the generator's memory)

#: Polygons of a record table as geocheck builds them: points by pointno, ring closed on its first point,
#: repeated points dropped, made valid; too few vertices or a step over 5 km (a typo) refused.
_AREAS = """
WITH pts AS (
  SELECT l.{key} AS guid, p.geospatialinfo_guid AS gi, p.pointno, p.longitude, p.latitude,
    ST_Distance(ST_MakePoint(p.longitude, p.latitude)::geography,
      ST_MakePoint(lag(p.longitude) OVER w, lag(p.latitude) OVER w)::geography) AS step
  FROM {link} l
  JOIN geospatialinfo g ON g.geospatialinfo_guid = l.geospatialinfo_guid AND g.isactive
  JOIN imsmaenum e ON e.imsmaenum_guid = g.shapeenum_guid AND e.enumvalue = 'Polygon'
  JOIN geopoint p ON p.geospatialinfo_guid = g.geospatialinfo_guid
  WINDOW w AS (PARTITION BY p.geospatialinfo_guid ORDER BY p.pointno)
), rings AS (
  SELECT guid, CASE WHEN count(*) > 1 THEN ST_GeomFromText('LINESTRING(' || string_agg(longitude::text || ' '
      || latitude::text, ',' ORDER BY pointno) || ')', 4326) END AS line,
    count(DISTINCT (longitude, latitude)) AS vertices, coalesce(max(step), 0) AS longest
  FROM pts GROUP BY guid, gi
), shapes AS (
  SELECT guid, ST_MakeValid(ST_MakePolygon(ST_RemoveRepeatedPoints(ST_AddPoint(line, ST_StartPoint(line)))))
    AS shape
  FROM rings WHERE vertices >= 3 AND longest <= 5000
)
SELECT guid, sum(ST_Area(ST_Transform(shape,
  CASE WHEN ST_Y(ST_Centroid(shape)) >= 0 THEN 32600 ELSE 32700 END
    + floor((ST_X(ST_Centroid(shape)) + 180) / 6)::int + 1)))
FROM shapes GROUP BY guid
"""


def areas(conn: psycopg.Connection, table: str) -> dict[str, float]:
    """Record guid → area (m², in the polygon's UTM zone) of its valid or repairable polygons."""
    query = _AREAS.format(key=schema.key(table), link=schema.geometry_link(table))
    return {guid: round(area, 2) for guid, area in conn.execute(query)}


def hazard_areas(conn: psycopg.Connection) -> dict[str, float]:
    return areas(conn, "hazard")


def hazards_by_status(conn: psycopg.Connection) -> dict[str, dict[str, float]]:
    area = hazard_areas(conn)
    out: dict[str, dict[str, float]] = {}
    rows = conn.execute(
        "SELECT h.hazard_guid, e.enumvalue FROM hazard h LEFT JOIN imsmaenum e ON e.imsmaenum_guid = h.status_guid"
    )
    for guid, status in rows:
        entry = out.setdefault(status or "", {"count": 0, "area_m2": 0.0})
        entry["count"] += 1
        entry["area_m2"] = round(entry["area_m2"] + area.get(guid, 0.0), 2)
    return out


def devices_by_model(conn: psycopg.Connection) -> dict[str, int]:
    rows = conn.execute(
        "SELECT o.model, sum(d.quantity) FROM hazreducdeviceinfo d JOIN ordnance o USING (ordnance_guid)"
        " GROUP BY o.model ORDER BY 1"
    )
    return {model: int(total) for model, total in rows}


def casualties_by_year(conn: psycopg.Connection) -> dict[str, dict[str, int]]:
    rows = conn.execute(
        "SELECT extract(year FROM a.accidentdate)::int, e.enumvalue, count(*) FROM victim v"
        " JOIN accident a USING (accident_guid)"
        " JOIN imsmaenum e ON e.imsmaenum_guid = v.killedorinjuredenum_guid GROUP BY 1, 2 ORDER BY 1, 2"
    )
    out: dict[str, dict[str, int]] = {}
    for year, state, n in rows:
        out.setdefault(str(year), {"Killed": 0, "Injured": 0})[state] = n
    return out


def compare_columns_sql() -> str:
    """A query a programme runs on its real NG database: every column SafeGround reads, with its type
    there or MISSING (names compared case-insensitively, as NG quotes some of them)."""
    values = ",\n    ".join(
        f"('{t}', '{c}', '{ty}')" for t, cols in schema.expected().items() for c, ty in cols.items()
    )
    return (
        f"WITH expected(table_name, column_name, our_type) AS (VALUES\n    {values}\n)\n"
        "SELECT e.table_name, e.column_name, e.our_type, c.data_type AS their_type,\n"
        "  CASE WHEN c.column_name IS NULL THEN 'MISSING' ELSE 'ok' END AS status\n"
        "FROM expected e LEFT JOIN information_schema.columns c ON c.table_schema = 'public'\n"
        "  AND lower(c.table_name) = e.table_name AND lower(c.column_name) = e.column_name\n"
        "ORDER BY status, e.table_name, e.column_name;"
    )


# ---- changes, the way NG makes them


def change_records(
    url: str, n: int = 5, seed: int = 2, records: list[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    """Change n records as NG does when a data-entry form is approved: the record row takes new values
    (hazard status and name, hazreduc status) and a new infoversion with a later dataentrydate holds
    them. Returns (table, guid) of each changed record, hazards and hazreducs in turn. `records`: which
    (hazard or hazreduc) records to change instead of n picked at random."""
    rng = random.Random(seed)
    changed: list[tuple[str, str]] = []
    with psycopg.connect(pg_url(url)) as conn:
        if records is not None:
            for table, guid in records:
                _change(conn, table, guid, rng)
                changed.append((table, guid))
            conn.commit()
            return changed
        picks = {
            table: rng.sample(
                [r[0] for r in conn.execute(f"SELECT {schema.key(table)} FROM {table} ORDER BY 1")],  # noqa: S608
                k=(n + (table == "hazard")) // 2,
            )
            for table in ("hazard", "hazreduc")
        }
        order = [t for pair in zip(picks["hazard"], [*picks["hazreduc"], None], strict=False) for t in pair if t][:n]
        for guid in order:
            table = "hazard" if guid in picks["hazard"] else "hazreduc"
            _change(conn, table, guid, rng)
            changed.append((table, guid))
        conn.commit()
    return changed


def _change(conn: psycopg.Connection, table: str, guid: str, rng: random.Random) -> None:
    key = schema.key(table)
    current = conn.execute(
        sql.SQL("SELECT status_guid FROM {} WHERE {} = %s").format(sql.Identifier(table), sql.Identifier(key)),
        [guid],
    ).fetchone()
    category = VALUE_LISTS[(table, "status_guid")][0]
    options = [
        r[0]
        for r in conn.execute(
            "SELECT imsmaenum_guid FROM imsmaenum WHERE enumcategory = %s AND imsmaenum_guid <> %s ORDER BY 1",
            [category, current[0] if current else None],
        )
    ]
    latest = conn.execute(
        sql.SQL("SELECT max(dataentrydate) FROM {} WHERE {} = %s").format(
            sql.Identifier(schema.version_table(table)), sql.Identifier(key)
        ),
        [guid],
    ).fetchone()
    when = (latest[0] if latest and latest[0] else dt.datetime(2024, 1, 1)) + dt.timedelta(days=rng.randint(20, 90))
    sets = {"status_guid": rng.choice(options), "dataentrydate": when, "dataenterer": "ng.reviewer"}
    if table == "hazard":
        name = conn.execute("SELECT hazard_name FROM hazard WHERE hazard_guid = %s", [guid]).fetchone()
        sets["hazard_name"] = f"{name[0] if name else ''} (resurveyed)"
    conn.execute(
        sql.SQL("UPDATE {} SET {} WHERE {} = %s").format(
            sql.Identifier(table),
            sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in sets),
            sql.Identifier(key),
        ),
        [*sets.values(), guid],
    )
    columns = list(schema.RECORDS[table])
    version = schema.version_table(table)
    conn.execute(
        sql.SQL("INSERT INTO {} ({}, {}) SELECT %s, {} FROM {} WHERE {} = %s").format(
            sql.Identifier(version),
            sql.Identifier(f"{version}_guid"),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.Identifier(table),
            sql.Identifier(key),
        ),
        [str(uuid.UUID(int=rng.getrandbits(128), version=4)), guid],
    )


__all__ = [
    "CAUSES",
    "Manifest",
    "build",
    "change_records",
    "compare_columns_sql",
    "create_database",
    "drop_database",
]
