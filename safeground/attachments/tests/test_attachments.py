"""Attachments on records in Testland (a third country the tests build): limits, sniffing, thumbnails,
EXIF, the far flag, access, and the move on approval."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image
from pyproj import Geod

from safeground.attachments import files, queries, services
from safeground.attachments.models import Attachment
from safeground.attachments.tests.photos import PDF, photo
from safeground.core.errors import ValidationFailed
from safeground.qm.tests.fixtures import PRODUCT_BOX

pytestmark = pytest.mark.django_db
INSIDE = (-19.899, -29.899)  # in the product (and its hazard)


def stored_files(folder: str) -> list[str]:
    return [os.path.join(d, f) for d, _, names in os.walk(folder) for f in names]


@pytest.fixture
def folder(_attachments_in_a_temporary_folder):
    """The test session's attachment folder, emptied for this test."""
    for name in stored_files(_attachments_in_a_temporary_folder):
        os.remove(name)
    return _attachments_in_a_temporary_folder


@pytest.fixture
def im(qm_world):
    return qm_world["users"]["im"]


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---- limits and sniffing -------------------------------------------------------------------------


def test_too_large_is_refused_with_sizes_and_nothing_is_written(qm_world, im, folder, settings):
    settings.SAFEGROUND_ATTACHMENT_MAX_BYTES = 1000
    big = photo(size=(400, 400), colour="red") + b"\0" * 2000
    with pytest.raises(services.AttachmentTooLarge) as refused:
        services.attach(qm_world["product"], name="site.jpg", content=big, user=im)
    assert str(refused.value) == f"file: site.jpg is {len(big):,} bytes; at most 1,000 bytes is kept"
    assert refused.value.field == "file" and refused.value.reason == "too_large"
    assert isinstance(refused.value, ValidationFailed)
    assert Attachment.objects.count() == 0 and stored_files(folder) == []


def test_type_is_read_from_the_content_not_the_name(qm_world, im, folder):
    product = qm_world["product"]
    with pytest.raises(ValidationFailed, match=r"notes\.jpg is not a JPEG, PNG or WebP photo or a PDF"):
        services.attach(product, name="notes.jpg", content=b"just some text, named like a photo", user=im)
    with pytest.raises(ValidationFailed, match="is empty"):
        services.attach(product, name="empty.png", content=b"", user=im)
    with pytest.raises(ValidationFailed, match="cannot be read as an image"):
        services.attach(product, name="broken.jpg", content=b"\xff\xd8\xff\xe0" + b"junk" * 50, user=im)
    assert Attachment.objects.count() == 0 and stored_files(folder) == []

    png = services.attach(product, name="scan.pdf", content=photo("PNG"), user=im)
    pdf = services.attach(product, name="photo.jpg", content=PDF, user=im)
    webp = services.attach(product, name="x.webp", content=photo("WEBP"), user=im)
    assert (png.media_type, pdf.media_type, webp.media_type) == ("image/png", "application/pdf", "image/webp")
    assert png.file.name.endswith(".png") and pdf.file.name.endswith(".pdf")  # the stored name follows the content
    assert pdf.thumbnail.name in ("", None) and png.thumbnail.name.endswith(".jpg")
    assert png.sha256 == __import__("hashlib").sha256(photo("PNG")).hexdigest()


def test_attach_many_is_all_or_nothing(qm_world, im, folder):
    good = {"name": "a.jpg", "content": photo()}
    with pytest.raises(ValidationFailed, match=r"files\[1\]: b\.txt is not"):
        services.attach_many(qm_world["product"], [good, {"name": "b.txt", "content": b"text"}], user=im)
    assert Attachment.objects.count() == 0 and stored_files(folder) == []
    rows = services.attach_many(
        qm_world["product"], [good, {"name": "c.pdf", "content": PDF, "caption": "Report"}], user=im
    )
    assert [r.name for r in rows] == ["a.jpg", "c.pdf"] and rows[1].caption == "Report"
    assert len(stored_files(folder)) == 3  # two files and one thumbnail


def test_a_failed_write_removes_the_files_it_had_written(qm_world, im, folder, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment, "save", fail)
    with pytest.raises(RuntimeError):
        services.attach(qm_world["product"], name="a.jpg", content=photo(), user=im)
    assert stored_files(folder) == []


def test_a_record_that_takes_no_attachments_is_refused(qm_world, im):
    with pytest.raises(ValidationFailed, match="take no attachments"):
        services.attach(qm_world["team"], name="a.jpg", content=photo(), user=im)


# ---- thumbnails, EXIF, far flag -----------------------------------------------------------------


def test_thumbnail_is_a_small_upright_jpeg(qm_world, im):
    row = services.attach(qm_world["product"], name="wide.png", content=photo("PNG", size=(1200, 900)), user=im)
    with row.thumbnail.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == files.THUMBNAIL_PX and thumb.size == (320, 240)


def test_exif_time_and_position_are_read_and_measured_from_the_record(qm_world, im):
    content = photo(lonlat=INSIDE, taken="2025:03:02 10:15:00", offset="+07:00")
    row = services.attach(qm_world["product"], name="site.jpg", content=content, user=im)
    assert row.taken_at.isoformat() == "2025-03-02T03:15:00+00:00"
    assert abs(row.position.x - INSIDE[0]) < 1e-5 and abs(row.position.y - INSIDE[1]) < 1e-5
    assert row.distance_m == 0 and not row.is_far()

    no_offset = services.attach(qm_world["product"], name="b.jpg", content=photo(taken="2025:03:02 10:15:00"), user=im)
    assert no_offset.taken_at.isoformat() == "2025-03-02T10:15:00+00:00" and no_offset.position is None
    assert no_offset.distance_m is None and not no_offset.is_far()


def test_a_photo_far_from_its_record_is_flagged_with_the_distance_in_metres(qm_world, im, settings):
    west, south = PRODUCT_BOX[0], PRODUCT_BOX[1]
    lonlat = (west + 0.001, south - 0.05)  # straight south of the product's southern edge
    expected = Geod(ellps="WGS84").inv(lonlat[0], lonlat[1], lonlat[0], south)[2]  # about 5.5 km
    row = services.attach(qm_world["product"], name="far.jpg", content=photo(lonlat=lonlat), user=im)
    assert row.distance_m == pytest.approx(expected, rel=0.002)  # UTM against the ellipsoid: within 0.2%
    assert row.is_far()
    settings.SAFEGROUND_ATTACHMENT_FAR_M = 10_000
    assert not row.is_far()


def test_gps_is_stripped_when_asked_and_the_rest_kept():
    content = photo(lonlat=INSIDE, taken="2025:03:02 10:15:00")
    stripped = files.without_gps(content, "image/jpeg")
    facts = files.read_photo(stripped)
    assert facts.lonlat is None and facts.taken_at is not None
    assert files.without_gps(PDF, "application/pdf") == PDF


# ---- access -------------------------------------------------------------------------------------


@pytest.fixture
def visit_photo(qm_world, monitoring_visit):
    row = services.attach(monitoring_visit, name="inspection.jpg", content=photo(), user=qm_world["users"]["qa"])
    return monitoring_visit, row


def test_served_only_to_those_who_may_see_the_record(qm_world, visit_photo):
    visit, row = visit_photo
    urls = [f"/attachments/{row.pk}/", f"/attachments/{row.pk}/thumbnail", f"/api/v1/attachments/{row.pk}"]
    listing = f"/api/v1/attachments/records/qm.visit/{visit.code}"
    inspected = client_of(qm_world["users"]["op-tdo"])  # the inspected organisation's operator sees its visit
    for url in urls:
        response = inspected.get(url)
        assert response.status_code == 200 and response["Content-Type"] == ("image/jpeg"), url
        assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(inspected.get(urls[0]).streaming_content) == photo()
    assert [a["name"] for a in inspected.get(listing).json()] == ["inspection.jpg"]

    other = client_of(qm_world["users"]["op-too"])  # another operator: the visit is not theirs
    for url in [*urls, listing]:
        assert other.get(url).status_code == 404, url
    nobody = client_of(get_user_model().objects.create_user("no-role"))
    assert nobody.get(urls[0]).status_code == 404
    assert Client().get(urls[0]).status_code == 302  # anonymous: to the sign-in page
    assert Client().get(urls[2]).status_code == 401
    missing = "00000000-0000-4000-8000-000000000000"
    assert inspected.get(f"/attachments/{missing}/").status_code == 404  # the same answer as a hidden one
    assert inspected.get("/api/v1/attachments/not-a-uuid").status_code == 404


def test_page_upload_needs_the_right_to_change_the_record(qm_world, im, folder):
    product = qm_world["product"]
    to = f"landrelease.product:{product.pk}"
    page = f"/products/{product.code}/"
    operator = client_of(qm_world["users"]["op-tdo"])
    refused = operator.post("/attachments/new/", {"to": to, "file": _upload("a.jpg", photo()), "next": page})
    assert refused.status_code == 403 and Attachment.objects.count() == 0 and stored_files(folder) == []

    officer = client_of(im)
    bad = officer.post("/attachments/new/", {"to": to, "file": _upload("a.txt", b"hello"), "next": page}, follow=True)
    assert "a.txt is not a JPEG" in bad.content.decode() and Attachment.objects.count() == 0
    done = officer.post(
        "/attachments/new/", {"to": to, "file": _upload("a.jpg", photo()), "caption": "North corner", "next": page}
    )
    assert done.status_code == 302 and done["Location"] == page
    row = queries.of(product).get()
    assert row.caption == "North corner" and row.uploaded_by == im and row.source == "upload"
    html = officer.get(page).content.decode()
    assert f"/attachments/{row.pk}/thumbnail" in html and "North corner" in html

    assert operator.post(f"/attachments/{row.pk}/remove", {"next": page}).status_code == 403
    assert officer.post(f"/attachments/{row.pk}/remove", {"next": page}).status_code == 302
    row.refresh_from_db()
    assert not queries.of(product).exists() and row.removed_at is not None and row.removed_by == im


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_api_upload_list_download(qm_world, im, folder, settings):
    hazard = qm_world["hazard"]
    officer = client_of(im)
    url = f"/api/v1/attachments/records/hazards.hazard/{hazard.code}"
    made = officer.post(url, {"file": _upload("h.jpg", photo(lonlat=INSIDE)), "caption": "Sign"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["record"] == hazard.code and body["media_type"] == "image/jpeg" and body["far"] is False
    assert body["position"] == pytest.approx(list(INSIDE), abs=1e-5) and body["distance_m"] == 0
    assert [a["id"] for a in officer.get(url).json()] == [body["id"]]
    assert b"".join(officer.get(body["url"]).streaming_content) == photo(lonlat=INSIDE)

    settings.SAFEGROUND_ATTACHMENT_MAX_BYTES = 100
    too_big = officer.post(url, {"file": _upload("h2.jpg", photo())})
    assert too_big.status_code == 422 and too_big.json()["reason"] == "too_large"
    operator = client_of(qm_world["users"]["op-tdo"])
    assert operator.post(url, {"file": _upload("h3.jpg", photo())}).status_code == 403
    assert queries.of(hazard).count() == 1
    assert officer.get("/api/v1/attachments/records/organisations.team/x").status_code == 404
