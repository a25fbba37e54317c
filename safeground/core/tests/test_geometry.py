import pytest
import shapely
from pyproj import Geod, Transformer

from safeground.core.geometry import GeometryError, area_m2, areas_m2, utm_epsg, validate_polygonal


def test_utm_zone_for_cambodia_and_both_sides_of_48e_in_azerbaijan():
    assert utm_epsg(103.0, 13.0) == 32648
    assert utm_epsg(47.9, 40.0) == 32638
    assert utm_epsg(48.1, 40.0) == 32639
    assert utm_epsg(-70.0, -33.0) == 32719


@pytest.mark.parametrize("lon, lat, epsg", [(103.05, 13.05, 32648), (47.95, 39.9, 32638), (48.05, 39.9, 32639)])
def test_area_matches_independent_projection(lon, lat, epsg):
    poly = shapely.Polygon([(lon, lat), (lon + 0.01, lat), (lon + 0.012, lat + 0.008), (lon, lat + 0.01)])
    t = Transformer.from_crs(4326, epsg, always_xy=True)
    xs, ys = t.transform(*zip(*poly.exterior.coords, strict=True))
    expected = shapely.Polygon(zip(xs, ys, strict=True)).area
    assert area_m2(poly) == pytest.approx(expected, rel=1e-4)
    # The ellipsoidal area agrees to the UTM scale distortion (< 0.1 % this close to a central meridian ± 3°).
    geodesic = abs(Geod(ellps="WGS84").geometry_area_perimeter(poly)[0])
    assert area_m2(poly) == pytest.approx(geodesic, rel=2e-3)
    assert areas_m2([poly, poly])[1] == area_m2(poly)


def test_self_intersection_names_reason_and_location():
    bowtie = shapely.Polygon([(103.0, 13.0), (103.01, 13.01), (103.01, 13.0), (103.0, 13.01), (103.0, 13.0)])
    with pytest.raises(GeometryError) as err:
        validate_polygonal(bowtie, "hazard geometry")
    assert err.value.reason == "Self-intersection"
    assert err.value.location == pytest.approx((103.005, 13.005))
    assert "Self-intersection at lon 103.005000, lat 13.005000" in str(err.value)


def test_too_few_vertices_and_swapped_coordinates():
    with pytest.raises(GeometryError, match="2 distinct vertices"):
        validate_polygonal(shapely.Polygon([(103, 13), (103.1, 13), (103, 13), (103, 13)]), "hazard")
    with pytest.raises(GeometryError, match="look swapped"):
        validate_polygonal(shapely.box(13.0, 103.0, 13.01, 103.01), "hazard")
