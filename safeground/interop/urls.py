"""The import/export page (/interop/), the OGC API – Features (/ogc/) and the vector tiles (/tiles/);
included at the site root."""

from django.urls import path

from safeground.interop import quarantine_views, tile_views, views

urlpatterns = [
    path("interop/", views.home, name="interop-home"),
    path("interop/export", views.export_file, name="interop-export"),
    path("workbench/quarantine/", quarantine_views.quarantine_list, name="quarantine-list"),
    path("workbench/quarantine/<str:row_id>/", quarantine_views.quarantine_row, name="quarantine-row"),
    path("tiles/<str:layer>.json", tile_views.tilejson, name="tilejson"),
    path("tiles/<str:layer>/<str:z>/<str:x>/<str:y>.mvt", tile_views.tile, name="tile"),
    path("ogc", views.ogc_landing),
    path("ogc/", views.ogc_landing, name="ogc-landing"),
    path("ogc/conformance", views.ogc_conformance, name="ogc-conformance"),
    path("ogc/api", views.ogc_openapi, name="ogc-openapi"),
    path("ogc/collections", views.ogc_collections, name="ogc-collections"),
    path("ogc/collections/<str:collection_id>", views.ogc_collection, name="ogc-collection"),
    path("ogc/collections/<str:collection_id>/items", views.ogc_items, name="ogc-items"),
    path("ogc/collections/<str:collection_id>/items/<str:feature_id>", views.ogc_item, name="ogc-item"),
]
