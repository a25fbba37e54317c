"""A third country that tests build themselves: nothing about it comes from code outside the gazetteer rows.

Testland (ISO3 "XTL") is a 1° square in the South Atlantic, far from every real outline: two provinces,
XT01 (west half) and XT02 (east half), and one district in XT02. A strip along the north edge is in
the country but in no province, so records there fall back to the country's code prefix.
"""

import shapely
from django.contrib.gis.geos import GEOSGeometry

from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import clear_caches

ISO3 = "XTL"
WEST, SOUTH, EAST, NORTH = -20.0, -30.0, -19.0, -29.0
#: Below this latitude the provinces hold the country; above it no province does.
PROVINCE_TOP = -29.2


def _geos(geom) -> GEOSGeometry:
    multi = geom if geom.geom_type == "MultiPolygon" else shapely.MultiPolygon([geom])
    return GEOSGeometry(memoryview(shapely.to_wkb(multi)), srid=4326)


def build_testland() -> dict[str, AdminArea]:
    """Create Testland's admin areas (inside the test's transaction) and clear the gazetteer caches."""
    country = AdminArea.objects.create(
        country=ISO3, level=0, code=ISO3, name="Testland", geom=_geos(shapely.box(WEST, SOUTH, EAST, NORTH))
    )
    mid = (WEST + EAST) / 2
    west = AdminArea.objects.create(
        country=ISO3,
        level=1,
        code="XT01",
        name="West",
        parent=country,
        geom=_geos(shapely.box(WEST, SOUTH, mid, PROVINCE_TOP)),
    )
    east = AdminArea.objects.create(
        country=ISO3,
        level=1,
        code="XT02",
        name="East",
        parent=country,
        geom=_geos(shapely.box(mid, SOUTH, EAST, PROVINCE_TOP)),
    )
    district = AdminArea.objects.create(
        country=ISO3,
        level=2,
        code="XT0201",
        name="East district",
        parent=east,
        geom=_geos(shapely.box(mid, SOUTH, EAST, PROVINCE_TOP)),
    )
    clear_caches()
    return {"country": country, "XT01": west, "XT02": east, "XT0201": district}
