"""Page URLs of the risk education app (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.eore import views

urlpatterns = [path("eore/", views.home, name="eore-home")]
