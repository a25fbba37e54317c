"""The public catalogue: no sign-in, no coordinates, no device code, images only of public exhibits and
without their EXIF."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from safeground.attachments import services as attachments
from safeground.museum import services

from .conftest import FIND, png


def _digits(value: float) -> list[str]:
    """Ways a coordinate could be written: 5, 4 and 3 decimals."""
    return [f"{abs(value):.5f}", f"{abs(value):.4f}", f"{abs(value):.3f}"]


@pytest.fixture
def photo(exhibit, user):
    return attachments.attach(exhibit, name="find.jpg", content=png("olive", gps=True), user=user, path="public")


def test_public_page_shows_identification_and_hides_the_find(museum_world, exhibit, photo):
    response = Client().get(f"/collection/{exhibit.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "TM-99" in html and "Round mine" in html and "A TM-99 from the east" in html
    assert "East, 2024" in html  # the province and the year only
    assert "Do not touch" in html  # the standard safety messages
    assert "(in English)" not in html  # English page: the English text is not marked
    for coordinate in FIND:
        for written in _digits(coordinate):
            assert written not in html, written
    assert museum_world["device"].code not in html
    assert museum_world["activity"].code not in html and "TDO" not in html and "DC-2024-001" not in html
    assert f"/collection/{exhibit.code}/image/{photo.pk}/" in html


def test_public_page_in_another_language_marks_english_text(museum_world, exhibit):
    c = Client()
    c.cookies["django_language"] = "fr"
    html = c.get(f"/collection/{exhibit.code}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Boîtier rond vert." in html  # the model's French features
    assert html.index("Mine ronde") < html.index("Round mine")  # French aliases first
    assert "Green; yellow stencil." in html  # no French colour text: the English one, marked


def test_a_non_public_exhibit_is_not_in_the_catalogue(museum_world, exhibit, photo, user):
    services.update_exhibit(exhibit, public=False, user=user)
    c = Client()
    assert c.get(f"/collection/{exhibit.code}/").status_code == 404
    assert c.get(f"/collection/{exhibit.code}/image/{photo.pk}/").status_code == 404
    assert exhibit.code not in c.get("/collection/").content.decode()
    assert c.get("/api/v1/museum/public/exhibits").json()["count"] == 0


def test_public_image_is_reencoded_without_gps(exhibit, photo):
    with photo.file.open("rb") as f, Image.open(f) as original:
        assert 0x8825 in original.getexif()  # the upload carried a GPS block
    response = Client().get(f"/collection/{exhibit.code}/image/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as served:
        assert 0x8825 not in served.getexif() and len(served.getexif()) == 0
    assert b"Exif" not in response.content[:200]


def test_a_staff_only_image_of_the_exhibit_answers_404(exhibit, user):
    """The certificate's scan (or any photo outside the exhibit's "public" part) never reaches the public."""
    scan = attachments.attach(exhibit, name="certificate.png", content=png(), user=user, caption="Certificate")
    assert Client().get(f"/collection/{exhibit.code}/image/{scan.pk}/").status_code == 404
    assert str(scan.pk) not in Client().get(f"/collection/{exhibit.code}/").content.decode()


def test_an_image_of_another_record_answers_404(museum_world, exhibit, user):
    other = attachments.attach(museum_world["device"], name="x.png", content=png(), user=user)
    assert Client().get(f"/collection/{exhibit.code}/image/{other.pk}/").status_code == 404


def test_public_api_has_the_same_redaction(museum_world, exhibit, photo):
    body = Client().get("/api/v1/museum/public/exhibits").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["found_province"], item["found_year"], item["model"]) == ("East", 2024, "TM-99")
    text = str(body)
    for coordinate in FIND:
        for written in _digits(coordinate):
            assert written not in text
    assert museum_world["device"].code not in text and "found_point" not in text
    assert "'operator'" not in text and "TDO" not in text
