"""Page URLs of the hazards app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.hazards import list_views, map_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("map/remaining.geojson", map_views.remaining_areas, name="map-remaining"),
    path("hazards/", list_views.hazard_list, name="hazard-list"),
    path("hazards/<str:code>/", views.hazard_detail, name="hazard-detail"),
    path("traverse/", views.traverse_page, name="traverse"),
]
