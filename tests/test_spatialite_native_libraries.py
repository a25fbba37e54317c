"""A process that opens SpatiaLite first and then writes a GeoPackage lives, and keeps the wheels' own libraries.

Loading `mod_spatialite` puts the OS's SpatiaLite, SQLite, PROJ and GEOS in the process's global
symbol scope; pyogrio (GDAL), pyproj and shapely loaded after it bound part of their calls to those
copies, and the GeoPackage writer died with SIGSEGV on closing the file (decision 0025). The
reproduction runs in a fresh interpreter, so a return of the bug fails this test instead of killing
pytest: the first thing it does after `django.setup()` is a SpatiaLite query, then it exports a
GeoPackage through the exporter and the quality findings writer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pyogrio
import pyproj
from django.conf import settings

CHILD = textwrap.dedent(
    """
    import sys

    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:  # the first connection: mod_spatialite is loaded here
        cursor.execute("SELECT spatialite_version()")
        print("spatialite", cursor.fetchone()[0])

    import numpy as np
    import pyproj
    import shapely

    import dataclasses

    from safeground.interop import exporter
    from safeground.interop.layer_registry import registry
    from safeground.quality import gpkg
    from safeground.quality.findings import Finding

    place = {"code": "KH-P-1", "name": "Phnom Sampov", "kind": "village", "country": "KHM", "admin_area_code": None}
    point = shapely.to_wkb(shapely.Point(103.1, 13.0))
    # No tables in a fresh file: the places layer reads this one place.
    layers = registry()
    one_place = lambda names: ([place], np.array([point], dtype=object))  # noqa: E731
    layers["places"] = dataclasses.replace(layers["places"], export=one_place)
    print("exported", exporter.export("gpkg", sys.argv[1], ["places"]))
    finding = Finding("invalid-geometry", "must_fix", "hazard", "KH-HAZ-1", "crossing", "fix", lon=103.1, lat=13.0)
    print("findings", gpkg.write([finding], sys.argv[2]))
    print("proj", pyproj.proj_version_str)
    """
)


def test_geopackage_written_after_the_first_spatialite_connection(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SAFEGROUND_DATABASE_URL": f"spatialite:///{(tmp_path / 'fresh.sqlite').as_posix()}",
        "PYTHONFAULTHANDLER": "1",  # a native stack in the output if it crashes again
    }
    export, findings = tmp_path / "export.gpkg", tmp_path / "findings.gpkg"
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(export), str(findings)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, f"exit status {run.returncode}:\n{run.stdout}\n{run.stderr[-4000:]}"
    assert "exported {'places': 1}" in run.stdout
    # pyproj still runs its own PROJ (not the OS's one that SpatiaLite brought in).
    assert f"proj {pyproj.proj_version_str}\n" in run.stdout
    info = pyogrio.read_info(export, layer="places")
    assert (info["features"], info["geometry_type"], info["crs"]) == (1, "Point", "EPSG:4326")
    assert pyogrio.read_info(findings, layer="findings")["features"] == 1
    if shutil.which("ogrinfo"):
        listing = subprocess.run(["ogrinfo", "-ro", "-so", str(export), "places"], capture_output=True, text=True)
        assert listing.returncode == 0 and "Feature Count: 1\n" in listing.stdout, listing.stderr
