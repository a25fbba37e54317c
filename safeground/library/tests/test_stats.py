"""Must show: the finds statistics equal an independent count over the device records.

The independent count reads every device row of the model and places its point with Shapely against
the province outlines (as WKB), then counts in Python; the statistics come from the database's own
aggregates and spatial join (PostGIS or SpatiaLite). Run on both databases."""

from __future__ import annotations

from collections import defaultdict

import pytest
import shapely
from django.contrib.gis.db.models.functions import AsWKB

from safeground.gazetteer.models import AdminArea
from safeground.landrelease.models import Device
from safeground.library import stats
from safeground.library.tests import fixtures

pytestmark = pytest.mark.django_db


def _band(depth):
    if depth is None:
        return "unknown"
    return "0-10" if depth < 10 else "10-20" if depth < 20 else "20-30" if depth < 30 else "30+"


def _independent(model) -> dict:
    provinces = [
        (f"{country}:{code}", shapely.from_wkb(bytes(wkb)))
        for country, code, wkb in AdminArea.objects.filter(level=1)
        .order_by("country", "code")
        .annotate(wkb=AsWKB("geom"))
        .values_list("country", "code", "wkb")
    ]
    out: dict = {k: defaultdict(lambda: [0, 0]) for k in ("province", "year", "activity", "depth")}
    total = [0, 0]
    rows = Device.objects.filter(model=model).select_related("activity", "product__activity")
    for device in rows:
        point = shapely.Point(device.point.x, device.point.y)
        province = next((key for key, outline in provinces if outline.intersects(point)), "outside")
        activity = device.activity or device.product.activity  # type: ignore[union-attr]
        keys = {
            "province": province,
            "year": str(device.found_on.year),
            "activity": activity.activity_type,
            "depth": _band(device.depth_cm),
        }
        for name, key in keys.items():
            out[name][key][0] += device.count
            out[name][key][1] += 1
        total[0] += device.count
        total[1] += 1
    return {"total": tuple(total), **{k: {key: tuple(v) for key, v in d.items()} for k, d in out.items()}}


def _as_dict(rows):
    return {r["key"]: (r["finds"], r["records"]) for r in rows}


def test_finds_statistics_equal_an_independent_count():
    world = fixtures.build()
    for model in (world["mine"], world["bomblet"]):
        expected = _independent(model)
        got = stats.summary(model)
        assert (got["total"]["finds"], got["total"]["records"]) == expected["total"]
        assert _as_dict(got["by_province"]) == expected["province"]
        assert _as_dict(got["by_year"]) == expected["year"]
        assert _as_dict(got["by_activity_type"]) == expected["activity"]
        assert _as_dict(got["by_depth"]) == expected["depth"]
    # The data is rich enough to prove something: counts > 1, several provinces, years, kinds, depths, outside.
    mine = stats.summary(world["mine"])
    assert mine["total"] == {"finds": 14, "records": 7}  # the sum of counts, not the rows
    assert _as_dict(mine["by_province"]) == {
        "XTL:XT01": (7, 3),
        "XTL:XT02": (5, 2),
        "outside": (2, 2),  # one in the country's strip outside every province, one at sea
    }
    assert _as_dict(mine["by_depth"]) == {
        "0-10": (1, 1),
        "10-20": (6, 2),
        "20-30": (3, 1),
        "30+": (3, 2),
        "unknown": (1, 1),
    }
    assert _as_dict(mine["by_activity_type"]) == {"clearance": (6, 4), "eod": (3, 2), "bac": (5, 1)}
    assert _as_dict(mine["by_year"]) == {"2020": (2, 2), "2021": (4, 2), "2022": (3, 2), "2023": (5, 1)}
    assert mine["by_province"][-1]["key"] == "outside"


def test_the_library_wide_table_sums_counts_per_model():
    world = fixtures.build()
    table = {r["name"]: (r["finds"], r["records"]) for r in stats.finds_per_model(None)}
    assert table["XT-SUB-7"] == (16, 2) and table["XT-AP-1"] == (14, 7)
    assert [r["name"] for r in stats.finds_per_model(1)] == ["XT-SUB-7"]
    assert stats.summary(world["mine"])["total"]["finds"] == table["XT-AP-1"][0]


def test_a_model_without_finds_has_empty_breakdowns():
    from safeground.ordnance import services as ordnance

    lone = ordnance.create_model(name="XT-NONE", category="uxo")
    summary = stats.summary(lone)
    assert summary["total"] == {"finds": 0, "records": 0}
    assert all(summary[k] == [] for k in ("by_province", "by_year", "by_activity_type", "by_depth"))
