"""Page URLs of quality management (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.qm import views

urlpatterns = [
    path("qm/", views.home, name="qm-home"),
    path("qm/visits/new/", views.visit_new, name="qm-visit-new"),
    path("qm/visits/<code:code>/", views.visit_detail, name="qm-visit"),
    path("qm/handovers/new/", views.handover_new, name="qm-handover-new"),
    path("qm/samples/new/", views.sample_new, name="qm-sample-new"),
    path("qm/samples/<code:code>/", views.sample_detail, name="qm-sample"),
    path("qm/sampling-rules/", views.sampling_rules, name="qm-sampling-rules"),
    path("qm/handovers/<code:code>/certificate/", views.certificate, name="qm-certificate"),
]
