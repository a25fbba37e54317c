"""The admin's geometry map in a real browser (safeground.core.admin_map, decision 0023).

On the served demo, a hazard's admin change page draws an OpenLayers map (the vendored copy) with the
hazard's polygon over the programmes' boundaries from the site's own API: no CSP violation, no request
to any other host. The polygon is then redrawn on the map and saved; the hazard has the new shape and
the next version. A screenshot (desktop size) goes to $SAFEGROUND_SCREENSHOTS/admin-hazard-map.png.
"""

from __future__ import annotations

from tests.browser.browsing import only_this_site
from tests.browser.test_browser import SHOTS, TIMEOUT_MS, open_page, pytestmark, sign_in  # noqa: F401

READY = "#id_geom_map[data-state=ready]"


def test_the_admin_edits_a_hazard_geometry_on_a_local_map(browser, site):
    page = open_page(browser)
    elsewhere = only_this_site(page, site)
    sign_in(page, site, "admin")
    hazards = page.request.get(f"{site}/api/v1/hazards?limit=200").json()["features"]
    code = next(f["properties"]["code"] for f in hazards if f["geometry"]["type"] == "MultiPolygon")
    page.goto(f"{site}/admin/hazards/hazard/?q={code}")
    page.click(f"#result_list a:text-is('{code}')")
    page.wait_for_selector(READY, state="attached")
    page.wait_for_load_state("networkidle")

    # One map per geometry field (polygon, point, benchmark, each evidence point), each a live OpenLayers
    # map; the inline's empty form (the copy for "Add another", ids with __prefix__) gets one when added.
    maps = page.locator(".dj_map:not([id*=__prefix__])").count()
    assert maps >= 3 and page.locator(".dj_map > .ol-viewport").count() == maps
    assert page.locator("#id_geom_map .ol-viewport canvas").count() >= 1
    shown = page.evaluate(
        """() => ({
            features: window.geodjango_geom.featureCollection.getLength(),
            boundaries: window.geodjango_geom.options.base_layer.getSource().getFeatures().length,
        })"""
    )
    assert shown["features"] == 1 and shown["boundaries"] > 10, shown
    # The empty point field's map shows where the polygon is, not the whole world.
    assert page.evaluate(
        """() => ol.extent.containsCoordinate(
            window.geodjango_geom.featureCollection.item(0).getGeometry().getExtent(),
            window.geodjango_point.map.getView().getCenter())"""
    )
    page.evaluate("document.getElementById('id_geom_map').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-hazard-map.png"))
    version = int(page.input_value("input[name=seen_version]"))

    # Redraw the polygon: clear it, click a square around the map's centre, close it on its first vertex.
    page.click("#id_geom_div_map .clear_features a")
    page.locator("#id_geom_map").scroll_into_view_if_needed()
    box = page.locator("#id_geom_map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-60, -60), (60, -60), (60, 60), (-60, 60), (-60, -60)]:
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(200)
    assert '"MultiPolygon"' in page.input_value("#id_geom")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.wait_for_selector(READY, state="attached")
    assert int(page.input_value("input[name=seen_version]")) == version + 1
    after = page.request.get(f"{site}/api/v1/hazards/{code}").json()
    ring = after["geometry"]["coordinates"][0][0]
    assert len(ring) == 5 and after["properties"]["version"] == version + 1, after

    blocked = [e for e in page.errors if "Content Security Policy" in e or "CSP violation" in e]
    assert blocked == [] and elsewhere == [], (blocked, elsewhere)
    page.context.close()
