"""The web application in a real browser: Playwright driving the system Chromium (never a download).

An operator signs in, draws a hazard on the map and submits it; an IM officer approves it; it is
drawn on the map; an operator cannot see another organisation's submissions; the switcher turns
the pages into Khmer. Screenshots of the main pages (English and Khmer, 1366×768 and 390-px phone)
are written to $SAFEGROUND_SCREENSHOTS (default var/screenshots/) as test artefacts.

The site is a real server on the tiny demo (tests/conftest.py); the tests run in order.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from safeground.organisations.roles import DEMO_PASSWORD
from tests.browser.browsing import CHROMIUM, VIEWPORTS, full_page_screenshot, load_at, only_this_site, wait_for_map

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
    reason="Chromium is not installed (CI installs it and never skips)",
)
TIMEOUT_MS = 60_000
SHOTS = Path(os.environ.get("SAFEGROUND_SCREENSHOTS", settings.BASE_DIR / "var" / "screenshots"))
NAME = "Drawn in the browser"


def open_page(browser, size: str = "desktop", language: str = "en", base: str = ""):
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    if language != "en":
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    # A Content-Security-Policy violation is a console error in Chromium; this makes sure it is one.
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.set_default_timeout(TIMEOUT_MS)
    return page


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click(".auth-card button[type=submit]")
    # The home map writes its view into the hash (#map=…) as soon as it loads: accept it.
    page.wait_for_url(re.compile(re.escape(f"{base}/") + r"(#.*)?$"))


def sign_out(page, base: str) -> None:
    page.goto(f"{base}/workbench/")
    page.click(".sign-out button[type=submit]")
    page.wait_for_url("**/accounts/login/")


def fill_hazard(page, hazard_class: str = "CHA", name: str = NAME) -> None:
    page.select_option("#id_hazard_class", hazard_class)
    page.select_option("#id_contamination_type", "ap_mines")
    page.fill("#id_recorded_on", "2025-06-02")
    page.fill("#id_name", name)


def draw_square(page, lon: float, lat: float) -> None:
    """Zoom the drawing map to (lon, lat), click four corners of a square, close it on the first vertex."""
    wait_for_map(page, "#draw-map", TIMEOUT_MS)
    page.evaluate(f"document.getElementById('draw-map').sgMap.jumpTo({{center: [{lon}, {lat}], zoom: 15}})")
    page.wait_for_timeout(500)
    box = page.locator("#draw-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-40, -40), (40, -40), (40, 40), (-40, 40), (-40, -40)]:
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(150)
    assert page.locator("#draw-map").get_attribute("data-closed") == "true"


def hazard_names(page, base: str) -> dict[str, str]:
    """Name → code of every hazard the API lists (the national data)."""
    body = page.request.get(f"{base}/api/v1/hazards?limit=10000").json()
    return {f["properties"].get("name"): f["properties"]["code"] for f in body["features"]}


def submission_code(page) -> str:
    return re.search(r"/workbench/([^/]+)/$", page.url).group(1)


def test_operator_submits_a_drawn_hazard_and_the_officer_approves_it(browser, site):
    # Another organisation's operator submits first: typed vertices (latitude, longitude) in Fuzuli.
    page = open_page(browser)
    sign_in(page, site, "operator-anama")
    page.goto(f"{site}/workbench/new/hazard/")
    fill_hazard(page, "SHA", "ANAMA report")
    page.fill("#id_vertices", "39.5500, 47.1500\n39.5500, 47.1530\n39.5530, 47.1530\n39.5530, 47.1500")
    page.click("#submit")
    page.wait_for_url("**/workbench/WB-ANAMA-*/")
    anama = submission_code(page)
    sign_out(page, site)

    sign_in(page, site, "operator-cmac")
    page.goto(f"{site}/workbench/new/hazard/")
    fill_hazard(page)
    draw_square(page, 103.05, 13.05)
    page.click("#submit")
    page.wait_for_url("**/workbench/WB-CMAC-*/")
    cmac = submission_code(page)
    assert "Waiting for review" in page.locator("#status").inner_text()
    assert NAME not in hazard_names(page, site)  # not in the national data before approval

    page.goto(f"{site}/workbench/")
    queue = page.locator("#queue").inner_text()
    assert cmac in queue and anama not in queue
    assert page.goto(f"{site}/workbench/{anama}/").status == 404
    assert page.request.get(f"{site}/api/v1/workbench/submissions/{anama}").status == 404
    page.goto(f"{site}/workbench/{cmac}/")
    assert page.locator("#approve").count() == 0  # operators can't approve, even their own
    page.errors.clear()  # the browser logs the two expected 404s
    sign_out(page, site)

    sign_in(page, site, "im-officer")
    page.goto(f"{site}/workbench/")
    queue = page.locator("#queue").inner_text()
    assert cmac in queue and anama in queue  # the national officer sees both
    page.goto(f"{site}/workbench/{cmac}/")
    assert wait_for_map(page, "#review-map", TIMEOUT_MS)
    assert "Confirmed hazardous area" in page.locator("#comparison").inner_text()
    page.click("#approve")
    page.wait_for_selector("#result")
    assert "Approved" in page.locator("#status").inner_text()
    code = page.locator("#result").inner_text().strip()
    assert hazard_names(page, site)[NAME] == code

    # On the map: zoom to it and ask MapLibre what it drew there.
    hazard = page.request.get(f"{site}/api/v1/hazards/{code}").json()
    ring = hazard["geometry"]["coordinates"][0][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    page.goto(f"{site}/")
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    page.evaluate(
        f"document.getElementById('map').sgMap.fitBounds([[{min(xs)}, {min(ys)}], [{max(xs)}, {max(ys)}]],"
        " {duration: 0, maxZoom: 15})"
    )
    page.wait_for_timeout(500)
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    drawn = page.evaluate("document.getElementById('map').sgMap.queryRenderedFeatures().map((f) => f.properties.code)")
    assert code in drawn
    assert page.errors == []
    page.context.close()


def test_operator_drags_a_vertex_to_propose_a_change(browser, site):
    """The approved hazard from the first test: its perimeter is loaded for editing; one vertex is moved."""
    page = open_page(browser)
    sign_in(page, site, "operator-cmac")
    code = hazard_names(page, site)[NAME]
    page.goto(f"{site}/hazards/{code}/")
    page.click("#propose-change")
    assert wait_for_map(page, "#draw-map", TIMEOUT_MS)
    assert page.locator("#draw-map").get_attribute("data-closed") == "true"
    vertex = page.evaluate(
        "(() => { const m = document.getElementById('draw-map').sgMap;"
        " const g = JSON.parse(document.getElementById('id_geometry').value);"
        " const v = g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0][0][0];"
        " const p = m.project(v); const r = m.getContainer().getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; })()"
    )
    page.mouse.move(*vertex)
    page.mouse.down()
    page.mouse.move(vertex[0] - 30, vertex[1] - 30, steps=5)
    page.mouse.up()
    page.click("#submit")
    page.wait_for_url("**/workbench/WB-CMAC-*/")
    rows = page.locator("#comparison tr.changed").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("Area")  # only the perimeter changed
    page.context.close()


def test_replayed_approval_is_refused(browser, site):
    """The officer's approval form, posted again after the decision, changes nothing."""
    page = open_page(browser)
    sign_in(page, site, "operator-cmac")
    page.goto(f"{site}/workbench/new/hazard/")
    fill_hazard(page, "SHA", "Replay check")
    page.fill("#id_vertices", "13.1000, 103.1000\n13.1000, 103.1020\n13.1020, 103.1020\n13.1020, 103.1000")
    page.click("#submit")
    page.wait_for_url("**/workbench/WB-CMAC-*/")
    code = submission_code(page)
    sign_out(page, site)
    sign_in(page, site, "im-officer")
    page.goto(f"{site}/workbench/{code}/")
    form = {
        "csrfmiddlewaretoken": page.locator("[name=csrfmiddlewaretoken]").first.input_value(),
        "token": page.locator("[name=token]").input_value(),
        "action": "approve",
    }
    page.click("#approve")
    page.wait_for_selector("#result")
    replay = page.request.post(f"{site}/workbench/{code}/decide", form=form, headers={"Referer": page.url})
    assert replay.status == 409 and "out of date" in replay.text()
    assert list(hazard_names(page, site)).count("Replay check") == 1
    page.context.close()


def test_switching_to_khmer_shows_khmer(browser, site):
    page = open_page(browser)
    sign_in(page, site, "viewer")
    page.select_option(".language-switcher select", "km")
    page.wait_for_function("document.documentElement.lang === 'km'")
    with translation.override("km"):
        expected = translation.gettext("Map")
    assert expected != "Map"
    assert expected in page.locator(".site-nav").inner_text()
    assert "Noto Sans Khmer" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.errors == []
    page.context.close()


def test_in_khmer_the_productivity_bars_are_drawn_and_the_maps_speak_khmer(browser, site):
    """Bar widths never pass through Khmer number formatting (each bar has a width), and MapLibre's own
    button titles and gesture hints come in Khmer."""
    page = open_page(browser, language="km", base=site)
    sign_in(page, site, "im-officer")
    page.goto(f"{site}/productivity/")
    widths = page.eval_on_selector_all("rect.bar-one", "(bars) => bars.map((b) => b.getBoundingClientRect().width)")
    assert widths and all(w > 0 for w in widths), widths
    assert max(widths) > 100  # the longest bar spans its track
    with translation.override("km"):
        zoom_in, hint = translation.gettext("Zoom in"), translation.gettext("Use two fingers to move the map")
    assert zoom_in != "Zoom in"
    page.goto(f"{site}/")
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    assert page.get_attribute(".maplibregl-ctrl-zoom-in", "title") == zoom_in
    locale = page.evaluate("JSON.parse(document.getElementById('maplibre-locale').textContent)")
    assert locale["CooperativeGesturesHandler.MobileHelpText"] == hint
    # The map writes numbers as the server does for the language (the dashboard's "1793", not "1,793").
    from django.utils.formats import number_format

    for value, digits in ((1793, 0), (1234567.891, 2), (-0.5, 1)):
        with translation.override("km"):
            expected = number_format(value, digits, force_grouping=True)
        assert page.evaluate(f"SafeGroundNumbers.format({value}, {digits}, {digits})") == expected
    assert page.errors == []
    page.context.close()


def test_an_oversized_field_gets_a_styled_page_and_going_back_keeps_what_was_typed(browser, site):
    """A 3 MB name is refused before any form can be shown again (400): a page in the site's style says
    nothing was saved, and Back returns to the form with the other fields as they were typed."""
    page = open_page(browser)
    sign_in(page, site, "operator-cmac")
    page.goto(f"{site}/workbench/new/hazard/")
    page.fill("#id_recorded_on", "2025-03-02")
    page.select_option("#id_hazard_class", "CHA")
    page.fill("#id_vertices", "13.05, 103.05\n13.05, 103.06\n13.06, 103.06")
    page.evaluate("document.getElementById('id_name').value = 'x'.repeat(3 * 1024 * 1024)")
    page.click("#submit-form [type=submit]")
    page.wait_for_selector("#bad-request")
    assert "The form was not sent" in page.inner_text("h1") and page.locator(".site-nav").count() == 1
    page.click("[data-back]")
    page.wait_for_selector("#submit-form[data-restored=true]")
    assert page.input_value("#id_recorded_on") == "2025-03-02" and page.input_value("#id_hazard_class") == "CHA"
    assert page.input_value("#id_vertices").startswith("13.05, 103.05")
    page.context.close()


def test_devices_are_entered_as_rows_with_the_catalogue_and_the_map(browser, site):
    """A device row: a model picked from the catalogue sets its category; its position is a click on the
    drawing map; "Add a device" adds a row; the names are the reader's (screenshot, desktop and phone)."""
    for size in ("desktop", "phone"):
        page = open_page(browser, size)
        sign_in(page, site, "operator-cmac")
        page.goto(f"{site}/workbench/new/product/")
        assert wait_for_map(page, "#draw-map", TIMEOUT_MS)
        rows = page.locator("[data-device-rows] tbody [data-row]")
        assert rows.count() == 2
        page.fill("[name=devices-0-model]", "PMN-2")
        page.dispatch_event("[name=devices-0-model]", "change")
        assert page.input_value("[name=devices-0-category]") == "ap_mine"
        page.click("[data-device-rows] [data-row] [data-pick]")
        box = page.locator("#draw-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        position = page.input_value("[name=devices-0-position]")
        assert re.fullmatch(r"-?\d+\.\d{6}, -?\d+\.\d{6}", position), position
        assert page.evaluate("document.getElementById('draw-map').dataset.vertices") == "0"  # no vertex drawn
        page.click("[data-add-row]")
        assert rows.count() == 3 and page.locator("[name=devices-2-position]").count() == 1
        assert "Destroyed in situ" in page.inner_text("[name=devices-0-disposal]")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"device-rows-{size}.png"), full_page=True)
        assert page.errors == []
        page.context.close()


def test_typed_vertices_are_previewed_on_the_map_as_they_are_typed(browser, site):
    page = open_page(browser)
    sign_in(page, site, "operator-cmac")
    page.goto(f"{site}/workbench/new/hazard/")
    assert wait_for_map(page, "#draw-map", TIMEOUT_MS)
    page.type("#id_vertices", "13.05, 103.05\n13.05, 103.06\n13°03'36\"N 103°03'36\"E\nnowhere")
    page.wait_for_selector("#draw-map[data-typed-vertices='3']")
    drawn = page.evaluate(
        "document.getElementById('draw-map').sgMap.querySourceFeatures('typed').map((f) => f.geometry.type)"
    )
    assert "Polygon" in drawn
    assert "4: " in page.inner_text(".typed-preview")  # the line it could not read, named
    page.context.close()


def test_the_map_names_boundaries_as_the_country_in_view_does(browser, site):
    """The boundary layers take the admin-level names of the programme in view (its profile)."""
    page = open_page(browser)
    sign_in(page, site, "viewer")
    profiles = page.evaluate("fetch('/api/v1/programmes').then((r) => r.json())")
    with_levels = next(p for p in profiles if p["admin_levels"])
    page.goto(f"{site}/?country={with_levels['iso3']}")
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    assert page.locator('[data-admin-level="1"]').inner_text() == with_levels["admin_levels"][0]
    assert page.errors == []
    page.context.close()


def test_a_point_hazard_and_an_accident_are_drawn_on_the_map(browser, site):
    """Point data on the home map: a point hazard (circle in its class colour) and an accident (its ring),
    both written through the API as a client would, then found among the map's rendered features."""
    page = open_page(browser)
    sign_in(page, site, "im-officer")
    ring = page.request.get(f"{site}/api/v1/hazards?status=open&shape=polygon&limit=1").json()["features"][0]
    coords = ring["geometry"]["coordinates"][0][0]
    lon = sum(c[0] for c in coords[:-1]) / (len(coords) - 1)
    lat = sum(c[1] for c in coords[:-1]) / (len(coords) - 1) + 0.01
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": csrf, "Referer": f"{site}/"}
    spot = {"type": "Point", "coordinates": [lon, lat]}
    hazard = page.request.post(
        f"{site}/api/v1/hazards",
        headers=headers,
        data={
            "geometry": spot,
            "radius_m": 25,
            "hazard_class": "SHA",
            "contamination_type": "uxo",
            "recorded_on": "2024-02-01",
            "name": "Spot task",
        },
    )
    assert hazard.status == 201, hazard.text()
    accident = page.request.post(
        f"{site}/api/v1/victims/accidents",
        headers=headers,
        data={
            "point": {"type": "Point", "coordinates": [lon + 0.002, lat]},
            "occurred_on": "2023-11-05",
            "accident_type": "mine_erw",
            "reported_casualties": {"injured_boys": 1},
        },
    )
    assert accident.status == 201, accident.text()
    page.evaluate("localStorage.setItem('safeground.map.layers', JSON.stringify({accidents: true}))")
    load_at(page, f"{site}/#map=15/{lat}/{lon + 0.001}")  # the map starts again with the stored layers
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    drawn = page.evaluate(
        """(layers) => layers.map((id) => document.getElementById("map").sgMap
              .queryRenderedFeatures({ layers: [id] }).map((f) => f.properties.code))""",
        ["hazard-spots", "accidents"],
    )
    assert hazard.json()["properties"]["code"] in drawn[0]
    assert accident.json()["properties"]["code"] in drawn[1]
    assert page.errors == []
    page.context.close()


def test_the_home_maps_layers_come_from_tiles_and_its_filters_apply_to_them(browser, site):
    """Products, devices and boundaries are drawn from vector tiles (no GeoJSON asked of the API), and the
    panel's organisation filter leaves only that organisation's products drawn."""
    page = open_page(browser)
    sign_in(page, site, "im-officer")
    product = page.request.get(f"{site}/api/v1/products?limit=1").json()["features"][0]
    ring = product["geometry"]["coordinates"][0][0]
    lon = sum(c[0] for c in ring[:-1]) / (len(ring) - 1)
    lat = sum(c[1] for c in ring[:-1]) / (len(ring) - 1)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url.replace(site, "")))
    page.evaluate("localStorage.removeItem('safeground.map.layers')")
    load_at(page, f"{site}/#map=13/{lat}/{lon}")  # the map starts again with the stored layers
    assert wait_for_map(page, "#map", TIMEOUT_MS)
    assert round(page.evaluate("document.getElementById('map').sgMap.getZoom()"), 3) == 13  # the view asked for
    rendered = """() => Object.fromEntries(["products-fill", "provinces-fill"].map((id) => [id, document
              .getElementById("map").sgMap.queryRenderedFeatures({ layers: [id] }).map((f) => f.properties)]))"""
    # "ready" follows MapLibre's idle; a source's first tiles can still reach the screen a frame later
    for _ in range(50):
        drawn = page.evaluate(rendered)
        if drawn["products-fill"] and drawn["provinces-fill"]:
            break
        page.wait_for_timeout(100)
    codes = {p["code"] for p in drawn["products-fill"]}
    assert product["properties"]["code"] in codes
    assert drawn["provinces-fill"] and {p["level"] for p in drawn["provinces-fill"]} == {1}
    assert any(u.startswith("/tiles/products/13/") for u in asked)
    assert any(u.startswith("/tiles/admin_areas/") for u in asked)
    assert not [u for u in asked if u.startswith(("/api/v1/products", "/api/v1/devices", "/map/remaining"))]
    organisation = product["properties"]["organisation"]
    page.click("#map-filters > summary")
    options = page.eval_on_selector_all("[data-filter=organisation] option", "(os) => os.map((o) => o.value)")
    other = next(value for value in options if value and value != organisation)
    drawn_products = """() => document.getElementById("map").sgMap.queryRenderedFeatures({ layers: ["products-fill"] })
              .map((f) => [f.properties.code, f.properties.organisation])"""
    page.select_option("[data-filter=organisation]", other)
    page.wait_for_timeout(300)  # applied in the browser: the next frames draw it
    assert product["properties"]["code"] not in {code for code, _org in page.evaluate(drawn_products)}
    page.select_option("[data-filter=organisation]", organisation)
    page.wait_for_timeout(300)
    left = page.evaluate(drawn_products)
    assert product["properties"]["code"] in {code for code, _org in left}
    assert {org for _code, org in left} == {organisation}
    assert page.errors == []
    page.context.close()


def test_screenshots_of_the_main_pages(browser, site):
    """Map, hazard page, workbench queue and review, dashboard: English and Khmer, desktop and phone."""
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    setup = open_page(browser)
    sign_in(setup, site, "im-officer")
    hazard = setup.request.get(f"{site}/api/v1/hazards?country=KHM&status=open&limit=1").json()["features"][0]
    pending = setup.request.get(f"{site}/api/v1/workbench/submissions?status=pending").json()["items"]
    setup.context.close()
    assert pending, "the earlier tests leave a pending ANAMA submission to review"
    pages = [
        ("map", "/", "#map"),
        ("hazard", f"/hazards/{hazard['properties']['code']}/", "#hazard-map"),
        ("workbench", "/workbench/", None),
        ("review", f"/workbench/{pending[0]['code']}/", "#review-map"),
        ("dashboard", "/dashboard/", None),
        ("tokens", "/accounts/tokens/", None),
    ]
    for language in ("en", "km"):
        for size in VIEWPORTS:
            page = open_page(browser, size, language, site)
            sign_in(page, site, "im-officer")
            for name, path, selector in pages:
                response = page.goto(site + path)
                assert response.status == 200, (path, response.status)
                assert page.evaluate("document.documentElement.lang") == language
                if selector:
                    assert wait_for_map(page, selector, TIMEOUT_MS), f"{path}: map not ready"
                out = SHOTS / f"{name}-{language}-{size}.png"
                if name == "map":
                    page.screenshot(path=str(out))
                else:
                    full_page_screenshot(page, selector, out, TIMEOUT_MS)
                assert out.stat().st_size > 10_000
            assert page.errors == [], page.errors
            page.context.close()
    assert len(list(SHOTS.glob("*.png"))) == len(pages) * 2 * len(VIEWPORTS)


CSP_PAGES = [
    "/",
    "/hazards/",
    "/traverse/",
    "/activities/",
    "/ledger/",
    "/quality/",
    "/interop/",
    "/productivity/",
    "/victims/",
    "/eore/",
    "/workbench/quarantine/",
    "/accounts/tokens/",
    "/api/v1/docs",
    "/admin/",
]


def test_no_page_breaks_the_content_security_policy(browser, site):
    """Every kind of page (maps, htmx lists, forms, charts, the API docs, the admin) under the CSP:
    a blocked script, style or worker would be a console error (decision 0023)."""
    page = open_page(browser)
    sign_in(page, site, "admin")
    for path in CSP_PAGES:
        response = page.goto(site + path)
        assert response.status == 200, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        blocked = [e for e in page.errors if "Content Security Policy" in e or "CSP violation" in e]
        assert blocked == [], (path, blocked)  # other errors (the admin's missing /favicon.ico) are not this test's
    page.context.close()


def test_the_landing_page_for_visitors(browser, site):
    """Anonymous `/`: the choropleth is drawn from the aggregate GeoJSON (provinces, no hazard), nothing is
    fetched off the site, nothing breaks the CSP; the sign-in link works."""
    page = open_page(browser, "phone")
    off_site: list[str] = []
    page.on("request", lambda r: off_site.append(r.url) if not r.url.startswith((site, "data:", "blob:")) else None)
    response = page.goto(f"{site}/")
    assert response.status == 200
    page.wait_for_selector('#landing-map[data-ready="true"]', state="attached", timeout=TIMEOUT_MS)
    drawn = page.evaluate(
        """() => { const map = document.getElementById("landing-map").sgMap;
              return map.querySourceFeatures("provinces").map((f) => Object.keys(f.properties).sort().join(",")); }"""
    )
    assert drawn and set(drawn) == {"code,country,name,open_hazards,remaining_ha"}
    assert page.locator("#landing-legend li").count() >= 2
    page.click(".landing-actions .btn-primary")
    page.wait_for_url("**/accounts/login/")
    assert off_site == [] and page.errors == [], (off_site, page.errors)
    page.context.close()


def test_api_docs_work_offline(browser, site):
    """Swagger UI from static/vendor/: with every request off this site refused, the docs still render."""
    page = open_page(browser)
    refused = only_this_site(page, site)
    sign_in(page, site, "im-officer")
    page.goto(f"{site}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=TIMEOUT_MS)
    page.wait_for_selector(".opblock-tag", timeout=TIMEOUT_MS)
    assert "SafeGround API" in page.inner_text(".swagger-ui .info .title")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-docs-offline.png"))
    assert refused == [] and page.errors == [], (refused, page.errors)
    page.context.close()
