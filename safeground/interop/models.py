"""The import quarantine: rows of a file that an import with `--on-error quarantine` could not take.

Nothing of a file is lost: the valid rows are written and every refused row waits here, as read
(SafeGround's column names after the mapping, the geometry in EPSG:4326 as WKT even when it is
invalid or empty), with the reasons it was refused. An IM officer fixes it and re-submits it through
the same importer, or discards it; either way the row and its history stay.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords


class QuarantinedRow(models.Model):
    STATUS_CHOICES = [
        ("held", N_("Waiting for a fix")),
        ("approved", N_("Fixed and written")),
        ("discarded", N_("Discarded")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    import_id = models.UUIDField(db_index=True, help_text="The import run the row came from")
    kind = models.CharField(max_length=20)
    source = models.CharField(max_length=300, help_text="The file's name")
    layer = models.CharField(max_length=200, blank=True)
    row = models.PositiveIntegerField(help_text="Feature number in the layer (CSV/XLSX: data row), from 1")
    attributes = models.JSONField(default=dict, help_text="The row's attributes as read, after the mapping")
    geometry = models.TextField(blank=True, help_text="WKT in EPSG:4326 as read; empty when there was none")
    errors = models.JSONField(default=list, help_text="Why it was refused: field, value, reason, kind")
    mapping = models.JSONField(default=dict, help_text="The import's value vocabularies, defaults and date formats")
    repair = models.BooleanField(default=False, help_text="Whether the import repaired invalid polygons")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="held")
    result_code = models.CharField(max_length=40, blank=True, help_text="The record the fixed row became")
    version = models.PositiveIntegerField(default=1, help_text="Raised by every change (optimistic locking)")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "source", "row"]
        indexes = [models.Index(fields=["status", "kind"])]
        # Importing files is national data management: on top of the kind's own add permission.
        permissions = [("import_records", "Import records from files")]

    def __str__(self) -> str:
        return f"{self.source} row {self.row}"

    @property
    def reasons(self) -> str:
        return "; ".join(e.get("reason", "") for e in self.errors)
