"""Page URLs of the land release app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.landrelease import views

urlpatterns = [
    path("ledger/", views.summary, name="ledger-summary"),
]
