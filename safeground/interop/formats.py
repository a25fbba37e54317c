"""Opening an input file safely, before GDAL sees it: what it really is, zip members, XML entities.

Everything here runs before any parser of the file's content, so a hostile file fails with a clear
message and nothing is written:

- the content must be what the extension says (a text file named `.gpkg` is refused);
- zips (zipped Shapefiles, KMZ, XLSX) are checked from their central directory before anything is
  extracted: truncated or corrupt archives, members that climb out of the folder (`../`, absolute
  paths, links), too many members, too much uncompressed data or a suspicious compression ratio
  (zip bombs); extraction is streamed with the same caps, in case the headers lie;
- XML (KML, KMZ, XLSX parts) must not declare a DOCTYPE or entities (XXE, "billion laughs").
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

#: Uncompressed bytes a zip may hold in total (GeoPackages of a million devices are ~200 MB).
MAX_UNCOMPRESSED = int(os.environ.get("SAFEGROUND_IMPORT_MAX_UNCOMPRESSED", str(4 * 1024**3)))
#: Members larger than RATIO_FLOOR must not be compressed more than MAX_RATIO times (zeros are ~1000x).
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
CHUNK = 1024 * 1024

#: Extensions we read, the format they claim, and whether they are zips.
FORMATS = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".zip": "zip",
    ".shp": "Shapefile",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".fgb": "FlatGeobuf",
    ".csv": "CSV",
    ".xlsx": "XLSX",
}
DATA_EXTENSIONS = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".fgb", ".csv", ".xlsx")

_XML_DANGER = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeFile(ValueError):
    """The file is refused before parsing: wrong content, corrupt or hostile archive, XML entities."""


@dataclass
class Opened:
    """A file ready for GDAL: `path` is what to open (the input, or the data file extracted from a zip)."""

    path: Path
    format: str
    source: Path
    workdir: Path | None = None
    notes: list[str] = field(default_factory=list)


def sniff(path: Path, claimed: str) -> None:
    """Refuse a file whose first bytes don't match what its extension claims."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if not head:
        raise UnsafeFile(_("%(name)s is empty") % {"name": path.name})
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    ok = {
        "GeoPackage": head.startswith(b"SQLite format 3\x00"),
        "zip": head.startswith(b"PK\x03\x04"),
        "KMZ": head.startswith(b"PK\x03\x04"),
        "XLSX": head.startswith(b"PK\x03\x04"),
        "FlatGeobuf": head[:3] == b"fgb" and len(head) > 8,
        "GeoJSON": text.startswith(b"{"),
        "KML": text.startswith(b"<"),
        "Shapefile": head[:4] == b"\x00\x00\x27\x0a",
        "CSV": b"\x00" not in head and not head.startswith((b"SQLite format 3", b"PK\x03\x04")),
    }[claimed]
    if not ok:
        raise UnsafeFile(
            _("%(name)s is not a %(format)s file: its content does not match its extension")
            % {
                "name": path.name,
                "format": claimed,
            }
        )


def check_xml(data: bytes, name: str) -> None:
    """Refuse XML that declares a DOCTYPE or entities (external entities read local files: XXE)."""
    if _XML_DANGER.search(data):
        raise UnsafeFile(
            _("%(name)s declares a DOCTYPE or entities; refused (external entities can read local files)")
            % {"name": name}
        )


def check_xml_file(path: Path, name: str) -> None:
    """`check_xml` over a whole file, streamed (an entity may hide after the first megabyte)."""
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            check_xml(tail + chunk, name)
            tail = chunk[-64:]


def _members(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The archive's members, refused if any is unsafe or the whole would unpack too large."""
    infos = archive.infolist()
    if not infos:
        raise UnsafeFile(_("%(name)s is an empty zip") % {"name": name})
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFile(
            _("%(name)s holds %(n)d files; at most %(max)d are accepted")
            % {"name": name, "n": len(infos), "max": MAX_MEMBERS}
        )
    total = 0
    for info in infos:
        member = info.filename
        parts = PurePosixPath(member.replace("\\", "/")).parts
        if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member) or ".." in parts:
            raise UnsafeFile(
                _("%(name)s: member %(member)s points outside the archive (path traversal); refused")
                % {"name": name, "member": member}
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UnsafeFile(_("%(name)s: member %(member)s is a link; refused") % {"name": name, "member": member})
        if info.flag_bits & 0x1:
            raise UnsafeFile(_("%(name)s: member %(member)s is encrypted") % {"name": name, "member": member})
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile(
                _(
                    "%(name)s: member %(member)s would expand %(ratio)d times (%(size)s bytes); "
                    "refused as a likely zip bomb"
                )
                % {
                    "name": name,
                    "member": member,
                    "ratio": info.file_size // max(info.compress_size, 1),
                    "size": f"{info.file_size:,}",
                }
            )
    if total > MAX_UNCOMPRESSED:
        raise UnsafeFile(
            _("%(name)s would unpack to %(size)s bytes, more than the %(max)s accepted; refused")
            % {"name": name, "size": f"{total:,}", "max": f"{MAX_UNCOMPRESSED:,}"}
        )
    return infos


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnsafeFile(
            _("%(name)s is not a readable zip (truncated or corrupt: %(error)s)") % {"name": path.name, "error": exc}
        ) from exc
    return archive


def extract(path: Path, workdir: Path) -> list[Path]:
    """Extract a checked zip into `workdir`, streamed with size caps and CRC checks; returns the files."""
    out = []
    with open_zip(path) as archive:
        infos = _members(archive, path.name)
        written = 0
        for info in infos:
            if info.is_dir():
                continue
            target = (workdir / info.filename.replace("\\", "/")).resolve()
            if workdir.resolve() not in target.parents:
                raise UnsafeFile(
                    _("%(name)s: member %(member)s points outside the archive (path traversal); refused")
                    % {"name": path.name, "member": info.filename}
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            try:
                with archive.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        size += len(chunk)
                        written += len(chunk)
                        if size > info.file_size or written > MAX_UNCOMPRESSED:
                            raise UnsafeFile(
                                _("%(name)s: member %(member)s unpacks larger than its header says; refused")
                                % {"name": path.name, "member": info.filename}
                            )
                        dst.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                if isinstance(exc, UnsafeFile):
                    raise
                raise UnsafeFile(
                    _("%(name)s is truncated or corrupt (member %(member)s: %(error)s)")
                    % {"name": path.name, "member": info.filename, "error": exc}
                ) from exc
            out.append(target)
    return out


def check_zip_xml(path: Path, kind: str) -> None:
    """XLSX and KMZ: check the archive and every XML part inside it, without extracting to disk."""
    with open_zip(path) as archive:
        for info in _members(archive, path.name):
            if info.filename.lower().endswith((".xml", ".kml", ".rels")):
                try:
                    tail = b""
                    with archive.open(info) as fh:
                        while chunk := fh.read(CHUNK):
                            check_xml(tail + chunk, f"{path.name}:{info.filename}")
                            tail = chunk[-64:]
                except (zipfile.BadZipFile, EOFError) as exc:
                    raise UnsafeFile(
                        _("%(name)s is truncated or corrupt (%(error)s)") % {"name": path.name, "error": exc}
                    ) from exc


def prepare(path: Path, workdir: Path) -> Opened:
    """Check the input and return what GDAL should open. `workdir` is an empty folder for zips."""
    path = Path(path)
    if not path.is_file():
        raise UnsafeFile(_("%(name)s: no such file") % {"name": str(path)})
    ext = path.suffix.lower()
    claimed = FORMATS.get(ext)
    if claimed is None:
        raise UnsafeFile(
            _("%(name)s: unsupported file type %(ext)s; use one of %(choices)s")
            % {"name": path.name, "ext": ext or "(none)", "choices": ", ".join(sorted(FORMATS))}
        )
    sniff(path, claimed)
    if claimed == "KML":
        check_xml_file(path, path.name)
    if claimed == "XLSX":
        check_zip_xml(path, claimed)
        return Opened(path, claimed, path)
    if claimed not in ("zip", "KMZ"):
        return Opened(path, claimed, path)
    if claimed == "KMZ":
        check_zip_xml(path, claimed)
    files = extract(path, workdir)
    data = [f for f in files if f.suffix.lower() in DATA_EXTENSIONS and not f.name.startswith("._")]
    if claimed == "KMZ":
        data = [f for f in data if f.suffix.lower() == ".kml"]
    if not data:
        raise UnsafeFile(
            _("%(name)s holds no file SafeGround reads (%(choices)s)")
            % {"name": path.name, "choices": ", ".join(DATA_EXTENSIONS)}
        )
    shp = [f for f in data if f.suffix.lower() == ".shp"]
    chosen = shp if shp else data
    if len(chosen) > 1:
        raise UnsafeFile(
            _("%(name)s holds several data files (%(files)s); put one per zip")
            % {"name": path.name, "files": ", ".join(f.name for f in chosen)}
        )
    inner = chosen[0]
    inner_format = FORMATS[inner.suffix.lower()]
    sniff(inner, inner_format)
    if inner_format == "KML":
        check_xml_file(inner, f"{path.name}:{inner.name}")
    if inner_format == "XLSX":
        check_zip_xml(inner, inner_format)
    if inner_format == "Shapefile":
        for sidecar in (".shx", ".dbf"):
            if not inner.with_suffix(sidecar).exists() and not inner.with_suffix(sidecar.upper()).exists():
                raise UnsafeFile(
                    _("%(name)s: the Shapefile %(shp)s has no %(sidecar)s file")
                    % {"name": path.name, "shp": inner.name, "sidecar": sidecar}
                )
    return Opened(inner, inner_format, path, workdir)
