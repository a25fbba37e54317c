// The package-import review's small map: a partner's features as its policy generalised them (cell
// centres or squares, admin-area points, or recorded shapes), over the outline of its country where
// our gazetteer has one. Data from <script id="exchange-map-data" type="application/json">.
(function () {
  "use strict";
  const container = document.getElementById("exchange-map");
  const source = document.getElementById("exchange-map-data");
  if (!container || !source || !window.maplibregl) return;
  const data = JSON.parse(source.textContent);
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const C = {
    bg: colour("--map-bg", "#dce6ee"),
    land: colour("--province-fill", "#fbfaf6"),
    line: colour("--province-line", "#8b97a6"),
    hazards: colour("--hz-cha-open", "#d62839"),
    products: colour("--hz-product", "#2e9e5b"),
    devices: colour("--hz-device", "#111111"),
  };
  const features = (data.features && data.features.features) || [];
  const box = [180, 90, -180, -90];
  const extend = (c) => {
    if (typeof c[0] === "number") {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
    } else c.forEach(extend);
  };
  features.forEach((f) => f.geometry && extend(f.geometry.coordinates));
  if (data.context) extend(data.context.coordinates || []);
  const bounds = box[0] <= box[2] ? [[box[0], box[1]], [box[2], box[3]]] : [[-10, -10], [10, 10]];
  let map;
  try {
    map = new maplibregl.Map({
      container,
      style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": C.bg } }] },
      bounds,
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      dragRotate: false,
      cooperativeGestures: true,
    });
  } catch (error) {
    const p = document.createElement("p");
    p.className = "map-message";
    p.textContent = String(error.message || error);
    container.append(p);
    return;
  }
  container.sgMap = map;
  map.on("idle", () => (container.dataset.state = "ready"));
  map.on("load", () => {
    if (data.context) {
      map.addSource("context", { type: "geojson", data: { type: "Feature", properties: {}, geometry: data.context } });
      map.addLayer({ id: "context-fill", type: "fill", source: "context", paint: { "fill-color": C.land } });
      map.addLayer({ id: "context-line", type: "line", source: "context", paint: { "line-color": C.line, "line-width": 1 } });
    }
    map.addSource("partner", { type: "geojson", data: data.features });
    const byLayer = ["match", ["get", "layer"], "hazards", C.hazards, "products", C.products, C.devices];
    map.addLayer({
      id: "partner-fill", type: "fill", source: "partner",
      filter: ["==", ["geometry-type"], "Polygon"],
      paint: { "fill-color": byLayer, "fill-opacity": 0.35, "fill-outline-color": byLayer },
    });
    map.addLayer({
      id: "partner-points", type: "circle", source: "partner",
      filter: ["==", ["geometry-type"], "Point"],
      paint: {
        "circle-color": byLayer,
        "circle-radius": ["match", ["get", "layer"], "devices", 3, 5],
        "circle-opacity": 0.8,
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 1,
      },
    });
  });
})();
