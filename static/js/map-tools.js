/* Tools on every SafeGround map: a scale bar, a cursor read-out (DD, UTM, MGRS), go to a coordinate
 * (any format the coordinates API reads: DD, DMS, DDM, UTM, MGRS, legacy datums), measuring a
 * distance or an area (the area in the local UTM zone), and a loading sign.
 *
 * A page's map script calls `SafeGroundMapTools.attach(map)` once its map exists. Labels come from the
 * data attributes of #map-tools-i18n (templates/includes/map_scripts.html).
 * UTM comes from proj4 (vendored); the text of DD, UTM and MGRS is formed as
 * safeground.gazetteer.coordinates forms it (UTM metres rounded, MGRS truncated), so the read-out
 * and the API never disagree on a position.
 */
(function () {
  "use strict";

  const L = (() => {
    const node = document.getElementById("map-tools-i18n");
    return node ? { ...node.dataset } : {};
  })();
  const fill = (template, values) => String(template || "").replace(/%\((\w+)\)s/g, (_, k) => values[k]);

  // ------------------------------------------------------------------ coordinates (as the server forms them)
  const BANDS = "CDEFGHJKLMNPQRSTUVWX";
  const COLUMN_SETS = ["ABCDEFGH", "JKLMNPQR", "STUVWXYZ"];
  const ROWS = "ABCDEFGHJKLMNPQRSTUV";

  function band(lat) {
    if (lat < -80 || lat > 84) return null; // polar: UPS, not UTM/MGRS
    return BANDS[Math.min(Math.floor((lat + 80) / 8), 19)];
  }

  function utmZone(lon, lat) {
    if (lat >= 56 && lat < 64 && lon >= 3 && lon < 12) return 32;
    if (lat >= 72 && lat <= 84 && lon >= 0 && lon < 42) return lon < 9 ? 31 : lon < 21 ? 33 : lon < 33 ? 35 : 37;
    return Math.min(Math.floor((lon + 180) / 6) + 1, 60);
  }

  function utmDef(zone, north) {
    return `+proj=utm +zone=${zone}${north ? "" : " +south"} +datum=WGS84 +units=m +no_defs`;
  }

  /** [zone, band, easting, northing] in WGS 84 / UTM, or null outside 80°S–84°N. */
  function toUtm(lon, lat, zone) {
    const b = band(lat);
    if (!b || !window.proj4) return null;
    const z = zone || utmZone(lon, lat);
    const [e, n] = window.proj4("WGS84", utmDef(z, lat >= 0), [lon, lat]);
    return [z, b, e, n];
  }

  function formats(lon, lat) {
    const out = { dd: `${lat.toFixed(6)}, ${lon.toFixed(6)}` };
    const utm = toUtm(lon, lat);
    if (utm) {
      const [zone, b, e, n] = utm;
      out.utm = `${zone}${b} ${Math.round(e)} ${Math.round(n)}`;
      const [ee, nn] = [e + 1e-6, n + 1e-6];
      const column = COLUMN_SETS[(zone - 1) % 3][Math.floor(ee / 100000) - 1];
      const row = ROWS[(Math.floor(nn / 100000) + (zone % 2 === 0 ? 5 : 0)) % 20];
      const pad = (v) => String(Math.floor(v % 100000)).padStart(5, "0");
      out.mgrs = `${String(zone).padStart(2, "0")}${b} ${column}${row} ${pad(ee)} ${pad(nn)}`;
    }
    return out;
  }

  // ------------------------------------------------------------------ measuring
  const EARTH_RADIUS_M = 6371008.8;
  function distanceM(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b[1] - a[1]) * rad;
    const dLon = (b[0] - a[0]) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
  }

  /** The ring's area in m², in the UTM zone of its centre (as the services measure a hazard's area). */
  function areaM2(ring) {
    if (ring.length < 3 || !window.proj4) return 0;
    const [lon, lat] = [0, 1].map((i) => ring.reduce((sum, p) => sum + p[i], 0) / ring.length);
    const def = utmDef(utmZone(lon, lat), lat >= 0);
    const projected = ring.map((p) => window.proj4("WGS84", def, p));
    let twice = 0;
    for (let i = 0; i < projected.length; i++) {
      const [x1, y1] = projected[i];
      const [x2, y2] = projected[(i + 1) % projected.length];
      twice += x1 * y2 - x2 * y1;
    }
    return Math.abs(twice) / 2;
  }

  const number = (digits) => window.SafeGroundNumbers.formatter(0, digits); // as the server writes numbers
  const isolate = (text) => `\u2066${text}\u2069`; // left-to-right inside right-to-left sentences
  function lengthText(m) {
    return m >= 1000 ? `${number(2).format(m / 1000)} km` : `${number(1).format(m)} m`;
  }
  function areaText(m2) {
    return m2 >= 10000 ? `${number(2).format(m2 / 10000)} ha (${number(0).format(m2)} m²)` : `${number(0).format(m2)} m²`;
  }

  // ------------------------------------------------------------------ the controls
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.appendChild(c));
    return node;
  }

  /** The loading sign: shown while the map fetches tiles or data, until it is idle. */
  function loadingSign(map) {
    const sign = el("div", { class: "map-loading is-on", role: "status", "aria-live": "polite", text: L.loading || "Loading…" });
    map.getContainer().appendChild(sign);
    map.on("dataloading", () => sign.classList.add("is-on")); // sources and tiles alike
    map.on("idle", () => sign.classList.remove("is-on"));
  }

  function readout(map) {
    const box = el("div", { class: "map-readout", "aria-live": "off" });
    const line = (key) => {
      const value = el("span", { class: "map-readout-value", "data-format": key });
      box.appendChild(el("div", { class: "map-readout-row" }, [el("span", { class: "map-readout-key", text: key.toUpperCase() }), value]));
      return value;
    };
    const values = { dd: line("dd"), utm: line("utm"), mgrs: line("mgrs") };
    box.hidden = true;
    map.getContainer().appendChild(box);
    const show = (lngLat) => {
      const f = formats(lngLat.lng, lngLat.lat);
      Object.entries(values).forEach(([k, node]) => (node.textContent = f[k] || "—"));
      box.hidden = false;
    };
    map.on("mousemove", (e) => show(e.lngLat));
    map.on("click", (e) => show(e.lngLat)); // touch screens: a tap shows where
    map.getCanvasContainer().addEventListener("mouseleave", () => (box.hidden = true));
  }

  function goTo(map, panel) {
    const form = el("form", { class: "map-goto", role: "search" });
    const input = el("input", {
      type: "text",
      name: "coordinate",
      placeholder: L.gotoPlaceholder || "13.05, 103.05 or 48P UV 05000 43000",
      "aria-label": L.goto || "Go to coordinates",
      autocomplete: "off",
    });
    const button = el("button", { type: "submit", class: "btn btn-small", text: L.go || "Go" });
    const message = el("p", { class: "map-goto-message", role: "status", "aria-live": "polite" });
    form.append(input, button, message);
    panel.appendChild(form);
    let marker = null;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      message.textContent = "";
      message.classList.remove("is-error");
      try {
        const answer = await fetch(`/api/v1/coordinates?text=${encodeURIComponent(text)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        const body = await answer.json();
        if (!answer.ok) throw new Error(body.detail || answer.statusText);
        const at = [body.lon, body.lat];
        if (marker) marker.remove();
        marker = new maplibregl.Marker({ color: "#1d4ed8" }).setLngLat(at).addTo(map);
        map.flyTo({ center: at, zoom: Math.max(map.getZoom(), 14) });
        message.textContent = body.formats.mgrs ? `${body.formats.dd} · ${body.formats.mgrs}` : body.formats.dd;
        map.getContainer().dataset.goto = `${body.lon.toFixed(6)},${body.lat.toFixed(6)}`;
      } catch (error) {
        message.textContent = fill(L.gotoFailed || "Not a coordinate: %(detail)s", { detail: error.message });
        message.classList.add("is-error");
      }
    });
  }

  function measure(map, panel) {
    const sourceId = "sg-measure";
    let mode = null; // "distance" | "area"
    let points = [];
    const result = el("p", { class: "map-measure-result", role: "status", "aria-live": "polite" });
    const buttons = {};
    const bar = el("div", { class: "map-measure" });
    [["distance", L.distance || "Measure distance"], ["area", L.area || "Measure area"]].forEach(([key, label]) => {
      buttons[key] = el("button", { type: "button", class: "btn btn-small", "aria-pressed": "false", "data-measure": key, text: label });
      buttons[key].addEventListener("click", () => start(mode === key ? null : key));
      bar.appendChild(buttons[key]);
    });
    const clear = el("button", { type: "button", class: "btn btn-small", text: L.clear || "Clear" });
    clear.addEventListener("click", () => start(null));
    bar.appendChild(clear);
    panel.append(bar, result);

    function data() {
      const features = points.map((p) => ({ type: "Feature", geometry: { type: "Point", coordinates: p }, properties: {} }));
      if (mode === "area" && points.length >= 3) {
        features.push({ type: "Feature", geometry: { type: "Polygon", coordinates: [[...points, points[0]]] }, properties: {} });
      } else if (points.length >= 2) {
        features.push({ type: "Feature", geometry: { type: "LineString", coordinates: points }, properties: {} });
      }
      return { type: "FeatureCollection", features };
    }

    function ensureLayers() {
      if (map.getSource(sourceId)) return;
      map.addSource(sourceId, { type: "geojson", data: data() });
      map.addLayer({ id: "sg-measure-fill", type: "fill", source: sourceId, filter: ["==", "$type", "Polygon"], paint: { "fill-color": "#1d4ed8", "fill-opacity": 0.15 } });
      map.addLayer({ id: "sg-measure-line", type: "line", source: sourceId, filter: ["!=", "$type", "Point"], paint: { "line-color": "#1d4ed8", "line-width": 2, "line-dasharray": [2, 1] } });
      map.addLayer({ id: "sg-measure-points", type: "circle", source: sourceId, filter: ["==", "$type", "Point"], paint: { "circle-radius": 4, "circle-color": "#fff", "circle-stroke-color": "#1d4ed8", "circle-stroke-width": 2 } });
    }

    function show() {
      ensureLayers();
      map.getSource(sourceId).setData(data());
      let text = "";
      if (mode === "distance" && points.length >= 2) {
        let total = 0;
        for (let i = 1; i < points.length; i++) total += distanceM(points[i - 1], points[i]);
        text = fill(L.distanceResult || "Distance: %(value)s", { value: isolate(lengthText(total)) });
        map.getContainer().dataset.measureM = total.toFixed(1);
      } else if (mode === "area" && points.length >= 3) {
        const m2 = areaM2(points);
        text = fill(L.areaResult || "Area: %(value)s", { value: isolate(areaText(m2)) });
        map.getContainer().dataset.measureM2 = m2.toFixed(1);
      } else if (mode) {
        text = L.measureHint || "Click on the map to add points.";
      }
      result.textContent = text;
    }

    function start(next) {
      mode = next;
      points = [];
      map.sgMeasuring = !!mode; // other click handlers (drawing, popups) stand aside meanwhile
      Object.entries(buttons).forEach(([key, b]) => b.setAttribute("aria-pressed", String(key === mode)));
      map.getCanvas().style.cursor = mode ? "crosshair" : "";
      if (map.isStyleLoaded()) show();
      else map.once("load", show);
    }

    map.on("click", (e) => {
      if (!mode) return;
      points.push([e.lngLat.lng, e.lngLat.lat]);
      show();
    });
  }

  /** A collapsible tools panel in the map's top-left corner. */
  function toolsPanel(map) {
    const details = el("details", { class: "map-tools" });
    details.appendChild(el("summary", { text: L.tools || "Tools" }));
    const body = el("div", { class: "map-tools-body" });
    details.appendChild(body);
    map.getContainer().appendChild(details);
    return body;
  }

  function attach(map, options) {
    const opts = options || {};
    const container = map.getContainer();
    if (container.dataset.tools === "1") return;
    container.dataset.tools = "1";
    container.classList.add("has-map-tools");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    // On a phone the credits fold to their (i) button, so they cover neither the scale nor the read-out.
    if (window.matchMedia("(max-width: 40rem)").matches) {
      map.once("load", () => {
        const credits = container.querySelector(".maplibregl-ctrl-attrib.maplibregl-compact-show");
        if (credits) credits.classList.remove("maplibregl-compact-show");
      });
    }
    loadingSign(map);
    if (window.SafeGroundMapLabels && opts.labels !== false) window.SafeGroundMapLabels.attach(map);
    if (opts.readout !== false) readout(map);
    const panel = toolsPanel(map);
    goTo(map, panel);
    measure(map, panel);
    if (window.SafeGroundBasemap) window.SafeGroundBasemap.attach(map, panel, L);
  }

  window.SafeGroundMapTools = { attach, formats, areaM2, distanceM };
})();
