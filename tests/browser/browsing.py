"""Driving the system Chromium with Playwright: launch flags and the waits the browser tests share.

Chromium is never downloaded: /usr/bin/chromium comes from the OS (scripts/install-system-packages.sh
--test). MapLibre needs WebGL: headless Chromium without a GPU gets it from SwiftShader (software).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

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


def load_at(page: Page, url: str) -> None:
    """Load `url` (a page with a `#map=zoom/lat/lon` view) as a new document. Going to the same page
    with another hash only changes the hash, and a reload after it can race the map's own hash
    writes (its first view, written a moment after it loads): the page would reload at that view."""
    page.goto("about:blank")
    page.goto(url)


def wait_for_map(page: Page, selector: str, timeout_ms: int) -> bool:
    """Wait until map.js marks the map ready (drawn, idle, no request in flight)."""
    try:
        page.wait_for_selector(f'{selector}[data-state="ready"]', state="attached", timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; reported by the caller
        return False
    page.wait_for_timeout(300)  # let the last frame reach the screen
    return True


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


def only_this_site(page: Page, site: str) -> list[str]:
    """Refuse every request `page` makes to another host (offline, as a field office is); the list
    fills with the refused URLs, for the test to assert it stays empty."""
    refused: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(site):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return refused
