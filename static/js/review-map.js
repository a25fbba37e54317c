/* The review map of a workbench submission: the proposed polygon or point, the current one (for a change),
 * the devices, and the hazards already recorded around it (fetched from the API). */
(function () {
  "use strict";
  const container = document.getElementById("review-map");
  if (!container || !window.maplibregl) return;
  const data = JSON.parse(container.dataset.features);
  const coords = [];
  (function walk(c) { if (typeof c[0] === "number") coords.push(c); else c.forEach(walk); })(data.features.map((f) => f.geometry.coordinates));
  if (!coords.length) { container.dataset.state = "ready"; return; }
  const xs = coords.map((c) => c[0]);
  const ys = coords.map((c) => c[1]);
  const bounds = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  const map = new maplibregl.Map({
    container,
    style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#eef1ec" } }] },
    bounds,
    fitBoundsOptions: { padding: 40, maxZoom: 17 },
    dragRotate: false,
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  if (window.SafeGroundMapTools) window.SafeGroundMapTools.attach(map);
  map.on("load", async () => {
    const pad = 0.01;
    const bbox = [bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad].join(",");
    const response = await fetch(`${container.dataset.api}/hazards?bbox=${bbox}&limit=500`, { credentials: "same-origin" });
    const hazards = response.ok ? await response.json() : { type: "FeatureCollection", features: [] };
    map.addSource("hazards", { type: "geojson", data: hazards });
    map.addSource("submission", { type: "geojson", data });
    map.addLayer({ id: "hazards", type: "fill", source: "hazards", paint: { "fill-color": "#c0392b", "fill-opacity": 0.18, "fill-outline-color": "#c0392b" } });
    map.addLayer({ id: "current", type: "line", source: "submission", filter: ["==", ["get", "role"], "current"], paint: { "line-color": "#555", "line-width": 2, "line-dasharray": [2, 2] } });
    map.addLayer({ id: "proposed-fill", type: "fill", source: "submission", filter: ["==", ["get", "role"], "proposed"], paint: { "fill-color": "#1f6feb", "fill-opacity": 0.3 } });
    map.addLayer({ id: "proposed-line", type: "line", source: "submission", filter: ["==", ["get", "role"], "proposed"], paint: { "line-color": "#1f6feb", "line-width": 2 } });
    // Point hazards (recorded, current, proposed) are circles in the same colours as the polygons.
    const point = ["==", ["geometry-type"], "Point"];
    map.addLayer({ id: "hazard-points", type: "circle", source: "hazards", filter: point, paint: { "circle-radius": 5, "circle-color": "#c0392b", "circle-opacity": 0.6, "circle-stroke-color": "#fff", "circle-stroke-width": 1 } });
    map.addLayer({ id: "current-point", type: "circle", source: "submission", filter: ["all", point, ["==", ["get", "role"], "current"]], paint: { "circle-radius": 7, "circle-color": "#fff", "circle-stroke-color": "#555", "circle-stroke-width": 2 } });
    map.addLayer({ id: "proposed-point", type: "circle", source: "submission", filter: ["all", point, ["==", ["get", "role"], "proposed"]], paint: { "circle-radius": 6, "circle-color": "#1f6feb", "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });
    map.addLayer({ id: "devices", type: "circle", source: "submission", filter: ["==", ["get", "role"], "device"], paint: { "circle-radius": 4, "circle-color": "#d35400", "circle-stroke-color": "#fff", "circle-stroke-width": 1 } });
    map.addLayer({ id: "evidence", type: "circle", source: "submission", filter: ["==", ["get", "role"], "evidence"], paint: { "circle-radius": 4, "circle-color": "#8e44ad", "circle-stroke-color": "#fff", "circle-stroke-width": 1 } });
    map.once("idle", () => { container.dataset.state = "ready"; });
  });
})();
