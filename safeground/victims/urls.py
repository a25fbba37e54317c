"""Page URLs of the victims app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.victims import views

urlpatterns = [
    path("victims/", views.home, name="victims-home"),
    path("victims/<code:code>/", views.detail, name="victim-detail"),
    path("victims/<code:code>/personal/", views.personal, name="victim-personal"),
]
