"""What a migration from IMSMA NG did: the runs, and per NG record what it became (the trace).

The trace makes a re-run idempotent: an NG record already migrated with the same content is left
alone, a changed one is updated through its service (one history entry), and a refused one is tried
again. A refused record is kept here as it was read (personal data left out: it stays in NG only), so
nothing of the source is lost and the report can always name it.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_noop as N_


class MigrationRun(models.Model):
    """One run of `migrate-imsma` (dry runs too): where from, by whom, and its reconciliation report."""

    STATUS_CHOICES = [
        ("running", N_("running")),
        ("done", N_("done")),
        ("dry-run", N_("dry run")),
        ("failed", N_("failed")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=300, help_text="The NG database's URL, without its password")
    country = models.CharField(max_length=3)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="running")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mapping = models.TextField(blank=True, help_text="The value-list mapping used (YAML)")
    report = models.JSONField(default=dict, help_text="The reconciliation (reconcile.Reconciliation.as_dict)")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class MigratedRecord(models.Model):
    """One NG record and what it became: a SafeGround record (created or merged), or refused."""

    STATUS_CHOICES = [("migrated", N_("migrated")), ("merged", N_("merged")), ("refused", N_("refused"))]
    table = models.CharField(max_length=40, help_text="The NG table")
    guid = models.CharField(max_length=64, help_text="The NG record's GUID (some installations keep braces)")
    localid = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=40, blank=True, help_text="The SafeGround record's primary key")
    target_code = models.CharField(max_length=60, blank=True)
    fingerprint = models.CharField(max_length=64, help_text="Digest of the NG row as read (changes → update)")
    versions = models.JSONField(default=list, help_text="The NG infoversion GUIDs already in the history")
    reasons = models.JSONField(default=list, help_text="Why it was refused or merged: [{cause, detail}]")
    kept = models.JSONField(null=True, blank=True, help_text="A refused record as read (no personal data)")
    run = models.ForeignKey(MigrationRun, on_delete=models.PROTECT, related_name="records")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "guid"], name="imsma_record_once")]
        ordering = ["table", "localid"]

    def __str__(self) -> str:
        return f"{self.table} {self.localid or self.guid}: {self.status} {self.target_code}"

    @property
    def target(self):
        if not self.target_type_id or not self.target_id:
            return None
        return self.target_type.model_class()._default_manager.filter(pk=self.target_id).first()
