"""Shared building blocks: the abstract record every domain table extends, and API tokens."""

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Batch(models.Model):
    """One set-based write (an import, a demo build, a sync, a migration): who, when, what and how many.

    Rows written in bulk point at their batch instead of each carrying a per-row history entry; their
    "created" history is derived from the batch (decision 0015). Later single edits add ordinary
    history rows, so every change stays attributable.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, help_text="What was written, e.g. devices, hazards.")
    source = models.CharField(max_length=300, blank=True, help_text="File name, demo scale or sync peer.")
    reason = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"{self.kind} × {self.rows} ({self.source or self.reason})"


class Record(models.Model):
    """A domain record: UUID identity, a human code, timestamps and the synthetic-data flag."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True, help_text="Human code, e.g. KH-BTB-HAZ-000123")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False, help_text="Generated demo data, not a real record.")
    # Where an imported record came from: the source dataset's own ID (re-importing the file updates
    # the record instead of adding it again) and the source's columns SafeGround has no field for.
    source_id = models.CharField(
        max_length=100, null=True, blank=True, unique=True, help_text="The source dataset's own ID of the record"
    )
    source_attributes = models.JSONField(
        null=True, blank=True, help_text="The source's columns that map to no field, as they were read"
    )
    # Optimistic locking (core/versions.py, decision 0019): the services raise it with every change;
    # the API shows it as the ETag and refuses a change made to an older one. A database default,
    # so that bulk writes (COPY) that leave it out start every record at 1.
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="Raised by every change (If-Match)"
    )
    # No index: a record reads its own batch; listing a batch's rows is rare and may scan.
    batch = models.ForeignKey(
        "core.Batch", null=True, blank=True, editable=False, on_delete=models.PROTECT, db_index=False, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class TableVersion(models.Model):
    """A table's change token, replaced after every committed write to it (core/table_versions.py)."""

    name = models.CharField(max_length=100, primary_key=True, help_text="The table (db_table)")
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name} {self.token}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token is shown once.

    Tokens expire (settings.SAFEGROUND_TOKEN_DAYS, 90 by default) so one copied into a script or a
    laptop and forgotten stops working on its own; `expires_at` null means it never expires.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Refused from this moment; empty: never.")

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "", days: int | None = None) -> tuple["ApiToken", str]:
        """A new token and its raw value. `days`: lifetime (default the setting); 0 means it never expires."""
        days = settings.SAFEGROUND_TOKEN_DAYS if days is None else days
        if days < 0:
            raise ValueError(f"a token's lifetime is a number of days, 0 for never, not {days}")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        raw = "sg_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.hash(raw), prefix=raw[:8], expires_at=expires_at)
        return token, raw

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        """active, expired or revoked (revoked wins: it was a decision)."""
        return "revoked" if self.revoked else "expired" if self.expired else "active"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
