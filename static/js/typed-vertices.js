/* Typed vertices previewed on the drawing map as they are typed: each line is read by the server's
 * coordinate reader (/api/v1/coordinates: decimal degrees latitude first, DMS, DDM, UTM, MGRS), the
 * ring drawn dashed, the map moved to it, and a line it cannot read named under the box.
 * Typed vertices win over a drawing when the form is sent (workbench/forms.py), so this shows what
 * will be sent. Lines already read are not asked again.
 */
(function () {
  "use strict";
  const container = document.getElementById("draw-map");
  const box = document.getElementById("id_vertices");
  if (!container || !box || !container.sgMap) return;
  const map = container.sgMap;
  const api = container.dataset.api;
  const read = new Map(); // line → {ok, lon, lat, detail}
  const note = document.createElement("p");
  note.className = "help small typed-preview";
  note.setAttribute("role", "status");
  note.setAttribute("aria-live", "polite");
  box.insertAdjacentElement("afterend", note);
  const empty = { type: "FeatureCollection", features: [] };
  let timer = null;
  let ready = false;
  let latest = 0; // previews answer out of order (each waits for its own lines): only the newest draws

  async function parse(line) {
    if (!read.has(line)) {
      read.set(
        line,
        fetch(`${api}/coordinates?text=${encodeURIComponent(line)}`, { credentials: "same-origin" })
          .then((r) => r.json().then((body) => ({ ok: r.ok, ...body })))
          .catch(() => ({ ok: false, detail: "" })),
      );
    }
    return read.get(line);
  }

  async function preview() {
    const mine = ++latest;
    const lines = box.value.split("\n").map((l) => l.trim());
    const answers = await Promise.all(lines.map((l) => (l ? parse(l) : null)));
    if (mine !== latest) return; // the box changed since: a newer preview draws
    const points = [];
    const problems = [];
    answers.forEach((a, i) => {
      if (!a) return;
      if (a.ok) points.push([a.lon, a.lat]);
      else problems.push(`${i + 1}: ${a.detail}`);
    });
    const features = points.map((p) => ({ type: "Feature", geometry: { type: "Point", coordinates: p }, properties: {} }));
    if (points.length >= 3) {
      features.unshift({ type: "Feature", geometry: { type: "Polygon", coordinates: [[...points, points[0]]] }, properties: {} });
    }
    if (ready) {
      map.getSource("typed").setData({ type: "FeatureCollection", features });
      // Said once the map has drawn them (the data is parsed in a worker after setData).
      map.once("idle", () => (container.dataset.typedVertices = String(points.length)));
    }
    note.textContent = problems.length ? `${box.dataset.unreadable || "Not read"} ${problems.join(" · ")}` : "";
    note.classList.toggle("field-error", problems.length > 0);
    if (points.length) {
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 60, maxZoom: 16, duration: 300 });
    }
  }

  function start() {
    map.addSource("typed", { type: "geojson", data: empty });
    map.addLayer({ id: "typed-fill", type: "fill", source: "typed", filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#6f42c1", "fill-opacity": 0.15 } });
    map.addLayer({ id: "typed-line", type: "line", source: "typed", filter: ["==", ["geometry-type"], "Polygon"], paint: { "line-color": "#6f42c1", "line-width": 2, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "typed-points", type: "circle", source: "typed", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 4, "circle-color": "#6f42c1" } });
    ready = true;
    if (box.value.trim()) preview();
  }

  if (map.isStyleLoaded()) start();
  else map.once("load", start);
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(preview, 350);
  });
})();
