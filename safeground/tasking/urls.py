"""Page URLs of tasking (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.tasking import views

urlpatterns = [
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/new/", views.task_new, name="task-new"),
    path("tasks/<code:code>/", views.task_detail, name="task-detail"),
    path("priorities/", views.priorities_page, name="priorities"),
    path("priorities/snapshots/<code:code>/", views.snapshot_detail, name="priority-snapshot"),
    path("development-requests/", views.request_list, name="devrequest-list"),
    path("development-requests/<code:code>/", views.request_detail, name="devrequest-detail"),
]
