"""The API's input contracts (docs/api.md): each bad value is a 422 naming the field (or 400/415 for a
body that is not JSON), in the documented error shape, and nothing is written."""

import datetime as dt
import json

import pytest

from safeground.core.contracts import CodeConverter, check_code, check_date, check_finite, safe_code
from safeground.core.errors import ValidationFailed
from safeground.core.tests.fixtures import BATTAMBANG, square
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Product

NEW = {"hazard_class": "SHA", "contamination_type": "ap_mines", "recorded_on": "2025-03-01"}


def post(api, body, path="/api/v1/hazards"):
    return api.post(path, body, content_type="application/json")


def refused(response, field, status=422):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ("/api/v1/hazards?offset=-1", "offset"),
        ("/api/v1/hazards?offset=99999999999", "offset"),
        ("/api/v1/hazards?limit=0", "limit"),
        ("/api/v1/hazards?limit=10001", "limit"),
        ("/api/v1/products?offset=-5", "offset"),
        ("/api/v1/activities?limit=-1", "limit"),
        ("/api/v1/organisations?offset=-1", "offset"),
        ("/api/v1/ordnance-models?offset=-1", "offset"),
        ("/api/v1/dashboard?year=-4697", "year"),
        ("/api/v1/dashboard?year=99999999", "year"),
        ("/api/v1/eore/beneficiaries?year=-4697", "year"),
    ],
)
def test_paging_and_years_are_bounded(api, query, field):
    refused(api.get(query), field)


def test_three_dimensional_coordinates_are_refused(api):
    body = refused(post(api, {**NEW, "geometry": {"type": "Point", "coordinates": [103.05, 13.05, 12.0]}}), "geometry")
    assert body["reason"] == "3d" and "3D" in body["detail"]
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("code", ["CMAC/1", "../<script>", "a b", "é-1", "-lead", "x" * 41])
def test_codes_outside_the_alphabet_are_refused(api, code):
    refused(post(api, {**NEW, "geometry": square(*BATTAMBANG), "code": code}), "code")
    assert not Hazard.objects.exists()


def test_long_strings_are_refused_not_500(api):
    refused(post(api, {**NEW, "geometry": square(*BATTAMBANG), "name": "n" * 100_000}), "name")
    refused(post(api, {**NEW, "geometry": square(*BATTAMBANG), "hazard_class": "S" * 5000}), "hazard_class")
    assert not Hazard.objects.exists()


def test_dates_before_1900_or_in_the_future_are_refused(api):
    refused(post(api, {**NEW, "geometry": square(*BATTAMBANG), "recorded_on": "9999-12-31"}), "recorded_on")
    refused(post(api, {**NEW, "geometry": square(*BATTAMBANG), "recorded_on": "1899-12-31"}), "recorded_on")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    refused(post(api, {**NEW, "geometry": square(*BATTAMBANG), "recorded_on": tomorrow}), "recorded_on")
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused(api, hazard, activity, value):
    raw = json.dumps(
        {
            "activity": activity.code,
            "hazard": hazard.code,
            "outcome": "cleared",
            "released_on": "2024-03-01",
            "geometry": square(*BATTAMBANG, half_deg=0.001),
        }
    )
    as_token = raw[:-1] + f', "reported_area_m2": {value}}}'  # NaN, Infinity: not JSON at all
    response = api.post("/api/v1/products", as_token, content_type="application/json")
    if value == "1e999":  # valid JSON, but beyond a double: infinity
        refused(response, "reported_area_m2")
    else:
        body = refused(response, "body", status=400)
        assert f"{value} is not a JSON number" in body["detail"]
    as_text = raw[:-1] + f', "reported_area_m2": "{value}"}}'
    refused(api.post("/api/v1/products", as_text, content_type="application/json"), "reported_area_m2")
    assert not Product.objects.exists()


def test_patch_refuses_unknown_fields(api, hazard):
    response = api.patch(f"/api/v1/hazards/{hazard.code}", {"nmae": "typo"}, content_type="application/json")
    body = refused(response, "nmae")
    assert body["reason"] == "extra_forbidden"
    hazard.refresh_from_db()
    assert hazard.name == ""


def test_json_endpoints_refuse_other_content_types(api):
    payload = json.dumps({**NEW, "geometry": square(*BATTAMBANG)})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        refused(api.post("/api/v1/hazards", payload, content_type=content_type), "Content-Type", status=415)
    assert not Hazard.objects.exists()


def test_unparseable_json_is_a_400_in_the_error_shape(api):
    refused(api.post("/api/v1/hazards", "{not json", content_type="application/json"), "body", status=400)


def test_input_errors_follow_the_error_shape_with_every_error(api):
    body = refused(post(api, {**NEW, "geometry": square(*BATTAMBANG), "recorded_on": "first of May"}), "recorded_on")
    assert body["errors"] and body["errors"][0]["loc"][-1] == "recorded_on"


def test_service_checks():
    assert check_code("KH-BTB_01.2") == "KH-BTB_01.2" and check_code(None) is None
    for bad in ("CMAC/1", "..", "a..b/c", "x" * 41):
        with pytest.raises(ValidationFailed) as caught:
            check_code(bad, field="code")
        assert caught.value.field == "code"
    with pytest.raises(ValidationFailed):
        check_finite(float("nan"), "area_m2")
    with pytest.raises(ValidationFailed):
        check_date(dt.date(1899, 1, 1), "date")
    assert check_date(dt.date.today() + dt.timedelta(days=300), "end", planned=True)
    assert not safe_code("../x") and safe_code("KH02-HAZ-000001")


def test_pages_link_codes_written_before_the_alphabet_rule():
    converter = CodeConverter()
    for code in ("CMAC/1", "../<script>", "KH02-HAZ-000001"):
        assert "/" not in converter.to_url(code)
        assert converter.to_python(converter.to_url(code)) == code


def test_pages_stay_up_with_a_stored_code_outside_the_alphabet(signed_in, hazard):
    from django.urls import reverse

    Hazard.objects.filter(pk=hazard.pk).update(code="CMAC/1")  # as old data imported before the rule
    for page in ("hazard-list", "ledger-summary"):
        response = signed_in.get(reverse(page))
        assert response.status_code == 200, page
    assert b"/hazards/CMAC%252F1/" in signed_in.get(reverse("hazard-list")).content
    detail = signed_in.get("/hazards/CMAC%252F1/")
    assert detail.status_code == 200 and b"CMAC/1" in detail.content
