"""Page URLs of the workbench app."""

from django.urls import path

from safeground.workbench import views

urlpatterns = [
    path("workbench/", views.queue, name="workbench"),
    path("workbench/new/<str:kind>/", views.new, name="workbench-new"),
    path("workbench/<code:code>/", views.detail, name="workbench-detail"),
    path("workbench/<code:code>/decide", views.decide, name="workbench-decide"),
]
