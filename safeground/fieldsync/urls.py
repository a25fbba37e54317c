"""Page URLs of field sync."""

from django.urls import path

from safeground.fieldsync import views

urlpatterns = [
    path("fieldsync/", views.home, name="fieldsync"),
    path("fieldsync/imports/", views.imports, name="fieldsync-imports"),
    path("fieldsync/imports/<code:code>/", views.import_detail, name="fieldsync-import"),
    path("fieldsync/offices/", views.offices, name="fieldsync-offices"),
]
