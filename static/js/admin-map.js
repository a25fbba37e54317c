/* The admin's geometry maps (safeground.core.admin_map.AdminMapWidget): starts Django's MapWidget
 * (gis/js/OLMapWidget.js, on the OpenLayers vendored in static/vendor/ol/) for each field, from the
 * options in the JSON block next to it. A file rather than Django's inline script: the
 * Content-Security-Policy allows none.
 *
 * No tiles (offline, and nothing from another host): the base layer is the programmes' level-1
 * boundaries from this site's API, fetched once for all the maps of the page, on a plain background.
 * A point is shown at zoom 13 at most, so that its province's outline gives it a place; an empty
 * field's map shows the page's other geometries, or with none every programme's boundaries. The map
 * element gets data-state="ready" once drawn. Rows added to an inline (evidence points) get their map
 * when Django's inlines.js announces them. */
/* global ol, MapWidget */
(function () {
  "use strict";
  if (!window.ol || typeof MapWidget === "undefined") return;

  const MAX_POINT_ZOOM = 13;
  const sources = {};

  function boundaries(url) {
    if (!sources[url]) {
      // One source for every map of the page: one request. Read as lon/lat, drawn in the view's EPSG:3857.
      sources[url] = new ol.source.Vector({ url, format: new ol.format.GeoJSON() });
    }
    return sources[url];
  }

  const boundaryStyle = new ol.style.Style({
    fill: new ol.style.Fill({ color: "#f4f2ec" }),
    stroke: new ol.style.Stroke({ color: "#8c8c8c", width: 1 }),
  });
  // The record's geometry, in the hazard red of the site's maps.
  const red = "#c0392b";
  const geometryStyle = new ol.style.Style({
    fill: new ol.style.Fill({ color: "rgba(192, 57, 43, 0.25)" }),
    stroke: new ol.style.Stroke({ color: red, width: 2 }),
    image: new ol.style.Circle({ radius: 6, fill: new ol.style.Fill({ color: red }), stroke: new ol.style.Stroke({ color: "#fff", width: 2 }) }),
  });
  const widgets = [];

  function start(element) {
    // The ids come from the page, not the JSON: a row added to an inline renumbers the ids of its
    // copy of the empty form (…-__prefix__-… becomes …-2-…), not the JSON inside it.
    const id = element.id.replace(/_map$/, "");
    const holder = document.getElementById(id + "_options");
    if (!holder || element.dataset.state || id.includes("__prefix__")) return null;
    element.dataset.state = "loading";
    const options = Object.assign(JSON.parse(holder.textContent), { id, map_id: element.id });
    options.base_layer = new ol.layer.Vector({ source: boundaries(options.boundaries), style: boundaryStyle });
    const widget = new MapWidget(options);
    window[options.module] = widget; // the global name Django's inline script gave it
    widget.featureOverlay.setStyle(geometryStyle);
    const view = widget.map.getView();
    const first = widget.featureCollection.getLength() ? widget.featureCollection.item(0).getGeometry() : null;
    if (first && first.getType().endsWith("Point") && view.getZoom() > MAX_POINT_ZOOM) view.setZoom(MAX_POINT_ZOOM);
    widget.map.once("rendercomplete", function () {
      element.dataset.state = "ready";
    });
    widgets.push(widget);
    return widget;
  }

  // An empty field's map shows where the record's other geometries are (a polygon hazard's point
  // field, a new evidence row); with none on the page, every programme's boundaries.
  function place(widget) {
    if (widget.featureCollection.getLength()) return;
    const view = widget.map.getView();
    const extent = ol.extent.createEmpty();
    widgets.forEach(function (other) {
      if (other !== widget) other.featureCollection.forEach((f) => ol.extent.extend(extent, f.getGeometry().getExtent()));
    });
    if (!ol.extent.isEmpty(extent)) {
      view.fit(extent, { padding: [40, 40, 40, 40], maxZoom: MAX_POINT_ZOOM });
      return;
    }
    const source = widget.options.base_layer.getSource();
    const fit = function () {
      if (!ol.extent.isEmpty(source.getExtent()) && !widget.featureCollection.getLength()) {
        view.fit(source.getExtent(), { padding: [10, 10, 10, 10] });
      }
    };
    if (source.getFeatures().length) fit();
    else source.once("featuresloadend", fit);
  }

  function startAll(root) {
    Array.from(root.querySelectorAll(".sg-admin-map")).map(start).filter(Boolean).forEach(place);
  }

  // A row added to an inline is a copy of the empty form: its map element holds no live map yet.
  document.addEventListener("formset:added", function (event) {
    event.target.querySelectorAll(".sg-admin-map").forEach(function (element) {
      element.replaceChildren();
      delete element.dataset.state;
    });
    startAll(event.target);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => startAll(document));
  else startAll(document);
})();
