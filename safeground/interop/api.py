"""Import by upload and export by download under /api/v1/interop (the OGC API lives at /ogc/)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from safeground.core import ratelimit
from safeground.core.auth import needs, require_permission
from safeground.core.contracts import Choice, Note
from safeground.core.schemas import ErrorOut
from safeground.interop.exporter import FORMATS, ExportError
from safeground.interop.importers import IMPORT_PERMISSION, IMPORT_RECORDS, KINDS
from safeground.interop.layers import LAYERS
from safeground.interop.reader import Mapping
from safeground.interop.services import ImportFailed, import_file
from safeground.interop.uploads import export_response, save_upload

router = Router(tags=["import and export"])


class RowErrorOut(Schema):
    row: int
    field: str
    value: str
    reason: str
    kind: str = ""


class ImportOut(Schema):
    kind: str
    source: str
    layer: str
    rows: int
    written: int
    dry_run: bool
    ok: bool
    error_count: int
    errors: list[RowErrorOut]
    notes: list[str]
    codes: list[str]
    seconds: float
    on_error: str
    quarantined: int
    quarantine_causes: dict[str, int]
    repaired: dict[str, int]
    import_id: str


class ExportFilters(Schema):
    format: Choice = "gpkg"
    layers: Note | None = None


@router.post(
    "/import",
    response={200: ImportOut, 201: ImportOut, 422: Any, 429: ErrorOut},
    auth=needs(IMPORT_RECORDS),
    summary="Import one layer of an uploaded file (all or nothing, or with its bad rows held)",
)
def import_upload(
    request,
    file: File[UploadedFile],
    kind: Form[str],
    dry_run: Form[bool] = False,
    repair: Form[bool] = False,
    layer: Form[str | None] = None,
    crs: Form[str | None] = None,
    encoding: Form[str | None] = None,
    decimal: Form[str] = ".",
    on_error: Form[str] = "refuse",
    orphans: Form[str] = "refuse",
    mapping: File[UploadedFile | None] = None,
):
    """Multipart upload: `file` (GeoPackage, GeoJSON, zipped Shapefile, KML/KMZ, FlatGeobuf, CSV, XLSX),
    `kind` (hazards, activities, products, devices, places, accidents), optional `layer`, `crs`, `mapping` (YAML),
    `dry_run`, `repair`, and for CSV `encoding` (default: UTF-8, else detected) and `decimal` ("." or ",").
    `on_error`: "refuse" (default: one bad row and nothing is written) or "quarantine" (the valid rows
    are written, the others held at /api/v1/quarantine; `quarantine_causes` counts them per cause).
    `orphans` (products that overlap no hazard): "refuse" (default), "outside" (kept with no hazard,
    their ground counted as released outside every hazard) or "historical-hazard" (a closed hazard
    rebuilt from each footprint, flagged `is_reconstructed`).
    201: written; 200: dry run passed; 422: refused — the body lists every bad row
    (row, field, value, reason) or names what is wrong with the file; nothing is written.
    Rate limited per account (group "transfer", with exports)."""
    ratelimit.check(request, "transfer")
    if kind not in KINDS:
        return Status(422, {"detail": f"kind must be one of {', '.join(KINDS)}", "field": "kind", "reason": "choice"})
    require_permission(request, IMPORT_PERMISSION[kind])
    with tempfile.TemporaryDirectory(prefix="safeground-upload-") as folder:
        path = save_upload(file, Path(folder))
        rules = None
        try:
            if mapping is not None:
                (Path(folder) / "mapping").mkdir()
                rules = Mapping.load(save_upload(mapping, Path(folder) / "mapping"))
            result = import_file(
                path,
                kind,
                layer=layer or None,
                crs=crs or None,
                mapping=rules,
                dry_run=dry_run,
                repair=repair,
                user=request.user,
                source_name=file.name,
                encoding=encoding or None,
                decimal=decimal,
                on_error=on_error,
                orphans=orphans,
            )
        except ImportFailed as exc:
            return Status(422, {"detail": f"{exc}. Nothing was written.", "field": "file", "reason": "refused"})
        except ValueError as exc:  # a bad mapping file
            return Status(422, {"detail": str(exc), "field": "mapping", "reason": "refused"})
    body = result.as_dict()
    if not result.ok:
        return Status(422, body)
    return Status(200 if dry_run else 201, body)


@router.get(
    "/export",
    response={200: None, 422: ErrorOut, 429: ErrorOut},
    summary="Download every layer (GeoPackage) or a zip of one file per layer",
)
def export_download(request, filters: Query[ExportFilters]):
    """`format`: gpkg, geojson, shp, kml, csv or xlsx; `layers`: comma-separated (default all:
    hazards, remaining_areas, products, devices, activities, admin_areas, places).
    Rate limited per account (group "transfer", with imports)."""
    ratelimit.check(request, "transfer")
    layers = [name.strip() for name in filters.layers.split(",") if name.strip()] if filters.layers else None
    if filters.format not in FORMATS:
        return Status(422, {"detail": f"format must be one of {', '.join(FORMATS)}", "field": "format"})
    bad = [name for name in layers or [] if name not in LAYERS]
    if bad:
        return Status(
            422, {"detail": f"unknown layer(s) {', '.join(bad)}; choose among {', '.join(LAYERS)}", "field": "layers"}
        )
    try:
        return export_response(filters.format, layers)
    except ExportError as exc:
        return Status(422, {"detail": str(exc), "field": "format"})
