/* The public landing page's map: remaining contamination by province (a choropleth).
 *
 * Config in <script id="landing-config" type="application/json"> (portal/landing.py): the data URL
 * (province outlines with aggregate figures, never a hazard), the programmes with their extents and
 * the labels. No basemap from the internet: a plain background and the provinces. Colours come from
 * CSS custom properties in static/css/landing.css (the legend's swatches use them too).
 */
(function () {
  "use strict";

  const container = document.getElementById("landing-map");
  const configNode = document.getElementById("landing-config");
  if (!container || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const labels = config.labels;
  const legend = document.getElementById("landing-legend");
  const message = document.getElementById("landing-map-message");

  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const CLASS_COLOURS = [1, 2, 3, 4, 5].map((i) => colour(`--choro-${i}`, "#c81d2e"));
  const NONE_COLOUR = colour("--choro-0", "#f1f3f5");
  const number = (digits) => window.SafeGroundNumbers.formatter(0, digits); // as the server writes numbers
  const hectares = number(0);
  const fine = number(2);
  const integer = number(0);

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  /** Up to five class limits from the provinces' non-zero values (quantiles, rounded to two figures). */
  function limits(values) {
    const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
    if (!sorted.length) return [];
    const round = (v) => {
      if (v < 1) return Math.round(v * 100) / 100;
      const step = 10 ** Math.max(0, Math.floor(Math.log10(v)) - 1);
      return Math.round(v / step) * step;
    };
    const out = [];
    for (const q of [0.2, 0.4, 0.6, 0.8]) {
      const v = round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
      if (v > 0 && !out.includes(v) && v < sorted[sorted.length - 1]) out.push(v);
    }
    return out; // n limits make n + 1 classes above zero
  }

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  function fillColour(cuts) {
    const step = ["step", ["get", "remaining_ha"], CLASS_COLOURS[0]];
    cuts.forEach((cut, i) => step.push(cut, CLASS_COLOURS[i + 1]));
    return ["case", ["<=", ["get", "remaining_ha"], 0], NONE_COLOUR, step];
  }

  function drawLegend(cuts, largest) {
    const fmt = (v) => (v < 10 ? fine : hectares).format(v);
    const rows = [];
    if (largest > 0) {
      // Each class as a range, the last up to the largest province: no "<" or "≥" to mirror right to left.
      const bounds = [0, ...cuts, largest];
      cuts.concat([largest]).forEach((high, i) => {
        const text = `${fmt(bounds[i])} – ${fmt(high)}`;
        rows.push(el("li", {}, [el("span", { class: `swatch choro-${i + 1}` }), el("span", { dir: "ltr", text })]));
      });
    }
    rows.push(el("li", {}, [el("span", { class: "swatch choro-0" }), el("span", { text: labels.none })]));
    legend.replaceChildren(el("p", { class: "landing-legend-title", text: labels.legend }), el("ul", {}, rows));
    legend.hidden = false;
  }

  let map;
  try {
    map = new maplibregl.Map({
      container,
      style: {
        version: 8,
        sources: {},
        layers: [{ id: "background", type: "background", paint: { "background-color": colour("--map-bg", "#dce6ee") } }],
      },
      bounds: config.countries.length ? config.countries[0].bbox : [-180, -60, 180, 75],
      fitBoundsOptions: { padding: 20 },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      cooperativeGestures: true, // the page scrolls past the map on phones
    });
  } catch (error) {
    say(String(error.message || error)); // most likely no WebGL
    return;
  }
  container.sgMap = map; // the browser tests inspect the map through it
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");

  const buttons = document.querySelectorAll("[data-country]");
  function pick(code) {
    const country = config.countries.find((c) => c.code === code);
    if (!country) return;
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.country === code)));
    map.fitBounds(country.bbox, { padding: 20, duration: 0 });
  }
  buttons.forEach((b) => b.addEventListener("click", () => pick(b.dataset.country)));
  if (config.countries.length) pick(config.countries[0].code);

  map.on("load", () => {
    fetch(config.dataUrl, { headers: { Accept: "application/geo+json" } })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then((data) => {
        const cuts = limits(data.features.map((f) => f.properties.remaining_ha));
        map.addSource("provinces", { type: "geojson", data });
        map.addLayer({
          id: "province-fill",
          type: "fill",
          source: "provinces",
          paint: { "fill-color": fillColour(cuts), "fill-opacity": 0.9 },
        });
        map.addLayer({
          id: "province-line",
          type: "line",
          source: "provinces",
          paint: { "line-color": colour("--province-line", "#8b97a6"), "line-width": 0.8 },
        });
        drawLegend(cuts, Math.max(0, ...data.features.map((f) => f.properties.remaining_ha)));
        // Ready once the provinces are drawn (the source is parsed in a worker after addSource).
        map.once("idle", () => (container.dataset.ready = "true"));
      })
      .catch((error) => {
        console.error(error);
        say(labels.failed);
      });
  });

  const popup = new maplibregl.Popup({ closeButton: true, maxWidth: "16rem" });
  map.on("click", "province-fill", (event) => {
    const p = event.features[0].properties;
    const area = Number(p.remaining_ha);
    popup
      .setLngLat(event.lngLat)
      .setDOMContent(
        el("div", { class: "landing-popup" }, [
          el("strong", { text: p.name }),
          el("div", { text: `${labels.remaining}: ${(area < 10 ? fine : hectares).format(area)} ${labels.ha}` }),
          el("div", { text: `${labels.openHazards}: ${integer.format(Number(p.open_hazards))}` }),
        ]),
      )
      .addTo(map);
  });
  map.on("mouseenter", "province-fill", () => (map.getCanvas().style.cursor = "pointer"));
  map.on("mouseleave", "province-fill", () => (map.getCanvas().style.cursor = ""));
})();
