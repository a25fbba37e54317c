"""The lean API (core.features: values(), the database's GeoJSON, orjson) answers what the model path did.

On the tiny demo, on SpatiaLite and on PostGIS (the `demo_pair` fixture): every spatial list (the API
lists, the OGC API items of every collection, the map's remaining ground, the gazetteer) and details
of each kind are compared with the way they were built before (decision 0043): model instances, the
geometry parsed from the database's GeoJSON (lists) or written by GEOS (details), the properties from
the instance, all through Ninja's JSON encoder. Features must be equal (key order aside), and each
answer must validate against the schema the OpenAPI document gives for it.

Also: list and detail ETags (304 while nothing changed, a new ETag after a change made through the
service) and gzip for the map's request, on a copy of each demo; and a bearer token reused between
requests only until its row, its account or its roles change (real commits, on a copy).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

COMPARE = r"""
import json, os
from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.test import Client
from ninja.responses import NinjaJSONEncoder
from safeground.core.geojson import FeatureCollectionOut, FeatureOut
from safeground.eore import queries as eore
from safeground.gazetteer import queries as gazetteer
from safeground.gazetteer.models import AdminArea, Place
from safeground.hazards import queries as hazards
from safeground.interop import ogc
from safeground.landrelease import queries as release
from safeground.landrelease.ledger import queries as ledger
from safeground.operations import queries as operations
from safeground.portal.map_views import _remaining_properties
from safeground.victims import queries as victims
from django.db.models import F

client = Client()
client.force_login(get_user_model().objects.get(username="im-officer"))

def encoded(value):
    return json.loads(json.dumps(value, cls=NinjaJSONEncoder))

def before_list(qs, props, geom, precision=8, limit=10000):
    # core.geojson.page before decision 0043: instances, GeoJSON parsed, properties from the instance.
    rows = qs.annotate(_g=AsGeoJSON(geom, precision=precision))[:limit]
    return [encoded({"type": "Feature", "id": r.code, "geometry": json.loads(r._g) if r._g else None,
                     "properties": props(r)}) for r in rows]

def before_detail(qs, code, props, geom):
    r = qs.get(code=code)
    g = getattr(r, geom)
    return encoded({"type": "Feature", "id": r.code, "geometry": json.loads(g.json) if g else None,
                    "properties": props(r)})

def body(response):
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)

remaining = ledger.hazard_rows().filter(remaining_geom__isnull=False, remaining_m2__gte=1).annotate(
    code=F("hazard__code"))
LISTS = [
    ("/api/v1/hazards?limit=10000", hazards.hazards(), hazards.hazard_properties, hazards.shape()),
    ("/api/v1/activities?limit=10000", operations.activities(), operations.activity_properties, "reference_point"),
    ("/api/v1/products?limit=10000", release.products(), release.product_properties, "geom"),
    ("/api/v1/devices?limit=10000", release.devices(), release.device_properties, "point"),
    ("/api/v1/victims/accidents?limit=10000", victims.accidents(), victims.accident_properties, "point"),
    ("/api/v1/eore/sessions?limit=10000", eore.sessions(), eore.session_properties, "point"),
    ("/map/remaining.geojson?limit=10000", remaining, _remaining_properties, "remaining_geom"),
]
for c in ogc.collections().values():
    LISTS.append((f"/ogc/collections/{c.id}/items?limit=10000", c.select(), c.properties, c.geom_field))
areas = AdminArea.objects.order_by("country", "level", "code")
places = Place.objects.order_by("country", "code")
GAZETTEER = [
    ("/api/v1/admin-areas?limit=1000&level=1", areas.filter(level=1), gazetteer.admin_area_properties, "geom", 6, 1000),
    ("/api/v1/places?limit=5000", places, gazetteer.place_properties, "point", 6, 5000),
]
out = {"lists": {}, "details": {}, "schema_errors": []}
for url, qs, props, geom, *rest in LISTS + GAZETTEER:
    precision, limit = rest or (8, 10000)
    response = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    got = body(response)
    try:
        FeatureCollectionOut.model_validate(got)
    except Exception as exc:
        out["schema_errors"].append(f"{url}: {exc}")
    expected = before_list(qs, props, geom, precision, limit)
    wrong = [f["id"] for f, e in zip(got["features"], expected) if f != e]
    out["lists"][url] = {"status": response.status_code, "n": len(got["features"]), "expected": len(expected),
                         "matched": got["numberMatched"], "returned": got["numberReturned"], "wrong": wrong[:5],
                         "example": [got["features"][0], expected[0]] if wrong else None}
DETAILS = [
    ("/api/v1/hazards/{}", hazards.hazards(), hazards.hazard_properties, "shape"),
    ("/api/v1/activities/{}", operations.activities(), operations.activity_properties, "reference_point"),
    ("/api/v1/products/{}", release.products(), release.product_properties, "geom"),
    ("/api/v1/devices/{}", release.devices(), release.device_properties, "point"),
    ("/api/v1/victims/accidents/{}", victims.accidents(), victims.accident_properties, "point"),
    ("/api/v1/eore/sessions/{}", eore.sessions(), eore.session_properties, "point"),
]
for pattern, qs, props, geom in DETAILS:
    codes = list(qs.values_list("code", flat=True)[:15])
    wrong = []
    for code in codes:
        got = body(client.get(pattern.format(code)))
        FeatureOut.model_validate(got)
        if got != before_detail(qs, code, props, geom):
            wrong.append(code)
    out["details"][pattern] = {"n": len(codes), "wrong": wrong}
with open(os.environ["SG_OUT"], "w") as f:
    json.dump(out, f, default=str)
"""

CONDITIONAL = r"""
import gzip, json, os
from django.contrib.auth import get_user_model
from django.contrib.gis.db.models import Extent
from django.test import Client
from safeground.hazards import services
from safeground.hazards.models import Hazard

client = Client()
client.force_login(get_user_model().objects.get(username="im-officer"))
out = {}
first = client.get("/api/v1/hazards?limit=50")
etag = first["ETag"]
again = client.get("/api/v1/hazards?limit=50", HTTP_IF_NONE_MATCH=etag)
weak = client.get("/api/v1/hazards?limit=50", HTTP_IF_NONE_MATCH="W/" + etag)
other_page = client.get("/api/v1/hazards?limit=50&offset=50")
out["list"] = {"first": first.status_code, "etag": etag, "again": again.status_code, "again_body": len(again.content),
               "again_etag": again.get("ETag"), "weak": weak.status_code, "other_page_etag": other_page.get("ETag"),
               "cache_control": first.get("Cache-Control")}
hazard = Hazard.objects.order_by("code").first()
detail = client.get(f"/api/v1/hazards/{hazard.code}")
out["detail"] = {"etag": detail["ETag"], "version": hazard.version,
                 "again": client.get(f"/api/v1/hazards/{hazard.code}", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code}
services.update_hazard(hazard, name="Renamed by the ETag test")
after = client.get("/api/v1/hazards?limit=50", HTTP_IF_NONE_MATCH=etag)
detail_after = client.get(f"/api/v1/hazards/{hazard.code}", HTTP_IF_NONE_MATCH=detail["ETag"])
names = [f["properties"]["name"] for f in json.loads(after.content)["features"]]
out["after"] = {"status": after.status_code, "etag": after.get("ETag"), "renamed": "Renamed by the ETag test" in names,
                "detail": detail_after.status_code, "detail_etag": detail_after.get("ETag")}
box = Hazard.objects.filter(country=hazard.country).aggregate(e=Extent("geom"))["e"]
bbox = ",".join(str(v) for v in box)
plain = client.get(f"/api/v1/hazards?bbox={bbox}&limit=5000", HTTP_ACCEPT_ENCODING="identity")
zipped = client.get(f"/api/v1/hazards?bbox={bbox}&limit=5000", HTTP_ACCEPT_ENCODING="gzip")
zipped_body = b"".join(zipped.streaming_content) if zipped.streaming else zipped.content
plain_body = b"".join(plain.streaming_content) if plain.streaming else plain.content
out["gzip"] = {"encoding": zipped.get("Content-Encoding"), "plain_encoding": plain.get("Content-Encoding"),
               "vary": zipped.get("Vary"), "same": gzip.decompress(zipped_body) == plain_body,
               "features": len(json.loads(plain_body)["features"]), "ratio": len(plain_body) / len(zipped_body)}
with open(os.environ["SG_OUT"], "w") as f:
    json.dump(out, f)
"""


TOKENS = r"""
import json, os
from django.contrib.auth import get_user_model
from django.test import Client
from safeground.core import auth, services
from safeground.core.models import ApiToken
from safeground.organisations.roles import assign_role

user = get_user_model().objects.create_user(username="token-reuse", password="x-not-used-x")
assign_role(user, "im_officer")
NEW = {"hazard_class": "nonsense", "contamination_type": "ap_mines", "recorded_on": "2024-01-01"}

def client_of(name):
    row, raw = ApiToken.issue(user, name=name)
    return row, Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

out = {}
row, client = client_of("reuse")
out["first"] = client.get("/api/v1/hazards?limit=1").status_code
out["kept"] = row.digest in auth._known
out["again"] = client.get("/api/v1/hazards?limit=1").status_code
# The IM officer may add hazards: this payload is refused for itself (422), not for the permission.
out["may_add"] = client.post("/api/v1/hazards", NEW, content_type="application/json").status_code
user.groups.clear()
refused = client.post("/api/v1/hazards", NEW, content_type="application/json")
out["role_taken"] = [refused.status_code, refused.json().get("detail", "")]
services.revoke_token(user, row.pk)
out["revoked"] = client.get("/api/v1/hazards?limit=1").status_code
other, second = client_of("second")
out["second"] = second.get("/api/v1/hazards?limit=1").status_code
user.is_active = False
user.save(update_fields=["is_active"])
out["deactivated"] = second.get("/api/v1/hazards?limit=1").status_code
with open(os.environ["SG_OUT"], "w") as f:
    json.dump(out, f)
"""


def _run(demo_pair, url: str, script: str, path: Path) -> dict:
    demo_pair.run(url, "shell", "-c", script, SG_OUT=str(path), SAFEGROUND_RATE_LIMITS="0")
    return json.loads(path.read_text())


@pytest.mark.parametrize("engine", ["spatialite", "postgis"])
def test_every_list_answers_as_the_model_path_did(demo_pair, tmp_path, engine):
    found = _run(demo_pair, demo_pair.pristine[engine], COMPARE, tmp_path / "compare.json")

    assert not found["schema_errors"], found["schema_errors"]
    assert len(found["lists"]) >= 14, sorted(found["lists"])
    for url, result in found["lists"].items():
        assert result["status"] == 200, (url, result)
        assert result["n"] == result["expected"] == result["returned"], (url, result)
        assert result["wrong"] == [], (url, result)
    for kind in ("/api/v1/hazards?limit=10000", "/api/v1/activities?limit=10000", "/api/v1/devices?limit=10000"):
        assert found["lists"][kind]["n"] > 0, f"{kind}: the demo gave nothing to compare"
    streamed = [url for url, result in found["lists"].items() if result["n"] > 1000]
    assert streamed, "no page was large enough to be streamed (more than 1,000 features)"
    for pattern, result in found["details"].items():
        assert result["n"] > 0 and result["wrong"] == [], (pattern, result)


@pytest.mark.parametrize("engine", ["spatialite", "postgis"])
def test_lists_and_details_answer_304_until_a_change_and_compress(demo_pair, tmp_path, engine):
    found = _run(demo_pair, demo_pair.copy(engine), CONDITIONAL, tmp_path / "conditional.json")

    listed = found["list"]
    assert listed["first"] == 200 and listed["etag"].startswith('"')
    assert listed["again"] == 304 and listed["again_body"] == 0 and listed["again_etag"] == listed["etag"]
    assert listed["weak"] == 304, "a weak form of the ETag (gzip makes ours weak) is the same list"
    assert listed["other_page_etag"] != listed["etag"], "another page is another answer"
    assert listed["cache_control"] == "private, no-cache"

    detail = found["detail"]
    assert detail["etag"] == f'"{detail["version"]}"' and detail["again"] == 304

    after = found["after"]
    assert after["status"] == 200 and after["renamed"], "a change made through the service shows at once"
    assert after["etag"] != listed["etag"]
    assert after["detail"] == 200 and after["detail_etag"] == f'"{detail["version"] + 1}"'

    zipped = found["gzip"]
    assert zipped["encoding"] == "gzip" and zipped["plain_encoding"] is None
    assert "Accept-Encoding" in zipped["vary"]
    assert zipped["same"] and zipped["features"] > 0 and zipped["ratio"] > 3


def test_a_token_is_reused_only_until_what_decides_it_changes(demo_pair, tmp_path):
    found = _run(demo_pair, demo_pair.copy("spatialite"), TOKENS, tmp_path / "tokens.json")

    assert found["first"] == found["again"] == 200 and found["kept"], found
    assert found["may_add"] == 422, found
    status, detail = found["role_taken"]
    assert status == 403 and "hazards.add_hazard" in detail, "a role taken away takes its permission at once"
    assert found["revoked"] == 401, "a revoked token is refused on the next request"
    assert found["second"] == 200 and found["deactivated"] == 401, "so is a deactivated account's"
