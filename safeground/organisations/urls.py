"""Organisation pages: /organisations/ and /organisations/<acronym>/."""

from django.urls import path

from safeground.organisations import views

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<code:acronym>/", views.organisation_detail, name="organisation-detail"),
]
