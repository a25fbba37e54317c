/* SafeGround maps (MapLibre GL JS, vendored in static/vendor/maplibre-gl/).
 *
 * No external basemap unless one is configured (map-basemap.js): a plain background, boundaries and records.
 * Two maps use this file:
 *   [data-map="overview"]  home page; config in <script id="map-config" type="application/json">;
 *                          every layer with vector tiles (/tiles/{layer}/…, its `tiles` TileJSON) is
 *                          drawn from them; the others (accidents) are fetched as GeoJSON for the
 *                          visible bbox on every `moveend`.
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

  const IS_POINT = ["==", ["geometry-type"], "Point"];

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
    // A point hazard (an indication, an EOD spot task): a circle in the same colours.
    map.addLayer({
      id: `${source}-spot`,
      type: "circle",
      source,
      minzoom,
      filter: IS_POINT,
      paint: {
        "circle-color": HAZARD_COLOUR,
        "circle-radius": 7,
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    });
  }

  // Numbers as the server writes them for this language (static/js/numbers.js), not the browser's Intl.
  function numberFormat(digits) {
    return window.SafeGroundNumbers.formatter(digits, digits);
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
      const map = new maplibregl.Map({
        container,
        style: baseStyle(),
        // The data sources' credits (the footer's first line) on the map itself: the map page hides its footer.
        attributionControl: { compact: true, customAttribution: (document.querySelector(".site-footer p") || {}).textContent || "" },
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        ...options,
      });
      container.sgMap = map; // the browser tests drive and inspect the map through it
      if (window.SafeGroundMapTools) window.SafeGroundMapTools.attach(map);
      return map;
    } catch (error) {
      // Most likely no WebGL (old browser, disabled GPU).
      container.append(el("p", { class: "map-message", text: String(error.message || error) }));
      console.error(error);
      return null;
    }
  }

  /* ---------------------------------------------------------------- overview map (home page) */

  // Zoomed out, hazards are drawn as dots (a 5 ha polygon is a sub-pixel speck at national scale).
  const HAZARD_CLASS_COLOUR = ["match", ["get", "hazard_class"], "CHA", C.chaOpen, C.shaOpen];
  // GICHD land release symbology: fill by class, outline by status.
  const HAZARD_OUTLINE = [
    "match",
    ["get", "status"],
    "open",
    HAZARD_CLASS_COLOUR,
    "suspended",
    C.suspended,
    "closed",
    C.closed,
    C.handedOver,
  ];
  const HAZARD_FILL_OPACITY = ["match", ["get", "status"], "open", 0.45, "closed", 0.14, "handed_over", 0.08, 0];
  const HAZARD_DOT_OPACITY = ["match", ["get", "status"], "open", 1, "suspended", 0.9, 0.35];
  const STATUS_FADED = ["in", ["get", "status"], ["literal", ["closed", "handed_over"]]];
  const STORAGE_KEY = "safeground.map.layers"; // which layers are switched on, per browser

  /** The overview map's own colours (CSS custom properties, shared with the legend swatches). */
  function overviewColours() {
    const v = (name, fallback) => cssColour(name, fallback);
    const byKey = (prefix, keys, fallbacks) =>
      Object.fromEntries(keys.map((k, i) => [k, v(`${prefix}${k.replace(/_/g, "-")}`, fallbacks[i])]));
    return {
      lr: {
        cancelled: v("--lr-cancelled", "#e4e9c9"),
        reduced: v("--lr-reduced", "#7cc8b4"),
        cleared: v("--lr-cleared", "#2e9e5b"),
        remaining: v("--lr-remaining", "#c81d2e"),
      },
      lrLine: {
        cancelled: v("--lr-cancelled-line", "#a9b27a"),
        reduced: v("--lr-reduced-line", "#3f8f7b"),
        cleared: v("--lr-cleared-line", "#1d6b3c"),
      },
      device: byKey(
        "--dev-",
        ["ap_mine", "at_mine", "submunition", "uxo", "axo", "ied", "booby_trap", "other"],
        ["#b5172b", "#1f4e8c", "#e36414", "#222222", "#7f5539", "#c2185b", "#00897b", "#6c757d"],
      ),
      activity: byKey(
        "--act-",
        ["nts", "ts", "clearance", "bac", "eod"],
        ["#3a86ff", "#8338ec", "#0b7a75", "#6a994e", "#e85d04"],
      ),
      village: v("--village", "#6b5a48"),
      admin: [null, v("--province-line", "#8b97a6"), v("--admin-2-line", "#9aa5b3"), v("--admin-3-line", "#b7c0cb")],
    };
  }

  const matchColour = (property, colours, fallback) => [
    "match",
    ["get", property],
    ...Object.entries(colours).flat(),
    fallback,
  ];

  /** A small diamond (activities' reference points), drawn once per activity type. */
  function diamondImage(hex, size = 26) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext("2d");
    const m = size / 2;
    ctx.beginPath();
    ctx.moveTo(m, 2);
    ctx.lineTo(size - 2, m);
    ctx.lineTo(m, size - 2);
    ctx.lineTo(2, m);
    ctx.closePath();
    ctx.fillStyle = hex;
    ctx.fill();
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#ffffff";
    ctx.stroke();
    return ctx.getImageData(0, 0, size, size);
  }

  function readStoredToggles() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY)) || {};
    } catch {
      return {}; // private mode, corrupt value: the defaults
    }
  }

  function storeToggles(enabled) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(enabled));
    } catch {
      /* storage full or refused: toggles still work for this visit */
    }
  }

  function initOverview(container) {
    const cfg = readJson("map-config");
    const labels = cfg.labels;
    const O = overviewColours();
    const countsEl = document.getElementById("hazard-counts");
    const panel = document.getElementById("map-panel");
    const buttons = Array.from(document.querySelectorAll("[data-country]"));
    const countries = Object.fromEntries(cfg.countries.map((c) => [c.code, c]));
    const defs = Object.fromEntries(cfg.layers.map((layer) => [layer.id, layer]));
    const minzoomOf = (id) => (defs[id] ? defs[id].minzoom : 24); // a layer the account may not see: never
    const isTiled = (id) => Boolean(defs[id] && defs[id].tiles);
    // The MapLibre source of a panel layer: its tiles' layer (shared: the boundaries' three levels), or its own GeoJSON.
    const sourceOf = (id) => (isTiled(id) ? { source: defs[id].source, "source-layer": defs[id].source } : { source: id });
    const TILED = isTiled("hazards");
    const SOURCE_LAYER = TILED ? { "source-layer": "hazards" } : {};
    const IS_DOT = ["==", ["get", "dot"], true];
    const IS_SPOT = ["all", IS_POINT, ["!=", ["get", "dot"], true]];
    const hasHashPosition = /(^#|&)map=/.test(window.location.hash);
    const initial = countries[cfg.initialCountry] || cfg.countries[0];
    const integer = numberFormat(0);
    const hectares = numberFormat(2);
    const narrow = window.matchMedia("(max-width: 600px)");

    const stored = readStoredToggles();
    const enabled = Object.fromEntries(
      cfg.layers.map((layer) => [layer.id, typeof stored[layer.id] === "boolean" ? stored[layer.id] : layer.on]),
    );
    const filters = Object.fromEntries(cfg.filters.map((f) => [f.key, ""]));
    // Per layer: the request in flight or last answered, and what it returned.
    const state = Object.fromEntries(
      cfg.layers.map((layer) => [layer.id, { controller: null, url: null, shown: null, total: null, failed: false }]),
    );

    const map = createMap(container, {
      bounds: hasHashPosition ? undefined : initial.bbox,
      fitBoundsOptions: { padding: 20 },
      hash: "map",
      maxZoom: 19,
    });
    if (!map) return;
    // The layers panel sits at the inline start (the right in Arabic): the zoom buttons go to the other side.
    const rtl = document.documentElement.dir === "rtl";
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), rtl ? "top-left" : "top-right");
    if (panel && narrow.matches) panel.open = false;

    /* Which MapLibre layers draw each panel layer, which of them answer clicks, and the popup kind. */
    const DRAWN = {
      hazards: ["hazards-fill", "hazards-hatch", "hazards-line", "hazards-line-faded", "hazard-dots", "hazard-spots"],
      remaining: ["remaining-hatch", "remaining-line"],
      products: ["products-fill", "products-line"],
      activities: ["activities"],
      devices: ["devices", "device-clusters"],
      accidents: ["accidents"],
      villages: ["villages"],
      provinces: ["provinces-line"],
      districts: ["districts-fill", "districts-line"],
      communes: ["communes-fill", "communes-line"],
    };
    // Provinces are the land under everything: always fetched; their toggle only hides the outlines.
    const ALWAYS_LOADED = new Set(["provinces"]);
    // Click priority: the smallest things first (a device lies inside a product inside a hazard).
    const CLICKABLE = [
      ["devices", "device"],
      ["device-clusters", "deviceCluster"],
      ["accidents", "accident"],
      ["activities", "activity"],
      ["villages", "village"],
      ["hazard-spots", "hazard"],
      ["products-fill", "product"],
      ["remaining-hatch", "remaining"],
      ["hazards-fill", "hazard"],
      ["hazards-hatch", "hazard"],
      ["hazard-dots", "hazard"],
    ];
    const ADMIN_FILLS = ["communes-fill", "districts-fill", "provinces-fill"];

    function addLayers() {
      map.addImage("hatch-cha", hatchImage(C.chaOpen));
      map.addImage("hatch-sha", hatchImage(C.shaOpen));
      map.addImage("hatch-remaining", hatchImage(O.lr.remaining, 10, 2));
      for (const [type, colour] of Object.entries(O.activity)) {
        map.addImage(`act-${type}`, diamondImage(colour), { pixelRatio: 2 });
      }
      // Vector tiles (/tiles/{layer}/{z}/{x}/{y}.mvt, decision 0026), one source per registry layer:
      // hazards hold polygons, point hazards and, zoomed out, the polygons' centre dots (`dot: true`);
      // devices are clusters below `exactFrom`; the boundaries' levels share one source.
      // A panel layer without tiles (accidents, or every layer if tiles are off) is a GeoJSON source.
      for (const id of Object.keys(DRAWN)) {
        const { source } = sourceOf(id);
        if (map.getSource(source)) continue;
        if (isTiled(id)) map.addSource(source, vectorSource(defs[id]));
        else map.addSource(source, { type: "geojson", data: EMPTY });
      }
      // The TileJSON's essentials come embedded in the page (`tileSource`): no round trip before the tiles.
      function vectorSource(def) {
        const embedded = def.tileSource;
        if (!embedded) return { type: "vector", url: def.tiles, promoteId: "code" };
        const tiles = embedded.tiles.map((path) => new URL(path, window.location.href).href.replace(/%7B/g, "{").replace(/%7D/g, "}"));
        return { type: "vector", ...embedded, tiles, promoteId: "code" };
      }
      const LEVEL = (level) => ["==", ["get", "level"], level];

      // Land, then boundaries (communes under districts under provinces).
      map.addLayer({
        id: "provinces-fill",
        type: "fill",
        ...sourceOf("provinces"),
        filter: LEVEL(1),
        paint: { "fill-color": C.provinceFill },
      });
      for (const [id, level, width, dash] of [
        ["communes", 3, [11, 0.5, 16, 1.2], [2, 2]],
        ["districts", 2, [8, 0.6, 14, 1.5], [4, 2]],
      ]) {
        // Transparent fills make the areas clickable ("where is this?") without drawing anything.
        map.addLayer({
          id: `${id}-fill`,
          type: "fill",
          ...sourceOf(id),
          minzoom: minzoomOf(id),
          filter: LEVEL(level),
          paint: { "fill-color": "#000000", "fill-opacity": 0 },
        });
        map.addLayer({
          id: `${id}-line`,
          type: "line",
          ...sourceOf(id),
          minzoom: minzoomOf(id),
          filter: LEVEL(level),
          layout: { "line-join": "round" },
          paint: {
            "line-color": O.admin[level],
            "line-width": ["interpolate", ["linear"], ["zoom"], ...width],
            "line-dasharray": dash,
          },
        });
      }
      map.addLayer({
        id: "provinces-line",
        type: "line",
        ...sourceOf("provinces"),
        filter: LEVEL(1),
        layout: { "line-join": "round" },
        paint: { "line-color": O.admin[1], "line-width": ["interpolate", ["linear"], ["zoom"], 5, 0.6, 10, 1.6] },
      });

      // Hazards: fill colour by class; outline colour (and hatch for suspended) by status.
      map.addLayer({
        id: "hazards-fill",
        type: "fill",
        source: "hazards",
        ...SOURCE_LAYER,
        minzoom: POLYGON_MINZOOM,
        filter: ["!", IS_SUSPENDED],
        layout: { "fill-sort-key": HAZARD_SORT },
        paint: { "fill-color": HAZARD_CLASS_COLOUR, "fill-opacity": HAZARD_FILL_OPACITY },
      });
      map.addLayer({
        id: "hazards-hatch",
        type: "fill",
        source: "hazards",
        ...SOURCE_LAYER,
        minzoom: POLYGON_MINZOOM,
        filter: IS_SUSPENDED,
        paint: { "fill-pattern": ["match", ["get", "hazard_class"], "CHA", "hatch-cha", "hatch-sha"] },
      });
      const hazardLineWidth = ["interpolate", ["linear"], ["zoom"], 9, 1.2, 15, 2.4];
      map.addLayer({
        id: "hazards-line",
        type: "line",
        source: "hazards",
        ...SOURCE_LAYER,
        minzoom: POLYGON_MINZOOM,
        filter: ["!", STATUS_FADED],
        layout: { "line-join": "round", "line-sort-key": HAZARD_SORT },
        paint: { "line-color": HAZARD_OUTLINE, "line-width": hazardLineWidth },
      });
      map.addLayer({
        id: "hazards-line-faded",
        type: "line",
        source: "hazards",
        ...SOURCE_LAYER,
        minzoom: POLYGON_MINZOOM,
        filter: STATUS_FADED,
        layout: { "line-join": "round" },
        paint: { "line-color": HAZARD_OUTLINE, "line-width": hazardLineWidth, "line-dasharray": [3, 2] },
      });
      map.addLayer({
        id: "hazard-dots",
        type: "circle",
        source: "hazards",
        ...SOURCE_LAYER,
        maxzoom: DOTS_MAXZOOM,
        filter: IS_DOT,
        layout: { "circle-sort-key": HAZARD_SORT },
        paint: {
          "circle-color": HAZARD_CLASS_COLOUR,
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 5, 2.6, 10, 5],
          "circle-stroke-color": ["match", ["get", "status"], "open", "#ffffff", HAZARD_OUTLINE],
          "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 5, 0.5, 10, 1.2],
          "circle-opacity": ["interpolate", ["linear"], ["zoom"], POLYGON_MINZOOM + 1, HAZARD_DOT_OPACITY, DOTS_MAXZOOM, 0.15],
          "circle-stroke-opacity": ["interpolate", ["linear"], ["zoom"], POLYGON_MINZOOM + 1, 1, DOTS_MAXZOOM, 0.15],
        },
      });

      // Point hazards (known only as a spot): circles at every zoom, fill by class, ring by status
      // as the polygons' outlines; no area is drawn (a declared radius is shown on the hazard page).
      map.addLayer({
        id: "hazard-spots",
        type: "circle",
        source: "hazards",
        ...SOURCE_LAYER,
        filter: IS_SPOT,
        layout: { "circle-sort-key": HAZARD_SORT },
        paint: {
          "circle-color": HAZARD_CLASS_COLOUR,
          "circle-opacity": HAZARD_DOT_OPACITY,
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 5, 3.2, 12, 6.5, 16, 8],
          "circle-stroke-color": ["match", ["get", "status"], "open", "#ffffff", HAZARD_OUTLINE],
          "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 5, 1, 12, 2],
        },
      });

      // Products by outcome (IMAS 07.11 land release: cancelled, reduced, cleared), over the hazards.
      map.addLayer({
        id: "products-fill",
        type: "fill",
        ...sourceOf("products"),
        minzoom: minzoomOf("products"),
        paint: {
          "fill-color": matchColour("outcome", O.lr, C.productFill),
          "fill-opacity": ["match", ["get", "outcome"], "cleared", 0.7, 0.8],
        },
      });
      map.addLayer({
        id: "products-line",
        type: "line",
        ...sourceOf("products"),
        minzoom: minzoomOf("products"),
        layout: { "line-join": "round" },
        paint: { "line-color": matchColour("outcome", O.lrLine, C.product), "line-width": 1.1 },
      });
      // What the ledger says is still to be released: hatched red over the products.
      map.addLayer({
        id: "remaining-hatch",
        type: "fill",
        ...sourceOf("remaining"),
        minzoom: minzoomOf("remaining"),
        paint: { "fill-pattern": "hatch-remaining" },
      });
      map.addLayer({
        id: "remaining-line",
        type: "line",
        ...sourceOf("remaining"),
        minzoom: minzoomOf("remaining"),
        layout: { "line-join": "round" },
        paint: { "line-color": O.lr.remaining, "line-width": 1.4 },
      });

      // Points on top: villages, activities (diamonds by type), devices (by category, exact locations).
      map.addLayer({
        id: "villages",
        type: "circle",
        ...sourceOf("villages"),
        minzoom: minzoomOf("villages"),
        filter: ["==", ["get", "kind"], "village"],
        paint: {
          "circle-color": O.village,
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 2.2, 15, 4.5],
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": 1,
        },
      });
      map.addLayer({
        id: "activities",
        type: "symbol",
        ...sourceOf("activities"),
        minzoom: minzoomOf("activities"),
        layout: {
          "icon-image": ["concat", "act-", ["get", "activity_type"]],
          "icon-size": ["interpolate", ["linear"], ["zoom"], 10, 0.8, 15, 1.2],
          "icon-allow-overlap": true,
          "icon-ignore-placement": true,
        },
      });
      map.addLayer({
        id: "devices",
        type: "circle",
        ...sourceOf("devices"),
        minzoom: (defs.devices && defs.devices.exactFrom) || minzoomOf("devices"),
        filter: ["!", ["has", "devices"]],
        paint: {
          "circle-color": matchColour("category", O.device, O.device.other),
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 12, 3, 17, 6],
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 12, 0.8, 17, 1.5],
        },
      });
      // Zoomed out, devices come as clusters (one per grid cell): a grey disc sized by the items found.
      if (isTiled("devices")) {
        map.addLayer({
          id: "device-clusters",
          type: "circle",
          ...sourceOf("devices"),
          minzoom: minzoomOf("devices"),
          maxzoom: defs.devices.exactFrom || 24,
          filter: ["has", "devices"],
          paint: {
            "circle-color": O.device.other,
            "circle-opacity": 0.35,
            "circle-radius": ["interpolate", ["linear"], ["get", "items"], 1, 2, 100, 4, 10000, 9],
            "circle-stroke-color": O.device.other,
            "circle-stroke-opacity": 0.6,
            "circle-stroke-width": 0.8,
          },
        });
      }
      // Accidents: a dark red ring, larger where more people were killed or injured (reported counts).
      const PEOPLE = ["min", 6, ["+", ["coalesce", ["get", "reported_killed"], 0], ["coalesce", ["get", "reported_injured"], 0]]];
      map.addLayer({
        id: "accidents",
        type: "circle",
        ...sourceOf("accidents"),
        minzoom: minzoomOf("accidents"),
        paint: {
          "circle-color": "#ffffff",
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 7, ["+", 3, PEOPLE], 15, ["+", 6, PEOPLE]],
          "circle-stroke-color": "#7a0010",
          "circle-stroke-width": 2.5,
        },
      });
      for (const id of Object.keys(DRAWN)) {
        applyVisibility(id);
        for (const layer of DRAWN[id]) if (map.getLayer(layer)) BASE_FILTERS[layer] = map.getFilter(layer) || null;
      }
      applyTileFilters();
    }

    /** The panel's filters, applied in the browser to the tiled layers' properties (`filterProps`). */
    const BASE_FILTERS = {};
    function applyTileFilters() {
      for (const id of Object.keys(DRAWN)) {
        if (!isTiled(id)) continue;
        const conditions = Object.entries(defs[id].filterProps || {})
          .filter(([key]) => filters[key])
          .map(([key, property]) => ["==", ["get", property], filters[key]]);
        for (const layer of DRAWN[id]) {
          if (!map.getLayer(layer)) continue;
          // A cluster has no organisation: with that filter on, the clusters are hidden rather than miscounted.
          const parts = [BASE_FILTERS[layer], ...conditions].filter(Boolean);
          map.setFilter(layer, parts.length ? ["all", ...parts] : null);
        }
      }
    }

    /** Records in view per tiled layer, counted from what is drawn (tiles have no limit: every one in view is). */
    function countTiled() {
      if (!loaded) return;
      for (const id of Object.keys(DRAWN)) {
        if (!isTiled(id) || !enabled[id] || !isActive(id)) continue;
        const st = state[id];
        const layers = DRAWN[id].filter((layer) => map.getLayer(layer));
        const drawn = map.queryRenderedFeatures({ layers });
        const codes = new Set(drawn.map((f) => f.properties.code ?? `${f.properties.cx}/${f.properties.cy}`));
        st.shown = st.total = codes.size;
        if (id === "hazards") container.dataset.hazardsShown = String(codes.size);
        updateNote(id);
      }
      updateStatus();
    }

    function applyVisibility(id) {
      for (const layer of DRAWN[id] || []) {
        if (map.getLayer(layer)) map.setLayoutProperty(layer, "visibility", enabled[id] ? "visible" : "none");
      }
    }

    /* ------------------------------------------------------------ requests */

    let loaded = false;
    let scheduled = false;
    let inflight = 0;
    let timer = null;

    function currentBbox() {
      const b = map.getBounds();
      const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
      return [
        clamp(b.getWest(), -180, 180),
        clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180),
        clamp(b.getNorth(), -90, 90),
      ]
        .map((v) => v.toFixed(5))
        .join(",");
    }

    function layerUrl(def) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(def.params)) params.set(key, value);
      if (def.limit) {
        params.set("bbox", currentBbox());
        params.set("limit", def.limit);
      }
      for (const key of def.filters) if (filters[key]) params.set(key, filters[key]);
      return `${def.url}?${params}`;
    }

    const isActive = (id) => (enabled[id] || ALWAYS_LOADED.has(id)) && map.getZoom() >= defs[id].minzoom;

    function abort(id) {
      const st = state[id];
      if (st.controller) {
        st.controller.abort();
        st.controller = null;
        if (st.url !== null && st.shown === null) st.url = null;
      }
    }

    function refreshAll() {
      for (const id of Object.keys(defs)) refresh(id);
      updateStatus();
    }

    /** Fetch one layer for the visible bbox, unless it is off, out of its zoom range or already current. */
    async function refresh(id) {
      const def = defs[id];
      const st = state[id];
      if (!isActive(id)) {
        abort(id);
        st.url = null; // zooming back in fetches afresh
        updateNote(id);
        return;
      }
      if (def.tiles) {
        updateNote(id); // MapLibre fetches the tiles; they are counted when the map is idle
        return;
      }
      const url = layerUrl(def);
      if (url === st.url) {
        updateNote(id);
        return;
      }
      abort(id);
      st.url = url;
      st.shown = st.total = null;
      st.failed = false;
      const controller = new AbortController();
      st.controller = controller;
      inflight++;
      container.setAttribute("aria-busy", "true");
      countsEl.classList.add("is-loading");
      updateNote(id);
      try {
        const response = await fetch(url, {
          signal: controller.signal,
          credentials: "same-origin",
          headers: { Accept: "application/geo+json, application/json" },
        });
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        const collection = await response.json();
        if (controller.signal.aborted) return;
        const features = Array.isArray(collection.features) ? collection.features : [];
        setLayerData(id, { type: "FeatureCollection", features });
        st.shown = collection.numberReturned ?? features.length;
        st.total = collection.numberMatched ?? st.shown;
      } catch (error) {
        if (error.name === "AbortError") return;
        console.error(error);
        st.url = null;
        st.failed = true;
      } finally {
        inflight--;
        if (st.controller === controller) st.controller = null;
        if (inflight === 0) {
          container.removeAttribute("aria-busy");
          countsEl.classList.remove("is-loading");
        }
        updateNote(id);
        updateStatus();
      }
    }

    function setLayerData(id, data) {
      if (id === "hazards") container.dataset.hazardsShown = String(data.features.length);
      map.getSource(id).setData(data);
    }

    function scheduleRefresh() {
      scheduled = true;
      clearTimeout(timer);
      timer = setTimeout(() => {
        scheduled = false;
        refreshAll();
      }, 200);
    }

    /* ------------------------------------------------------------ panel: toggles, notes, filters */

    const notes = Object.fromEntries(
      Array.from(document.querySelectorAll("[data-layer-note]")).map((node) => [node.dataset.layerNote, node]),
    );

    function fill(template, values) {
      return Object.entries(values).reduce((text, [key, value]) => text.replace(`{${key}}`, value), template);
    }

    function updateNote(id) {
      const node = notes[id];
      if (!node) return;
      const st = state[id];
      let text = "";
      let kind = "";
      if (!enabled[id]) text = "";
      else if (map.getZoom() < defs[id].minzoom) [text, kind] = [labels.zoomIn, "zoom"];
      else if (st.failed) [text, kind] = ["⚠", "error"];
      else if (st.shown === null) [text, kind] = ["…", "loading"];
      else if (defs[id].limit && st.total > st.shown)
        [text, kind] = [`${integer.format(st.shown)} / ${integer.format(st.total)}`, "limited"];
      else text = integer.format(st.shown);
      node.textContent = text;
      node.dataset.kind = kind;
      node.title =
        kind === "limited"
          ? fill(labels.limited, { layer: defs[id].label, shown: integer.format(st.shown), total: integer.format(st.total) })
          : kind === "error"
            ? fill(labels.layerFailed, { layer: defs[id].label })
            : "";
      const row = node.closest("[data-layer]");
      if (row) row.classList.toggle("is-out-of-range", kind === "zoom");
    }

    /** The line above the map: hazards shown of those in view, then any layer cut by its limit. */
    function updateStatus() {
      const parts = [];
      let isError = false;
      const hz = state.hazards;
      if (enabled.hazards) {
        if (hz.failed) {
          parts.push(labels.failed);
          isError = true;
        } else if (hz.shown !== null) {
          const category = new Intl.PluralRules(document.documentElement.lang || "en").select(hz.shown);
          const template = labels.counts[category] || labels.counts.other;
          parts.push(fill(template, { shown: integer.format(hz.shown), total: integer.format(hz.total) }));
          container.dataset.hazardsMatched = String(hz.total);
        } else if (!container.dataset.hazardsShown) {
          parts.push(labels.loading);
        }
      }
      for (const layer of cfg.layers) {
        const st = state[layer.id];
        if (!enabled[layer.id] || !isActive(layer.id)) continue;
        if (layer.id !== "hazards" && st.failed) {
          parts.push(fill(labels.layerFailed, { layer: layer.label }));
          isError = true;
        } else if (layer.limit && st.shown !== null && st.total > st.shown) {
          parts.push(fill(labels.limited, { layer: layer.label, shown: integer.format(st.shown), total: integer.format(st.total) }));
        }
      }
      countsEl.textContent = parts.join(" · ");
      countsEl.classList.toggle("is-error", isError);
    }

    for (const input of document.querySelectorAll("[data-layer-toggle]")) {
      const id = input.dataset.layerToggle;
      if (!(id in enabled)) continue;
      input.checked = enabled[id];
      input.closest("[data-layer]").classList.toggle("is-on", enabled[id]);
      input.addEventListener("change", () => {
        enabled[id] = input.checked;
        input.closest("[data-layer]").classList.toggle("is-on", input.checked);
        storeToggles(enabled);
        if (!loaded) return;
        applyVisibility(id);
        refresh(id);
        updateStatus();
      });
    }

    const filterCount = document.querySelector("[data-filter-count]");
    const selects = Array.from(document.querySelectorAll("[data-filter]"));
    function filtersChanged() {
      const active = Object.values(filters).filter(Boolean).length;
      if (filterCount) {
        filterCount.hidden = active === 0;
        filterCount.textContent = String(active);
      }
      if (loaded) {
        applyTileFilters();
        refreshAll();
      }
    }
    for (const select of selects) {
      select.addEventListener("change", () => {
        filters[select.dataset.filter] = select.value;
        filtersChanged();
      });
    }
    const reset = document.querySelector("[data-filter-reset]");
    if (reset) {
      reset.addEventListener("click", () => {
        for (const select of selects) {
          select.value = "";
          filters[select.dataset.filter] = "";
        }
        filtersChanged();
      });
    }

    /* ------------------------------------------------------------ map events */

    map.on("load", () => {
      addLayers();
      loaded = true;
      refreshAll();
      markCountry();
    });
    // A move makes every request in flight stale: drop them; the settled view is fetched after it.
    map.on("movestart", () => {
      if (!loaded) return;
      for (const id of Object.keys(defs)) if (id !== "provinces") abort(id);
    });
    map.on("moveend", () => {
      if (!loaded) return; // before "load": the first fetch comes from there
      scheduleRefresh();
      markCountry();
    });
    map.on("idle", countTiled);
    // A tile that failed marks every panel layer drawn from its source; a later load clears the mark.
    const layersOfSource = (source) => Object.keys(DRAWN).filter((id) => isTiled(id) && defs[id].source === source);
    map.on("error", (event) => {
      const ids = layersOfSource(event.sourceId);
      if (!ids.length) return;
      for (const id of ids) {
        state[id].failed = true;
        updateNote(id);
      }
      updateStatus();
    });
    map.on("sourcedata", (event) => {
      if (!event.isSourceLoaded) return;
      for (const id of layersOfSource(event.sourceId)) state[id].failed = false;
    });
    markReadiness(map, container, () => loaded && !scheduled && inflight === 0);

    /* Country switcher. The boundary layers take the names of the country in view (its profile's
     * admin levels, e.g. Departamento), and their generic names elsewhere. */
    const levelNames = Array.from(document.querySelectorAll("[data-admin-level]"));
    for (const el of levelNames) el.dataset.generic = el.textContent;
    function markCountry() {
      const centre = map.getCenter();
      let inView = null;
      for (const button of buttons) {
        const b = countries[button.dataset.country].bbox;
        const inside = centre.lng >= b[0] && centre.lng <= b[2] && centre.lat >= b[1] && centre.lat <= b[3];
        button.setAttribute("aria-pressed", String(inside));
        if (inside && !inView) inView = countries[button.dataset.country];
      }
      const levels = (inView && inView.levels) || {};
      for (const el of levelNames) el.textContent = levels[el.dataset.adminLevel] || el.dataset.generic;
    }
    for (const button of buttons) {
      button.addEventListener("click", () => {
        map.fitBounds(countries[button.dataset.country].bbox, { padding: 20, duration: 1500 });
      });
    }

    /* ------------------------------------------------------------ popups */

    for (const [layer] of CLICKABLE) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    map.on("click", (event) => {
      if (map.sgMeasuring) return; // the measuring tool has the clicks (static/js/map-tools.js)
      if (panel && narrow.matches && panel.open) panel.open = false;
      const pad = 5;
      const box = [
        [event.point.x - pad, event.point.y - pad],
        [event.point.x + pad, event.point.y + pad],
      ];
      const kindOf = Object.fromEntries(CLICKABLE);
      const layers = CLICKABLE.map(([id]) => id).filter((id) => map.getLayer(id));
      const seen = new Set();
      const records = [];
      for (const hit of map.queryRenderedFeatures(box, { layers })) {
        const kind = kindOf[hit.layer.id];
        const key = `${kind}:${hit.properties.code ?? `${hit.properties.cx}/${hit.properties.cy}`}`;
        if (seen.has(key)) continue;
        seen.add(key);
        records.push({ kind, p: hit.properties, rank: layers.indexOf(hit.layer.id) });
      }
      records.sort((a, b) => a.rank - b.rank);
      let content;
      if (records.length) {
        content = recordPopup(records[0], records.slice(1, 7));
      } else {
        const admin = map.queryRenderedFeatures(event.point, { layers: ADMIN_FILLS.filter((id) => map.getLayer(id)) });
        if (!admin.length) return;
        content = adminPopup(admin);
      }
      // No taller than the room above or below the click (phones), so MapLibre can place it whole.
      const room = Math.max(event.point.y, container.clientHeight - event.point.y) - 48;
      content.style.maxHeight = `${Math.max(120, Math.round(room))}px`;
      // No focus jump into the popup: it would scroll a capped popup past its heading.
      new maplibregl.Popup({ maxWidth: "300px", focusAfterOpen: false })
        .setLngLat(event.lngLat)
        .setDOMContent(content)
        .addTo(map);
    });

    const recordUrl = (kind, code) => cfg.urls[kind].replace("__CODE__", encodeURIComponent(code));
    const ha = (m2) => `${hectares.format(Number(m2) / 10000)} ${labels.ha}`;
    const isTrue = (value) => value === true || value === "true";
    const codeLink = (kind, code) => (code ? el("a", { href: recordUrl(kind, code), text: code }) : "–");
    const list = (value) => {
      if (Array.isArray(value)) return value;
      try {
        return JSON.parse(value); // MapLibre hands nested properties back as JSON strings
      } catch {
        return [];
      }
    };

    function recordPopup({ kind, p }, others) {
      const rows = [];
      const row = (term, value) => rows.push(el("dt", { text: term }), el("dd", {}, [value]));
      let link = null;
      if (kind === "hazard") {
        if (p.name) row(labels.name, p.name);
        row(labels.class, `${p.hazard_class} · ${labels.classes[p.hazard_class] || ""}`);
        row(labels.status, labels.statuses[p.status] || p.status);
        if (p.radius_m !== null && p.radius_m !== undefined && p.radius_m !== "null") {
          row(labels.radius, `${integer.format(Number(p.radius_m))} m`);
        }
        row(labels.area, ha(p.area_m2));
        if (p.reporting_organisation) row(labels.organisation, p.reporting_organisation);
        link = el("a", { href: recordUrl("hazard", p.code), text: labels.open });
      } else if (kind === "product") {
        row(labels.outcome, labels.outcomes[p.outcome] || p.outcome);
        row(labels.area, ha(p.area_m2));
        row(labels.released, p.released_on);
        row(labels.organisation, p.organisation);
        row(labels.hazard, p.hazard_code ? codeLink("hazard", p.hazard_code) : labels.outsideHazards);
        row(labels.activity, codeLink("activity", p.activity_code));
        link = el("a", { href: recordUrl("product", p.code), text: labels.openProduct });
      } else if (kind === "remaining") {
        row(labels.class, `${p.hazard_class} · ${labels.classes[p.hazard_class] || ""}`);
        row(labels.status, labels.statuses[p.status] || p.status);
        row(labels.remaining, ha(p.remaining_m2));
        row(labels.estimated, ha(p.estimated_m2));
        link = el("a", { href: recordUrl("hazard", p.code), text: labels.open });
      } else if (kind === "activity") {
        row(labels.type, labels.activityTypes[p.activity_type] || p.activity_type);
        row(labels.status, labels.activityStatuses[p.status] || p.status);
        row(labels.organisation, p.organisation);
        row(labels.dates, p.end_date ? `${p.start_date} – ${p.end_date}` : `${p.start_date} –`);
        const hazards = list(p.hazard_codes);
        if (hazards.length) {
          const dd = el("span");
          hazards.slice(0, 4).forEach((code, i) => dd.append(...(i ? [", "] : []), codeLink("hazard", code)));
          if (hazards.length > 4) dd.append(` +${integer.format(hazards.length - 4)}`);
          row(labels.hazard, dd);
        }
        link = el("a", { href: recordUrl("activity", p.code), text: labels.openActivity });
      } else if (kind === "device") {
        row(labels.category, labels.categories[p.category] || p.category);
        if (p.model) row(labels.model, p.model);
        row(labels.items, integer.format(Number(p.count)));
        row(labels.found, p.found_on);
        row(labels.condition, labels.conditions[p.condition] || p.condition);
        if (p.product_code) row(labels.product, codeLink("product", p.product_code));
        if (p.hazard_code) row(labels.hazard, codeLink("hazard", p.hazard_code));
        if (p.activity_code) row(labels.activity, codeLink("activity", p.activity_code));
      } else if (kind === "deviceCluster") {
        row(labels.items, integer.format(Number(p.items)));
        row(labels.records, integer.format(Number(p.devices)));
        rows.push(el("dd", { class: "hz-popup-hint", text: labels.zoomInForDevices }));
      } else if (kind === "accident") {
        row(labels.occurred, p.occurred_on.slice(0, { year: 4, month: 7 }[p.occurred_on_precision] || 10));
        row(labels.category, labels.categories[p.device_category] || p.device_category);
        row(labels.killed, integer.format(Number(p.reported_killed || 0)));
        row(labels.injured, integer.format(Number(p.reported_injured || 0)));
        if (p.hazard) row(labels.hazard, codeLink("hazard", p.hazard));
      } else if (kind === "village") {
        row(labels.code, p.code);
        if (p.admin_area_code) row(labels.kinds.admin3, p.admin_area_code);
      }
      const title = kind === "village" ? p.name : p.code;
      // The link to the record comes first: a long popup scrolls, the way to the record must not.
      if (link) link.classList.add("hz-popup-open");
      const children = [
        el("p", { class: "hz-popup-kind", text: labels.kinds[kind] || kind }),
        ...(title ? [el("h3", { text: title })] : []),
        ...(link ? [link] : []),
        ...(isTrue(p.is_synthetic) ? [el("span", { class: "badge badge-synthetic", text: labels.synthetic })] : []),
        el("dl", {}, rows),
      ];
      if (others.length) {
        const items = others.map(({ kind: k, p: o }) => {
          const target = { hazard: "hazard", remaining: "hazard", product: "product", activity: "activity" }[k];
          const name = target ? el("a", { href: recordUrl(target, o.code), text: o.code }) : o.name || o.code || integer.format(Number(o.items));
          return el("li", {}, [name, ` · ${labels.kinds[k] || k}`]);
        });
        children.push(el("p", { class: "hz-popup-also", text: labels.alsoHere }), el("ul", { class: "hz-popup-list" }, items));
      }
      return el("div", { class: "hz-popup" }, children);
    }

    function adminPopup(hits) {
      const byLevel = {};
      for (const hit of hits) byLevel[Number(hit.properties.level)] ??= hit.properties;
      const rows = [];
      for (const level of [1, 2, 3]) {
        const a = byLevel[level];
        if (a) rows.push(el("dt", { text: labels.kinds[`admin${level}`] }), el("dd", { text: `${a.name} (${a.code})` }));
      }
      return el("div", { class: "hz-popup" }, [el("dl", {}, rows)]);
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
        ...(data.hazard ? [data.hazard] : []), // none: a product released outside every hazard
        ...(data.products ? data.products.features : []),
        ...(data.devices ? data.devices.features : []),
        ...(data.benchmark ? [{ type: "Feature", properties: {}, geometry: data.benchmark }] : []),
        ...(data.radius ? [data.radius] : []),
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
      if (data.radius) {
        // A point hazard's declared radius: drawn dashed, not filled (it is not surveyed ground).
        map.addSource("radius", { type: "geojson", data: data.radius });
        map.addLayer({
          id: "radius-line",
          type: "line",
          source: "radius",
          paint: { "line-color": C.benchmark, "line-width": 1.5, "line-dasharray": [3, 2] },
        });
      }
      map.addSource("hazard", { type: "geojson", data: data.hazard || EMPTY });
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
