"""Vector tiles: what each tile holds is what the layer registry's query says (on whichever database
runs the tests: run them on both), tiles change when their data does, and who sees what.

The data is the tiny demo, built once for the module and rolled back at the end.
"""

from __future__ import annotations

import math

import pytest
import shapely
from django.contrib.gis.geos import Polygon
from django.db import transaction
from django.db.models import CharField, DateField, F, Sum
from django.db.models.functions import Cast
from django.test import Client

from safeground.hazards.queries import intersecting
from safeground.interop import tiles
from safeground.interop.layer_registry import tile_layers

ZOOMS = (6, 8, 10, 12, 14)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The tiny demo; the tiles are taken around the hazard with the most devices."""
    from django.db.models import Count

    from safeground.demo import generator
    from safeground.hazards.models import Hazard

    with django_db_blocker.unblock(), transaction.atomic():
        generator.build("tiny", 1)
        busy = (
            Hazard.objects.filter(geom__isnull=False)
            .annotate(n=Count("products__devices"))
            .order_by("-n", "code")
            .first()
        )
        centre = busy.geom.point_on_surface
        from django.contrib.auth import get_user_model

        from safeground.organisations.roles import assign_role

        assign_role(get_user_model().objects.create_user("tile-viewer", password="x"), "viewer")
        yield {"hazard": busy.code, "lon": centre.x, "lat": centre.y}
        transaction.set_rollback(True)


@pytest.fixture
def viewer(world, django_db_blocker) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    with django_db_blocker.unblock():
        client.force_login(get_user_model().objects.get(username="tile-viewer"))
    return client


def _decoded(response, key: str) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == tiles.MEDIA_TYPE
    return tiles.decode(response.content).get(key, {}).get("features", [])


def _identity(key: str, props: dict) -> tuple:
    if key == "devices" and "cx" in props:
        return (props["cx"], props["cy"])
    if key == "hazards":
        return (props["code"], props.get("dot", False))
    return (props.get("country"), props["code"]) if key in ("admin_areas", "places") else (props["code"],)


def _expected(key: str, z: int, x: int, y: int) -> dict[tuple, dict]:
    """What the registry says the tile holds: its rows whose geometry meets the buffered tile."""
    layer = tile_layers()[key]
    spec = layer.tile
    assert spec is not None
    if not layer.minzoom <= z <= spec.maxzoom:
        return {}
    box = Polygon.from_bbox(tiles.lonlat_bounds(z, x, y))
    box.srid = 4326
    qs = spec.rows(z)
    if spec.cluster_below is not None and z < spec.cluster_below:
        cell = 360.0 / 2**z / tiles.CLUSTER_CELLS
        found: dict[tuple, dict] = {}
        for point, count in qs.filter(point__intersects=box).values_list("point", "count"):
            k = (math.floor(point.x / cell), math.floor(point.y / cell))
            c = found.setdefault(k, {"cx": k[0], "cy": k[1], "devices": 0, "items": 0})
            c["devices"] += 1
            c["items"] += count
        return found
    values = {}
    for k, path in enumerate(spec.props.values()):
        field = tiles.model_field(qs.model, path)
        values[f"_p{k}"] = Cast(path, CharField()) if isinstance(field, DateField) else F(path)
    out = {}

    def keep(row, dot: bool = False):
        props = {name: row[f"_p{k}"] for k, name in enumerate(spec.props) if row[f"_p{k}"] is not None}
        if dot:
            props["dot"] = True
        out[_identity(key, props)] = props

    if spec.dots_of is not None and z < spec.dots_below:
        # Polygons drawn as the centre of their bounding box: in the tile when that centre is.
        west, south, east, north = box.extent
        for row in qs.filter(geom__isnull=False).values(**values, _geom=F("geom")):
            minx, miny, maxx, maxy = row["_geom"].extent
            if west <= (minx + maxx) / 2 <= east and south <= (miny + maxy) / 2 <= north:
                keep(row, dot=True)
        if z < spec.points_below:  # no polygons yet: the point hazards only
            qs = qs.filter(geom__isnull=True)
    # Hazards: their polygon or their point (decision 0020).
    qs = qs.filter(intersecting(box)) if key == "hazards" else qs.filter(**{f"{spec.geom}__intersects": box})
    for row in qs.values(**values):
        keep(row)
    return out


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-6)
    return a == b


@pytest.mark.django_db
@pytest.mark.parametrize("z", ZOOMS)
@pytest.mark.parametrize("key", list(tile_layers()))
def test_a_tile_holds_what_the_registry_query_says(world, viewer, key, z):
    x, y = tile_of(world["lon"], world["lat"], z)
    features = _decoded(viewer.get(f"/tiles/{key}/{z}/{x}/{y}.mvt"), key)
    got = {_identity(key, f["properties"]): f["properties"] for f in features}
    assert len(got) == len(features), "one feature per record"
    expected = _expected(key, z, x, y)
    assert set(got) == set(expected), (
        f"{key} {z}/{x}/{y}: only in the tile {sorted(set(got) - set(expected))[:5]}, "
        f"only in the query {sorted(set(expected) - set(got))[:5]}"
    )
    for ident, props in expected.items():
        tile_props = got[ident]
        assert set(tile_props) == set(props), (ident, tile_props, props)
        assert all(_same(tile_props[name], value) for name, value in props.items()), (ident, tile_props, props)


@pytest.mark.django_db
def test_the_fixed_tiles_are_not_all_empty(world, viewer):
    """The comparison above means something: the tiles around the busiest hazard hold features."""
    held = {}
    for key in tile_layers():
        for z in ZOOMS:
            x, y = tile_of(world["lon"], world["lat"], z)
            held[(key, z)] = len(_decoded(viewer.get(f"/tiles/{key}/{z}/{x}/{y}.mvt"), key))
    assert held[("hazards", 6)] > 10 and held[("hazards", 14)] >= 1
    assert held[("devices", 8)] >= 1 and held[("devices", 12)] >= 1  # clusters, then points
    assert held[("products", 12)] >= 1 and held[("remaining_areas", 12)] >= 1
    assert held[("admin_areas", 6)] > 10


@pytest.mark.django_db
def test_hazards_are_dots_when_zoomed_out_and_polygons_when_zoomed_in(world, viewer):
    """A polygon hazard: its dot alone at zoom 6, its polygon and its dot at 8 and 10, its polygon at 12."""
    polygon = {"Polygon", "MultiPolygon"}
    for z, drawn in ((6, [("Point", True)]), (8, [("P", None), ("Point", True)]), (12, [("P", None)])):
        x, y = tile_of(world["lon"], world["lat"], z)
        features = _decoded(viewer.get(f"/tiles/hazards/{z}/{x}/{y}.mvt"), "hazards")
        found = sorted(
            ("P" if f["geometry"]["type"] in polygon else f["geometry"]["type"], f["properties"].get("dot"))
            for f in features
            if f["properties"]["code"] == world["hazard"]
        )
        assert found == sorted(drawn, key=str), (z, found)


@pytest.mark.django_db
def test_devices_are_clustered_below_zoom_12(world, viewer):
    x, y = tile_of(world["lon"], world["lat"], 10)
    features = _decoded(viewer.get(f"/tiles/devices/10/{x}/{y}.mvt"), "devices")
    assert features and all(set(f["properties"]) == {"cx", "cy", "devices", "items"} for f in features)
    assert not any("code" in f["properties"] for f in features)  # no exact location of a device named


# ------------------------------------------------------------------------------------------------
# Freshness: ETags and the change tokens
# ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tile_changes_after_a_hazard_geometry_changes(world, viewer, django_capture_on_commit_callbacks):
    from safeground.hazards import services
    from safeground.hazards.models import Hazard

    hazard = Hazard.objects.get(code=world["hazard"])
    z = 14
    x, y = tile_of(world["lon"], world["lat"], z)
    url = f"/tiles/hazards/{z}/{x}/{y}.mvt"
    first = viewer.get(url)
    before = next(f for f in _decoded(first, "hazards") if f["properties"]["code"] == hazard.code)
    assert viewer.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304  # unchanged: not made again

    # Half of the polygon (its west half), through the services as every write.
    geom = shapely.from_wkb(bytes(hazard.geom.wkb))
    minx, miny, maxx, maxy = geom.bounds
    half = shapely.clip_by_rect(geom, minx, miny, (minx + maxx) / 2, maxy)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_hazard(hazard, geometry=half, reason="tile freshness test")

    second = viewer.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    after = next(f for f in _decoded(second, "hazards") if f["properties"]["code"] == hazard.code)
    assert after["geometry"] != before["geometry"]
    assert after["properties"]["area_m2"] < before["properties"]["area_m2"]


@pytest.mark.django_db
def test_every_write_path_replaces_the_tables_token(world, django_capture_on_commit_callbacks):
    """save(), queryset update(), bulk inserts (COPY on PostGIS) and deletes all change the token."""
    from safeground.core import table_versions
    from safeground.gazetteer import services as gazetteer_services
    from safeground.gazetteer.models import Place
    from safeground.landrelease.models import Device

    def token(model) -> str:
        return table_versions.tokens([model._meta.db_table])[model._meta.db_table]

    start = token(Device)
    with django_capture_on_commit_callbacks(execute=True):
        Device.objects.filter(pk=Device.objects.order_by("code").values("pk")[:1]).update(depth_cm=7)
    assert token(Device) != start

    start = token(Place)
    town = Place.objects.filter(kind="town").order_by("code").first()
    with django_capture_on_commit_callbacks(execute=True):
        gazetteer_services.bulk_create_places(
            {
                "country": [town.country],
                "kind": ["village"],
                "code": [town.code + "X"],
                "name": ["Tile test village"],
                "point": [shapely.Point(town.point.x + 0.001, town.point.y)],
            }
        )
    bulk = token(Place)
    assert bulk != start
    with django_capture_on_commit_callbacks(execute=True):
        Place.objects.filter(name="Tile test village").delete()
    assert token(Place) != bulk


@pytest.mark.django_db
def test_a_rolled_back_write_changes_no_token(world, django_capture_on_commit_callbacks):
    from safeground.core import table_versions
    from safeground.landrelease.models import Device

    table = Device._meta.db_table
    start = table_versions.tokens([table])[table]
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            Device.objects.filter(pk=Device.objects.order_by("code").values("pk")[:1]).update(depth_cm=9)
            transaction.set_rollback(True)
    assert table_versions.tokens([table])[table] == start


# ------------------------------------------------------------------------------------------------
# Who sees what
# ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_viewer_tile_holds_only_features_the_viewer_may_open(world, viewer):
    from django.urls import reverse

    for z in (10, 12, 14):
        x, y = tile_of(world["lon"], world["lat"], z)
        for f in _decoded(viewer.get(f"/tiles/hazards/{z}/{x}/{y}.mvt"), "hazards"):
            assert viewer.get(reverse("hazard-detail", args=[f["properties"]["code"]])).status_code == 200
        for f in _decoded(viewer.get(f"/tiles/products/{z}/{x}/{y}.mvt"), "products"):
            assert viewer.get(reverse("product-detail", args=[f["properties"]["code"]])).status_code == 200


@pytest.mark.django_db
def test_an_account_without_the_permission_gets_no_tiles(world, django_db_blocker):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("no-role", password="x")  # signed in, no role
    client = Client()
    client.force_login(nobody)
    x, y = tile_of(world["lon"], world["lat"], 12)
    for key in ("hazards", "remaining_areas", "products", "devices", "activities", "places"):
        response = client.get(f"/tiles/{key}/12/{x}/{y}.mvt")
        assert response.status_code == 403 and "permission" in response.json()["detail"], key
        assert client.get(f"/tiles/{key}.json").status_code == 403
    assert client.get(f"/tiles/admin_areas/12/{x}/{y}.mvt").status_code == 200


@pytest.mark.django_db
def test_anonymous_clients_get_the_boundaries_only(world):
    anonymous = Client()
    x, y = tile_of(world["lon"], world["lat"], 6)
    for key in ("hazards", "remaining_areas", "products", "devices", "activities", "places"):
        assert anonymous.get(f"/tiles/{key}/6/{x}/{y}.mvt").status_code == 401, key
        assert anonymous.get(f"/tiles/{key}.json").status_code == 401, key
    features = _decoded(anonymous.get(f"/tiles/admin_areas/6/{x}/{y}.mvt"), "admin_areas")
    assert features and all(set(f["properties"]) <= {"code", "name", "country", "level"} for f in features)


@pytest.mark.django_db
def test_a_bearer_token_opens_the_tiles(world, django_db_blocker):
    from django.contrib.auth import get_user_model

    from safeground.core.models import ApiToken

    _token, raw = ApiToken.issue(get_user_model().objects.get(username="tile-viewer"), "qgis")
    x, y = tile_of(world["lon"], world["lat"], 12)
    response = Client().get(f"/tiles/hazards/12/{x}/{y}.mvt", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def _tile_queries(client: Client, path: str) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_a_sessions_access_is_remembered_until_its_role_changes(world, django_capture_on_commit_callbacks):
    """The second tile of a session reads neither the session, the account nor its permissions (one
    query: the change tokens); taking the role away changes a token, and the next tile is refused."""
    from django.contrib.auth import get_user_model

    from safeground.organisations.roles import assign_role

    client = Client()
    # Writes in a test are never committed: the token changes are run by hand (`execute=True`).
    with django_capture_on_commit_callbacks(execute=True):
        user = get_user_model().objects.create_user("tile-remembered", password="x")
        assign_role(user, "viewer")
        client.force_login(user)
    x, y = tile_of(world["lon"], world["lat"], 12)
    path = f"/tiles/hazards/12/{x}/{y}.mvt"
    assert client.get(path).status_code == 200
    status, sql = _tile_queries(client, f"/tiles/products/12/{x}/{y}.mvt")
    assert status == 200
    assert len(sql) == 1 and "core_tableversion" in sql[0], sql
    with django_capture_on_commit_callbacks(execute=True):
        user.groups.clear()
    status, sql = _tile_queries(client, path)
    assert status == 403 and any("auth_permission" in q for q in sql if "core_tableversion" not in q)


@pytest.mark.django_db
def test_a_signed_out_sessions_cookie_opens_no_tile(world, django_capture_on_commit_callbacks):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    client = Client()
    with django_capture_on_commit_callbacks(execute=True):  # test writes never commit: run their callbacks
        client.force_login(get_user_model().objects.get(username="tile-viewer"))
    x, y = tile_of(world["lon"], world["lat"], 12)
    path = f"/tiles/hazards/12/{x}/{y}.mvt"
    assert client.get(path).status_code == 200  # remembered from here on
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with django_capture_on_commit_callbacks(execute=True):
        client.logout()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replay.get(path)
    assert response.status_code == 401 and "sign in" in response.json()["detail"]


# ------------------------------------------------------------------------------------------------
# Input and TileJSON
# ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/tiles/hazards/17/1/1.mvt", "zoom must be between 0 and 16"),
        ("/tiles/hazards/-1/0/0.mvt", "zoom must be between 0 and 16"),
        ("/tiles/hazards/x/1/1.mvt", "whole numbers"),
        ("/tiles/hazards/3/8/0.mvt", "between 0 and 7"),
        ("/tiles/hazards/3/0/99999999999999999999.mvt", "between 0 and 7"),
        ("/tiles/victims/3/0/0.mvt", "no tile layer"),
        ("/tiles/accidents/3/0/0.mvt", "no tile layer"),
    ],
)
def test_bad_tile_addresses_are_404_saying_why(viewer, path, says):
    response = viewer.get(path)
    assert response.status_code == 404
    assert says in response.json()["detail"]


@pytest.mark.django_db
def test_tilejson_describes_the_layer(world, viewer):
    body = viewer.get("/tiles/hazards.json").json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"] == ["http://testserver/tiles/hazards/{z}/{x}/{y}.mvt"]
    assert body["minzoom"] == 0 and body["maxzoom"] == 16
    (layer,) = body["vector_layers"]
    assert layer["id"] == "hazards" and layer["fields"]["code"] == "String" and layer["fields"]["area_m2"] == "Number"
    west, south, east, north = body["bounds"]
    assert west < world["lon"] < east and south < world["lat"] < north
    devices = viewer.get("/tiles/devices.json").json()
    assert devices["minzoom"] == 8 and devices["vector_layers"][0]["cluster_below"] == 12


@pytest.mark.django_db
def test_empty_and_out_of_range_tiles_are_empty_not_errors(world, viewer):
    # Zoom 3 is below the devices' range; the Pacific holds nothing.
    assert viewer.get("/tiles/devices/3/6/3.mvt").content == b""
    assert viewer.get("/tiles/hazards/10/0/0.mvt").content == b""


@pytest.mark.django_db
def test_the_tiles_bytes_sum_to_what_the_database_holds(world, viewer):
    """Clusters count every device in the tile once."""
    from safeground.landrelease.models import Device

    z = 8
    x, y = tile_of(world["lon"], world["lat"], z)
    features = _decoded(viewer.get(f"/tiles/devices/{z}/{x}/{y}.mvt"), "devices")
    box = Polygon.from_bbox(tiles.lonlat_bounds(z, x, y))
    box.srid = 4326
    items = Device.objects.filter(point__intersects=box).aggregate(n=Sum("count"))["n"]
    assert sum(f["properties"]["items"] for f in features) == items


@pytest.mark.django_db
def test_an_invalid_stored_geometry_does_not_break_its_tile(world, viewer):
    """Stored geometries may be invalid (legacy data, a ledger's differences): the tile repairs them as
    ST_AsMVTGeom does, on both databases, instead of answering 500."""
    from django.contrib.gis.geos import GEOSGeometry

    from safeground.landrelease.models import HazardLedger

    lon, lat, d = world["lon"], world["lat"], 0.004
    # A bow tie, and a hole outside its shell: both invalid.
    bow_tie = (
        f"({lon - d} {lat - d}, {lon + d} {lat + d}, {lon + d} {lat - d}, {lon - d} {lat + d}, {lon - d} {lat - d})"
    )
    shell = f"({lon - d} {lat - d}, {lon} {lat - d}, {lon} {lat}, {lon - d} {lat}, {lon - d} {lat - d})"
    free = f"({lon + d / 2} {lat + d / 2}, {lon + d} {lat + d / 2}, {lon + d} {lat + d}, {lon + d / 2} {lat + d / 2})"
    broken = GEOSGeometry(f"SRID=4326;MULTIPOLYGON(({bow_tie}), ({shell}, {free}))")
    assert not broken.valid
    ledger = HazardLedger.objects.get(hazard__code=world["hazard"])
    HazardLedger.objects.filter(pk=ledger.pk).update(remaining_geom=broken, remaining_m2=1000.0)
    for z in (10, 12, 14):
        x, y = tile_of(lon, lat, z)
        features = _decoded(viewer.get(f"/tiles/remaining_areas/{z}/{x}/{y}.mvt"), "remaining_areas")
        assert world["hazard"] in {f["properties"]["code"] for f in features}, z
