"""Page URLs of the operations app (config/urls.py includes them at the site root).

The activity list and page show products and devices (land release): they are in safeground.portal.
"""

from django.urls import path

from safeground.operations import views

urlpatterns = [
    path("productivity/", views.productivity_page, name="productivity"),
    path("accreditations/expiring/", views.expiring_page, name="accreditations-expiring"),
]
