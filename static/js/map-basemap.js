/* The optional basemap under a map's own layers (SAFEGROUND_BASEMAP; safeground/portal/basemap.py):
 * a local PMTiles file (raster, or vector drawn in neutral greys), an online XYZ raster, or an online
 * MapLibre style. Without one, nothing is drawn and nothing switches: the gazetteer is the basemap.
 *
 * The configuration is in <span id="map-basemap" data-kind data-url data-name> (templates/includes/
 * map_scripts.html); the tools panel's switcher shows or hides it, remembered in localStorage.
 */
(function () {
  "use strict";

  const PREFIX = "basemap-";
  const STORE = "safeground.basemap";
  let protocol = null; // one pmtiles:// protocol for every map on the page

  function settingsOf() {
    const node = document.getElementById("map-basemap");
    return node && node.dataset.kind ? { ...node.dataset } : null;
  }

  /** The first of the map's own layers (not its background, not the basemap): the basemap goes under it. */
  function firstOwnLayer(map) {
    const own = map.getStyle().layers.find((l) => l.type !== "background" && !l.id.startsWith(PREFIX));
    return own ? own.id : undefined;
  }

  async function pmtilesLayers(url) {
    if (!protocol) {
      protocol = new pmtiles.Protocol();
      maplibregl.addProtocol("pmtiles", protocol.tile);
    }
    const absolute = new URL(url, window.location.href).href;
    const archive = new pmtiles.PMTiles(absolute);
    protocol.add(archive);
    const header = await archive.getHeader();
    const source = `pmtiles://${absolute}`;
    if (header.tileType !== 1) {
      // Raster tiles (PNG, JPEG, WebP, AVIF).
      return { sources: { [`${PREFIX}raster`]: { type: "raster", url: source, tileSize: 256 } }, layers: [{ id: `${PREFIX}raster`, type: "raster", source: `${PREFIX}raster` }] };
    }
    // Vector tiles of any schema: every layer in neutral greys, under the map's own colours.
    const metadata = (await archive.getMetadata()) || {};
    const names = (metadata.vector_layers || []).map((l) => l.id);
    const layers = [];
    for (const name of names) {
      layers.push({ id: `${PREFIX}${name}-fill`, type: "fill", source: `${PREFIX}vector`, "source-layer": name, filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#e4e8e1", "fill-opacity": 0.8 } });
      layers.push({ id: `${PREFIX}${name}-line`, type: "line", source: `${PREFIX}vector`, "source-layer": name, filter: ["==", ["geometry-type"], "LineString"], paint: { "line-color": "#b9c0b4", "line-width": 0.8 } });
    }
    return { sources: { [`${PREFIX}vector`]: { type: "vector", url: source } }, layers };
  }

  async function styleLayers(url, map) {
    const answer = await fetch(url, { headers: { Accept: "application/json" } });
    const style = await answer.json();
    if (style.glyphs && map.setGlyphs) map.setGlyphs(style.glyphs);
    if (style.sprite && map.setSprite) map.setSprite(style.sprite);
    const sources = {};
    Object.entries(style.sources || {}).forEach(([id, s]) => (sources[PREFIX + id] = s));
    const layers = (style.layers || [])
      .filter((l) => l.type !== "background")
      .map((l) => ({ ...l, id: PREFIX + l.id, ...(l.source ? { source: PREFIX + l.source } : {}) }));
    return { sources, layers };
  }

  async function layersFor(settings, map) {
    if (settings.kind === "pmtiles") return pmtilesLayers(settings.url);
    if (settings.kind === "style") return styleLayers(settings.url, map);
    const raster = { type: "raster", tiles: [settings.url], tileSize: 256 };
    return { sources: { [`${PREFIX}raster`]: raster }, layers: [{ id: `${PREFIX}raster`, type: "raster", source: `${PREFIX}raster` }] };
  }

  function setVisible(map, on) {
    map.getStyle().layers.filter((l) => l.id.startsWith(PREFIX)).forEach((l) => map.setLayoutProperty(l.id, "visibility", on ? "visible" : "none"));
    map.getContainer().dataset.basemap = on ? "on" : "off";
  }

  /** Add the basemap (when one is set) and its switcher in `panel`; `labels` for the switcher's words. */
  function attach(map, panel, labels) {
    const settings = settingsOf();
    if (!settings) return;
    const on = () => window.localStorage.getItem(STORE) !== "off";
    const fieldset = document.createElement("fieldset");
    fieldset.className = "map-basemap-switch";
    const legend = document.createElement("legend");
    legend.textContent = labels.basemap || "Basemap";
    fieldset.appendChild(legend);
    [["on", settings.name || settings.kind], ["off", labels.gazetteerOnly || "Gazetteer only"]].forEach(([value, text]) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "radio", name: `basemap-${Math.random().toString(36).slice(2)}`, value, checked: (value === "on") === on() });
      input.dataset.basemap = value;
      input.addEventListener("change", () => {
        window.localStorage.setItem(STORE, value);
        setVisible(map, value === "on");
      });
      label.append(input, ` ${text}`);
      fieldset.appendChild(label);
    });
    panel.appendChild(fieldset);

    const add = async () => {
      try {
        const { sources, layers } = await layersFor(settings, map);
        Object.entries(sources).forEach(([id, source]) => map.addSource(id, source));
        const before = firstOwnLayer(map);
        layers.forEach((layer) => map.addLayer(layer, before));
        setVisible(map, on());
      } catch (error) {
        console.warn("basemap not drawn:", error); // offline, or a file of another kind: the gazetteer stays
        map.getContainer().dataset.basemap = "failed";
      }
    };
    if (map.isStyleLoaded()) add();
    else map.once("load", add);
  }

  window.SafeGroundBasemap = { attach };
})();
