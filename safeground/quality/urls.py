"""Page URLs of the data quality app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.quality import views

urlpatterns = [
    path("quality/", views.checks_page, name="quality-checks"),
    path("quality/findings.gpkg", views.findings_gpkg, name="quality-findings-gpkg"),
]
