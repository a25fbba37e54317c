"""Every write of the ODK Collect side: device credentials (issue, revoke) and receiving instances.

An instance is received in one transaction: the workbench submission (checked like any other: the
dry run, the organisation rules), its photos and the record of the instanceID, or nothing at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeground.core.errors import ValidationFailed
from safeground.openrosa import digest as digest_auth
from safeground.openrosa import forms, instance, mapping, queries
from safeground.openrosa.answers import from_tree
from safeground.openrosa.errors import Refused
from safeground.openrosa.models import DeviceCredential, PendingPart, ReceivedInstance

NAME_LENGTH = 100
#: Parts of a split submission whose last part never came are dropped after this.
PARTS_KEPT = dt.timedelta(days=7)
#: Secrets are typed on phones: lowercase letters and digits without look-alikes (0/o, 1/l), 4 groups of 5
#: (about 100 bits), dashes between groups.
ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def _secret() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(5)) for _ in range(4))


def issue_credential(user, name: str = "") -> tuple[DeviceCredential, str]:
    """A new device credential for `user` and its secret, to show once (only its hash is kept)."""
    name = (name or "").strip()
    if len(name) > NAME_LENGTH:
        raise ValidationFailed(f"the name is too long: at most {NAME_LENGTH} characters", field="name")
    secret = _secret()
    for _attempt in range(5):
        login = f"{user.get_username()}.{secrets.token_hex(2)}"
        if not DeviceCredential.objects.filter(login=login).exists():
            break
    credential = DeviceCredential(user=user, name=name, login=login, secret_hash=make_password(secret))
    credential.digest_ha1 = digest_auth.sealed_ha1(credential, secret)
    credential.save()
    return credential, secret


def revoke_credential(credential_id, *, by) -> DeviceCredential:
    """Revoke a credential: its owner may, and an administrator (openrosa.change_devicecredential) anyone's."""
    credential = None
    try:
        key = uuid.UUID(str(credential_id))
    except ValueError:
        pass
    else:
        rows = DeviceCredential.objects.filter(pk=key, revoked_at__isnull=True)
        if not by.has_perm("openrosa.change_devicecredential"):
            rows = rows.filter(user=by)
        credential = rows.first()
    if credential is None:
        raise ValidationFailed("no active device credential of yours with that id", field="credential")
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    return credential


@dataclass
class Outcome:
    """What receiving an instance did: `status` 201 (received), 202 (already received, nothing new)."""

    status: int
    message: str
    received: ReceivedInstance | None = None


def _digest(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def _check_form(parsed: instance.Instance) -> forms.OdkForm:
    """The form version the instance was filled on: unknown → 404 (as ODK Central answers a version it
    never had), superseded → 409 (Central's answer for a form that no longer takes submissions)."""
    asked, current = forms.find(parsed.form_id, parsed.version)
    if current is None:
        raise Refused(f"there is no form {parsed.form_id!r} on this server", 404, "id")
    if asked is None:
        raise Refused(
            f"form {parsed.form_id!r} has no version {parsed.version!r} on this server (the current one is "
            f"{current.version}): get the blank form again and fill it in anew",
            404,
            "version",
        )
    if not asked.current:
        raise Refused(
            f"form {parsed.form_id!r} version {parsed.version} has been replaced by version {current.version}: "
            "get the blank form again (Get blank form), fill it in anew and send that",
            409,
            "version",
        )
    return asked


def _already(parsed: instance.Instance, digest: str) -> Outcome | None:
    seen = queries.received(parsed.instance_id)
    if seen is None:
        return None
    if seen.digest != digest:
        raise Refused(
            f"an instance {parsed.instance_id} was already received with different content "
            f"({seen.received_at:%Y-%m-%d %H:%M} UTC); a changed form must get a new instanceID",
            409,
            "instanceID",
        )
    code = seen.submission.code if seen.submission else ""
    return Outcome(202, f"already received ({code}): nothing new was stored", seen)


def receive(
    xml: bytes,
    files: list[dict],
    *,
    user,
    credential: DeviceCredential | None = None,
    incomplete: bool = False,
    source: str = "collect",
) -> Outcome:
    """Receive one instance and its attachments (`files`: dicts with name, content, content_type).

    `incomplete`: Collect split the post (`*isIncomplete*`); its attachments wait for the last part.
    Refused (nothing written) for a malformed instance, an unknown or superseded form version, a
    duplicate instanceID with different content, an invalid answer, or an attachment over the limit."""
    parsed = instance.parse(xml)
    form = _check_form(parsed)
    digest = _digest(xml)
    seen = _already(parsed, digest)
    if seen is not None:
        PendingPart.objects.filter(instance_id=parsed.instance_id, user=user).delete()
        return seen
    if incomplete:
        with transaction.atomic():
            PendingPart.objects.filter(received_at__lt=timezone.now() - PARTS_KEPT).delete()
            for f in files:
                PendingPart.objects.update_or_create(
                    instance_id=parsed.instance_id,
                    user=user,
                    name=f["name"],
                    defaults={"content": f["content"], "content_type": f.get("content_type", "")},
                )
        return Outcome(201, f"part of {parsed.instance_id} received; waiting for the rest")
    try:
        with transaction.atomic():
            parts = PendingPart.objects.filter(instance_id=parsed.instance_id, user=user)
            names = {f["name"] for f in files}
            every = files + [
                {"name": p.name, "content": bytes(p.content), "content_type": p.content_type}
                for p in parts
                if p.name not in names
            ]
            origin = {
                "odk": {
                    "form": parsed.form_id,
                    "title": form.name,  # the form's English title; the review page translates it
                    "version": parsed.version,
                    "instance_id": parsed.instance_id,
                    "device": parsed.device_id,
                    "credential": credential.login if credential else "",
                    "device_name": credential.name if credential else "",
                    "source": source,
                }
            }
            answers = from_tree(parsed.answers, mapping.repeats(parsed.form_id))
            submission = mapping.submit(parsed.form_id, answers, every, user=user, origin=origin)
            received = ReceivedInstance.objects.create(
                instance_id=parsed.instance_id,
                form_id=parsed.form_id,
                form_version=parsed.version,
                digest=digest,
                source=source,
                user=user,
                credential=credential,
                submission=submission,
                attachments=sorted(f["name"] for f in every),
            )
            parts.delete()
    except IntegrityError:
        seen = _already(parsed, digest)  # the same instance received by a concurrent post
        if seen is None:
            raise
        return seen
    return Outcome(201, f"received as {submission.code}: it waits for review in the workbench", received)


@dataclass
class CentralReport:
    """What an ODK Central import did, row by row (spreadsheet numbering: the header is row 1)."""

    landed: list[tuple[int, str, str]]  # (row, instanceID, submission code)
    skipped: list[tuple[int, str]]  # (row, instanceID) already received
    failed: list[tuple[int, str, str]]  # (row, instanceID, reason)
    photos_left: int = 0  # photos a bare CSV names but cannot carry

    @property
    def message(self) -> str:
        return (
            f"{len(self.landed)} submission(s) queued for review, {len(self.skipped)} already received, "
            f"{len(self.failed)} refused"
        )


def import_central(data: bytes, filename: str, *, form_id: str, user) -> CentralReport:
    """Submit each row of an ODK Central export of `form_id` to the workbench, as `user` (the operator
    whose organisation it belongs to). Each row is received on its own: a row that fails is reported
    with its row number and reason and the others land; an instanceID already received is skipped,
    so importing the same file again does nothing new."""
    from safeground.openrosa import central

    if form_id not in mapping.KINDS:
        raise Refused(f"there is no field form {form_id!r}; choose one of {', '.join(mapping.KINDS)}", 400, "form")
    rows = central.read(data, filename)
    with_media = filename.lower().endswith(".zip")
    known = set(
        ReceivedInstance.objects.filter(instance_id__in=[r.instance_id for r in rows]).values_list(
            "instance_id", flat=True
        )
    )
    report = CentralReport([], [], [])
    current = forms.find(form_id, "")[1]
    for row in rows:
        if not row.instance_id:
            report.failed.append((row.number, "", "no instanceID (meta-instanceID or KEY column)"))
            continue
        if row.instance_id in known:
            report.skipped.append((row.number, row.instance_id))
            continue
        origin = {
            "odk": {
                "form": form_id,
                "title": current.name if current is not None else form_id,
                "version": row.version,
                "instance_id": row.instance_id,
                "device": row.device_id,
                "source": "central",
                "file": filename,
                "row": row.number,
            }
        }
        try:
            with transaction.atomic():
                submission = mapping.submit(
                    form_id,
                    row.answers,
                    row.files,
                    user=user,
                    origin=origin,
                    need_files=with_media,
                    source="odk-central",
                )
                ReceivedInstance.objects.create(
                    instance_id=row.instance_id,
                    form_id=form_id,
                    form_version=row.version,
                    digest=row.digest,
                    source="central",
                    user=user,
                    submission=submission,
                    attachments=sorted(f["name"] for f in row.files),
                )
        except Refused as exc:
            report.failed.append((row.number, row.instance_id, str(exc)))
            continue
        except IntegrityError:
            report.skipped.append((row.number, row.instance_id))  # the same instance twice in the file
            continue
        known.add(row.instance_id)
        report.landed.append((row.number, row.instance_id, submission.code))
        if not with_media:
            report.photos_left += len(mapping.build(form_id, row.answers).photos)
    return report
