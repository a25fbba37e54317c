"""Page URLs of quality management (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.qm import views

urlpatterns = [
    path("qm/", views.home, name="qm-home"),
    path("qm/visits/new/", views.visit_new, name="qm-visit-new"),
    path("qm/visits/<code:code>/", views.visit_detail, name="qm-visit"),
    path("qm/handovers/<code:code>/certificate/", views.certificate, name="qm-certificate"),
]
