"""ODK Collect's side of the workbench: device credentials, the instances received, and the parts of a
submission that Collect split over several posts.

Nothing here is national data: a received instance becomes a workbench submission (decision 0040).
"""

import uuid

from django.conf import settings
from django.db import models


class DeviceCredential(models.Model):
    """A login and secret that ODK Collect sends (HTTP Basic over HTTPS, Digest over HTTP) to act as `user`.

    One per phone or tablet, so a lost device is revoked alone. The secret is random and shown once;
    its Django password hash is stored (Argon2, as users' passwords) and, for Digest, the realm's HA1
    encrypted with the field key, so a copied database opens neither."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_credentials")
    name = models.CharField(max_length=100, blank=True, help_text="Which device, e.g. 'Tablet 3, team TDO-MAN-1'")
    login = models.CharField(max_length=150, unique=True, help_text="The username typed into ODK Collect")
    secret_hash = models.CharField(max_length=200)
    digest_ha1 = models.TextField(
        blank=True,
        help_text="HTTP Digest's MD5(login:realm:secret), encrypted with the field key (core/crypto.py); empty "
        "when no field key was configured: Digest is then refused for this credential",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.login} ({self.user})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ReceivedInstance(models.Model):
    """One ODK instance received (from Collect or a Central export), by its instanceID: a second post of
    the same instance is recognised (identical: nothing new; different: refused)."""

    SOURCE_CHOICES = [("collect", "ODK Collect"), ("central", "ODK Central export")]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    instance_id = models.CharField(max_length=100, unique=True)
    form_id = models.CharField(max_length=100)
    form_version = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the instance XML (or Central row) as received")
    source = models.CharField(max_length=10, choices=SOURCE_CHOICES, default="collect")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credential = models.ForeignKey(DeviceCredential, null=True, blank=True, on_delete=models.SET_NULL)
    submission = models.ForeignKey(
        "workbench.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attachments = models.JSONField(default=list, help_text="The file names received with it")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.instance_id


class PendingPart(models.Model):
    """An attachment of a submission that Collect split over several posts (`*isIncomplete*`), kept until
    the last post arrives and the whole instance is received in one transaction."""

    id = models.BigAutoField(primary_key=True)
    instance_id = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["instance_id", "user", "name"], name="openrosa_part_once")]
