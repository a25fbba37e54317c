"""The one country rule: prefixes and names from the gazetteer, a geometry's country and admin areas, set-based."""

import pytest
import shapely

from safeground.core.tests.fixtures import BATTAMBANG, FUZULI
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import (
    clear_caches,
    code_stems,
    countries_at,
    country_name,
    country_prefix,
    locate_all,
    place_polygons,
    settle_countries,
)
from safeground.gazetteer.tests.testland import ISO3, build_testland

pytestmark = pytest.mark.django_db


def box(lon: float, lat: float, half: float = 0.01) -> shapely.Polygon:
    return shapely.box(lon - half, lat - half, lon + half, lat + half)


def test_prefixes_and_names_come_from_the_gazetteer():
    assert (country_prefix("KHM"), country_prefix("AZE")) == ("KH", "AZ")
    assert (country_name("KHM"), country_name("AZE")) == ("Cambodia", "Azerbaijan")
    assert country_prefix(ISO3) == ISO3, "not in the gazetteer yet: its ISO3 code"
    build_testland()
    assert (country_prefix(ISO3), country_name(ISO3)) == ("XT", "Testland")


def test_a_country_whose_provinces_share_no_letters_uses_its_iso3():
    build_testland()
    AdminArea.objects.filter(country=ISO3, code="XT02").update(code="02")
    clear_caches()
    assert country_prefix(ISO3) == ISO3


def test_settle_countries_decides_and_refuses_set_based():
    build_testland()
    geoms = [
        box(-19.7, -29.6),  # Testland, province XT01
        box(*BATTAMBANG),  # Cambodia
        box(*FUZULI),  # said to be Cambodian: refused
        box(0.0, 0.0),  # in no country
        None,  # no geometry: keeps the given country
        box(-19.02, -29.6, half=0.05),  # Testland, but 3 km beyond its east border
    ]
    given = [None, None, "KHM", None, "KHM", None]
    assert countries_at(geoms).tolist() == [ISO3, "KHM", "AZE", None, None, ISO3]
    settled, errors = settle_countries(geoms, given, "hazard geometry")
    assert settled == [ISO3, "KHM", None, None, "KHM", None]
    assert [(e.row, e.field, e.kind) for e in errors] == [
        (3, "geometry", "wrong country"),
        (4, "geometry", "outside country"),
        (6, "geometry", "outside country"),
    ]
    assert "lies in Azerbaijan (AZE), not in Cambodia (KHM)" in errors[0].reason
    assert "outside Testland (XTL)" in errors[2].reason


def test_admin_areas_by_largest_share_and_code_stems():
    areas = build_testland()
    straddling = shapely.box(-19.55, -29.8, -19.35, -29.7)  # a quarter in XT01, three quarters in XT02
    north = box(-19.5, -29.1)  # inside Testland, above every province
    geoms = [straddling, north, box(*BATTAMBANG)]
    multis, settled, errors = place_polygons(geoms, [None, None, None], "hazard geometry")
    assert errors == [] and settled == [ISO3, ISO3, "KHM"]
    where = locate_all(multis, settled)
    assert where[0].province_id == areas["XT02"].id and where[0].district_id == areas["XT0201"].id
    assert where[1].province_id is None
    stems = code_stems(where, settled)
    assert stems[:2] == ["XT02", "XT"]
    assert stems[2] == AdminArea.objects.get(id=where[2].province_id).code and stems[2].startswith("KH")


@pytest.mark.parametrize(
    ("point", "mistake"),
    [
        ((19.5, -29.5), "the sign of the longitude looks flipped"),
        ((-19.5, 29.5), "the sign of the latitude looks flipped"),
        ((19.5, 29.5), "the signs of longitude and latitude look flipped"),
        ((-29.5, -19.5), "latitude and longitude look swapped"),
    ],
)
def test_a_position_outside_every_country_is_named_with_the_mistake_that_explains_it(point, mistake):
    build_testland()
    countries, problems = settle_countries([shapely.Point(*point), box(-19.5, -29.5)], [None, None], "hazard")
    assert countries == [None, ISO3]  # the good row is kept
    [problem] = problems
    lon, lat = point
    assert (problem.row, problem.field, problem.kind, problem.location) == (1, "geometry", "outside country", point)
    assert problem.reason == (
        f"hazard lies outside every country in the gazetteer, at lon {lon:.6f}, lat {lat:.6f}; check the coordinates "
        f"and the CRS ({mistake}: corrected, it lies in Testland (XTL) at lon -19.500000, lat -29.500000)"
    )


def test_no_hint_when_no_mistake_explains_the_position():
    build_testland()
    _countries, [problem] = settle_countries([shapely.Point(60.5, -70.5)], [None], "hazard")
    assert problem.reason.endswith("at lon 60.500000, lat -70.500000; check the coordinates and the CRS")
