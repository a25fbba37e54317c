"""Page URLs of the land release app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.landrelease import list_views, record_views, views

urlpatterns = [
    path("ledger/", views.summary, name="ledger-summary"),
    path("products/", list_views.product_list, name="product-list"),
    path("products/<code:code>/", record_views.product_detail, name="product-detail"),
    path("devices/", list_views.device_list, name="device-list"),
]
