"""Page URLs of the dashboard app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("public/", views.public_dashboard, name="public-dashboard"),
    path("public/contamination.geojson", views.contamination_geojson, name="public-contamination"),
]
