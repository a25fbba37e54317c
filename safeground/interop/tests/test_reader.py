"""Decoding a layer's WKB column: the NumPy path for plain 2D points gives what GEOS gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
import shapely

from safeground.interop.reader import decode_wkb


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if len(a) != len(b):
        return False
    pairs = zip(a, b, strict=True)
    return all((x is None) == (y is None) and (x is None or x.equals_exact(y, 0)) for x, y in pairs)


def test_plain_points_are_decoded_from_their_bytes_exactly():
    xy = np.array([[103.123456789012345, 13.98765432109876], [-0.0, 90.0], [179.99999999999997, -89.5]])
    wkb = pa.array(shapely.to_wkb(shapely.points(xy)).tolist(), type=pa.binary())
    geoms = decode_wkb(wkb)
    assert np.array_equal(shapely.get_coordinates(geoms), xy)  # bit for bit
    assert _same(geoms, shapely.from_wkb(wkb.to_numpy(zero_copy_only=False)))
    assert _same(decode_wkb(wkb.slice(1)), geoms[1:])  # an array that starts inside its buffers


@pytest.mark.parametrize(
    "values",
    [
        [shapely.Point(1, 2), None],  # a NULL geometry
        [shapely.Point(1, 2), shapely.Point()],  # an empty point (NaN coordinates)
        [shapely.Point(1, 2, 3)],  # 3D
        [shapely.Point(1, 2), shapely.box(0, 0, 1, 1)],  # mixed types
    ],
)
def test_anything_else_goes_through_geos(values):
    wkb = pa.array([None if g is None else shapely.to_wkb(g) for g in values], type=pa.binary())
    expected = np.array([None if g is None else shapely.from_wkb(shapely.to_wkb(g)) for g in values], dtype=object)
    assert _same(decode_wkb(wkb), expected)


def test_big_endian_points_and_unreadable_wkb():
    big = shapely.to_wkb(shapely.Point(5, 6), byte_order=0)
    geoms = decode_wkb(pa.array([big, b"\x01\x01\x00\x00\x00garbage!garbage"], type=pa.binary()))
    assert geoms[0].equals_exact(shapely.Point(5, 6), 0)
    assert geoms[1] is None
