"""/api/v1/ordnance-models: public reading with the new fields, writes by permission, If-Match on PATCH."""

import pytest

from safeground.ordnance import services
from safeground.ordnance.models import OrdnanceAlias, OrdnanceModel

pytestmark = pytest.mark.django_db
BASE = "/api/v1/ordnance-models"
NEW = {
    "name": "Test mine X-1",
    "category": "ap_mine",
    "diameter_mm": 80,
    "weight_g": 300,
    "metal_content": "low",
    "detectable_by": ["detector", "mdd"],
    "actuation": ["pressure"],
    "texts": {"km": {"features": "ក្រុមហ៊ុន"}},
    "aliases": [{"name": "X1 local", "language": "km"}],
    "similar": ["pmn-2"],
}


def test_detail_by_name_and_slug_has_the_new_fields(client):
    services.add_aliases(OrdnanceModel.objects.get(name="PMN-2"), [("Local PMN", "km")])
    by_name = client.get(f"{BASE}/PMN-2")
    by_slug = client.get(f"{BASE}/by-slug/pmn-2")
    assert by_name.status_code == by_slug.status_code == 200
    body = by_name.json()
    assert body == by_slug.json() == client.get(f"{BASE}/pmn-2").json()
    assert (body["fill_mass_g"], body["metal_content"], body["detectable_by"]) == (
        100,
        "low",
        ["detector", "mdd", "mdr"],
    )
    assert {"name": "Local PMN", "language": "km"} in body["aliases"]
    assert by_name["ETag"] == f'"{body["version"]}"'


def test_a_name_with_a_slash_is_reachable_by_slug(client):
    response = client.get(f"{BASE}/by-slug/9m525-9m55k-smerch-cassette")
    assert response.status_code == 200 and response.json()["name"] == "9M525 / 9M55K Smerch cassette"
    assert client.get(f"{BASE}/9m525-9m55k-smerch-cassette").status_code == 200
    assert client.get(f"{BASE}/by-slug/no-such").status_code == 404


def test_list_searches_aliases_and_filters(client):
    services.add_aliases(OrdnanceModel.objects.get(name="PMN-2"), [("មីនពីរ", "km")])
    names = [m["name"] for m in client.get(BASE, {"q": "មីនពីរ"}).json()["items"]]
    assert names == ["PMN-2"]
    items = client.get(BASE, {"metal_content": "high", "detectable_by": "detector"}).json()["items"]
    assert items and all(m["metal_content"] == "high" and "detector" in m["detectable_by"] for m in items)
    pomz = next(m for m in client.get(BASE, {"q": "POMZ-2M"}).json()["items"] if m["name"] == "POMZ-2M")
    assert pomz["similar"] == ["pomz-2"]


def test_create(api):
    response = api.post(BASE, NEW, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "test-mine-x-1" and body["similar"] == ["pmn-2"]
    assert body["aliases"] == [{"name": "X1 local", "language": "km"}]
    assert response["ETag"] == '"1"'
    assert OrdnanceModel.objects.get(name="Test mine X-1").detectable_by == ["detector", "mdd"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"metal_content": "lots"}, "metal_content", "unknown code 'lots'"),
        ({"detectable_by": ["sonar"]}, "detectable_by", "unknown code 'sonar'"),
        ({"weight_g": -1}, "weight_g", "must be positive"),
        ({"texts": {"en": {"features": "x"}}}, "texts", "not a translation language"),
        ({"similar": ["no-such-model"]}, "similar[0]", "no model has the slug"),
        ({"aliases": [{"name": "x", "language": "Khmer"}]}, "aliases[0]", "not a language code"),
    ],
)
def test_create_refusals_name_the_field_and_write_nothing(api, change, field, words):
    before = (OrdnanceModel.objects.count(), OrdnanceAlias.objects.count())
    response = api.post(BASE, {**NEW, **change}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == field and words in response.json()["detail"]
    assert (OrdnanceModel.objects.count(), OrdnanceAlias.objects.count()) == before


def test_create_refuses_an_unknown_field(api):
    response = api.post(BASE, {**NEW, "calibre": 7}, content_type="application/json")
    assert response.status_code == 422 and "calibre" in str(response.json())
    assert not OrdnanceModel.objects.filter(name=NEW["name"]).exists()


def test_patch_needs_if_match(api):
    model = OrdnanceModel.objects.get(name="PMN-2")
    url = f"{BASE}/pmn-2"
    missing = api.patch(url, {"fuze": "MUV"}, content_type="application/json")
    assert missing.status_code == 428
    stale = api.patch(url, {"fuze": "MUV"}, content_type="application/json", HTTP_IF_MATCH=f'"{model.version + 5}"')
    assert stale.status_code == 412 and stale.json()["current_version"] == model.version
    assert OrdnanceModel.objects.get(name="PMN-2").fuze == ""
    etag = api.get(url)["ETag"]
    ok = api.patch(
        url,
        {"fuze": "MUV", "aliases": [{"name": "PMN2", "language": ""}], "similar": ["pmn"]},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["fuze"] == "MUV" and ok.json()["similar"] == ["pmn"]
    assert ok["ETag"] == f'"{model.version + 1}"'
    assert OrdnanceModel.objects.get(name="PMN-2").aliases.get().folded == "pmn2"


def test_patch_refusal_writes_nothing(api):
    model = OrdnanceModel.objects.get(name="PMN-2")
    response = api.patch(
        f"{BASE}/pmn-2",
        {"fuze": "MUV", "actuation": ["pressure", "wish"]},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{model.version}"',
    )
    assert response.status_code == 422 and response.json()["field"] == "actuation"
    version = model.version
    model.refresh_from_db()
    assert (model.fuze, model.actuation, model.version) == ("", ["pressure"], version)


def test_writes_need_the_permissions(client, client_for):
    viewer = client_for("viewer")
    refused = viewer.post(BASE, NEW, content_type="application/json")
    assert refused.status_code == 403 and "ordnance.add_ordnancemodel" in refused.json()["detail"]
    patch = viewer.patch(f"{BASE}/pmn-2", {"fuze": "x"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert patch.status_code == 403
    assert client.post(BASE, NEW, content_type="application/json").status_code == 401
    assert not OrdnanceModel.objects.filter(name=NEW["name"]).exists()
    assert OrdnanceModel.objects.get(name="PMN-2").fuze == ""
