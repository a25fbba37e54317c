"""The optional basemap (SAFEGROUND_BASEMAP): what the setting may name, the start-up check, and the
local PMTiles file served by range requests, as the pmtiles reader in the browser asks for it."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from django.urls import reverse

from safeground.portal import basemap

pytestmark = pytest.mark.django_db


def solid_png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A one-colour PNG, written by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def write_pmtiles(path: Path, rgb=(120, 170, 210)) -> Path:
    """A raster PMTiles file: one z0 tile of the whole world in one colour."""
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    with path.open("wb") as f:
        writer = Writer(f)
        writer.write_tile(zxy_to_tileid(0, 0, 0), solid_png(rgb))
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_lon_e7": -1800000000,
                "min_lat_e7": -850000000,
                "max_lon_e7": 1800000000,
                "max_lat_e7": 850000000,
                "center_zoom": 0,
                "center_lon_e7": 0,
                "center_lat_e7": 0,
            },
            {"name": "test basemap"},
        )
    return path


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", ""),
        ("/srv/maps/testland.pmtiles", "pmtiles"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "xyz"),
        ("https://maps.example.org/styles/plain.json", "style"),
    ],
)
def test_the_setting_names_a_file_an_xyz_url_or_a_style(value, kind):
    assert basemap.kind_of(value) == kind


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://tiles.example.org/wms", "an XYZ URL with {z}/{x}/{y}"),
        ("/srv/maps/testland.mbtiles", "give a .pmtiles file"),
        ("/nowhere/testland.pmtiles", "no such file"),
    ],
)
def test_a_setting_it_cannot_use_is_a_startup_error_and_the_maps_go_on_without(settings, value, message):
    settings.SAFEGROUND_BASEMAP = value
    errors = basemap.check_basemap()
    assert [e.id for e in errors] == ["safeground.E002"] and message in errors[0].msg
    if "no such file" not in message:
        assert basemap.config()["kind"] == ""  # pages never fail on it


def test_the_file_is_served_whole_and_by_ranges_to_signed_in_users(settings, tmp_path, client, client_for):
    url = reverse("basemap-file")
    viewer = client_for("viewer")
    assert viewer.get(url).status_code == 404  # no basemap set
    settings.SAFEGROUND_BASEMAP = str(write_pmtiles(tmp_path / "testland.pmtiles"))
    data = Path(settings.SAFEGROUND_BASEMAP).read_bytes()
    assert basemap.check_basemap() == []
    assert basemap.config() == {"kind": "pmtiles", "url": url, "name": "testland"}

    head = viewer.get(url, HTTP_RANGE="bytes=0-126")  # the PMTiles header
    assert head.status_code == 206 and head.content == data[:127] and head.content[:7] == b"PMTiles"
    assert head["Content-Range"] == f"bytes 0-126/{len(data)}"
    tail = viewer.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and tail.content == data[-10:]
    assert viewer.get(url, HTTP_RANGE=f"bytes={len(data)}-").status_code == 416
    whole = viewer.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data
    assert client.get(url).status_code == 302  # anonymous: sign in first


def test_an_online_basemap_is_allowed_by_the_csp_and_nothing_else_is(settings):
    """The CSP is built from the environment at start-up: check the rule that builds it."""
    import subprocess
    import sys

    probe = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); "
        "from django.conf import settings as s; print(s.SAFEGROUND_CSP['img-src'], s.SAFEGROUND_CSP['script-src'])"
    )
    env = {**__import__("os").environ, "SAFEGROUND_BASEMAP": "https://tiles.example.org/{z}/{x}/{y}.png"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert "https://tiles.example.org" in out.split("]")[0] and "tiles.example.org" not in out.split("]")[1]
