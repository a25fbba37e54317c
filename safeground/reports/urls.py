"""Page URLs of the reports app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.reports import views

urlpatterns = [
    path("reports/", views.reports_page, name="reports"),
    path("reports/download/", views.download, name="reports-download"),
]
