"""Empty IMSMA NG-shaped PostgreSQL databases for tests: the tables of schema.expected(), rows by hand."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg

from safeground.imsma import schema

ADMIN_URL = os.environ.get("SAFEGROUND_NG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class NgDatabase:
    """A fresh database named sg_ng_<random> with NG's tables (or none, `tables=False`)."""

    def __init__(self, tables: bool = True):
        self.name = f"sg_ng_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = _with_db(ADMIN_URL, self.name)
        self.conn = psycopg.connect(self.url, autocommit=True)
        if tables:
            for table, columns in schema.expected().items():
                cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
                self.conn.execute(f'CREATE TABLE "{table}" ({cols})')

    def insert(self, table: str, **row) -> dict:
        names = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(["%s"] * len(row))
        self.conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values()))
        return row

    def enum(self, category: str, value: str) -> str:
        """The guid of an imsmaenum value (added on first use)."""
        found = self.conn.execute(
            "SELECT imsmaenum_guid FROM imsmaenum WHERE enumcategory = %s AND enumvalue = %s", (category, value)
        ).fetchone()
        if found:
            return found[0]
        guid = str(uuid.uuid4())
        self.insert("imsmaenum", imsmaenum_guid=guid, enumcategory=category, enumvalue=value, isactive=True)
        return guid

    def shape(self, table: str, guid: str, points: list[tuple[float, float]], shape: str = "Polygon", **point) -> str:
        """A geospatialinfo of `shape` with `points` (lon, lat) in order, linked to the record."""
        info = str(uuid.uuid4())
        self.insert(
            "geospatialinfo",
            geospatialinfo_guid=info,
            shapeenum_guid=self.enum("Shape", shape),
            shape_id=1,
            isactive=True,
        )
        self.insert(schema.geometry_link(table), **{schema.key(table): guid, "geospatialinfo_guid": info})
        for i, (lon, lat) in enumerate(points, start=1):
            self.insert(
                "geopoint",
                geopoint_guid=str(uuid.uuid4()),
                geospatialinfo_guid=info,
                pointno=i,
                pointlocal_id=f"P{i}",
                latitude=lat,
                longitude=lon,
                coordrefsys="WGS 84",
                coordformat="DD",
                **point,
            )
        return info

    def drop(self) -> None:
        self.conn.close()
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
