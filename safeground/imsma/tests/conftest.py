"""Fixtures: a third country built by the test (nothing about it exists in code) and empty NG databases."""

from __future__ import annotations

import io

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from pyogrio.raw import write as ogr_write

from safeground.gazetteer.queries import clear_caches
from safeground.imsma.tests.ngdb import NgDatabase

#: Nglandia: a 1° square in the South Atlantic, two provinces.
BBOX = (-25.0, -35.0, -24.0, -34.0)
COUNTRY = "XNG"


def _layer(path, geoms, **fields) -> str:
    names = list(fields)
    ogr_write(
        str(path),
        np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
        [np.array(fields[n], dtype=object) for n in names],
        names,
        geometry_type="Polygon",
        crs="EPSG:4326",
    )
    return str(path)


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ng_country(tmp_path, db):
    """The programme XNG with its outline, two provinces and one organisation (code NMA)."""
    west, south, east, north = BBOX
    mid = (west + east) / 2
    _cli("programme", "add", COUNTRY, "--name", "Nglandia", "--levels", "Province,District", "--languages", "en")
    _cli(
        "gazetteer",
        "load",
        _layer(tmp_path / "adm0.gpkg", [shapely.box(*BBOX)], name=["Nglandia"]),
        "--country",
        COUNTRY,
        "--level",
        "0",
    )
    halves = [shapely.box(west, south, mid, north), shapely.box(mid, south, east, north)]
    _cli(
        "gazetteer",
        "load",
        _layer(tmp_path / "adm1.gpkg", halves, code=["NG01", "NG02"], name=["West", "East"]),
        "--country",
        COUNTRY,
        "--level",
        "1",
        "--code-field",
        "code",
    )
    clear_caches()
    _cli("org", "add", "NMA", "--name", "Nglandia Mine Action Centre", "--kind", "authority", "--country", COUNTRY)
    yield COUNTRY
    clear_caches()


@pytest.fixture
def ngdb():
    """An empty NG database (its tables, no rows), dropped after the test."""
    database = NgDatabase()
    yield database
    database.drop()
