"""The admin's geometry map under the Content-Security-Policy, offline (decision 0023).

Django's `GISModelAdmin` draws geometry fields with `OSMWidget`: OpenLayers from a CDN, an inline
start-up script and OpenStreetMap tiles, all refused by the policy (and unreachable offline). Here:

- OpenLayers is the copy vendored from npm (`static/vendor/ol/`), plus Django's own
  `gis/js/OLMapWidget.js` (the editing: draw, modify, clear) and `gis/css/ol3.css`. Django 5.2 wrote
  that script for OpenLayers 7; it runs unchanged on 10 (tests/browser/test_admin_map.py redraws a
  polygon with it): check again when either moves;
- the options travel as JSON (`json_script`: data, not code) and `static/js/admin-map.js` starts
  Django's `MapWidget` with them;
- the base layer comes from the site itself: the programmes' level-1 boundaries from
  `/api/v1/admin-areas` (simplified), drawn on a plain background. No tile, no other host.

Every GIS admin uses `GISAdmin`, and every inline with a geometry field `GISTabularInline` or
`GISStackedInline` (a plain inline would draw it with Django's CDN `OpenLayersWidget`).
"""

from __future__ import annotations

from django.contrib.admin import StackedInline, TabularInline
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.admin.options import GeoModelAdminMixin
from django.contrib.gis.forms.widgets import OSMWidget
from django.urls import get_script_prefix

#: The boundaries drawn under the geometry: every programme's level 1 (provinces, rayons), thinned.
BOUNDARIES = "api/v1/admin-areas?level=1&simplify=0.002&limit=1000"


class AdminMapWidget(OSMWidget):
    """An OpenLayers map (EPSG:3857) editing one geometry field, with no inline script and no tiles
    (`OSMWidget` only for its default view settings and its place in `GISModelAdmin`)."""

    template_name = "gis/safeground-admin-map.html"
    map_srid = 3857
    #: The view when the field is empty, until the boundaries are drawn (the map then fits them).
    default_lon = 0
    default_lat = 20
    default_zoom = 2

    class Media:
        extend = False  # not OpenLayersWidget's CDN files
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css", "css/admin-map.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "js/admin-map.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ident = context.setdefault("id", name)
        context["options_id"] = f"{ident}_options"
        context["options"] = {
            "id": ident,
            "map_id": f"{ident}_map",
            "name": context["name"],
            "module": context["module"],
            "geom_name": context["geom_type"],
            "map_srid": self.map_srid,
            "default_lon": self.attrs["default_lon"],
            "default_lat": self.attrs["default_lat"],
            "default_zoom": self.attrs["default_zoom"],
            "boundaries": get_script_prefix() + BOUNDARIES,
        }
        return context


class GISAdmin(GISModelAdmin):
    """A `GISModelAdmin` whose geometry fields use `AdminMapWidget`."""

    gis_widget = AdminMapWidget


class GISTabularInline(GeoModelAdminMixin, TabularInline):
    """A tabular inline whose geometry fields use `AdminMapWidget` (a smaller map, admin-map.css)."""

    gis_widget = AdminMapWidget


class GISStackedInline(GeoModelAdminMixin, StackedInline):
    """A stacked inline whose geometry fields use `AdminMapWidget`."""

    gis_widget = AdminMapWidget
