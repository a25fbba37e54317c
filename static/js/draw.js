/* Draw a polygon on a MapLibre map and keep it, as GeoJSON, in the form's hidden geometry field.
 * Click adds a vertex; clicking the first vertex (or Finish) closes the ring; Undo removes the last
 * vertex; Clear starts again. Provinces and the hazards already recorded in view are drawn for context. */
(function () {
  "use strict";
  const container = document.getElementById("draw-map");
  if (!container || !window.maplibregl) return;
  const api = container.dataset.api;
  const target = document.getElementById(container.dataset.target);
  const status = document.getElementById("draw-status");
  const countrySelect = document.getElementById("draw-country");
  const WORLD = [-180, -85, 180, 85];
  // The selected programme's extent (data-bbox="west,south,east,north", from its profile or its outline).
  const extent = () => {
    const option = countrySelect && countrySelect.selectedOptions[0];
    return option ? option.dataset.bbox.split(",").map(Number) : WORLD;
  };
  const selected = () => (countrySelect && countrySelect.value) || "";
  const empty = { type: "FeatureCollection", features: [] };
  let vertices = [];
  let closed = false;

  const map = new maplibregl.Map({
    container,
    style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#eef1ec" } }] },
    bounds: extent(),
    doubleClickZoom: false,
    dragRotate: false,
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  container.sgMap = map; // for the browser tests
  if (window.SafeGroundMapTools) window.SafeGroundMapTools.attach(map);

  function sketch() {
    const features = [];
    if (closed && vertices.length === 1) {
      // A point hazard: the one vertex is the geometry.
    } else if (vertices.length >= 3 && closed) {
      features.push({ type: "Feature", geometry: { type: "Polygon", coordinates: [[...vertices, vertices[0]]] }, properties: {} });
    } else if (vertices.length >= 2) {
      features.push({ type: "Feature", geometry: { type: "LineString", coordinates: vertices }, properties: {} });
    }
    vertices.forEach((v, i) => features.push({ type: "Feature", geometry: { type: "Point", coordinates: v }, properties: { first: i === 0, i } }));
    return { type: "FeatureCollection", features };
  }

  function update() {
    const source = map.getSource("sketch");
    if (source) source.setData(sketch());
    if (closed && vertices.length === 1) {
      target.value = JSON.stringify({ type: "Point", coordinates: vertices[0] });
      status.textContent = container.dataset.labelPoint;
    } else if (closed) {
      target.value = JSON.stringify({ type: "Polygon", coordinates: [[...vertices, vertices[0]]] });
      status.textContent = container.dataset.labelClosed;
    } else {
      target.value = "";
      status.textContent = `${container.dataset.labelVertices}: ${vertices.length}`;
    }
    container.dataset.vertices = String(vertices.length);
    container.dataset.closed = String(closed);
  }

  async function loadJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return response.ok ? response.json() : empty;
  }

  async function loadContext() {
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(5)).join(",");
    context = await loadJSON(`${api}/hazards?bbox=${bbox}&limit=2000`);
    map.getSource("hazards").setData(context);
  }

  // Snapping (on request: the "Snap to hazard vertices" box): a click within SNAP_PX of a vertex of a
  // hazard in view takes that vertex exactly, so neighbouring perimeters share their corners.
  const SNAP_PX = 12;
  const snapBox = document.getElementById("draw-snap");
  let context = empty;
  function snapped(point, lngLat) {
    const own = [Number(lngLat.lng.toFixed(7)), Number(lngLat.lat.toFixed(7))];
    if (!snapBox || !snapBox.checked) return own;
    let best = null;
    let bestPx = SNAP_PX;
    const visit = (c) => {
      if (typeof c[0] === "number") {
        const p = map.project(c);
        const d = Math.hypot(p.x - point.x, p.y - point.y);
        if (d < bestPx) [best, bestPx] = [[c[0], c[1]], d];
      } else c.forEach(visit);
    };
    context.features.forEach((f) => f.geometry && visit(f.geometry.coordinates));
    container.dataset.snapped = best ? "1" : "0";
    return best || own;
  }

  map.on("load", async () => {
    map.addSource("provinces", { type: "geojson", data: empty });
    map.addSource("hazards", { type: "geojson", data: empty });
    map.addSource("sketch", { type: "geojson", data: empty });
    map.addLayer({ id: "provinces", type: "line", source: "provinces", paint: { "line-color": "#8a9488", "line-width": 1 } });
    map.addLayer({ id: "hazards", type: "fill", source: "hazards", paint: { "fill-color": "#c0392b", "fill-opacity": 0.25, "fill-outline-color": "#c0392b" } });
    map.addLayer({ id: "sketch-fill", type: "fill", source: "sketch", filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#1f6feb", "fill-opacity": 0.3 } });
    map.addLayer({ id: "sketch-line", type: "line", source: "sketch", filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": "#1f6feb", "line-width": 2 } });
    map.addLayer({ id: "sketch-points", type: "circle", source: "sketch", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": ["case", ["get", "first"], 6, 4], "circle-color": "#fff", "circle-stroke-color": "#1f6feb", "circle-stroke-width": 2 } });
    if (selected()) {
      map.getSource("provinces").setData(await loadJSON(`${api}/admin-areas?country=${selected()}&level=1&simplify=0.002`));
    }
    loadInitial();
    await loadContext();
    update();
    container.dataset.state = "ready";
  });

  /** A change to a recorded hazard starts from its perimeter (the outer ring of its first polygon). */
  function loadInitial() {
    if (!target.value) return;
    let geometry;
    try {
      geometry = JSON.parse(target.value);
    } catch (error) {
      return;
    }
    if (geometry.type === "Point") {
      vertices = [geometry.coordinates.slice(0, 2)];
      closed = true;
      return;
    }
    const ring = geometry.type === "MultiPolygon" ? geometry.coordinates[0][0] : geometry.coordinates[0];
    vertices = ring.slice(0, -1).map(([x, y]) => [x, y]);
    closed = vertices.length >= 3;
    const xs = vertices.map((v) => v[0]);
    const ys = vertices.map((v) => v[1]);
    map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 60, duration: 0, maxZoom: 17 });
  }

  // Drag a vertex to move it (mouse); the map does not pan meanwhile.
  let dragging = null;
  let dragged = false;
  map.on("mousedown", "sketch-points", (event) => {
    event.preventDefault();
    dragging = event.features[0].properties.i;
    dragged = false;
    map.dragPan.disable();
  });
  map.on("mousemove", (event) => {
    if (dragging === null) return;
    vertices[dragging] = [Number(event.lngLat.lng.toFixed(7)), Number(event.lngLat.lat.toFixed(7))];
    dragged = true;
    update();
  });
  map.on("mouseup", (event) => {
    if (dragging === null) return;
    if (dragged) vertices[dragging] = snapped(event.point, event.lngLat);
    update();
    dragging = null;
    map.dragPan.enable();
  });
  map.on("moveend", () => { if (map.getSource("hazards")) loadContext(); });

  map.on("click", (event) => {
    if (dragged) {
      dragged = false;
      return;
    }
    if (closed || map.sgMeasuring || map.sgPicking) return; // measuring, or picking a device's position (device-rows.js)
    if (vertices.length >= 3) {
      const first = map.project(vertices[0]);
      if (Math.hypot(first.x - event.point.x, first.y - event.point.y) < 10) {
        closed = true;
        update();
        return;
      }
    }
    vertices.push(snapped(event.point, event.lngLat));
    update();
  });

  // Finish closes the polygon; with a single vertex, where the form allows it, it makes a point hazard.
  const allowPoint = container.dataset.allowPoint === "true";
  document.getElementById("draw-finish").addEventListener("click", () => {
    if (vertices.length >= 3 || (allowPoint && vertices.length === 1)) {
      closed = true;
      update();
    }
  });
  document.getElementById("draw-undo").addEventListener("click", () => { if (closed) closed = false; else vertices.pop(); update(); });
  document.getElementById("draw-clear").addEventListener("click", () => { vertices = []; closed = false; update(); });
  if (countrySelect) {
    countrySelect.addEventListener("change", async () => {
      map.fitBounds(extent(), { duration: 0 });
      map.getSource("provinces").setData(await loadJSON(`${api}/admin-areas?country=${countrySelect.value}&level=1&simplify=0.002`));
    });
  }
})();
