"""A third country from nothing, from the CLI alone (issue 12): programme, gazetteer, organisation,
hazards, ledger, then the dashboard, the map and the API show it. Nothing about it exists in code."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.urls import reverse
from pyogrio.raw import write as ogr_write

from safeground.gazetteer.queries import clear_caches

pytestmark = pytest.mark.django_db

WEST, SOUTH, EAST, NORTH = -20.0, -30.0, -19.0, -29.0  # a 1° square in the South Atlantic


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write_layer(path, geoms, **fields) -> str:
    names = list(fields)
    ogr_write(
        str(path),
        shapely.to_wkb(np.array(geoms, dtype=object)),
        [np.array(fields[n], dtype=object) for n in names],
        names,
        geometry_type="MultiPolygon" if geoms[0].geom_type == "MultiPolygon" else geoms[0].geom_type,
        crs="EPSG:4326",
    )
    return str(path)


def test_a_third_country_from_nothing_from_the_cli_alone(tmp_path, api, client_for):
    cli("programme", "add", "XTL", "--name", "Testland", "--levels", "Departamento,Municipio", "--languages", "es")
    country = write_layer(tmp_path / "adm0.gpkg", [shapely.box(WEST, SOUTH, EAST, NORTH)], name=["Testland"])
    mid = (WEST + EAST) / 2
    halves = [shapely.box(WEST, SOUTH, mid, NORTH), shapely.box(mid, SOUTH, EAST, NORTH)]
    departments = write_layer(tmp_path / "adm1.gpkg", halves, code=["XT01", "XT02"], name=["Oeste", "Samaná"])
    cli("gazetteer", "load", country, "--country", "XTL", "--level", "0")
    cli("gazetteer", "load", departments, "--country", "XTL", "--level", "1", "--code-field", "code")
    clear_caches()
    assert "added organisation TMA (XTL)" in cli(
        "org", "add", "TMA", "--name", "Testland Mine Action", "--kind", "authority", "--country", "XTL"
    )

    # 40 hazards on a grid, half in each department.
    centres = [(WEST + 0.05 + 0.1 * i, SOUTH + 0.1 + 0.2 * j) for i in range(10) for j in range(4)]
    squares = [shapely.box(x - 0.01, y - 0.01, x + 0.01, y + 0.01) for x, y in centres]
    n = len(squares)
    hazards = write_layer(
        tmp_path / "hazards.gpkg",
        squares,
        name=[f"Campo {k}" for k in range(n)],
        hazard_class=["SHA" if k % 2 else "CHA" for k in range(n)],
        contamination_type=["ap_mines"] * n,
        recorded_on=["2024-03-01"] * n,
    )
    said = cli("import", hazards, "--kind", "hazards", "--no-progress")
    assert f"imported {n} hazards" in said
    cli("ledger", "recompute")

    rows = json.loads(cli("ledger", "--json", "--country", "XTL"))
    assert len(rows) == n and {r["country"] for r in rows} == {"XTL"}
    assert {r["province_code"] for r in rows} == {"XT01", "XT02"}
    assert sum(r["remaining_m2"] for r in rows) == pytest.approx(sum(r["estimated_m2"] for r in rows))

    dashboard = api.get("/api/v1/dashboard", {"country": "XTL"})
    assert dashboard.status_code == 200, dashboard.content
    assert dashboard.json()["hazards"]["open"] == n
    assert {p["province_code"] for p in dashboard.json()["remaining"]["by_province"]} == {"XT01", "XT02"}
    profile = api.get("/api/v1/programmes/XTL").json()
    assert profile["admin_levels"] == ["Departamento", "Municipio"]
    viewer = client_for("viewer")
    page = viewer.get(reverse("home"), {"country": "XTL"}).content.decode()
    assert '"initialCountry": "XTL"' in page and '"name": "Testland"' in page
    listed = viewer.get(reverse("hazard-list"), {"q": "campo 1", "country": "XTL"}).content.decode()
    assert "Campo 12" in listed and "Testland" in listed  # the country filter offers the new programme

    # The country's own names for its admin levels, wherever one country is shown.
    code = rows[0]["code"]
    record = viewer.get(reverse("hazard-detail", args=[code])).content.decode()
    assert "<dt>Departamento</dt>" in record and "<dt>Municipio</dt>" in record and "<dt>Province</dt>" not in record
    dashboard_page = viewer.get(reverse("dashboard"), {"country": "XTL"}).content.decode()
    assert '<h3 class="card-sub">Departamento</h3>' in dashboard_page and "<th>Province</th>" not in dashboard_page
    ledger_page = viewer.get(reverse("ledger-summary"), {"country": "XTL", "by": "province"}).content.decode()
    assert ">Departamento<" in ledger_page and ">Province<" not in ledger_page
    both = viewer.get(reverse("ledger-summary"), {"by": "province"}).content.decode()
    assert ">Province<" in both  # several countries at once: the generic label
