/* SafeGround maps (MapLibre GL JS, vendored in static/vendor/maplibre-gl/).
 *
 * No external basemap: a plain background, province outlines from the API and the hazards.
 * Two maps use this file:
 *   [data-map="overview"]  home page; config in <script id="map-config" type="application/json">;
 *                          hazards are fetched for the visible bbox on every `moveend`.
 *   [data-map="hazard"]    hazard page; its features are embedded in <script id="hazard-map-data">.
 * Colours come from CSS custom properties in static/css/safeground.css (the legend uses them too).
 */
(function () {
  "use strict";

  const css = getComputedStyle(document.documentElement);
  const cssColour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const C = {
    background: cssColour("--map-bg", "#dce6ee"),
    provinceFill: cssColour("--province-fill", "#fbfaf6"),
    provinceLine: cssColour("--province-line", "#8b97a6"),
    chaOpen: cssColour("--hz-cha-open", "#d62839"),
    shaOpen: cssColour("--hz-sha-open", "#f29e0c"),
    suspended: cssColour("--hz-suspended", "#7d56b0"),
    closed: cssColour("--hz-closed", "#4f8a63"),
    handedOver: cssColour("--hz-handed-over", "#94a69b"),
    benchmark: cssColour("--hz-benchmark", "#1d2733"),
    product: cssColour("--hz-product", "#2e9e5b"),
    productFill: cssColour("--hz-product-fill", "#cfe8d6"),
    device: cssColour("--hz-device", "#111111"),
    context: cssColour("--hz-context", "#5d6b7a"),
  };

  // Colour by status, and by class while open.
  const HAZARD_COLOUR = [
    "case",
    ["==", ["get", "status"], "open"],
    ["match", ["get", "hazard_class"], "CHA", C.chaOpen, C.shaOpen],
    ["==", ["get", "status"], "suspended"],
    C.suspended,
    ["==", ["get", "status"], "closed"],
    C.closed,
    C.handedOver,
  ];
  // Open CHAs drawn on top, then open SHAs, suspended, closed, handed over.
  const HAZARD_SORT = [
    "case",
    ["==", ["get", "status"], "open"],
    ["match", ["get", "hazard_class"], "CHA", 4, 3],
    ["==", ["get", "status"], "suspended"],
    2,
    ["==", ["get", "status"], "closed"],
    1,
    0,
  ];
  const IS_SUSPENDED = ["==", ["get", "status"], "suspended"];
  const POLYGON_MINZOOM = 8.5;
  const DOTS_MAXZOOM = 11;

  const EMPTY = { type: "FeatureCollection", features: [] };

  function readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function baseStyle() {
    return {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": C.background } }],
    };
  }

  /** A small diagonal-stripe image for suspended hazards (MapLibre has no hatch fill of its own). */
  function hatchImage(hex, size = 12, width = 2.2) {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const data = new Uint8Array(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const d = (x + y) % size; // distance along the anti-diagonal, wraps so the tile repeats
        const onStripe = d < width || d > size - width / 2;
        const o = (y * size + x) * 4;
        data[o] = onStripe ? r : 255;
        data[o + 1] = onStripe ? g : 255;
        data[o + 2] = onStripe ? b : 255;
        data[o + 3] = onStripe ? 220 : 90;
      }
    }
    return { width: size, height: size, data };
  }

  /** [minX, minY, maxX, maxY] of any GeoJSON geometry, feature or collection. */
  function bboxOf(geojson) {
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    const walk = (coords) => {
      if (typeof coords[0] === "number") {
        box[0] = Math.min(box[0], coords[0]);
        box[1] = Math.min(box[1], coords[1]);
        box[2] = Math.max(box[2], coords[0]);
        box[3] = Math.max(box[3], coords[1]);
      } else {
        coords.forEach(walk);
      }
    };
    const visit = (g) => {
      if (!g) return;
      if (g.type === "FeatureCollection") g.features.forEach(visit);
      else if (g.type === "Feature") visit(g.geometry);
      else if (g.type === "GeometryCollection") g.geometries.forEach(visit);
      else if (g.coordinates) walk(g.coordinates);
    };
    visit(geojson);
    return box[0] === Infinity ? null : box;
  }

  /** One point per hazard (its bbox centre) to draw hazards too small to see when zoomed out. */
  function centrePoints(collection) {
    return {
      type: "FeatureCollection",
      features: collection.features
        .map((f) => {
          const b = bboxOf(f.geometry);
          if (!b) return null;
          return {
            type: "Feature",
            id: f.id,
            properties: f.properties,
            geometry: { type: "Point", coordinates: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] },
          };
        })
        .filter(Boolean),
    };
  }

  function addHazardLayers(map, source, { minzoom = 0 } = {}) {
    map.addLayer({
      id: `${source}-fill`,
      type: "fill",
      source,
      minzoom,
      filter: ["!", IS_SUSPENDED],
      layout: { "fill-sort-key": HAZARD_SORT },
      paint: { "fill-color": HAZARD_COLOUR, "fill-opacity": 0.45 },
    });
    map.addLayer({
      id: `${source}-hatch`,
      type: "fill",
      source,
      minzoom,
      filter: IS_SUSPENDED,
      paint: { "fill-pattern": "hatch-suspended" },
    });
    map.addLayer({
      id: `${source}-line`,
      type: "line",
      source,
      minzoom,
      layout: { "line-join": "round", "line-sort-key": HAZARD_SORT },
      paint: { "line-color": HAZARD_COLOUR, "line-width": ["interpolate", ["linear"], ["zoom"], 9, 1.2, 15, 2.2] },
    });
  }

  function numberFormat(digits) {
    return new Intl.NumberFormat(document.documentElement.lang || undefined, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  }

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  /** data-state="ready" on the container once the map is drawn and idle (browser tests wait for it). */
  function markReadiness(map, container, settled) {
    map.on("movestart", () => (container.dataset.state = "moving"));
    map.on("idle", () => {
      if (settled()) container.dataset.state = "ready";
    });
  }

  function createMap(container, options) {
    try {
      return new maplibregl.Map({
        container,
        style: baseStyle(),
        attributionControl: { compact: true },
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        ...options,
      });
    } catch (error) {
      // Most likely no WebGL (old browser, disabled GPU).
      container.append(el("p", { class: "map-message", text: String(error.message || error) }));
      console.error(error);
      return null;
    }
  }

  /* ---------------------------------------------------------------- overview map (home page) */

  function initOverview(container) {
    const cfg = readJson("map-config");
    const labels = cfg.labels;
    const countsEl = document.getElementById("hazard-counts");
    const buttons = Array.from(document.querySelectorAll("[data-country]"));
    const countries = Object.fromEntries(cfg.countries.map((c) => [c.code, c]));
    const hasHashPosition = /(^#|&)map=/.test(window.location.hash);
    const initial = countries[cfg.initialCountry] || cfg.countries[0];
    const integer = numberFormat(0);
    const hectares = numberFormat(2);

    const map = createMap(container, {
      bounds: hasHashPosition ? undefined : initial.bbox,
      fitBoundsOptions: { padding: 20 },
      hash: "map",
      maxZoom: 19,
    });
    if (!map) return;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");

    const legend = document.getElementById("map-legend");
    if (legend && window.matchMedia("(max-width: 600px)").matches) legend.open = false;

    const setStatus = (text, isError = false) => {
      countsEl.textContent = text;
      countsEl.classList.toggle("is-error", isError);
    };

    map.on("load", () => {
      map.addImage("hatch-suspended", hatchImage(C.suspended));
      map.addSource("provinces", { type: "geojson", data: EMPTY });
      map.addLayer({
        id: "provinces-fill",
        type: "fill",
        source: "provinces",
        paint: { "fill-color": C.provinceFill, "fill-opacity": 1 },
      });
      map.addLayer({
        id: "provinces-line",
        type: "line",
        source: "provinces",
        layout: { "line-join": "round" },
        paint: {
          "line-color": C.provinceLine,
          "line-width": ["interpolate", ["linear"], ["zoom"], 5, 0.6, 10, 1.4],
        },
      });
      map.addSource("hazards", { type: "geojson", data: EMPTY });
      map.addSource("hazard-points", { type: "geojson", data: EMPTY });
      addHazardLayers(map, "hazards", { minzoom: POLYGON_MINZOOM });
      map.addLayer({
        id: "hazard-dots",
        type: "circle",
        source: "hazard-points",
        maxzoom: DOTS_MAXZOOM,
        layout: { "circle-sort-key": HAZARD_SORT },
        paint: {
          "circle-color": HAZARD_COLOUR,
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 5, 2.6, 10, 5],
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 5, 0.5, 10, 1],
          "circle-opacity": ["interpolate", ["linear"], ["zoom"], POLYGON_MINZOOM + 1, 1, DOTS_MAXZOOM, 0.2],
          "circle-stroke-opacity": ["interpolate", ["linear"], ["zoom"], POLYGON_MINZOOM + 1, 1, DOTS_MAXZOOM, 0.2],
        },
      });

      pending--;
      loadProvinces();
      loadHazards();
      markCountry();
    });

    /* Province outlines of both countries, once. */
    async function loadProvinces() {
      pending++;
      const results = await Promise.allSettled(
        cfg.countries.map(async (c) => {
          const url = `${cfg.api}/admin-areas?country=${c.code}&level=1&simplify=${cfg.boundarySimplify}`;
          const response = await fetch(url, { headers: { Accept: "application/geo+json, application/json" } });
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          return response.json();
        }),
      );
      const features = [];
      for (const result of results) {
        if (result.status === "fulfilled" && Array.isArray(result.value.features)) features.push(...result.value.features);
        else if (result.status === "rejected") console.warn(result.reason);
      }
      map.getSource("provinces").setData({ type: "FeatureCollection", features });
      pending--;
      if (!features.length) {
        map.getContainer().parentElement.append(el("p", { class: "map-message", text: labels.boundariesFailed }));
      }
    }

    /* Hazards inside the visible bbox; a newer request cancels an older one. */
    let controller = null;
    let timer = null;
    let pending = 1; // requests scheduled or in flight (the first is scheduled by "load")
    function scheduleHazards() {
      if (timer === null) pending++;
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        pending--;
        loadHazards();
      }, 200);
    }
    let lastUrl = null; // the request in flight or last answered: the same view isn't fetched twice
    async function loadHazards() {
      const b = map.getBounds();
      const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
      const bbox = [
        clamp(b.getWest(), -180, 180),
        clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180),
        clamp(b.getNorth(), -90, 90),
      ].map((v) => v.toFixed(5));
      const url = `${cfg.api}/hazards?bbox=${bbox.join(",")}&limit=${cfg.hazardLimit}`;
      if (url === lastUrl) return;
      lastUrl = url;
      if (controller) controller.abort();
      controller = new AbortController();
      const mine = controller;
      pending++;
      if (!container.dataset.hazardsShown) setStatus(labels.loading);
      countsEl.classList.add("is-loading");
      container.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(url, {
          signal: controller.signal,
          headers: { Accept: "application/geo+json, application/json" },
        });
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        const collection = await response.json();
        const features = Array.isArray(collection.features) ? collection.features : [];
        const data = { type: "FeatureCollection", features };
        map.getSource("hazards").setData(data);
        map.getSource("hazard-points").setData(centrePoints(data));
        const shown = collection.numberReturned ?? features.length;
        const total = collection.numberMatched ?? shown;
        const template = shown === 1 ? labels.countsOne : labels.counts;
        setStatus(template.replace("{shown}", integer.format(shown)).replace("{total}", integer.format(total)));
        container.dataset.hazardsShown = String(shown);
        container.dataset.hazardsMatched = String(total);
      } catch (error) {
        if (error.name === "AbortError") return;
        console.error(error);
        lastUrl = null;
        setStatus(labels.failed, true);
      } finally {
        pending--;
        if (mine === controller) {
          container.removeAttribute("aria-busy");
          countsEl.classList.remove("is-loading");
        }
      }
    }
    map.on("moveend", () => {
      if (!map.getSource("hazards")) return; // before "load": the first fetch comes from there
      scheduleHazards();
      markCountry();
    });
    markReadiness(map, container, () => pending === 0);

    /* Country switcher. */
    function markCountry() {
      const centre = map.getCenter();
      for (const button of buttons) {
        const b = countries[button.dataset.country].bbox;
        const inside = centre.lng >= b[0] && centre.lng <= b[2] && centre.lat >= b[1] && centre.lat <= b[3];
        button.setAttribute("aria-pressed", String(inside));
      }
    }
    for (const button of buttons) {
      button.addEventListener("click", () => {
        map.fitBounds(countries[button.dataset.country].bbox, { padding: 20, duration: 1500 });
      });
    }

    /* Popups. */
    const clickable = ["hazards-fill", "hazards-hatch", "hazard-dots"];
    for (const layer of clickable) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    map.on("click", (event) => {
      const pad = 4;
      const box = [
        [event.point.x - pad, event.point.y - pad],
        [event.point.x + pad, event.point.y + pad],
      ];
      const layers = clickable.filter((id) => map.getLayer(id));
      const hits = map.queryRenderedFeatures(box, { layers });
      if (!hits.length) return;
      const p = hits[0].properties;
      new maplibregl.Popup({ maxWidth: "280px" }).setLngLat(event.lngLat).setDOMContent(popupContent(p)).addTo(map);
    });

    function popupContent(p) {
      const row = (term, value) => [el("dt", { text: term }), el("dd", { text: value })];
      const link = el("a", { href: cfg.detailUrl.replace("__CODE__", encodeURIComponent(p.code)), text: labels.open });
      const synthetic = p.is_synthetic === true || p.is_synthetic === "true";
      return el("div", { class: "hz-popup" }, [
        el("h3", { text: p.code }),
        ...(synthetic ? [el("span", { class: "badge badge-synthetic", text: labels.synthetic })] : []),
        el(
          "dl",
          {},
          [
            ...row(labels.class, `${p.hazard_class} · ${labels.classes[p.hazard_class] || ""}`),
            ...row(labels.status, labels.statuses[p.status] || p.status),
            ...row(labels.area, `${hectares.format(Number(p.area_m2) / 10000)} ${labels.ha}`),
          ],
        ),
        link,
      ]);
    }
  }

  /* ---------------------------------------------------------------- hazard page map */

  function initHazardMap(container) {
    const data = readJson("hazard-map-data");
    if (!data) return;
    const LR = {
      cleared: cssColour("--lr-cleared", "#2e9e5b"),
      reduced: cssColour("--lr-reduced", "#7cc8b4"),
      cancelled: cssColour("--lr-cancelled", "#e4e9c9"),
      remaining: cssColour("--lr-remaining", "#c81d2e"),
    };
    // Fit the hazard and what belongs to it (the benchmark is often outside the polygon).
    const box = bboxOf({
      type: "FeatureCollection",
      features: [
        data.hazard,
        ...(data.products ? data.products.features : []),
        ...(data.devices ? data.devices.features : []),
        ...(data.benchmark ? [{ type: "Feature", properties: {}, geometry: data.benchmark }] : []),
      ],
    });
    const map = createMap(container, {
      bounds: box,
      fitBoundsOptions: { padding: 36, maxZoom: 17 },
      cooperativeGestures: true,
      maxZoom: 20,
    });
    if (!map) return;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "top-left");

    markReadiness(map, container, () => true);
    map.on("load", () => {
      map.addImage("hatch-suspended", hatchImage(C.suspended));
      if (data.context) {
        map.addSource("context", { type: "geojson", data: data.context });
        map.addLayer({ id: "context-fill", type: "fill", source: "context", paint: { "fill-color": C.provinceFill } });
        map.addLayer({
          id: "context-line",
          type: "line",
          source: "context",
          paint: { "line-color": C.context, "line-width": 1.2, "line-dasharray": [3, 2] },
        });
      }
      map.addSource("hazard", { type: "geojson", data: data.hazard });
      addHazardLayers(map, "hazard");
      map.setPaintProperty("hazard-line", "line-width", 2.5);
      // Products coloured by outcome, as in the ledger bar below the map.
      map.addSource("products", { type: "geojson", data: data.products || EMPTY });
      map.addLayer({
        id: "products-fill",
        type: "fill",
        source: "products",
        paint: {
          "fill-color": ["match", ["get", "outcome"], "cleared", LR.cleared, "reduced", LR.reduced, "cancelled", LR.cancelled, C.productFill],
          "fill-opacity": ["match", ["get", "outcome"], "cleared", 0.8, 0.9],
        },
      });
      map.addLayer({
        id: "products-line",
        type: "line",
        source: "products",
        paint: { "line-color": C.product, "line-width": 1.5, "line-dasharray": [2, 1.5] },
      });
      // What the ledger says is still to be released: hatched red over the products, under the devices.
      if (data.remaining) {
        map.addImage("hatch-remaining", hatchImage(LR.remaining, 10, 2));
        map.addSource("remaining", { type: "geojson", data: data.remaining });
        map.addLayer({ id: "remaining-hatch", type: "fill", source: "remaining", paint: { "fill-pattern": "hatch-remaining" } });
        map.addLayer({
          id: "remaining-line",
          type: "line",
          source: "remaining",
          layout: { "line-join": "round" },
          paint: { "line-color": LR.remaining, "line-width": 1.5 },
        });
      }
      map.addSource("devices", { type: "geojson", data: data.devices || EMPTY });
      map.addLayer({
        id: "devices",
        type: "circle",
        source: "devices",
        paint: { "circle-color": C.device, "circle-radius": 3.5, "circle-stroke-color": "#fff", "circle-stroke-width": 1 },
      });
      if (data.benchmark) {
        map.addSource("benchmark", { type: "geojson", data: { type: "Feature", properties: {}, geometry: data.benchmark } });
        map.addLayer({
          id: "benchmark",
          type: "circle",
          source: "benchmark",
          paint: {
            "circle-color": "#ffffff",
            "circle-radius": 5.5,
            "circle-stroke-color": C.benchmark,
            "circle-stroke-width": 3,
          },
        });
      }
    });
  }

  function start() {
    if (typeof maplibregl === "undefined") return;
    const overview = document.querySelector('[data-map="overview"]');
    if (overview) initOverview(overview);
    const hazard = document.querySelector('[data-map="hazard"]');
    if (hazard) initHazardMap(hazard);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
