"""Pages of the library's exchange and merge (site root; see library/urls.py)."""

from django.urls import path

from safeground.library import exchange_views

urlpatterns = [
    path("library/exchange/", exchange_views.exchange_home, name="library-exchange"),
    path("library/exchange/export/", exchange_views.export_file, name="library-export"),
    path("library/imports/<uuid:import_id>/", exchange_views.import_detail, name="library-import"),
]
