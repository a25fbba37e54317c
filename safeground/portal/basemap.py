"""The optional basemap under the maps' gazetteer layers (`SAFEGROUND_BASEMAP`), and the file it serves.

The maps need no basemap: the gazetteer (boundaries, villages, towns, their names) is drawn offline.
A programme may add one, set by one environment variable:

- a **local PMTiles file** (`/srv/basemap/national.pmtiles`, raster or vector tiles): served from this
  site at `/basemap.pmtiles` with HTTP range requests, read in the browser by the `pmtiles` library
  (vendored), so it works with no internet;
- an **online XYZ raster** URL with `{z}/{x}/{y}` (e.g. a national mapping agency's tiles);
- an **online MapLibre style** URL (`….json`).

An online source's origin is added to the Content-Security-Policy (config/settings.py), and nothing
else is. The map's tools panel switches between the basemap and the gazetteer alone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core import checks
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse

from safeground.core.access import page

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def kind_of(value: str) -> str:
    """'pmtiles', 'xyz', 'style' or '' (none) for a SAFEGROUND_BASEMAP value; ValueError when it is none of them."""
    value = (value or "").strip()
    if not value:
        return ""
    scheme = urlparse(value).scheme
    if scheme in ("http", "https"):
        if "{z}" in value and "{x}" in value and "{y}" in value:
            return "xyz"
        if urlparse(value).path.endswith(".json"):
            return "style"
        raise ValueError(
            f"SAFEGROUND_BASEMAP {value!r}: an online basemap is an XYZ URL with {{z}}/{{x}}/{{y}} "
            "or a style ending in .json"
        )
    if value.endswith(".pmtiles"):
        return "pmtiles"
    raise ValueError(f"SAFEGROUND_BASEMAP {value!r}: give a .pmtiles file, an XYZ URL or a style URL")


def config() -> dict:
    """What the maps need to draw the basemap: {kind, url, name} (kind '' when there is none, or when
    the setting is wrong: the check below says so at start-up, and the maps go on without it)."""
    value = settings.SAFEGROUND_BASEMAP
    try:
        kind = kind_of(value)
    except ValueError:
        kind = ""
    if kind == "pmtiles":
        return {"kind": kind, "url": reverse("basemap-file"), "name": Path(value).stem}
    return {"kind": kind, "url": value, "name": urlparse(value).netloc if kind else ""}


@checks.register()
def check_basemap(app_configs=None, **kwargs) -> list:
    """`SAFEGROUND_BASEMAP` names a basemap SafeGround can use (`safeground serve` runs the checks)."""
    value = settings.SAFEGROUND_BASEMAP
    try:
        kind = kind_of(value)
    except ValueError as exc:
        return [checks.Error(str(exc), id="safeground.E002")]
    if kind == "pmtiles" and not os.path.isfile(value):
        return [checks.Error(f"SAFEGROUND_BASEMAP {value!r}: no such file", id="safeground.E002")]
    return []


def context(request: HttpRequest) -> dict:
    """Template context processor: `basemap` for templates/includes/map_scripts.html."""
    return {"basemap": config()}


@page()
def basemap_file(request: HttpRequest) -> HttpResponse:
    """The PMTiles file, whole or by `Range: bytes=a-b` (206), as the pmtiles reader asks for it."""
    value = settings.SAFEGROUND_BASEMAP
    if kind_of(value) != "pmtiles" or not os.path.isfile(value):
        raise Http404("no basemap file is set (SAFEGROUND_BASEMAP)")
    size = os.path.getsize(value)
    wanted = _RANGE.match(request.headers.get("Range", "").strip())
    if not wanted:
        response = FileResponse(open(value, "rb"), content_type="application/octet-stream")  # noqa: SIM115 - FileResponse closes it
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = wanted.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last or 0)), size - 1
    else:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    if start >= size or start > end:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    with open(value, "rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type="application/octet-stream")
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
