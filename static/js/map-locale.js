/* MapLibre's own interface words in the page's language, for every map on the page.
 *
 * The page holds them as JSON (<script id="maplibre-locale">, templates/includes/maplibre_locale.html,
 * translated by the server with the other strings); every `new maplibregl.Map(...)` after this file
 * gets them as its `locale` unless it gives its own. Load it right after maplibre-gl.js.
 */
(function () {
  "use strict";
  const node = document.getElementById("maplibre-locale");
  if (!node || !window.maplibregl) return;
  const locale = JSON.parse(node.textContent);
  const Base = window.maplibregl.Map;
  window.maplibregl.Map = class extends Base {
    constructor(options) {
      super({ ...options, locale: { ...locale, ...((options && options.locale) || {}) } });
    }
  };
})();
