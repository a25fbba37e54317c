"""A third country from nothing, from the CLI alone (issue 12): programme, gazetteer, organisation,
10,000 hazards with injected faults imported with `--on-error quarantine`, the ledger, then the
dashboard, the public page, the map and the API show it, and a held row is fixed in the workbench.
Nothing about the country exists in code."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.test import Client
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
    kinds = {g.geom_type for g in geoms if g is not None}
    ogr_write(
        str(path),
        np.array([None if g is None else shapely.to_wkb(g) for g in geoms], dtype=object),
        [np.array(fields[n], dtype=object) for n in names],
        names,
        geometry_type=kinds.pop() if len(kinds) == 1 else "Unknown",
        crs="EPSG:4326",
    )
    return str(path)


def national_layer(n_side: int = 100) -> tuple[list, dict[str, set[int]]]:
    """n_side² small squares over the country, one in every 50 of each fault; the faulty rows by cause.

    The layer mixes polygons and points (point hazards are hazards too): the faulty points lie outside
    the border, which the report counts with the polygons that cross it."""
    step = (EAST - WEST) / n_side
    geoms, faults = (
        [],
        {
            "geometry: no geometry": set(),
            "geometry: empty": set(),
            "geometry: Self-intersection": set(),
            "geometry: outside country": set(),
        },
    )
    for k in range(n_side * n_side):
        x, y = WEST + step * (k % n_side) + step / 4, SOUTH + step * (k // n_side) + step / 4
        d = step / 2
        fault = k % 50
        if fault == 1:
            geoms.append(None)
            faults["geometry: no geometry"].add(k + 1)
        elif fault == 2:
            geoms.append(shapely.Polygon())
            faults["geometry: empty"].add(k + 1)
        elif fault == 3:
            geoms.append(shapely.Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d)]))  # a bow-tie
            faults["geometry: Self-intersection"].add(k + 1)
        elif fault == 4:
            # Points with the longitude's sign flipped (far outside), and polygons across the western border.
            outside = shapely.Point(-x, y) if (k // 50) % 2 else shapely.box(WEST - d, y, WEST + d, y + d)
            geoms.append(outside)
            faults["geometry: outside country"].add(k + 1)
        else:
            geoms.append(shapely.box(x, y, x + d, y + d))
    return geoms, faults


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

    # 10,000 hazards on a grid over both departments, 800 of them faulty (200 of each kind of fault).
    squares, faults = national_layer()
    total, held = len(squares), sum(map(len, faults.values()))
    hazards = write_layer(
        tmp_path / "hazards.gpkg",
        squares,
        name=[f"Campo {k}" for k in range(total)],
        hazard_class=["SHA" if k % 2 else "CHA" for k in range(total)],
        contamination_type=["ap_mines"] * total,
        recorded_on=["2024-03-01"] * total,
    )
    said = cli("import", hazards, "--kind", "hazards", "--no-progress", "--on-error", "quarantine")
    n = total - held
    assert f"{held:,} of {total:,} row(s) held in the quarantine, per cause:" in said
    for cause, rows in faults.items():
        assert f"  {len(rows):,}\t{cause}\n" in said  # the report's count per cause is exactly what was injected
    assert f"imported {n:,} hazards" in said
    cli("ledger", "recompute")

    rows = json.loads(cli("ledger", "--json", "--country", "XTL"))
    assert len(rows) == n and {r["country"] for r in rows} == {"XTL"}
    assert {r["province_code"] for r in rows} == {"XT01", "XT02"}
    assert sum(r["remaining_m2"] for r in rows) == pytest.approx(sum(r["estimated_m2"] for r in rows))

    # The quarantine page lists every faulty row (and only those), page after page.
    officer = client_for("im_officer")
    listed_rows, url = set(), reverse("quarantine-list")
    for page_number in (1, 2, 3):
        page = officer.get(url, {"page": page_number}).content.decode()
        listed_rows |= {
            int(r) for r in re.findall(r'<td><a href="/workbench/quarantine/[0-9a-f-]+/">(\d+)</a></td>', page)
        }
    assert listed_rows == set().union(*faults.values())
    assert f"{held:,} rows" in officer.get(url).content.decode().replace("\u00a0", ",")

    # A held row fixed in the workbench joins the national data; its history says where it came from.
    from safeground.interop.models import QuarantinedRow

    bowtie = QuarantinedRow.objects.get(row=min(faults["geometry: Self-intersection"]))
    form = {f"attr:{k}": "" if v is None else v for k, v in bowtie.attributes.items()}
    fixed = shapely.from_wkt(bowtie.geometry).convex_hull.wkt
    answer = officer.post(reverse("quarantine-row", args=[bowtie.pk]), {**form, "geometry": fixed, "version": "1"})
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    bowtie.refresh_from_db()
    assert bowtie.status == "approved"
    record = officer.get(reverse("hazard-detail", args=[bowtie.result_code])).content.decode()
    assert f"hazards.gpkg, row {bowtie.row} (quarantine)" in record
    n += 1

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
    assert listed.count("Departamento") >= 2 and "Province" not in listed  # the filter and the column

    # The country's own names for its admin levels, wherever one country is shown.
    code = rows[0]["code"]
    record = viewer.get(reverse("hazard-detail", args=[code])).content.decode()
    assert "<dt>Departamento</dt>" in record and "<dt>Municipio</dt>" in record and "<dt>Province</dt>" not in record
    dashboard_page = viewer.get(reverse("dashboard"), {"country": "XTL"}).content.decode()
    assert '<h3 class="card-sub">Departamento</h3>' in dashboard_page and "<th>Province</th>" not in dashboard_page
    public_page = Client().get(reverse("public-dashboard"), {"country": "XTL"}).content.decode()
    assert '<h3 class="card-sub">Departamento</h3>' in public_page and "Testland" in public_page
    ledger_page = viewer.get(reverse("ledger-summary"), {"country": "XTL", "by": "province"}).content.decode()
    assert ">Departamento<" in ledger_page and ">Province<" not in ledger_page
    both = viewer.get(reverse("ledger-summary"), {"by": "province"}).content.decode()
    assert ">Province<" in both  # several countries at once: the generic label
