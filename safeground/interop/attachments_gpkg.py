"""The photos and documents of the exported records, as an `attachments` table of the GeoPackage.

A GeoPackage attributes table (registered in gpkg_contents, so QGIS and GDAL list it): one row per
file with its record's kind and code, the part of the record, name, type, size, SHA-256, EXIF time and
position, distance from the record and caption, and the file itself as a BLOB. Only the GeoPackage
carries files; the other formats have no place for them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.contrib.contenttypes.models import ContentType

from safeground.attachments import registry as attachable
from safeground.attachments.models import Attachment
from safeground.interop.layer_registry import registry

COLUMNS = (
    "kind TEXT, code TEXT, part TEXT, name TEXT, media_type TEXT, size INTEGER, sha256 TEXT, "
    "taken_at DATETIME, lon REAL, lat REAL, distance_m REAL, caption TEXT, data BLOB"
)


def models_of(layers: list[str]) -> list[type]:
    """The attachable models the exported layers show (a layer's first model is the one it lists)."""
    found: list[type] = []
    for key in layers:
        layer = registry()[key]
        model = layer.depends[0] if layer.depends else None
        if model is not None and attachable.entry(model) is not None and model not in found:
            found.append(model)
    return found


def write(path: Path, layers: list[str]) -> int:
    """Add the `attachments` table to the GeoPackage at `path` when the exported layers' records have
    files (no empty table otherwise); returns the files written."""
    models = [m for m in models_of(layers) if _files(m).exists()]
    if not models:
        return 0
    connection = sqlite3.connect(path)
    written = 0
    try:
        with connection:
            connection.execute(f"CREATE TABLE attachments (fid INTEGER PRIMARY KEY AUTOINCREMENT, {COLUMNS})")
            connection.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                "VALUES ('attachments', 'attributes', 'attachments', 'Photos and documents of the exported records', "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
            )
            for model in models:
                written += _write_model(connection, model)
    finally:
        connection.close()
    return written


def _files(model):
    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(model), removed_at__isnull=True)


def _write_model(connection, model) -> int:
    rows = _files(model).order_by("object_id", "created_at")
    ids = set(rows.values_list("object_id", flat=True))
    codes = {str(pk): code for pk, code in model._default_manager.filter(pk__in=ids).values_list("pk", "code")}
    count = 0
    for row in rows.iterator():
        record_code = codes.get(row.object_id)
        if record_code is None:  # its record is gone
            continue
        with row.file.open("rb") as handle:
            data = handle.read()
        connection.execute(
            "INSERT INTO attachments (kind, code, part, name, media_type, size, sha256, taken_at, lon, lat, "
            "distance_m, caption, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                model._meta.label_lower,
                record_code,
                row.path,
                row.name,
                row.media_type,
                row.size,
                row.sha256,
                row.taken_at.isoformat() if row.taken_at else None,
                row.position.x if row.position is not None else None,
                row.position.y if row.position is not None else None,
                row.distance_m,
                row.caption,
                data,
            ),
        )
        count += 1
    return count
