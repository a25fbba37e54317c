"""The home map: its config (layers, filters, labels), its layer endpoints, and who may open it.

The remaining-area endpoint is checked on ledgers computed by the real services (hazards and a
product built in Battambang and Fuzuli), so a wrong bbox filter, limit or tolerance shows up.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import shapely
from django.conf import settings
from django.urls import reverse

from safeground.core.tests.fixtures import BATTAMBANG, FUZULI, square
from safeground.hazards import services as hazard_services
from safeground.interop.layer_registry import registry
from safeground.landrelease import services as product_services
from safeground.landrelease.ledger import store as ledger_store
from safeground.portal import map_views

LAYERS = [
    "hazards",
    "remaining",
    "products",
    "activities",
    "devices",
    "accidents",
    "villages",
    "provinces",
    "districts",
    "communes",
]
BTB_BOX = "102.9,12.9,103.2,13.2"  # around Battambang's test hazards
KHM_BOX = "102.3,10.4,107.7,14.7"


def _config(response) -> dict:
    html = response.content.decode()
    return json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)[1])


@pytest.mark.django_db
def test_anonymous_visitors_get_the_landing_page_not_the_map(client):
    home = client.get(reverse("home"))
    assert home.status_code == 200 and 'id="landing-h"' in home.content.decode()
    assert 'id="map-config"' not in home.content.decode()  # the map and its layers are for accounts
    response = client.get(reverse("map-remaining"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")), response["Location"]


@pytest.mark.django_db
def test_page_config_lists_every_layer_with_its_source_zoom_and_limit(client_for, organisation):
    response = client_for("viewer").get(reverse("home"))
    assert response.status_code == 200
    config = _config(response)
    assert [layer["id"] for layer in config["layers"]] == LAYERS
    by_id = {layer["id"]: layer for layer in config["layers"]}
    for layer in config["layers"]:
        assert layer["label"] and layer["legend"], layer["id"]
        assert all(item["label"] and item["swatch"].startswith("lg-") for item in layer["legend"])
    assert by_id["hazards"]["url"] == "/api/v1/hazards" and by_id["hazards"]["minzoom"] == 0
    assert by_id["remaining"]["url"] == reverse("map-remaining")
    assert by_id["villages"]["params"] == {"kind": "village"}
    # Devices: clusters from zoom 8, each device where the tiles stop clustering.
    assert (by_id["devices"]["minzoom"], by_id["devices"]["exactFrom"], by_id["villages"]["minzoom"]) == (8, 12, 10)
    # Every layer with tiles is drawn from them; each filter compares a property its tiles carry.
    for layer in config["layers"]:
        if layer["id"] == "accidents":  # no tiles: fetched from the API, which checks who may see them
            assert "tiles" not in layer
            continue
        tile = registry()[layer["source"]].tile
        assert layer["tiles"] == reverse("tilejson", args=[layer["source"]]), layer["id"]
        assert set(layer["filterProps"]) == set(layer["filters"]), layer["id"]
        assert set(layer["filterProps"].values()) <= set(tile.props), layer["id"]
    assert by_id["remaining"]["source"] == "remaining_areas"
    assert {by_id[k]["source"] for k in ("provinces", "districts", "communes")} == {"admin_areas"}
    assert [by_id[k]["minzoom"] for k in ("provinces", "districts", "communes")] == [0, 8, 11]
    # Every bbox-limited layer asks for at most the API's maximum; provinces alone load once, unbounded.
    assert all(0 < layer["limit"] <= 10000 for layer in config["layers"] if layer["id"] != "provinces")
    assert by_id["provinces"]["limit"] is None
    assert {f for layer in config["layers"] for f in layer["filters"]} == set(map_views.FILTERS)
    # Filters: one select per filter with the organisations in the database; click-through URLs.
    filters = {f["key"]: f for f in config["filters"]}
    assert list(filters) == ["status", "hazard_class", "outcome", "organisation"]
    assert [v for v, _label in filters["outcome"]["options"]] == ["cancelled", "reduced", "cleared"]
    assert "CMAC" in [v for v, _label in filters["organisation"]["options"]]
    assert config["urls"]["hazard"] == "/hazards/__CODE__/"
    assert config["urls"]["product"] == "/products/__CODE__/"
    assert config["urls"]["activity"] == "/activities/__CODE__/"
    # The panel is rendered from the same list: one remembered toggle per layer, one select per filter.
    html = response.content.decode()
    for layer_id in LAYERS:
        assert f'data-layer-toggle="{layer_id}"' in html
    for key in filters:
        assert f'data-filter="{key}"' in html


@pytest.mark.django_db
def test_every_label_map_js_reads_is_in_the_config(client_for):
    """map.js shows only translated text from the config: a `labels.x` it reads must be there."""
    labels = _config(client_for("viewer").get(reverse("home")))["labels"]
    source = (Path(settings.BASE_DIR) / "static" / "js" / "map.js").read_text()
    used = set(re.findall(r"\blabels\.([A-Za-z]+)", source))
    assert used, "map.js reads no labels?"
    assert sorted(used - set(labels)) == []
    assert all(isinstance(labels[key], str | dict) and labels[key] for key in used)
    assert set(labels["kinds"]) >= {"hazard", "product", "remaining", "activity", "device", "village"}
    assert "{layer}" in labels["limited"] and "{shown}" in labels["limited"] and "{total}" in labels["limited"]


@pytest.mark.django_db
def test_every_layer_source_answers_the_signed_in_browser(client_for, hazard):
    """Each layer's URL with its params, a bbox and its limit works with the session (as map.js sends it)."""
    client = client_for("viewer")
    for layer in _config(client.get(reverse("home")))["layers"]:
        params = {**layer["params"]}
        if layer["limit"]:
            params.update(bbox=BTB_BOX, limit=layer["limit"])
        response = client.get(layer["url"], params)
        assert response.status_code == 200, (layer["id"], response.content[:300])
        body = response.json()
        assert body["type"] == "FeatureCollection" and body["numberReturned"] <= (layer["limit"] or 1000)
    hazards = client.get("/api/v1/hazards", {"bbox": BTB_BOX, "limit": 10}).json()
    assert [f["id"] for f in hazards["features"]] == [hazard.code]


def _hazard(lonlat, hazard_class="CHA", half=0.002, status="open", user=None):
    return hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(*lonlat, half_deg=half)),
        hazard_class=hazard_class,
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        status=status,
        reporting_organisation="CMAC",
        user=user,
    )


@pytest.fixture
def ledgers(user, organisation, hazard, activity):
    """Four hazards with ledgers: half of `hazard` cleared, an SHA nearby, one fully cleared, one in Azerbaijan."""
    lon, lat = BATTAMBANG
    sha = _hazard((lon + 0.05, lat), hazard_class="SHA", user=user)
    done = _hazard((lon - 0.05, lat), half=0.001, user=user)
    aze = _hazard(FUZULI, user=user)
    ledger_store.refresh([h.id for h in (hazard, sha, done, aze)])
    west_half = shapely.box(lon - 0.002, lat - 0.002, lon, lat + 0.002)
    for target, geom in ((hazard, west_half), (done, shapely.geometry.shape(square(lon - 0.05, lat, 0.001)))):
        activity.hazards.add(target)
        product_services.create_product(
            activity=activity.code,
            hazard=target.code,
            outcome="cleared",
            geometry=geom,
            released_on=dt.date(2024, 3, 1),
            clearance_depth_cm=20,
            user=user,
        )
    return {"half": hazard, "sha": sha, "done": done, "aze": aze}


@pytest.mark.django_db
def test_remaining_areas_filter_by_bbox_and_leave_out_released_hazards(client_for, ledgers):
    client = client_for("viewer")
    url = reverse("map-remaining")

    body = client.get(url, {"bbox": KHM_BOX}).json()
    assert body["type"] == "FeatureCollection"
    # The fully cleared hazard has nothing left; Azerbaijan's lies outside the bbox.
    assert sorted(f["id"] for f in body["features"]) == sorted([ledgers["half"].code, ledgers["sha"].code])
    assert body["numberMatched"] == 2

    half = next(f for f in body["features"] if f["id"] == ledgers["half"].code)
    p = half["properties"]
    assert p["hazard_class"] == "CHA" and p["status"] == "open"
    assert p["remaining_m2"] == pytest.approx(p["estimated_m2"] / 2, rel=0.01)
    # The geometry is the east half only: every vertex at or east of the product's edge.
    xs = [x for ring in half["geometry"]["coordinates"][0] for x, _y in ring]
    assert min(xs) == pytest.approx(BATTAMBANG[0], abs=1e-7)

    only_here = client.get(
        url,
        {"bbox": f"{BATTAMBANG[0] + 0.001},{BATTAMBANG[1] - 0.001},{BATTAMBANG[0] + 0.0015},{BATTAMBANG[1] + 0.001}"},
    ).json()
    assert [f["id"] for f in only_here["features"]] == [ledgers["half"].code]
    # West of the product's edge lies cleared ground only: the bbox misses the remaining geometry.
    cleared_side = f"{BATTAMBANG[0] - 0.0015},{BATTAMBANG[1] - 0.001},{BATTAMBANG[0] - 0.001},{BATTAMBANG[1] + 0.001}"
    assert client.get(url, {"bbox": cleared_side}).json()["features"] == []

    assert [f["id"] for f in client.get(url, {"bbox": "44,38,51,42"}).json()["features"]] == [ledgers["aze"].code]


@pytest.mark.django_db
def test_remaining_areas_respect_limit_offset_and_hazard_filters(client_for, ledgers):
    client = client_for("viewer")
    url = reverse("map-remaining")
    first = client.get(url, {"bbox": KHM_BOX, "limit": 1}).json()
    assert (first["numberReturned"], first["numberMatched"]) == (1, 2)
    assert any(link["rel"] == "next" for link in first["links"])
    second = client.get(url, {"bbox": KHM_BOX, "limit": 1, "offset": 1}).json()
    assert {first["features"][0]["id"], second["features"][0]["id"]} == {ledgers["half"].code, ledgers["sha"].code}

    assert [f["id"] for f in client.get(url, {"bbox": KHM_BOX, "hazard_class": "SHA"}).json()["features"]] == [
        ledgers["sha"].code
    ]
    assert client.get(url, {"bbox": KHM_BOX, "status": "closed"}).json()["numberMatched"] == 0
    assert client.get(url, {"organisation": "CMAC"}).json()["numberMatched"] == 3
    assert client.get(url, {"organisation": "NPA"}).json()["numberMatched"] == 0
    assert client.get(url, {"country": "AZE"}).json()["numberMatched"] == 1

    bad = client.get(url, {"bbox": "103,13,102"})
    assert bad.status_code == 400 and "bbox" in bad.json()["detail"]
    assert client.get(url, {"limit": "many"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["km", "az", "es", "fr", "ar"])
def test_map_page_renders_in_every_language(client_for, language):
    """Every label goes through gettext; a translation that broke a placeholder would fail here."""
    response = client_for("viewer").get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    labels = _config(response)["labels"]
    assert "{layer}" in labels["limited"]
    assert all("{shown}" in form and "{total}" in form for form in labels["counts"].values())


def test_the_hazard_count_has_each_plural_form_of_the_language(client_for):
    """Arabic has six plural forms: 2 hazards, 3 hazards and 11 hazards are three different words."""
    response = client_for("viewer").get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar")
    counts = _config(response)["labels"]["counts"]
    assert len({counts["two"], counts["few"], counts["many"]}) == 3 and counts["two"] != counts["other"]
