"""Photos and documents attached to any record (decision 0037).

An attachment points at its record generically (content type + the record's primary key as text:
records have UUID keys, evidence has an integer one), optionally at a part of it (`path`, e.g.
"devices[2]" on a workbench submission, moved to the device it becomes on approval). The file lives
in the "attachments" storage (STORAGES), the row keeps what was read from it once: type, size,
hash, EXIF time and position, and the distance from the record's own geometry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.db import models
from django.core.files.storage import Storage, storages
from django.utils.translation import gettext_noop as N_


class AttachmentStorage(Storage):
    """Whatever storage the "attachments" alias of settings.STORAGES names, looked up at each use (a
    FileField keeps the storage it was given at import; this follows a settings change, as in tests)."""

    @property
    def backend(self) -> Storage:
        return storages["attachments"]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def path(self, name):
        return self.backend.path(name)

    def listdir(self, path):
        return self.backend.listdir(path)


_STORAGE = AttachmentStorage()


def attachment_storage() -> Storage:
    """The storage of attachment files (a callable, so that a migration names no backend)."""
    return _STORAGE


class Attachment(models.Model):
    SOURCE_CHOICES = [
        ("upload", N_("Uploaded")),
        ("odk", N_("ODK Collect")),
        ("odk-central", N_("ODK Central export")),
        ("exchange", N_("Exchange package")),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, help_text="The record's primary key, as text")
    path = models.CharField(max_length=100, blank=True, help_text='A part of the record ("devices[2]"); "" = itself')
    file = models.FileField(storage=attachment_storage, upload_to="attachments/%Y/%m/", max_length=255)
    thumbnail = models.FileField(storage=attachment_storage, upload_to="thumbnails/%Y/%m/", max_length=255, blank=True)
    name = models.CharField(max_length=120, help_text="The file's original name (made harmless)")
    media_type = models.CharField(max_length=100, help_text="Sniffed from the content, never from the name")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    taken_at = models.DateTimeField(null=True, blank=True, help_text="EXIF DateTimeOriginal")
    position = models.PointField(srid=4326, null=True, blank=True, help_text="EXIF GPS position")
    distance_m = models.FloatField(
        null=True, blank=True, help_text="From the EXIF position to the record's geometry, in metres (local UTM)"
    )
    caption = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=12, choices=SOURCE_CHOICES, default="upload")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="Removed from the record (the row and file kept)"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False, help_text="Generated demo data, not a real record.")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")

    def is_far(self) -> bool:
        """The photo was taken farther from its record than SAFEGROUND_ATTACHMENT_FAR_M (flagged in review)."""
        return self.distance_m is not None and self.distance_m > settings.SAFEGROUND_ATTACHMENT_FAR_M
