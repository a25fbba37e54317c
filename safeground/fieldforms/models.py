"""Versions of the field forms (XLSForm for ODK Collect / Central), generated from the model.

A form's version changes only when its content does (its XLSForm in every language or one of its media
files): `content_hash` decides, and the previous version is then retired (decision 0038).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_noop as N_

STATE_CHOICES = [("current", N_("Current")), ("retired", N_("Retired"))]


class FormVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form_id = models.CharField(max_length=40, help_text="The XLSForm's form_id, e.g. nts")
    version = models.CharField(max_length=20, help_text="YYYYMMDDNN: increases with every new version")
    title = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 over the XLSForm's sheets and its media")
    xlsform = models.BinaryField(help_text="The .xlsx")
    xform = models.TextField(help_text="The XForm XML pyxform made of it")
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default="current")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["form_id", "-version"]
        permissions = [("download_fieldforms", "Download the field forms (XLSForm, XForm, media)")]
        constraints = [
            models.UniqueConstraint(fields=["form_id", "version"], name="formversion_unique_version"),
            models.UniqueConstraint(
                fields=["form_id"], condition=models.Q(state="current"), name="formversion_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} {self.version}"


class FormMedia(models.Model):
    """A media file of one version (the gazetteer's CSV choice lists)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form_version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="media")
    filename = models.CharField(max_length=100)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["filename"]
        constraints = [models.UniqueConstraint(fields=["form_version", "filename"], name="formmedia_unique_name")]

    def __str__(self) -> str:
        return self.filename
