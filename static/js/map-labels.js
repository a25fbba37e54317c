/* Place-name labels on the maps' offline basemap (the gazetteer): first-level areas, then towns,
 * second- and third-level areas and villages as the map zooms in.
 *
 * The labels are HTML, not MapLibre symbols, so the browser's own text engine shapes them with the
 * vendored Noto fonts: Khmer, Arabic and any other script read correctly, and no glyph files are
 * needed (decision 0027). Only the labels that fit are drawn: by rank, without overlaps, at most
 * MAX_LABELS, placed again after every move. Their points come from the gazetteer API (a point
 * inside each area, `points=true`; the places themselves), fetched for the view and kept.
 */
(function () {
  "use strict";

  const MAX_LABELS = 160;
  const PAD_PX = 4;
  // Rank order: what is drawn first wins the space. minzoom/maxzoom in MapLibre zoom levels.
  const SETS = [
    { key: "level1", url: "admin-areas?level=1&points=true&limit=1000", minzoom: 0, maxzoom: 10, cls: "map-label-l1" },
    { key: "towns", url: "places?kind=town&limit=1000", minzoom: 7, maxzoom: 24, cls: "map-label-town" },
    { key: "level2", url: "admin-areas?level=2&points=true&limit=1000", minzoom: 8.5, maxzoom: 13, cls: "map-label-l2" },
    { key: "level3", url: "admin-areas?level=3&points=true&limit=1000", minzoom: 11.5, maxzoom: 15, cls: "map-label-l3" },
    { key: "villages", url: "places?kind=village&limit=2000", minzoom: 12.5, maxzoom: 24, cls: "map-label-village" },
  ];
  const cache = new Map(); // url → features (the latest 60 answers)

  async function features(api, set, bbox) {
    const url = `${api}/${set.url}&bbox=${bbox}`;
    if (!cache.has(url)) {
      const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      cache.set(url, answer.ok ? (await answer.json()).features || [] : []);
      if (cache.size > 60) cache.delete(cache.keys().next().value);
    }
    return cache.get(url);
  }

  /** The view's bbox widened by half on each side and snapped to a grid, so small moves reuse answers. */
  function viewBbox(map) {
    const b = map.getBounds();
    const step = Math.max(0.01, (b.getEast() - b.getWest()) / 2);
    const snap = (v, f) => f(v / step) * step;
    return [
      Math.max(-180, snap(b.getWest() - step, Math.floor)),
      Math.max(-85, snap(b.getSouth() - step, Math.floor)),
      Math.min(180, snap(b.getEast() + step, Math.ceil)),
      Math.min(85, snap(b.getNorth() + step, Math.ceil)),
    ]
      .map((v) => v.toFixed(4))
      .join(",");
  }

  function attach(map, options) {
    const api = (options && options.api) || "/api/v1";
    const container = map.getContainer();
    const measure = document.createElement("canvas").getContext("2d");
    let markers = [];
    let turn = 0;

    const styles = new Map(); // class → [font, upper case?, letter spacing in px], read once from the CSS
    function textWidth(text, cls) {
      if (!styles.has(cls)) {
        const probe = document.createElement("span");
        probe.className = `map-label ${cls}`;
        container.appendChild(probe);
        const css = getComputedStyle(probe);
        styles.set(cls, [css.font, css.textTransform === "uppercase", parseFloat(css.letterSpacing) || 0]);
        probe.remove();
      }
      const [font, upper, spacing] = styles.get(cls);
      measure.font = font;
      const shown = upper ? text.toUpperCase() : text;
      return measure.measureText(shown).width + spacing * shown.length;
    }

    async function place() {
      const mine = ++turn;
      const zoom = map.getZoom();
      const bbox = viewBbox(map);
      const wanted = SETS.filter((s) => zoom >= s.minzoom && zoom < s.maxzoom);
      let lists;
      try {
        lists = await Promise.all(wanted.map((s) => features(api, s, bbox)));
      } catch (error) {
        return; // offline or refused: the map goes on without labels
      }
      if (mine !== turn) return; // a later move took over
      const { clientWidth: width, clientHeight: height } = container;
      const taken = [];
      const chosen = [];
      wanted.forEach((set, i) => {
        for (const f of lists[i]) {
          if (chosen.length >= MAX_LABELS) return;
          const name = f.properties && f.properties.name;
          if (!name || !f.geometry || f.geometry.type !== "Point") continue;
          const at = map.project(f.geometry.coordinates);
          if (at.x < 0 || at.y < 0 || at.x > width || at.y > height) continue;
          const w = textWidth(name, set.cls) + 2 * PAD_PX;
          const h = set.cls === "map-label-l1" ? 20 : 16;
          const box = [at.x - w / 2, at.y - h / 2, at.x + w / 2, at.y + h / 2];
          if (taken.some((t) => box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1])) continue;
          taken.push(box);
          chosen.push({ name, cls: set.cls, lngLat: f.geometry.coordinates });
        }
      });
      markers.forEach((m) => m.remove());
      markers = chosen.map(({ name, cls, lngLat }) => {
        const label = document.createElement("span");
        label.className = `map-label ${cls}`;
        label.dir = "auto"; // each name in its own script's direction
        label.textContent = name;
        return new maplibregl.Marker({ element: label, anchor: "center" }).setLngLat(lngLat).addTo(map);
      });
      container.dataset.labels = String(markers.length);
    }

    let timer = null;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(place, 120);
    };
    map.on("moveend", later);
    if (map.loaded()) later();
    else map.once("load", later);
    return { refresh: later };
  }

  window.SafeGroundMapLabels = { attach };
})();
