"""Page URLs of the forecast app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.forecast import views

urlpatterns = [path("forecast/", views.forecast_page, name="forecast")]
