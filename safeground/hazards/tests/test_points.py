"""Point hazards (an indication, an EOD spot task): a point with an optional declared radius, placed by the
same country rule as polygons, with no invented area unless the programme counts the radius (π r²).

All in Testland (XTL), the country the tests build themselves.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
import shapely
from django.db import IntegrityError, transaction

from safeground.core.errors import BulkValidationFailed, ValidationFailed
from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import PROVINCE_TOP, WEST, build_testland
from safeground.hazards import services
from safeground.hazards.models import Hazard
from safeground.landrelease.models import HazardLedger

pytestmark = pytest.mark.django_db

SPOT = (-19.25, -29.5)  # in province XT02 (east half), district XT0201
NEW = {"hazard_class": "SHA", "contamination_type": "uxo", "recorded_on": "2025-03-01"}


def point(lon: float = SPOT[0], lat: float = SPOT[1]) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def box(lon: float = -19.75, lat: float = -29.5, half: float = 0.001) -> dict:
    return shapely.geometry.mapping(shapely.box(lon - half, lat - half, lon + half, lat + half))


@pytest.fixture
def testland():
    areas = build_testland()
    programmes.add_programme("XTL", name="Testland")
    return areas


def post(api, body):
    return api.post("/api/v1/hazards", body, content_type="application/json")


def test_a_point_hazard_through_the_api_is_placed_and_has_no_area(api, testland):
    response = post(api, {**NEW, "geometry": point(), "radius_m": 150, "name": "Spot task: one mortar"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["geometry"] == {"type": "Point", "coordinates": [SPOT[0], SPOT[1]]}
    props = body["properties"]
    assert (props["country"], props["province_code"], props["district_code"]) == ("XTL", "XT02", "XT0201")
    assert props["code"] == "XT02-HAZ-000001"
    assert props["radius_m"] == 150 and props["area_m2"] == 0  # the profile does not count a radius
    assert props["utm_epsg"] == 32727  # UTM 27S, from the point
    hazard = Hazard.objects.get(code=props["code"])
    assert hazard.geom is None and hazard.point.coords == SPOT and hazard.is_point
    assert not HazardLedger.objects.filter(hazard=hazard).exists()  # no ground in the ledger
    history = api.get(f"/api/v1/hazards/{hazard.code}/history").json()
    assert history[0]["history_type"] == "created"

    # GET and the GeoJSON list: Points beside MultiPolygons.
    assert api.get(f"/api/v1/hazards/{hazard.code}").json()["geometry"]["type"] == "Point"
    post(api, {**NEW, "geometry": box()})
    listed = api.get("/api/v1/hazards?country=XTL").json()
    assert {f["id"]: f["geometry"]["type"] for f in listed["features"]} == {
        hazard.code: "Point",
        "XT01-HAZ-000001": "MultiPolygon",
    }
    near = api.get(f"/api/v1/hazards?bbox={SPOT[0] - 0.01},{SPOT[1] - 0.01},{SPOT[0] + 0.01},{SPOT[1] + 0.01}").json()
    assert [f["id"] for f in near["features"]] == [hazard.code]  # bbox finds points too
    assert [f["id"] for f in api.get("/api/v1/hazards?shape=point").json()["features"]] == [hazard.code]
    assert [f["id"] for f in api.get("/api/v1/hazards?shape=polygon&country=XTL").json()["features"]] == [
        "XT01-HAZ-000001"
    ]
    assert api.get("/api/v1/hazards?shape=line").status_code == 422


def test_the_programme_decides_whether_a_declared_radius_is_estimated_area(api, testland):
    programmes.edit_programme("XTL", point_radius_area=True)
    response = post(api, {**NEW, "geometry": point(), "radius_m": 100})
    code = response.json()["properties"]["code"]
    assert response.json()["properties"]["area_m2"] == pytest.approx(math.pi * 100**2)
    unradiused = post(api, {**NEW, "geometry": point(-19.3, -29.5)}).json()["properties"]
    assert unradiused["area_m2"] == 0 and unradiused["radius_m"] is None
    # The flag turned off: the stored areas follow, with a history row; turned on again, back.
    programmes.edit_programme("XTL", point_radius_area=False)
    hazard = Hazard.objects.get(code=code)
    assert hazard.area_m2 == 0
    assert hazard.history.first().history_change_reason == "programme point_radius_area changed"
    programmes.edit_programme("XTL", point_radius_area=True)
    assert Hazard.objects.get(code=code).area_m2 == pytest.approx(math.pi * 100**2)


@pytest.mark.parametrize(
    ("body", "field", "reason", "says"),
    [
        ({"geometry": box(), "radius_m": 50}, "radius_m", "not a point", "radius_m is only for a point hazard"),
        ({"geometry": point(), "radius_m": 0}, "radius_m", "out of range", "more than 0 and at most 10,000 m"),
        ({"geometry": point(), "radius_m": 10_001}, "radius_m", "out of range", "more than 0 and at most 10,000 m"),
        (
            {"geometry": {"type": "LineString", "coordinates": [list(SPOT), [SPOT[0] + 0.01, SPOT[1]]]}},
            "geometry",
            "type",
            "hazard geometry must be a Polygon, MultiPolygon or Point, not LineString",
        ),
        ({"geometry": point(200, -29.5)}, "geometry", "out of range", "outside longitude/latitude range"),
        (
            {"geometry": point(-29.5, -19.25)},  # swapped: lands in the sea, outside every country
            "geometry",
            "outside country",
            "outside every country in the gazetteer, at lon -29.500000, lat -19.250000",
        ),
        (
            {"geometry": point(WEST - 0.05, -29.5), "country": "XTL"},  # 4.8 km west of the border
            "geometry",
            "outside country",
            "hazard geometry lies outside Testland (XTL): 4,8",
        ),
    ],
)
def test_bad_points_are_refused_naming_the_field_and_nothing_is_written(api, testland, body, field, reason, says):
    response = post(api, {**NEW, **body})
    assert response.status_code == 422, response.content
    error = response.json()
    assert (error["field"], error["reason"]) == (field, reason)
    assert says in error["detail"]
    assert not Hazard.objects.filter(country="XTL").exists()


def test_a_point_just_outside_the_border_is_within_the_tolerance(api, testland):
    # 20 m west of the western border: within the 50 m tolerance, as for polygons.
    lon = WEST - 20 / (111_320 * math.cos(math.radians(29.5)))
    response = post(api, {**NEW, "geometry": point(lon, -29.5), "country": "XTL"})
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["country"] == "XTL"


def test_patch_moves_between_point_and_polygon_and_keeps_the_radius_with_the_point(api, testland):
    code = post(api, {**NEW, "geometry": point(), "radius_m": 80}).json()["properties"]["code"]

    def patch(body):
        version = Hazard.objects.get(code=code).version
        return api.patch(f"/api/v1/hazards/{code}", body, content_type="application/json", HTTP_IF_MATCH=f'"{version}"')

    moved = patch({"geometry": point(SPOT[0] + 0.01, SPOT[1])})
    assert moved.status_code == 200 and moved.json()["properties"]["radius_m"] == 80  # kept with a new point
    assert patch({"radius_m": 120}).json()["properties"]["radius_m"] == 120
    assert patch({"radius_m": None}).json()["properties"]["radius_m"] is None
    surveyed = patch({"geometry": box(SPOT[0], SPOT[1])})  # surveyed: now a polygon with a measured area
    assert surveyed.status_code == 200
    props = surveyed.json()["properties"]
    assert surveyed.json()["geometry"]["type"] == "MultiPolygon" and props["radius_m"] is None
    assert props["area_m2"] > 40_000
    hazard = Hazard.objects.get(code=code)
    assert hazard.point is None and hazard.ledger.estimated_m2 == pytest.approx(hazard.area_m2)
    refused = patch({"radius_m": 50})
    assert refused.status_code == 422 and refused.json()["field"] == "radius_m"
    back = patch({"geometry": point()})  # a point again: its ledger row goes
    assert back.status_code == 200 and back.json()["properties"]["area_m2"] == 0
    assert not HazardLedger.objects.filter(hazard__code=code).exists()


def test_bulk_writes_take_points_and_polygons_together(testland):
    checked = services.check_hazards(
        {
            "geometry": [shapely.Point(*SPOT), shapely.box(-19.8, -29.6, -19.79, -29.59), shapely.Point(-19.6, -29.1)],
            "radius_m": [25.0, None, None],
            "hazard_class": ["SHA", "CHA", "SHA"],
            "contamination_type": ["uxo", "ap_mines", "cmr"],
            "recorded_on": [dt.date(2025, 1, 1)] * 3,
        }
    )
    result = services.bulk_create_hazards(checked, source="test")
    assert result.codes == ["XT02-HAZ-000001", "XT01-HAZ-000001", "XT-HAZ-000001"]  # the north strip: no province
    spot = Hazard.objects.get(id=result.ids[0])
    assert (spot.point.coords, spot.radius_m, spot.area_m2, spot.geom) == (SPOT, 25.0, 0.0, None)
    north = Hazard.objects.get(id=result.ids[2])
    assert north.point.y > PROVINCE_TOP and north.province is None
    assert Hazard.objects.get(id=result.ids[1]).geom is not None
    with pytest.raises(BulkValidationFailed) as refused:
        services.check_hazards(
            {
                "geometry": [shapely.Point(*SPOT), shapely.LineString([SPOT, (SPOT[0] + 0.1, SPOT[1])])],
                "radius_m": [-1.0, None],
                "hazard_class": ["SHA", "SHA"],
                "contamination_type": ["uxo", "uxo"],
                "recorded_on": [dt.date(2025, 1, 1)] * 2,
            }
        )
    assert [(e.row, e.field, e.kind) for e in refused.value.errors] == [
        (1, "radius_m", "out of range"),
        (2, "geometry", "type"),
    ]


def test_the_database_refuses_a_hazard_with_both_shapes_or_a_radius_without_a_point(testland):
    hazard = services.create_hazard(
        geometry=shapely.Point(*SPOT), hazard_class="SHA", contamination_type="uxo", recorded_on=dt.date(2025, 1, 1)
    )
    polygon = services.create_hazard(
        geometry=shapely.box(-19.8, -29.6, -19.79, -29.59),
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2025, 1, 1),
    )
    for queryset, change in (
        (Hazard.objects.filter(pk=hazard.pk), {"point": None}),  # neither
        (Hazard.objects.filter(pk=polygon.pk), {"point": hazard.point}),  # both
        (Hazard.objects.filter(pk=polygon.pk), {"radius_m": 10.0}),  # a radius without a point
        (Hazard.objects.filter(pk=hazard.pk), {"radius_m": 20_000.0}),  # beyond 10 km
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(**change)


def test_create_hazard_refuses_a_radius_for_a_traverse_polygon(testland):
    with pytest.raises(ValidationFailed, match="radius_m is only for a point hazard"):
        services.create_hazard(
            geometry=shapely.box(-19.8, -29.6, -19.79, -29.59),
            radius_m=10,
            hazard_class="SHA",
            contamination_type="uxo",
            recorded_on=dt.date(2025, 1, 1),
        )


def test_the_admin_adds_a_point_hazard_and_refuses_both_shapes(admin_client, testland):
    form = {
        "code": "XT02-HAZ-000009",
        "name": "",
        "hazard_class": "SHA",
        "status": "open",
        "contamination_type": "uxo",
        "recorded_on": "2025-01-01",
        "recorded_on_precision": "day",
        "geom": "",
        "point": f"SRID=4326;POINT({SPOT[0]} {SPOT[1]})",
        "radius_m": "60",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "beneficiaries-TOTAL_FORMS": "0",
        "beneficiaries-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/hazards/hazard/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    hazard = Hazard.objects.get(code="XT02-HAZ-000009")
    assert (hazard.point.coords, hazard.radius_m, hazard.country, hazard.province.code) == (SPOT, 60, "XTL", "XT02")
    polygon = shapely.MultiPolygon([shapely.box(-19.3, -29.6, -19.29, -29.59)])
    both = {**form, "code": "XT02-HAZ-000010", "geom": f"SRID=4326;{polygon.wkt}"}
    refused = admin_client.post("/admin/hazards/hazard/add/", both)
    assert refused.status_code == 200 and "a polygon or a point, not both" in refused.content.decode()
    assert not Hazard.objects.filter(code="XT02-HAZ-000010").exists()
