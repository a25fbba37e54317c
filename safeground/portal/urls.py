"""Page URLs of the portal: pages that span apps (config/urls.py includes them at the site root).

The names are the ones the pages have always had; moving a page between apps changes no URL.
"""

from django.urls import path

from safeground.portal import (
    accounts,
    activity_list,
    activity_page,
    basemap,
    hazard_list,
    hazard_page,
    map_views,
    tokens,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("map/remaining.geojson", map_views.remaining_areas, name="map-remaining"),
    path("basemap.pmtiles", basemap.basemap_file, name="basemap-file"),
    path("accounts/login/", accounts.sign_in, name="login"),
    path("accounts/logout/", accounts.sign_out, name="logout"),
    path("accounts/tokens/", tokens.api_tokens, name="api-tokens"),
    path("hazards/", hazard_list.hazard_list, name="hazard-list"),
    path("hazards/<code:code>/", hazard_page.hazard_detail, name="hazard-detail"),
    path("activities/", activity_list.activity_list, name="activity-list"),
    path("activities/<code:code>/", activity_page.activity_detail, name="activity-detail"),
]
