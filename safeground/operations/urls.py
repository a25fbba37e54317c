"""Page URLs of the operations app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.operations import list_views, record_views, views

urlpatterns = [
    path("productivity/", views.productivity_page, name="productivity"),
    path("accreditations/expiring/", views.expiring_page, name="accreditations-expiring"),
    path("activities/", list_views.activity_list, name="activity-list"),
    path("activities/<str:code>/", record_views.activity_detail, name="activity-detail"),
]
