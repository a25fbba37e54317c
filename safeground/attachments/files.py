"""What a file is and what it says about itself: the type sniffed from its first bytes (never from its
name), a thumbnail, and the EXIF time and GPS position of a photo. Pillow only; no file is trusted."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

#: media type → the extension the stored file gets (the name's own extension is not trusted).
KINDS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
IMAGES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
THUMBNAIL_PX = 320
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is generous; larger is a decompression bomb

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


def sniff(content: bytes) -> str | None:
    """The media type from the file's magic bytes, or None for a kind that is not kept."""
    if content[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[:5] == b"%PDF-":
        return "application/pdf"
    return None


class Unreadable(ValueError):
    """An image whose bytes Pillow cannot decode (truncated, corrupt, too many pixels)."""


@dataclass
class PhotoFacts:
    thumbnail: bytes | None = None
    taken_at: dt.datetime | None = None
    lonlat: tuple[float, float] | None = None


def read_photo(content: bytes) -> PhotoFacts:
    """Decode an image fully (so a broken one is refused), make its JPEG thumbnail and read its EXIF."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Unreadable(f"{image.width}×{image.height} pixels is more than {MAX_PIXELS:,} pixels")
            exif = image.getexif()
            image.load()
            thumb = ImageOps.exif_transpose(image)  # upright, as the camera meant it
            thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            thumb.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Unreadable(str(exc) or type(exc).__name__) from exc
    return PhotoFacts(out.getvalue(), _taken_at(exif), _lonlat(exif))


def _taken_at(exif) -> dt.datetime | None:
    """DateTimeOriginal with its OffsetTimeOriginal; a camera that gives no offset is read as UTC."""
    ifd = exif.get_ifd(EXIF_IFD)
    raw = ifd.get(DATETIME_ORIGINAL) or exif.get(0x0132)  # DateTime of IFD0 when the original is missing
    if not isinstance(raw, str):
        return None
    try:
        naive = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = ifd.get(OFFSET_TIME_ORIGINAL)
    match = re.fullmatch(r"([+-])(\d\d):(\d\d)", (offset or "").strip("\x00 "))
    zone = dt.UTC
    if match:
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        zone = dt.timezone(delta if match.group(1) == "+" else -delta)
    return naive.replace(tzinfo=zone).astimezone(dt.UTC)


def _degrees(value) -> float:
    d, m, s = (float(v) for v in value)
    return d + m / 60 + s / 3600


def _lonlat(exif) -> tuple[float, float] | None:
    gps = exif.get_ifd(GPS_IFD)
    try:
        lat, lon = _degrees(gps[GPS_LAT]), _degrees(gps[GPS_LON])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if str(gps.get(GPS_LAT_REF, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(GPS_LON_REF, "E")).upper().startswith("W"):
        lon = -lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lon, lat


def without_gps(content: bytes, media_type: str) -> bytes:
    """The photo with its EXIF GPS block removed (for packages whose policy generalises locations).

    The image is re-encoded (Pillow cannot rewrite EXIF in place); other files come back unchanged."""
    if media_type not in IMAGES:
        return content
    with Image.open(io.BytesIO(content)) as image:
        exif = image.getexif()
        if GPS_IFD not in exif:
            return content
        del exif[GPS_IFD]
        out = io.BytesIO()
        options = {"quality": 95} if media_type == "image/jpeg" else {}
        image.save(out, IMAGES[media_type], exif=exif, **options)
    return out.getvalue()


def safe_name(name: str) -> str:
    """The file's base name reduced to harmless characters (the extension kept)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem, dot, ext = base.rpartition(".")
    stem = re.sub(r"[^\w.-]+", "_", stem if dot else base)[:80].strip("._") or "file"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:10] if dot else ""
    return f"{stem}.{ext.lower()}" if ext else stem
