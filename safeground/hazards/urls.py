"""Page URLs of the hazards app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.hazards import views

urlpatterns = [
    path("", views.home, name="home"),
    path("hazards/<str:code>/", views.hazard_detail, name="hazard-detail"),
    path("traverse/", views.traverse_page, name="traverse"),
]
