"""Page URLs of the operations app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.operations import views

urlpatterns = [
    path("productivity/", views.productivity_page, name="productivity"),
    path("accreditations/expiring/", views.expiring_page, name="accreditations-expiring"),
]
