"""Page URLs of the exchange app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.exchange import views

urlpatterns = [
    path("exchange/", views.home, name="exchange-home"),
    path("exchange/packages/<uuid:dataset_id>/", views.package_review, name="exchange-package"),
    path("exchange/compare/<str:partner>/", views.compare, name="exchange-compare"),
]
