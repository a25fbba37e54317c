"""Exchange with partner programmes (issue 18 parts 3 and 4).

- `PartnerKey`: a partner's Ed25519 public key; packages signed by it are accepted until it is revoked.
- `RedactionPolicy`: a custom redaction policy (the built-in ones live in `policies.py`); a new file with
  the same name makes a new version.
- `ExportLog`: every package this installation made for a partner.
- `PartnerDataset`, `PartnerFeature`, `PartnerFigure`: a partner's imported package, read-only and in its
  own namespace: nothing here points at national records, nothing national is counted from here.
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from simple_history.models import HistoricalRecords


class PartnerKey(models.Model):
    """A partner's public key (`ed25519:<base64>`); `fingerprint` identifies it in signed packages."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey("cooperation.Partner", on_delete=models.PROTECT, related_name="keys")
    public_key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=16, unique=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return f"{self.fingerprint} ({self.partner.code})"


class RedactionPolicy(models.Model):
    """A custom redaction policy; `rules` is the validated policy (policies.validate)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=300, blank=True)
    rules = models.JSONField()
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "redaction policies"

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ExportLog(models.Model):
    """One package made for a partner: what went out, under which policy, signed by which key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey("cooperation.Partner", on_delete=models.PROTECT, related_name="exports")
    programme = models.CharField(max_length=3)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    policy_name = models.CharField(max_length=40)
    policy_version = models.PositiveIntegerField(default=1)
    policy_rules = models.JSONField()
    counts = models.JSONField(help_text="Features or rows per layer")
    package_id = models.CharField(max_length=64, help_text="SHA-256 of the package file")
    file_name = models.CharField(max_length=300)
    signer = models.CharField(max_length=16, help_text="Fingerprint of this installation's key")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.policy_name} {self.created_at:%Y-%m-%d}"


class PartnerDataset(models.Model):
    """A partner's package, imported read-only: its manifest and who signed it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    package_id = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the package file")
    partner = models.ForeignKey("cooperation.Partner", on_delete=models.PROTECT, related_name="datasets")
    key = models.ForeignKey(PartnerKey, on_delete=models.PROTECT, related_name="datasets")
    programme = models.CharField(max_length=3)
    programme_name = models.CharField(max_length=200, blank=True)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    manifest = models.JSONField()
    file_name = models.CharField(max_length=300, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.programme} {self.package_id[:12]}"


class PartnerFeature(models.Model):
    """One feature of a partner's layer, as the partner sent it (already generalised by its policy)."""

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(PartnerDataset, on_delete=models.CASCADE, related_name="features")
    layer = models.CharField(max_length=40)
    properties = models.JSONField()
    geom = models.GeometryField(srid=4326, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dataset", "layer"])]


class PartnerFigure(models.Model):
    """One row of a partner's table without geometry (productivity, release mix, aggregates)."""

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(PartnerDataset, on_delete=models.CASCADE, related_name="figures")
    table = models.CharField(max_length=40)
    row = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["dataset", "table"])]
