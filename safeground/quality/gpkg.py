"""Findings as a GeoPackage point layer, so GIS staff can walk through them in QGIS.

Written with pyogrio (GDAL): one layer `findings`, EPSG:4326, one point per finding at its location
(no geometry where a finding has none, e.g. a duplicate code found in SQL).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from pyogrio import raw
from pyproj import CRS

from safeground.quality.findings import CHECKS, Finding

LAYER = "findings"
TEXT_FIELDS = ("check", "severity", "record_type", "code", "hazard_code", "country", "message", "fix", "related")


def write(findings: list[Finding], path: str) -> int:
    """Write the findings to a new GeoPackage at `path` (replacing it); returns the number written."""
    geometry = np.array(
        [
            shapely.to_wkb(shapely.Point(f.lon, f.lat)) if f.lon is not None and f.lat is not None else None
            for f in findings
        ],
        dtype=object,
    )
    columns = {
        "check": [f.check for f in findings],
        "title": [str(CHECKS[f.check].title) for f in findings],
        "severity": [f.severity for f in findings],
        "record_type": [f.record_type for f in findings],
        "code": [f.code for f in findings],
        "hazard_code": [f.hazard_code or "" for f in findings],
        "country": [f.country or "" for f in findings],
        "message": [f.message for f in findings],
        "fix": [f.fix for f in findings],
        "related": [", ".join(f.related) for f in findings],
    }
    field_data = [np.array(values, dtype=object) for values in columns.values()]
    # pyogrio would add the layer to an existing GeoPackage (keeping its other layers and version): start afresh.
    Path(path).unlink(missing_ok=True)
    lon = np.array([np.nan if f.lon is None else f.lon for f in findings], dtype=float)
    lat = np.array([np.nan if f.lat is None else f.lat for f in findings], dtype=float)
    raw.write(
        path,
        geometry,
        [*field_data, lon, lat],
        [*columns, "lon", "lat"],
        layer=LAYER,
        driver="GPKG",
        geometry_type="Point",
        crs=CRS.from_epsg(4326).to_wkt(),
        # GeoPackage 1.3: the newest version GDAL 3.6 (Debian 12's ogrinfo, older QGIS) reads without a warning.
        dataset_options={"VERSION": "1.3"},
        layer_options={"IDENTIFIER": "SafeGround data quality findings"},
    )
    return len(findings)
