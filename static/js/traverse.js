/* The traverse page's map (MapLibre GL JS, vendored): the computed polygon, the points of the chain,
 * the approach reference point → benchmark → start (dashed) and the misclosure (red).
 * Data comes embedded in <script id="traverse-map-data" type="application/json">; no basemap, no
 * network. Colours are the CSS custom properties of static/css/safeground.css, as in map.js.
 * data-state="ready" is set on the container once the map is drawn (browser tests wait for it).
 */
(function () {
  "use strict";

  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;

  function bboxOf(features) {
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    const walk = (c) => {
      if (typeof c[0] === "number") {
        box[0] = Math.min(box[0], c[0]);
        box[1] = Math.min(box[1], c[1]);
        box[2] = Math.max(box[2], c[0]);
        box[3] = Math.max(box[3], c[1]);
      } else c.forEach(walk);
    };
    features.forEach((f) => f && f.geometry && walk(f.geometry.coordinates));
    return box;
  }

  function start() {
    const container = document.querySelector('[data-map="traverse"]');
    const source = document.getElementById("traverse-map-data");
    if (!container || !source || typeof maplibregl === "undefined") return;
    const data = JSON.parse(source.textContent);
    const C = {
      background: colour("--map-bg", "#dce6ee"),
      polygon: colour("--hz-sha-open", "#f29e0c"),
      point: colour("--hz-benchmark", "#1d2733"),
      closure: colour("--hz-cha-open", "#d62839"),
    };
    const all = [data.polygon, ...data.points.features, data.approach, data.closure];
    let map;
    try {
      map = new maplibregl.Map({
        container,
        style: {
          version: 8,
          sources: {},
          layers: [{ id: "background", type: "background", paint: { "background-color": C.background } }],
        },
        bounds: bboxOf(all),
        fitBoundsOptions: { padding: 40, maxZoom: 19 },
        maxZoom: 21,
        attributionControl: false,
        dragRotate: false,
        cooperativeGestures: true,
      });
      if (window.SafeGroundMapTools) window.SafeGroundMapTools.attach(map);
    } catch (error) {
      const p = document.createElement("p");
      p.className = "map-message";
      p.textContent = String(error.message || error); // most likely no WebGL
      container.append(p);
      return;
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "top-left");
    map.on("idle", () => (container.dataset.state = "ready"));
    map.on("load", () => {
      map.addSource("polygon", { type: "geojson", data: data.polygon });
      map.addLayer({ id: "polygon-fill", type: "fill", source: "polygon", paint: { "fill-color": C.polygon, "fill-opacity": 0.35 } });
      map.addLayer({ id: "polygon-line", type: "line", source: "polygon", paint: { "line-color": C.polygon, "line-width": 2.5 } });
      if (data.approach) {
        map.addSource("approach", { type: "geojson", data: data.approach });
        map.addLayer({
          id: "approach",
          type: "line",
          source: "approach",
          paint: { "line-color": C.point, "line-width": 1.5, "line-dasharray": [3, 2] },
        });
      }
      if (data.closure) {
        map.addSource("closure", { type: "geojson", data: data.closure });
        map.addLayer({ id: "closure", type: "line", source: "closure", paint: { "line-color": C.closure, "line-width": 3 } });
      }
      map.addSource("points", { type: "geojson", data: data.points });
      map.addLayer({
        id: "points",
        type: "circle",
        source: "points",
        paint: {
          "circle-color": ["match", ["get", "type"], "reference", C.point, "benchmark", "#ffffff", "closing", C.closure, "#ffffff"],
          "circle-radius": ["match", ["get", "type"], "benchmark", 6, "reference", 5, 4],
          "circle-stroke-color": ["match", ["get", "type"], "closing", "#ffffff", C.point],
          "circle-stroke-width": ["match", ["get", "type"], "benchmark", 3, 2],
        },
      });
      const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: true });
      map.on("click", "points", (e) => {
        const p = e.features[0].properties;
        const node = document.createElement("div");
        node.className = "hz-popup";
        const title = document.createElement("h3");
        title.textContent = p.name;
        const what = document.createElement("p");
        what.textContent = p.type;
        node.append(title, what);
        popup.setLngLat(e.lngLat).setDOMContent(node).addTo(map);
      });
      map.on("mouseenter", "points", () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", "points", () => (map.getCanvas().style.cursor = ""));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
