// Copy the front-end libraries SafeGround serves from node_modules/ into static/vendor/.
//
//   npm install          # versions from package.json / package-lock.json
//   npm run vendor       # = node static/vendor/refresh.mjs
//
// The copies under static/vendor/ are committed and served as they are (no CDN, offline-first);
// node_modules/ is git-ignored. The trailing `sourceMappingURL` comment is removed from the JS
// (and the CSS's `/*# sourceMappingURL */`) because the .map files are not vendored (collectstatic with a manifest storage would fail on it).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "..", "..", "node_modules");

const libraries = [
  {
    name: "maplibre-gl",
    files: [
      ["dist/maplibre-gl.js", "maplibre-gl.js"],
      ["dist/maplibre-gl.css", "maplibre-gl.css"],
      ["LICENSE.txt", "LICENSE.txt"],
    ],
  },
  {
    // UTM for the map tools' read-out and area measuring (static/js/map-tools.js); MGRS is formed there.
    name: "proj4",
    files: [
      ["dist/proj4.js", "proj4.js"],
      ["LICENSE.md", "LICENSE.md"],
    ],
  },
  {
    // A local basemap file (SAFEGROUND_BASEMAP=….pmtiles) read by range requests (static/js/map-basemap.js).
    name: "pmtiles",
    files: [
      ["dist/pmtiles.js", "pmtiles.js"],
      ["package.json", "package.json"], // its licence (BSD-3-Clause) is stated there: the package ships no LICENSE file
    ],
  },
  {
    name: "htmx.org",
    target: "htmx",
    files: [
      ["dist/htmx.min.js", "htmx.min.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  {
    // The API docs page (/api/v1/docs, safeground.core.openapi.LocalSwagger): the bundle and its CSS only.
    name: "swagger-ui-dist",
    target: "swagger-ui",
    files: [
      ["swagger-ui-bundle.js", "swagger-ui-bundle.js"],
      ["swagger-ui.css", "swagger-ui.css"],
      ["LICENSE", "LICENSE"],
      ["NOTICE", "NOTICE"],
    ],
  },
  {
    // OpenLayers, for the Django admin's geometry fields only (safeground.core.admin_map.AdminMapWidget,
    // which also uses Django's own gis/js/OLMapWidget.js): the full build and its CSS, no modules.
    name: "ol",
    files: [
      ["dist/ol.js", "ol.js"],
      ["ol.css", "ol.css"],
      ["LICENSE.md", "LICENSE.md"],
    ],
  },
  {
    // Khmer script webfont (SIL OFL 1.1): only the Khmer subset, regular and bold; Latin text on
    // Khmer pages keeps the system font. The @font-face rules are at the top of static/css/safeground.css.
    name: "@fontsource/noto-sans-khmer",
    target: "fonts",
    files: [
      ["files/noto-sans-khmer-khmer-400-normal.woff2", "noto-sans-khmer-khmer-400-normal.woff2"],
      ["files/noto-sans-khmer-khmer-700-normal.woff2", "noto-sans-khmer-khmer-700-normal.woff2"],
      ["LICENSE", "NotoSansKhmer-OFL.txt"],
    ],
  },
  {
    // Arabic script webfont (SIL OFL 1.1): the Arabic subset only, regular and bold, for pages in
    // Arabic (right to left); @font-face rules at the top of static/css/safeground.css.
    name: "@fontsource/noto-sans-arabic",
    target: "fonts",
    files: [
      ["files/noto-sans-arabic-arabic-400-normal.woff2", "noto-sans-arabic-arabic-400-normal.woff2"],
      ["files/noto-sans-arabic-arabic-700-normal.woff2", "noto-sans-arabic-arabic-700-normal.woff2"],
      ["LICENSE", "NotoSansArabic-OFL.txt"],
    ],
  },
];

const versions = {};
for (const lib of libraries) {
  const source = join(modules, lib.name);
  const target = join(here, lib.target ?? lib.name);
  mkdirSync(target, { recursive: true });
  for (const [from, to] of lib.files) {
    const src = join(source, from);
    const dst = join(target, to);
    if (to.endsWith(".js")) {
      const text = readFileSync(src, "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
      writeFileSync(dst, text);
    } else if (to.endsWith(".css")) {
      const text = readFileSync(src, "utf8").replace(/\n*\/\*# sourceMappingURL=\S+\s*\*\/\s*$/, "\n");
      writeFileSync(dst, text);
    } else {
      copyFileSync(src, dst);
    }
  }
  versions[lib.name] = JSON.parse(readFileSync(join(source, "package.json"), "utf8")).version;
  console.log(`${lib.name} ${versions[lib.name]} -> ${target}`);
}
writeFileSync(join(here, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
