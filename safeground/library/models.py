"""The library's restricted and exchanged parts: render-safe procedures (EOD-qualified readers only, every read
audited) and imports of another programme's library waiting for a person to confirm each match.

The model records themselves are `ordnance.OrdnanceModel` (below every app that records finds).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.attachments.models import attachment_storage


class RenderSafeProcedure(models.Model):
    """One render-safe procedure (RSP) of a model, written by and for EOD-qualified staff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    model = models.ForeignKey("ordnance.OrdnanceModel", on_delete=models.PROTECT, related_name="procedures")
    title = models.CharField(max_length=200)
    text = models.TextField()
    references = models.TextField(blank=True, help_text="Manuals and sources, one per line")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "title"]
        permissions = [("read_procedures_audit", "Can read the audit of render-safe procedure reads")]

    def __str__(self) -> str:
        return f"{self.model}: {self.title}"


class ProcedureRead(models.Model):
    """Who asked to read a model's render-safe procedures, when, how, and whether it was granted."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, help_text="Kept when the account is deleted")
    model = models.ForeignKey("ordnance.OrdnanceModel", on_delete=models.PROTECT, related_name="+")
    granted = models.BooleanField()
    qualification = models.CharField(
        max_length=40, blank=True, help_text="Code of the EOD certification that granted it; empty when refused"
    )
    channel = models.CharField(max_length=10, help_text="page, api, poster...")
    action = models.CharField(max_length=10, default="read", help_text="read or write")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["model", "at"])]


class LibraryImport(models.Model):
    """Another programme's library, read from a file or an exchange package, waiting to be merged."""

    STATUS_CHOICES = [("open", N_("Open")), ("applied", N_("Merged")), ("dropped", N_("Dropped"))]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=300, help_text="File name or the partner's package")
    programme = models.CharField(max_length=200, blank=True, help_text="The library's programme, as it says")
    partner = models.CharField(max_length=40, blank=True, help_text="The partner's code, when it came in a package")
    archive = models.FileField(
        storage=attachment_storage,
        upload_to="library-imports/%Y/%m/",
        max_length=255,
        blank=True,
        help_text="The file as received (its images are attached when the matches are applied)",
    )
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="open")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="Counts after applying: merged, created, skipped")

    class Meta:
        ordering = ["-created_at"]


class LibraryMatch(models.Model):
    """One incoming model and what a person decided: merge it into a model here, add it, or leave it out."""

    MATCHED_BY = [("name", N_("Name")), ("alias", N_("Name or alias")), ("none", N_("No match"))]
    DECISIONS = [
        ("pending", N_("Waiting")),
        ("merge", N_("Merge into the model here")),
        ("create", N_("Add as a new model")),
        ("skip", N_("Leave out")),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    library_import = models.ForeignKey(LibraryImport, on_delete=models.CASCADE, related_name="matches")
    position = models.PositiveIntegerField(help_text="Order in the incoming file")
    name = models.CharField(max_length=80)
    incoming = models.JSONField(help_text="The incoming model as read (fields, aliases, image names)")
    candidate = models.ForeignKey(
        "ordnance.OrdnanceModel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_by = models.CharField(max_length=5, choices=MATCHED_BY)
    decision = models.CharField(max_length=7, choices=DECISIONS, default="pending")
    target = models.ForeignKey(
        "ordnance.OrdnanceModel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The model to merge into (the candidate unless the person chose another)",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    result = models.ForeignKey(
        "ordnance.OrdnanceModel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["library_import", "position"]
        constraints = [
            models.UniqueConstraint(fields=["library_import", "position"], name="library_match_position"),
            models.CheckConstraint(
                condition=~Q(decision="merge") | Q(target__isnull=False), name="library_match_merge_has_target"
            ),
        ]
