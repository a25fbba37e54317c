"""Every write of attachments: attach (one or many, all or nothing), move to another record, remove.

Everything is checked before anything is written: the size (SAFEGROUND_ATTACHMENT_MAX_BYTES), the type
sniffed from the content, that an image decodes, that the record takes attachments. Files are written to
the "attachments" storage inside the database transaction and deleted again if it fails, so a refused
or failed attach leaves neither a row nor a file. Who may attach is the caller's check
(queries.can_add): the OpenRosa server attaches for the operator whose submission it stores.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.attachments import files as content_files
from safeground.attachments import queries, registry
from safeground.attachments.models import Attachment
from safeground.core.errors import ValidationFailed

#: A part of a record: an item of a list ("devices[2]", "devices[2].photos[0]") or a named part ("public":
#: a museum exhibit's photos for its public page).
PATH = re.compile(r"^$|^[a-z_]+\[\d+\](\.[a-z_]+(\[\d+\])?)*$|^public$")


class AttachmentTooLarge(ValidationFailed):
    """The file is larger than SAFEGROUND_ATTACHMENT_MAX_BYTES; nothing was written."""


@dataclass
class _Checked:
    name: str
    content: bytes
    media_type: str
    path: str
    caption: str
    photo: content_files.PhotoFacts | None


def max_bytes() -> int:
    return int(settings.SAFEGROUND_ATTACHMENT_MAX_BYTES)


def _megabytes(n: int) -> str:
    """A size as a person reads it: 950 bytes, 420 kB, 12.3 MB."""
    if n < 10_000:
        return f"{n:,} bytes"
    return f"{n / 1000:,.0f} kB" if n < 1_000_000 else f"{n / 1_000_000:,.1f} MB"


def _check(record, *, name: str, content: bytes, path: str, caption: str, field: str = "file") -> _Checked:
    if registry.entry(record) is None:
        raise ValidationFailed(
            _("%(what)s records take no attachments") % {"what": type(record)._meta.verbose_name},
            field="record",
            reason="not attachable",
        )
    shown = content_files.safe_name(name)
    if not isinstance(content, bytes | bytearray) or not content:
        raise ValidationFailed(_("%(field)s: %(name)s is empty") % {"field": field, "name": shown}, field, "empty")
    if len(content) > max_bytes():
        raise AttachmentTooLarge(
            _("%(field)s: %(name)s is %(size)s; at most %(most)s is kept")
            % {"field": field, "name": shown, "size": _megabytes(len(content)), "most": _megabytes(max_bytes())},
            field,
            "too_large",
        )
    media_type = content_files.sniff(bytes(content[:16]))
    if media_type is None:
        raise ValidationFailed(
            _("%(field)s: %(name)s is not a JPEG, PNG or WebP photo or a PDF document (read from its content)")
            % {"field": field, "name": shown},
            field,
            "type",
        )
    if not PATH.match(path or ""):
        raise ValidationFailed(
            _('path: %(path)s is not a part of a record such as "devices[2]"') % {"path": repr(path)}, "path", "format"
        )
    if len(caption or "") > 300:
        raise ValidationFailed(_("caption: at most 300 characters"), "caption", "too_long")
    photo = None
    if media_type in content_files.IMAGES:
        try:
            photo = content_files.read_photo(bytes(content))
        except content_files.Unreadable as exc:
            raise ValidationFailed(
                _("%(field)s: %(name)s cannot be read as an image: %(why)s")
                % {"field": field, "name": shown, "why": exc},
                field,
                "unreadable",
            ) from exc
    return _Checked(shown, bytes(content), media_type, path or "", (caption or "").strip(), photo)


def distance_m(record, lonlat: tuple[float, float] | None) -> float | None:
    """Metres from (lon, lat) to the record's geometry, measured in the geometry's local UTM zone."""
    if lonlat is None:
        return None
    geom = registry.position(record)
    if geom is None or geom.empty:
        return None
    import shapely

    from safeground.core.geojson import to_shapely
    from safeground.core.geometry import project, utm_epsg_for

    shape = to_shapely(geom)
    epsg = utm_epsg_for(shape)
    return float(project(shape, epsg).distance(project(shapely.Point(*lonlat), epsg)))


def _row(record, checked: _Checked, *, user, source: str, written: list) -> Attachment:
    from django.contrib.gis.geos import Point

    stem = uuid.uuid4().hex
    row = Attachment(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        path=checked.path,
        name=checked.name,
        media_type=checked.media_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        caption=checked.caption,
        source=source,
        uploaded_by=user if getattr(user, "pk", None) else None,
        is_synthetic=bool(getattr(record, "is_synthetic", False)),
    )
    photo = checked.photo
    if photo is not None:
        row.taken_at = photo.taken_at
        if photo.lonlat is not None:
            row.position = Point(*photo.lonlat, srid=4326)
            row.distance_m = distance_m(record, photo.lonlat)
    row.file.save(f"{stem}.{content_files.KINDS[checked.media_type]}", ContentFile(checked.content), save=False)
    written.append(row.file.name)
    if photo is not None and photo.thumbnail:
        row.thumbnail.save(f"{stem}.jpg", ContentFile(photo.thumbnail), save=False)
        written.append(row.thumbnail.name)
    row.save()
    return row


def _check_source(source: str) -> None:
    if source not in dict(Attachment.SOURCE_CHOICES):
        raise ValidationFailed(f"source: {source!r} is not one of {', '.join(dict(Attachment.SOURCE_CHOICES))}")


def _write(record, checked: list[_Checked], *, user, source: str) -> list[Attachment]:
    written: list[str] = []
    try:
        with transaction.atomic():
            return [_row(record, c, user=user, source=source, written=written) for c in checked]
    except BaseException:
        storage = Attachment._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise


def attach(
    record, *, name: str, content: bytes, user, path: str = "", caption: str = "", source: str = "upload"
) -> Attachment:
    """Attach one file to `record` (or to a part of it, `path`). Raises ValidationFailed (AttachmentTooLarge
    for the size) naming the file and why; nothing is written then."""
    _check_source(source)
    checked = _check(record, name=name, content=content, path=path, caption=caption)
    return _write(record, [checked], user=user, source=source)[0]


def attach_many(record, files: list[dict], *, user, source: str = "upload") -> list[Attachment]:
    """Attach several files (dicts: name, content, path?, caption?): all of them or, on any refusal, none."""
    _check_source(source)
    checked = [
        _check(
            record,
            name=f.get("name", ""),
            content=f.get("content", b""),
            path=f.get("path", ""),
            caption=f.get("caption", ""),
            field=f"files[{i}]",
        )
        for i, f in enumerate(files)
    ]
    return _write(record, checked, user=user, source=source)


def move(source, target, *, path: str | None = None) -> int:
    """Re-point `source`'s attachments (only those on `path` when given) to `target` itself (path ""),
    measuring each photo's distance again from its new record. Returns how many moved."""
    if registry.entry(target) is None:
        raise ValidationFailed(
            _("%(what)s records take no attachments") % {"what": type(target)._meta.verbose_name}, "record"
        )
    rows = queries.of(source, path)
    target_type = ContentType.objects.get_for_model(target)
    moved = 0
    with transaction.atomic():
        for row in rows.select_for_update():
            row.content_type, row.object_id, row.path = target_type, str(target.pk), ""
            lonlat = (row.position.x, row.position.y) if row.position is not None else None
            row.distance_m = distance_m(target, lonlat)
            row.save(update_fields=["content_type", "object_id", "path", "distance_m"])
            moved += 1
    return moved


def remove(attachment: Attachment, *, user) -> None:
    """Take an attachment off its record. The row and the file are kept (who removed it, when): nothing
    is hard deleted from what a record carried. Removing it twice changes nothing."""
    Attachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=user if getattr(user, "pk", None) else None
    )


def delete_synthetic() -> int:
    """Remove the demo's synthetic attachments with their files (the only hard delete: they never came
    from anyone real)."""
    storage = Attachment._meta.get_field("file").storage
    rows = list(Attachment.objects.filter(is_synthetic=True))
    for row in rows:
        for name in (row.file.name, row.thumbnail.name):
            if name:
                storage.delete(name)
    return Attachment.objects.filter(pk__in=[r.pk for r in rows]).delete()[0]
