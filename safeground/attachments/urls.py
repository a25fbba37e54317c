"""Page URLs of attachments (config/urls.py includes them at the site root)."""

from django.urls import path

from safeground.attachments import views

urlpatterns = [
    path("attachments/new/", views.upload, name="attachment-upload"),
    path("attachments/<uuid:attachment_id>/", views.attachment_file, name="attachment-file"),
    path("attachments/<uuid:attachment_id>/thumbnail", views.attachment_thumbnail, name="attachment-thumbnail"),
    path("attachments/<uuid:attachment_id>/remove", views.remove, name="attachment-remove"),
]
