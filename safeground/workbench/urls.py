"""Page URLs of the workbench app."""

from django.urls import path

from safeground.workbench import views

urlpatterns = [
    path("workbench/", views.queue, name="workbench"),
    path("workbench/new/<str:kind>/", views.new, name="workbench-new"),
    path("workbench/<str:code>/", views.detail, name="workbench-detail"),
    path("workbench/<str:code>/decide", views.decide, name="workbench-decide"),
]
