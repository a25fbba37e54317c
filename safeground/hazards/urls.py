"""Page URLs of the hazards app (config/urls.py includes them at the site root).

The hazard list and page, and the home map, show other apps' rows too: they are in safeground.portal.
"""

from django.urls import path

from safeground.hazards import views

urlpatterns = [
    path("traverse/", views.traverse_page, name="traverse"),
]
