"""gzip for what compresses (core.compression): JSON and text yes, images and archives no."""

import gzip

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from safeground.core.compression import CompressTextMiddleware, compressible

BODY = b'{"type":"FeatureCollection","features":[' + b",".join([b'{"id":"X-HAZ-000001"}'] * 500) + b"]}"


def _through(response, encoding="gzip, deflate"):
    request = RequestFactory().get("/api/v1/hazards", HTTP_ACCEPT_ENCODING=encoding)
    return CompressTextMiddleware(lambda r: response)(request)


@pytest.mark.parametrize(
    "content_type, expected",
    [
        ("application/json", True),
        ("application/geo+json", True),
        ("text/html; charset=utf-8", True),
        ("text/csv", True),
        ("application/vnd.mapbox-vector-tile", True),
        ("image/png", False),
        ("application/pdf", False),
        ("application/geopackage+sqlite3", False),
        ("application/zip", False),
        ("", False),
    ],
)
def test_what_is_compressible(content_type, expected):
    assert compressible(content_type) is expected


def test_json_is_gzipped_when_the_client_accepts_it():
    response = _through(HttpResponse(BODY, content_type="application/json"))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == BODY
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content) < len(BODY) / 5


def test_not_when_the_client_does_not_accept_it():
    response = _through(HttpResponse(BODY, content_type="application/json"), encoding="identity")
    assert not response.has_header("Content-Encoding") and response.content == BODY


def test_a_streamed_page_is_compressed_as_it_goes():
    chunks = [BODY[:1000], BODY[1000:]]
    response = _through(StreamingHttpResponse(iter(chunks), content_type="application/geo+json"))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)) == BODY


def test_images_and_already_encoded_bodies_are_left_alone():
    png = _through(HttpResponse(b"\x89PNG" + bytes(5000), content_type="image/png"))
    assert not png.has_header("Content-Encoding") and len(png.content) == 5004
    encoded = HttpResponse(gzip.compress(BODY), content_type="application/json")
    encoded["Content-Encoding"] = "gzip"
    assert gzip.decompress(_through(encoded).content) == BODY, "compressed once, not twice"
