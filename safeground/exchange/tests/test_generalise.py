"""Generalisation: grid cells in the programme's metric CRS (centre or square), admin areas."""

import numpy as np
import pyproj
import pytest
import shapely

from safeground.exchange.generalise import admin, grid, metric_epsg

EPSG = 32727  # Testland's UTM zone (27 S)


def test_grid_centres_are_cell_centres_and_never_a_vertex():
    geoms = np.array([shapely.box(-19.76, -29.61, -19.74, -29.59), shapely.Point(-19.25, -29.6)], dtype=object)
    out, ids = grid(geoms, EPSG, 10)
    to = pyproj.Transformer.from_crs(4326, EPSG, always_xy=True)
    for point in out:
        x, y = to.transform(point.x, point.y)
        assert abs((x / 10000 - 0.5) - round(x / 10000 - 0.5)) < 1e-6
        assert abs((y / 10000 - 0.5) - round(y / 10000 - 0.5)) < 1e-6
    vertices = {tuple(c) for c in shapely.get_coordinates(geoms)}
    assert not vertices & {tuple(c) for c in shapely.get_coordinates(out)}
    assert all(i.startswith(f"{EPSG}:E") for i in ids)


def test_grid_squares_hold_the_feature():
    geoms = np.array([shapely.Point(-19.25, -29.6)], dtype=object)
    out, _ids = grid(geoms, EPSG, 5, "square")
    assert out[0].geom_type == "Polygon" and out[0].buffer(1e-9).contains(geoms[0])
    assert 24e6 < shapely.area(pyproj_area(out[0])) < 26e6


def pyproj_area(geom):
    to = pyproj.Transformer.from_crs(4326, EPSG, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(to.transform(xy[:, 0], xy[:, 1])))


@pytest.mark.django_db
def test_admin_generalisation_and_metric_crs(land):
    geoms = np.array([shapely.from_wkb(bytes(h.geom.wkb)) for h in land["hazards"]], dtype=object)
    out, codes = admin(geoms, "XTL", 1)
    assert codes == ["XT01", "XT02", "XT02"]
    assert out[1].equals(out[2])  # one point per area
    assert metric_epsg("XTL") == EPSG
