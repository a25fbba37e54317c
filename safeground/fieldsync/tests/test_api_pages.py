"""Field sync over the API and on the pages: who may import, the import's review page with its
submissions and conflict flags, the laptop's page, and the receipt's upload."""

import base64

import pytest
from django.test import Client

from safeground.fieldsync import services
from safeground.fieldsync.models import SyncImport

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def package(tmp_path, keys, laptop_changes) -> bytes:
    services.export_package(tmp_path / "p.sgx", key=keys["laptop"][0])
    return (tmp_path / "p.sgx").read_bytes()


def test_api_import_is_for_national_roles_and_says_when_nothing_was_done(package, qm_world):
    body = {"package": base64.b64encode(package).decode()}
    operator = _client(qm_world["users"]["op-tdo"])
    refused = operator.post("/api/v1/fieldsync/imports", body, content_type="application/json")
    assert refused.status_code == 403 and not SyncImport.objects.exists()
    im = _client(qm_world["users"]["im"])
    made = im.post("/api/v1/fieldsync/imports", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["submitted"] == 2
    assert {i["status"] for i in made.json()["items"]} == {"pending"}
    again = im.post("/api/v1/fieldsync/imports", body, content_type="application/json")
    assert (
        again.status_code == 200 and again.json()["created"] is False and "already imported" in again.json()["message"]
    )
    bad = im.post("/api/v1/fieldsync/imports", {"package": "not base64!"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "package"
    detail = im.get(f"/api/v1/fieldsync/imports/{made.json()['code']}").json()
    change = next(i for i in detail["items"] if i["kind"] == "product")
    assert change["base_version"] == 1 and change["current_version"] == 2 and change["conflict"] is True
    assert im.get("/api/v1/fieldsync/offices").json()["items"][0]["code"] == "TDO-FO1"
    assert operator.get("/api/v1/fieldsync/packages").json()["office"]["code"] == "TDO-FO1"


def test_import_review_page_upload_and_laptop_page(package, qm_world, tmp_path, keys):
    im = _client(qm_world["users"]["im"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = im.post("/fieldsync/imports/", {"package": SimpleUploadedFile("p.sgx", package)})
    assert response.status_code == 302
    row = SyncImport.objects.get()
    page = im.get(f"/fieldsync/imports/{row.code}/").content.decode()
    assert "TDO-FO1" in page and row.signer in page and 'data-conflict="1"' in page
    assert page.count("/workbench/WB-TDO-") == 2
    altered = bytearray(package)
    altered[100] ^= 1
    refused = im.post("/fieldsync/imports/", {"package": SimpleUploadedFile("p.sgx", bytes(altered))})
    assert refused.status_code == 422 and "Not imported" in refused.content.decode()
    assert im.get("/fieldsync/offices/").status_code == 200
    services.make_receipt("TDO-FO1", tmp_path / "r.sgx", key=keys["server"][0])
    operator = _client(qm_world["users"]["op-tdo"])
    receipt = SimpleUploadedFile("r.sgx", (tmp_path / "r.sgx").read_bytes())
    assert operator.post("/fieldsync/", {"receipt": receipt}).status_code == 403
    receipt.seek(0)
    assert im.post("/fieldsync/", {"receipt": receipt}).status_code == 302
    laptop = operator.get("/fieldsync/").content.decode()
    assert laptop.count('data-status="pending"') == 2 and "TDO-FO1:1:1" in laptop
