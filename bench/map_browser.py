"""Benchmark: from navigation to the first hazard drawn on the home map, in a real browser, cold and warm.

    python bench/map_browser.py --base http://127.0.0.1:8000 [--user viewer] [--runs 3] [--view 9/13.1/103.2]

Serve a demo first (`safeground demo --scale national --no-serve`, then `safeground serve`). The
system Chromium (software WebGL, as in the tests) opens the home map at `--view` (zoom/lat/lon) and
an init script polls MapLibre's `queryRenderedFeatures` on the hazard layers every animation frame;
the figure is `performance.now()` when the first hazard is found, i.e. milliseconds since navigation
started. **Cold**: a new browser context each run, signed in, its HTTP cache then cleared.
**Warm**: a reload in the same context (the tiles revalidate with ETags: 304s).

The reference, in the same run: the same navigation to the page with the hazards layer switched off
(`load` of the page and the map's first `idle`), so the ratio says what drawing the hazards adds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
HAZARD_LAYERS = ["hazard-dots", "hazards-fill", "hazard-spots"]

PROBE = """
(() => {
  const layers = LAYERS;
  const look = () => {
    const el = document.getElementById("map");
    const map = el && el.sgMap;
    if (map && map.isStyleLoaded()) {
      const present = layers.filter((id) => map.getLayer(id));
      if (present.length && map.queryRenderedFeatures({ layers: present }).length) {
        window.__firstHazardMs = performance.now();
        return;
      }
      if (!window.__mapIdleMs) map.once("idle", () => (window.__mapIdleMs = window.__mapIdleMs || performance.now()));
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
""".replace("LAYERS", json.dumps(HAZARD_LAYERS))


def sign_in(page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click(".auth-card button[type=submit]")
    page.wait_for_load_state()


def first_hazard(page, url: str, reload: bool = False) -> float:
    if reload:
        page.reload()
    else:
        page.goto("about:blank")
        page.goto(url)
    page.wait_for_selector("body")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = page.evaluate("window.__firstHazardMs || null")
        if found:
            return float(found)
        page.wait_for_timeout(50)
    raise TimeoutError("no hazard drawn within 120 s")


def map_idle(page, url: str) -> float:
    page.goto("about:blank")
    page.goto(url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = page.evaluate("window.__mapIdleMs || null")
        if found:
            return float(found)
        page.wait_for_timeout(50)
    raise TimeoutError("the map did not go idle within 120 s")


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):,.0f} ms (min {min(values):,.0f}, max {max(values):,.0f}, n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="viewer")
    parser.add_argument("--password", default="safeground-demo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--view", default="", help="zoom/lat/lon for #map=; default: the map's own start")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    url = f"{args.base}/" + (f"#map={args.view}" if args.view else "")
    cold, warm, bare = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(PROBE)
            page = context.new_page()
            sign_in(page, args.base, args.user, args.password)
            context.new_cdp_session(page).send("Network.clearBrowserCache")  # cold: nothing cached
            page.evaluate("localStorage.setItem('safeground.map.layers', JSON.stringify({hazards: true}))")
            cold.append(first_hazard(page, url))
            warm.append(first_hazard(page, url, reload=True))
            page.evaluate("localStorage.setItem('safeground.map.layers', JSON.stringify({hazards: false}))")
            bare.append(map_idle(page, url))
            context.close()
        browser.close()
    print(f"home map {url} as {args.user}, system Chromium, software WebGL")
    print(f"  first hazard drawn, cold : {summary(cold)}")
    print(f"  first hazard drawn, warm : {summary(warm)}")
    print(f"  reference: map idle with the hazards layer off : {summary(bare)}")
    print(f"  ratio warm / reference : {statistics.median(warm) / statistics.median(bare):.2f}")


if __name__ == "__main__":
    main()
