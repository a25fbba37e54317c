"""Screenshots of the map page and one hazard page, at desktop and phone sizes.

Not a pytest test (no `test_` prefix): run it against a running server with data, e.g.

    safeground demo --scale tiny --no-serve && safeground serve --port 8000 &
    python tests/browser/screenshot_pages.py http://127.0.0.1:8000 artifacts/screenshots

It drives the system Chromium (/usr/bin/chromium) through Playwright; it never downloads a browser.
MapLibre needs WebGL: headless Chromium without a GPU gets it from SwiftShader (software), which is
what the default `--gl swiftshader` flags ask for. The script exits non-zero when a page fails to
load, a map does not become ready, or the page logs a JavaScript error.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GL_ARGS = {
    "swiftshader": ["--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
    "none": [],
}
VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}


def first_hazard_code(base_url: str) -> str | None:
    """A hazard to show: the first the API lists (None when the API has none or is missing)."""
    try:
        with urllib.request.urlopen(f"{base_url}/api/v1/hazards?limit=1", timeout=30) as response:
            features = json.load(response).get("features", [])
    except (OSError, ValueError):
        return None
    return features[0]["properties"]["code"] if features else None


def wait_for_map(page: Page, selector: str, timeout_ms: int) -> bool:
    """Wait until map.js marks the map ready (drawn, idle, no request in flight)."""
    try:
        page.wait_for_selector(f'{selector}[data-state="ready"]', state="attached", timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; reported by the caller
        return False
    page.wait_for_timeout(300)  # let the last frame reach the screen
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--hazard", help="hazard code for the detail page (default: the first from the API)")
    parser.add_argument("--gl", choices=sorted(GL_ARGS), default="swiftshader", help="how Chromium gets WebGL")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for each map")
    parser.add_argument("--popup", action="store_true", help="also click the hazard on the map and capture its popup")
    parser.add_argument("--ledger", action="store_true", help="also capture the land release summary (/ledger/)")
    args = parser.parse_args(argv)

    base = args.base_url.rstrip("/")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    code = args.hazard or first_hazard_code(base)
    pages = [("home", "/", "#map")]
    if code:
        pages.append(("hazard", f"/hazards/{code}/", "#hazard-map"))
    else:
        print("no hazard code given and none found through the API: skipping the hazard page", file=sys.stderr)
    if args.ledger:  # pages without a map (selector None)
        pages += [("ledger", "/ledger/", None), ("ledger-year", "/ledger/?by=year&country=AZE", None)]

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BASE_ARGS + GL_ARGS[args.gl])
        try:
            for size_name, (width, height) in VIEWPORTS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                page.on(
                    "console",
                    lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None,
                )
                for name, path, selector in pages:
                    response = page.goto(base + path, wait_until="load")
                    if response is None or response.status != 200:
                        problems.append(f"{path}: HTTP {response.status if response else '?'}")
                    if selector and not wait_for_map(page, selector, int(args.timeout * 1000)):
                        problems.append(f"{path} at {size_name}: map not ready after {args.timeout:.0f} s")
                    out = args.out_dir / f"{name}-{size_name}.png"
                    if name == "home":
                        page.screenshot(path=str(out))
                    else:
                        full_page_screenshot(page, selector, out, int(args.timeout * 1000))
                    print(f"{out}  {page.title()!r}  {page.locator('#hazard-counts').all_inner_texts() or ''}")
                    if args.popup and name == "hazard" and size_name == "desktop" and code:
                        popup = args.out_dir / "home-popup-desktop.png"
                        if capture_popup(page, base, code, int(args.timeout * 1000), popup):
                            print(popup)
                        else:
                            problems.append(f"{code}: no popup after clicking the hazard on the map")
                problems += [f"JavaScript ({size_name}): {e}" for e in errors]
                context.close()
        finally:
            browser.close()

    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


def full_page_screenshot(page: Page, selector: str | None, out: Path, timeout_ms: int) -> None:
    """The whole page in one image, with the map redrawn at its final size.

    Playwright's `full_page=True` grows the viewport just for the capture; the map's canvas is then
    captured before MapLibre has redrawn it at the new size (half-drawn maps). So grow the viewport
    first, let the map settle, capture, and put the viewport back.
    """
    viewport = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    page.wait_for_timeout(300)
    if selector:
        wait_for_map(page, selector, timeout_ms)
    page.screenshot(path=str(out))
    page.set_viewport_size(viewport)


def capture_popup(page: Page, base: str, code: str, timeout_ms: int, out: Path) -> bool:
    """Open the map centred on the hazard (map.js keeps the view in `#map=zoom/lat/lon`) and click it."""
    with urllib.request.urlopen(f"{base}/api/v1/hazards/{code}", timeout=30) as response:
        geometry = json.load(response)["geometry"]
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    walk(geometry["coordinates"])
    lon, lat = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    page.goto(f"{base}/#map=15/{lat:.6f}/{lon:.6f}", wait_until="load")
    if not wait_for_map(page, "#map", timeout_ms):
        return False
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    try:
        page.wait_for_selector(".maplibregl-popup .hz-popup", timeout=5000)
    except Exception:  # noqa: BLE001
        return False
    page.wait_for_timeout(300)
    page.screenshot(path=str(out))
    return True


if __name__ == "__main__":
    sys.exit(main())
