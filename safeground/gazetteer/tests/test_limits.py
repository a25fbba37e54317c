"""Limits for heavy and anonymous work: the light anonymous gazetteer, paging, traverse legs, rate limits."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeground.core import ratelimit
from safeground.gazetteer import queries, traverse
from safeground.gazetteer.api import ADMIN_AREAS_MAX_LIMIT, PLACES_MAX_LIMIT
from safeground.gazetteer.models import AdminArea

pytestmark = pytest.mark.django_db

START = "13.0512, 103.0521"  # Battambang


def chain(legs: int) -> dict:
    """A regular polygon of `legs` 10 m sides walked from its start point, the last one the closing leg."""
    turns = [{"name": f"T{i}", "bearing": 360 * i / legs, "distance": 10} for i in range(legs - 1)]
    closing = {"name": "CL", "type": "closing", "bearing": 360 * (legs - 1) / legs, "distance": 10}
    return {
        "bearing_reference": "grid",
        "points": [{"name": "SP", "type": "start", "coordinate": START}, *turns, closing],
    }


@pytest.fixture
def anon():
    """A client without credentials (the `api` fixture adds a bearer token to `client`)."""
    return Client()


# ------------------------------------------------------------------ the light anonymous form


def test_anonymous_clients_get_points_not_boundaries(anon, api):
    light = anon.get("/api/v1/admin-areas?country=KHM&level=1&simplify=0.01").json()
    full = api.get("/api/v1/admin-areas?country=KHM&level=1&simplify=0.01").json()
    assert light["numberMatched"] == full["numberMatched"] == 25
    assert [f["id"] for f in light["features"]] == [f["id"] for f in full["features"]]
    assert {f["geometry"]["type"] for f in light["features"]} == {"Point"}
    assert {f["geometry"]["type"] for f in full["features"]} <= {"Polygon", "MultiPolygon"}
    battambang = next(f for f in light["features"] if f["id"] == "KH02")
    assert battambang["properties"] == next(f for f in full["features"] if f["id"] == "KH02")["properties"]
    lon, lat = battambang["geometry"]["coordinates"]
    assert 102.3 < lon < 103.8 and 12.4 < lat < 13.8  # a point inside Battambang
    assert len(json.dumps(light)) * 5 < len(json.dumps(full))
    labels = api.get("/api/v1/admin-areas?country=KHM&level=1&simplify=0.01&points=true").json()
    assert labels["features"] == light["features"]  # signed in, the maps' labels ask for the light form


def test_anonymous_detail_is_a_point_and_signed_in_detail_the_boundary(anon, api):
    assert anon.get("/api/v1/admin-areas/AZE/1/AZ-FUZULI").json()["geometry"]["type"] == "Point"
    assert api.get("/api/v1/admin-areas/AZE/1/AZ-FUZULI").json()["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_anonymous_answers_come_from_the_cache_until_the_gazetteer_changes(anon):
    url = "/api/v1/admin-areas?country=AZE&level=1&limit=3"
    first = anon.get(url).json()
    with CaptureQueriesContext(connection) as read:
        again = anon.get(url).json()
    assert again == first
    assert not [q for q in read.captured_queries if "gazetteer_adminarea" in q["sql"]]
    AdminArea.objects.filter(country="AZE", level=1, code=first["features"][0]["id"]).update(name="Renamed")
    assert anon.get(url).json()["features"][0]["properties"]["name"] != "Renamed"  # cached
    queries.clear_caches()  # what `safeground gazetteer load` does after writing
    assert anon.get(url).json()["features"][0]["properties"]["name"] == "Renamed"


def test_anonymous_places_are_cached_points(anon, api):
    url = "/api/v1/places?country=KHM&kind=village&limit=5"
    light, full = anon.get(url).json(), api.get(url).json()
    assert light["numberMatched"] == full["numberMatched"] == 14073
    assert [f["id"] for f in light["features"]] == [f["id"] for f in full["features"]]


# ------------------------------------------------------------------ paging


def test_signed_in_boundaries_are_paged(api):
    body = api.get("/api/v1/admin-areas?country=AZE&level=1&limit=10&offset=10").json()
    assert body["numberMatched"] == 79 and body["numberReturned"] == 10
    assert any(link["rel"] == "next" and "offset=20" in link["href"] for link in body["links"])
    last = api.get("/api/v1/admin-areas?country=AZE&level=1&limit=10&offset=70").json()
    assert last["numberReturned"] == 9 and not any(link["rel"] == "next" for link in last["links"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        (f"limit={ADMIN_AREAS_MAX_LIMIT + 1}", "limit"),
        ("offset=-1", "offset"),
        ("offset=100000000", "offset"),
        ("simplify=-0.1", "simplify"),
        ("simplify=nan", "simplify"),
        ("simplify=5", "simplify"),
    ],
)
def test_bad_paging_of_admin_areas_is_a_422_naming_the_field(api, anon, query, field):
    for who in (api, anon):
        response = who.get(f"/api/v1/admin-areas?level=1&{query}")
        assert response.status_code == 422, query
        assert response.json()["field"] == field
        assert field in response.json()["detail"]


def test_bad_paging_of_places_is_a_422_naming_the_field(api, anon):
    response = api.get(f"/api/v1/places?limit={PLACES_MAX_LIMIT + 1}")
    assert response.status_code == 422
    assert response.json() == {
        "detail": f"limit must be between 1 and {PLACES_MAX_LIMIT:,}; got {PLACES_MAX_LIMIT + 1} (page with offset)",
        "field": "limit",
        "reason": "range",
    }
    not_a_number = anon.get("/api/v1/places?limit=many")
    assert not_a_number.status_code == 422
    assert not_a_number.json()["field"] == "limit"  # the input-error shape (docs/api.md, "Errors")
    assert api.get(f"/api/v1/places?limit={PLACES_MAX_LIMIT}&country=KHM").status_code == 200


# ------------------------------------------------------------------ traverse legs


def test_a_traverse_over_the_limit_is_refused_before_any_computing(anon, settings, monkeypatch):
    settings.SAFEGROUND_TRAVERSE_MAX_LEGS = 8
    computed = []
    real_leg = traverse._leg
    monkeypatch.setattr(traverse, "_leg", lambda *a, **k: computed.append(1) or real_leg(*a, **k))
    assert anon.post("/api/v1/traverses/compute", chain(8), content_type="application/json").status_code == 200
    assert computed  # the legs were computed
    computed.clear()
    response = anon.post("/api/v1/traverses/compute", chain(9), content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "too many legs: 9; a traverse has at most 8 (SAFEGROUND_TRAVERSE_MAX_LEGS)",
        "field": "points",
        "reason": "too many legs",
    }
    assert computed == []


def test_the_default_limit_is_a_thousand_legs_and_the_cli_keeps_it(anon, tmp_path):
    assert traverse.max_legs() == 1000
    response = anon.post("/api/v1/traverses/compute", chain(1001), content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "points"
    path = tmp_path / "long.json"
    path.write_text(json.dumps(chain(1001)))
    with pytest.raises(CommandError, match="too many legs: 1,001; a traverse has at most 1,000"):
        call_command("traverse", str(path))


# ------------------------------------------------------------------ rate limits


@pytest.fixture
def clock(monkeypatch):
    """A clock the rate limits read, at the start of a window; `clock[0] += s` moves it."""
    now = [6_000_000.0]
    monkeypatch.setattr(ratelimit, "now", lambda: now[0])
    return now


@pytest.fixture
def tight(settings):
    settings.SAFEGROUND_RATE_LIMITS_ENABLED = True
    settings.SAFEGROUND_RATE_LIMIT_WINDOW_S = 10
    settings.SAFEGROUND_RATE_LIMITS = {"gazetteer": (3, 5), "compute": (2, 2), "transfer": (None, 1)}


def test_anonymous_clients_are_limited_per_address_and_recover_after_the_window(anon, tight, clock):
    url = "/api/v1/places?country=KHM&limit=1"
    assert [anon.get(url).status_code for _ in range(3)] == [200, 200, 200]
    clock[0] += 4
    refused = anon.get(url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "6"
    assert refused.json() == {
        "detail": "too many requests to this part of the API: at most 3 in 10 s per client; try again in 6 s",
        "field": None,
        "reason": "rate limited",
    }
    assert anon.get("/api/v1/admin-areas/AZE/1/AZ-FUZULI").status_code == 429  # the same group
    assert anon.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200  # another anon
    assert anon.get("/api/v1/coordinates?text=13.05,103.05").status_code == 200  # not limited
    clock[0] += 6
    assert anon.get(url).status_code == 200  # a new window


def test_accounts_are_counted_apart_from_their_address(anon, api, tight, clock):
    url = "/api/v1/admin-areas?country=KHM&level=1&limit=1"
    assert [anon.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert [api.get(url).status_code for _ in range(6)] == [200] * 5 + [429]


def test_traverse_compute_is_limited_and_refusal_computes_nothing(anon, tight, clock, monkeypatch):
    post = lambda: anon.post("/api/v1/traverses/compute", chain(4), content_type="application/json")  # noqa: E731
    assert [post().status_code for _ in range(2)] == [200, 200]
    monkeypatch.setattr(traverse, "compute_traverse", lambda *a, **k: pytest.fail("computed past the limit"))
    refused = post()
    assert refused.status_code == 429 and refused["Retry-After"] == "10"


def test_exports_are_limited_per_account(api, tight, clock):
    assert api.get("/api/v1/interop/export?format=nothing").status_code == 422  # counted, then refused
    response = api.get("/api/v1/interop/export?format=nothing")
    assert response.status_code == 429 and response.json()["reason"] == "rate limited"


def test_rate_limits_can_be_turned_off(anon, tight, settings, clock):
    settings.SAFEGROUND_RATE_LIMITS_ENABLED = False
    assert {anon.get("/api/v1/places?limit=1").status_code for _ in range(6)} == {200}


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart(anon, tight, clock, settings):
    """Without the setting every client behind the proxy would share one allowance (and one sign-in
    throttle); with it, the forwarded address counts, and a forged X-Forwarded-For entry does not."""
    url = "/api/v1/places?country=KHM&limit=1"
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    assert [anon.get(url, **proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code for i in range(4)] == [
        200, 200, 200, 429
    ]  # fmt: skip  # not trusted: all four are the proxy
    settings.SAFEGROUND_TRUSTED_PROXIES = ["10.9.9.9"]
    assert [anon.get(url, **proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code for i in range(4)] == [200] * 4
    forged = {"HTTP_X_FORWARDED_FOR": "203.0.113.{}, 198.51.100.7"}
    codes = [anon.get(url, **proxy, HTTP_X_FORWARDED_FOR=forged["HTTP_X_FORWARDED_FOR"].format(i)).status_code
             for i in range(4)]  # fmt: skip
    assert codes == [200, 200, 200, 429]  # the client wrote the left entries itself: one client, 198.51.100.7


def test_the_client_address_is_an_address_or_none():
    """django-axes stores it in an address column (PostgreSQL's inet refuses anything else)."""
    from django.test import RequestFactory, override_settings

    make = RequestFactory()
    bare = make.get("/")
    bare.META.pop("REMOTE_ADDR")
    assert ratelimit.client_address(bare) is None
    with override_settings(SAFEGROUND_TRUSTED_PROXIES=["10.9.9.9"]):
        junk = make.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="<script>, 198.51.100.7")
        assert ratelimit.client_address(junk) == "198.51.100.7"
        worse = make.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7, not-an-ip")
        assert ratelimit.client_address(worse) == "10.9.9.9"  # the proxy itself, never the junk


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/2", "redis.RedisCache"),
        ("file:///var/cache/safeground", "filebased.FileBasedCache"),
    ],
)
def test_the_cache_comes_from_one_url(url, backend):
    from config.caches import cache_from_url

    assert cache_from_url(url)["BACKEND"] == f"django.core.cache.backends.{backend}"


def test_a_cache_url_of_an_unknown_kind_is_refused_naming_the_setting():
    from config.caches import cache_from_url

    with pytest.raises(ValueError, match=r"SAFEGROUND_CACHE_URL 'memcache://x': use locmem://"):
        cache_from_url("memcache://x")
