"""Test files written here with Pillow: JPEGs with EXIF time and GPS position, PNG, WebP, a small PDF."""

from __future__ import annotations

import io

from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def photo(
    kind: str = "JPEG",
    *,
    lonlat: tuple[float, float] | None = None,
    taken: str | None = None,
    offset: str | None = None,
    size: tuple[int, int] = (64, 48),
    colour: str = "olive",
) -> bytes:
    """An image; `taken` ("2025:03:02 10:15:00") and `lonlat` go into its EXIF as a camera writes them."""
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
        if offset:
            exif.get_ifd(0x8769)[0x9011] = offset
    if lonlat is not None:
        lon, lat = lonlat
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(lon)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind, exif=exif)
    return out.getvalue()
