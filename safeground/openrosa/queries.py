"""Reads of the ODK Collect side: device credentials and received instances."""

from __future__ import annotations

from django.db.models import QuerySet

from safeground.openrosa.models import DeviceCredential, ReceivedInstance


def sees_all(user) -> bool:
    """Administrators see (and may revoke) every device credential; others their own."""
    return user.has_perm("openrosa.change_devicecredential")


def credentials_for(user) -> QuerySet[DeviceCredential]:
    rows = DeviceCredential.objects.select_related("user").order_by("-created_at")
    return rows if sees_all(user) else rows.filter(user=user)


def received(instance_id: str) -> ReceivedInstance | None:
    return ReceivedInstance.objects.select_related("submission").filter(instance_id=instance_id).first()
