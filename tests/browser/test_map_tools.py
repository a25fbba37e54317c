"""The map tools on a real server (static/js/map-tools.js): the read-out agrees with the coordinates
API, go-to reads any format the API reads, measuring agrees with the services' geometry, a loading
sign, and the drawing map snaps to hazard vertices on request.

The site is the tiny demo served by gunicorn (tests/conftest.py); positions come from its data.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from django.conf import settings
from shapely.geometry import Polygon

from safeground.core.geometry import area_m2
from tests.browser.browsing import CHROMIUM, load_at, wait_for_map
from tests.browser.test_browser import TIMEOUT_MS, open_page, sign_in

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
    reason="Chromium is not installed (CI installs it and never skips)",
)
SHOTS = Path(os.environ.get("SAFEGROUND_SCREENSHOTS", settings.BASE_DIR / "var" / "screenshots"))

#: Positions in north and south, east and west, both Norway/Svalbard exceptions and near a zone edge.
POSITIONS = [
    (0.5, 0.5),
    (-70.25, -33.45),
    (151.2, -33.87),
    (5.5, 60.4),
    (15.0, 78.2),
    (35.99999, 31.9),
    (-0.000001, 51.5),
]


def a_hazard(page, site) -> dict:
    found = page.request.get(f"{site}/api/v1/hazards?status=open&shape=polygon&limit=1").json()["features"]
    assert found, "the demo has open polygon hazards"
    return found[0]


def centre(feature) -> tuple[float, float]:
    ring = (
        feature["geometry"]["coordinates"][0][0]
        if feature["geometry"]["type"] == "MultiPolygon"
        else feature["geometry"]["coordinates"][0]
    )
    return sum(c[0] for c in ring[:-1]) / (len(ring) - 1), sum(c[1] for c in ring[:-1]) / (len(ring) - 1)


def test_read_out_go_to_measure_and_loading_sign(browser, site):
    page = open_page(browser)
    sign_in(page, site, "im-officer")
    lon, lat = centre(a_hazard(page, site))
    load_at(page, f"{site}/#map=12/{lat}/{lon}")  # the map starts again with the stored layers
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    assert page.locator("#map .maplibregl-ctrl-scale").count() == 1
    assert page.locator("#map .map-loading").is_hidden()  # idle: no loading sign

    # The read-out forms DD, UTM and MGRS as the server does, for any position.
    for x, y in POSITIONS:
        mine = page.evaluate(f"window.SafeGroundMapTools.formats({x}, {y})")
        theirs = page.request.get(f"{site}/api/v1/coordinates", params={"text": f"{y:.6f}, {x:.6f}"}).json()["formats"]
        assert mine == {k: theirs[k] for k in ("dd", "utm", "mgrs")}, (x, y)
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
    shown = {k: page.locator(f'.map-readout [data-format="{k}"]').inner_text() for k in ("dd", "utm", "mgrs")}
    shown_lat, shown_lon = (float(v) for v in shown["dd"].split(","))
    assert shown == page.evaluate(f"window.SafeGroundMapTools.formats({shown_lon}, {shown_lat})")
    at = page.evaluate(f"document.getElementById('map').sgMap.project([{shown_lon}, {shown_lat}])")
    assert math.dist((at["x"], at["y"]), (box["width"] * 0.6, box["height"] * 0.6)) < 1.5  # under the pointer

    # Go to an MGRS reference; a text that is no position is named, and the map stays where it was.
    page.click("#map .map-tools summary")
    mgrs = page.request.get(f"{site}/api/v1/coordinates", params={"text": f"{lat + 0.01:.6f}, {lon:.6f}"}).json()
    page.fill(".map-goto input", mgrs["formats"]["mgrs"])
    page.click(".map-goto button")
    page.wait_for_selector("#map[data-goto]", state="attached")  # (wait_for_function evaluates text: the CSP refuses)
    went = [float(v) for v in page.locator("#map").get_attribute("data-goto").split(",")]
    assert math.dist(went, (lon, lat + 0.01)) < 2e-5  # MGRS at 1 m: the square's corner
    page.fill(".map-goto input", "north of the river")
    page.click(".map-goto button")
    page.wait_for_selector(".map-goto-message.is-error")
    assert "Not a position" in page.locator(".map-goto-message").inner_text()

    # Measure an area and a distance: the figures the services would compute for the same vertices.
    page.evaluate(f"document.getElementById('map').sgMap.jumpTo({{center: [{lon}, {lat}], zoom: 15}})")
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    page.click('[data-measure="area"]')
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-80, -60), (90, -60), (90, 70), (-80, 70)]
    for dx, dy in corners:
        page.mouse.click(cx + dx, cy + dy)
    vertices = page.evaluate(
        """(pts) => { const m = document.getElementById('map').sgMap, r = m.getContainer().getBoundingClientRect();
              return pts.map(([x, y]) => m.unproject([x - r.left, y - r.top]).toArray()); }""",
        [[cx + dx, cy + dy] for dx, dy in corners],
    )
    measured = float(page.locator("#map").get_attribute("data-measure-m2"))
    assert measured == pytest.approx(area_m2(Polygon(vertices)), rel=1e-3)
    assert "ha" in page.locator(".map-measure-result").inner_text()
    page.click('[data-measure="distance"]')
    page.mouse.click(cx - 80, cy)
    page.mouse.click(cx + 90, cy)
    ends = page.evaluate(
        """(pts) => { const m = document.getElementById('map').sgMap, r = m.getContainer().getBoundingClientRect();
              return pts.map(([x, y]) => m.unproject([x - r.left, y - r.top]).toArray()); }""",
        [[cx - 80, cy], [cx + 90, cy]],
    )
    from pyproj import Geod

    ellipsoidal = Geod(ellps="WGS84").inv(ends[0][0], ends[0][1], ends[1][0], ends[1][1])[2]
    assert float(page.locator("#map").get_attribute("data-measure-m")) == pytest.approx(ellipsoidal, rel=5e-3)
    assert page.locator(".maplibregl-popup").count() == 0  # measuring clicks open no popups
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-tools-desktop-en.png"))
    assert [e for e in page.errors if "status of 422" not in e] == []  # the refused go-to is the one 422
    page.context.close()


def test_drawing_snaps_to_a_hazard_vertex_on_request(browser, site):
    page = open_page(browser)
    sign_in(page, site, "im-officer")
    hazard = a_hazard(page, site)
    geometry = hazard["geometry"]
    ring = geometry["coordinates"][0][0] if geometry["type"] == "MultiPolygon" else geometry["coordinates"][0]
    page.set_viewport_size({"width": 1366, "height": 1400})  # the whole drawing map on screen
    page.goto(f"{site}/workbench/new/hazard/")
    assert wait_for_map(page, "#draw-map", TIMEOUT_MS)
    page.locator("#draw-map").scroll_into_view_if_needed()
    corners = [list(v[:2]) for v in ring[:3]]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    page.evaluate(  # the three corners in view, well apart
        f"document.getElementById('draw-map').sgMap.fitBounds([[{min(xs)}, {min(ys)}], [{max(xs)}, {max(ys)}]],"
        " {padding: 70, maxZoom: 18, duration: 0})"
    )
    assert wait_for_map(page, "#draw-map", TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    for _ in range(100):  # the hazards in view, fetched after the move
        if page.evaluate(
            "document.getElementById('draw-map').sgMap.queryRenderedFeatures({layers: ['hazards']}).length"
        ):
            break
        page.wait_for_timeout(100)

    def click_near(vertex, offset_px=5):
        at = page.evaluate(f"document.getElementById('draw-map').sgMap.project({json.dumps(vertex)})")
        box = page.locator("#draw-map").bounding_box()
        page.mouse.click(box["x"] + at["x"] + offset_px, box["y"] + at["y"] + offset_px)
        page.wait_for_timeout(100)

    def draw_near_three_vertices() -> list:
        for vertex in ring[:3]:
            click_near(vertex)
        page.click("#draw-finish")
        return json.loads(page.input_value("#id_geometry"))["coordinates"][0][:3]

    unsnapped = draw_near_three_vertices()  # snapping off: where the clicks were, 5 px off each corner
    assert all(math.dist(a, b) > 1e-7 for a, b in zip(unsnapped, corners, strict=True))
    page.click("#draw-clear")
    page.check("#draw-snap")
    assert draw_near_three_vertices() == corners  # exactly the hazard's vertices
    assert page.locator("#draw-map").get_attribute("data-snapped") == "1"
    assert page.errors == []
    page.context.close()


def test_basemap_labels_name_the_areas_in_view_without_overlaps(browser, site):
    page = open_page(browser)
    sign_in(page, site, "viewer")
    lon, lat = centre(a_hazard(page, site))
    load_at(page, f"{site}/#map=8/{lat}/{lon}")  # the map starts again with the stored layers
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    page.wait_for_selector('#map[data-labels]:not([data-labels="0"])', state="attached")
    shown = page.eval_on_selector_all(
        "#map .map-label", "els => els.map(e => [e.textContent, e.getBoundingClientRect().toJSON()])"
    )
    bbox = page.evaluate("document.getElementById('map').sgMap.getBounds().toArray().flat().join(',')")
    areas = page.request.get(f"{site}/api/v1/admin-areas", params={"level": "1", "bbox": bbox, "points": "true"})
    names = {f["properties"]["name"] for f in areas.json()["features"]}
    assert {text for text, _box in shown} & names  # provinces in view are named
    boxes = [b for _text, b in shown]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = (
                min(a["right"], b["right"]) - max(a["left"], b["left"]),
                min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]),
            )
            assert not (overlap[0] > 1 and overlap[1] > 1), (a, b)
    assert page.errors == []
    page.context.close()


@pytest.fixture(scope="module")
def basemap_site(site_env, tmp_path_factory):
    """The same demo served again, with a local PMTiles basemap (SAFEGROUND_BASEMAP)."""
    from safeground.portal.tests.test_basemap import write_pmtiles
    from tests.conftest import start_server

    tmp = tmp_path_factory.mktemp("basemap")
    env = {**site_env, "SAFEGROUND_BASEMAP": str(write_pmtiles(tmp / "testland.pmtiles"))}
    server, log, base = start_server(env, tmp)
    yield base
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_a_local_pmtiles_basemap_lies_under_the_layers_and_switches_off(browser, basemap_site):
    page = open_page(browser)
    ranges: list[int] = []
    page.on("response", lambda r: ranges.append(r.status) if r.url.endswith("/basemap.pmtiles") else None)
    sign_in(page, basemap_site, "viewer")
    page.evaluate("localStorage.removeItem('safeground.basemap')")
    page.reload()
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    page.wait_for_selector('#map[data-basemap="on"]', state="attached")
    order = page.evaluate("document.getElementById('map').sgMap.getStyle().layers.map((l) => l.id)")
    assert order.index("basemap-raster") < order.index("provinces-fill")  # under the gazetteer and the data
    assert ranges and set(ranges) == {206}  # read by ranges, never whole
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-basemap-desktop-en.png"))
    page.click("#map .map-tools summary")
    page.check('input[data-basemap="off"]')
    assert page.locator("#map").get_attribute("data-basemap") == "off"
    hidden = "document.getElementById('map').sgMap.getLayoutProperty('basemap-raster', 'visibility')"
    assert page.evaluate(hidden) == "none"
    page.reload()  # remembered
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    page.wait_for_selector('#map[data-basemap="off"]', state="attached")
    assert page.errors == []
    page.context.close()
