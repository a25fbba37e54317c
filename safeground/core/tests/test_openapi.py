"""The response check itself: what it lets through and what it stops (core/tests/openapi.py)."""

import pytest
from django.http import HttpResponse, JsonResponse

from safeground.core.tests.openapi import OpenAPIMismatch, check_response, document, operation_for


def test_a_documented_response_passes():
    check_response("GET", "/api/v1/organisations", JsonResponse({"count": 0, "items": []}))
    check_response("GET", "/api/v1/organisations/CMAC", JsonResponse({"detail": "Not Found"}, status=404))


def test_a_status_the_operation_does_not_document_fails():
    # The list has no path parameter, so it never answers 404.
    with pytest.raises(OpenAPIMismatch, match=r"GET /api/v1/organisations .* answered 404, .*documented: 200, 401"):
        check_response("GET", "/api/v1/organisations", JsonResponse({"detail": "Not Found"}, status=404))


def test_a_body_that_breaks_the_schema_fails_naming_the_place():
    with pytest.raises(OpenAPIMismatch, match=r"at /count: 'many' is not of type 'integer'"):
        check_response("GET", "/api/v1/organisations", JsonResponse({"count": "many", "items": []}))
    with pytest.raises(OpenAPIMismatch, match=r"at /items/0: 'acronym' is a required property"):
        check_response("GET", "/api/v1/organisations", JsonResponse({"count": 1, "items": [{"name": "x"}]}))


def test_an_error_body_must_have_the_error_shape():
    with pytest.raises(OpenAPIMismatch, match="422: the body does not match"):
        check_response("POST", "/api/v1/organisations/CMAC/accreditations", JsonResponse({"oops": 1}, status=422))


def test_a_path_the_document_does_not_know_fails_and_pages_are_ignored():
    with pytest.raises(OpenAPIMismatch, match="no operation in the OpenAPI document matches"):
        check_response("GET", "/api/v1/no-such-thing", JsonResponse({}))
    check_response("GET", "/hazards/", HttpResponse("<html></html>"))  # a page, not the API


def test_literal_segments_win_over_parameters():
    assert operation_for("/api/v1/organisations/accreditations/expiring", "get").template.endswith("/expiring")
    assert operation_for("/api/v1/organisations/CMAC", "get").template == "/api/v1/organisations/{acronym}"
    assert document()["openapi"].startswith("3.1")


@pytest.mark.django_db
def test_the_check_uses_the_document_the_api_serves(api):
    served = api.get("/api/v1/openapi.json").json()
    assert served == document()
    errors = served["paths"]["/api/v1/organisations/{acronym}"]["get"]["responses"]
    assert set(errors) == {"200", "401", "404"}  # 401 and 404 are the shared answers SafeGroundAPI adds
    assert errors["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
