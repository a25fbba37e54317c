"""Page URLs of the training centre (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.training import views

urlpatterns = [
    path("training/", views.home, name="training-home"),
    path("training/sessions/<code:code>/", views.session, name="training-session"),
    path("training/people/<code:code>/", views.person, name="training-person"),
]
