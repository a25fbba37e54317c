"""Shared by the API and the page: an uploaded file into a private temporary folder, an export to a response."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from django.http import FileResponse

from safeground.interop.exporter import FORMATS, MEDIA_TYPES, export


def safe_name(name: str) -> str:
    """The uploaded file's base name, reduced to harmless characters (the extension is kept)."""
    base = os.path.basename((name or "upload").replace("\\", "/"))
    stem, dot, ext = base.rpartition(".")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem if dot else base)[:80].strip("._") or "upload"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:10] if dot else ""
    return f"{stem}.{ext.lower()}" if ext else stem


def save_upload(upload, folder: Path) -> Path:
    path = folder / safe_name(upload.name)
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def export_response(fmt: str, layers: list[str] | None) -> FileResponse:
    """Export to a temporary file and stream it; the file is unlinked once open (nothing left behind)."""
    folder = Path(tempfile.mkdtemp(prefix="safeground-export-"))
    if fmt == "gpkg":
        out, media = folder / "safeground.gpkg", MEDIA_TYPES["gpkg"]
    else:
        out, media = folder / f"safeground-{fmt}.zip", MEDIA_TYPES["zip"]
    assert fmt in FORMATS
    export(fmt, out, layers)
    handle = open(out, "rb")  # noqa: SIM115 - FileResponse closes it
    out.unlink()
    folder.rmdir()
    return FileResponse(handle, as_attachment=True, filename=out.name, content_type=media)
