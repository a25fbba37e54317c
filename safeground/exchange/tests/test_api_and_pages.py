"""The exchange API and pages: who may do what, refusals as 422 naming the field, upload and import,
the review and comparison pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

API = "/api/v1/exchange"


def _signed_in(accounts, username: str) -> Client:
    c = Client()
    c.force_login(accounts[username])
    return c


def test_keys_reading_for_all_writing_for_national_roles(client_as, partner, key):
    viewer, im = client_as("viewer"), client_as("im-officer")
    assert viewer.get(f"{API}/keys").status_code == 200
    refused = viewer.post(f"{API}/keys", {"partner": "XPA", "key": key[1]}, content_type="application/json")
    assert refused.status_code == 403
    bad = im.post(f"{API}/keys", {"partner": "XPA", "key": "ed25519:zz"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "key"
    made = im.post(f"{API}/keys", {"partner": "XPA", "key": key[1]}, content_type="application/json")
    assert made.status_code == 201 and made.json()["fingerprint"] == key[2]
    listed = viewer.get(f"{API}/keys").json()
    assert listed["own"]["fingerprint"] == key[2] and listed["keys"][0]["partner"] == "XPA"
    assert viewer.post(f"{API}/keys/{key[2]}/revoke").status_code == 403
    revoked = im.post(f"{API}/keys/{key[2]}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert im.post(f"{API}/keys/{key[2]}/revoke").status_code == 422


def test_policies_api(client_as):
    im = client_as("im-officer")
    names = [p["name"] for p in im.get(f"{API}/policies").json()]
    assert names[:3] == ["open", "district", "grid-10km"]
    bad = im.post(f"{API}/policies", {"text": "name: x\nk: 2\nlayers: {hazards: {}}"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "k"
    assert (
        client_as("viewer").post(f"{API}/policies", {"text": "x"}, content_type="application/json").status_code == 403
    )
    ok = im.post(
        f"{API}/policies",
        {"text": "name: mine\nlayers: {hazards: {geometry: grid, cell_km: 2}}"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["version"] == 1


def test_upload_verify_import_and_review(client_as, accounts, package, trusted):
    from safeground.exchange.models import PartnerDataset

    im, viewer = client_as("im-officer"), client_as("viewer")
    upload = lambda data: {"file": SimpleUploadedFile("xtl.sgx", data)}  # noqa: E731
    assert viewer.post(f"{API}/packages", upload(package["bytes"])).status_code == 403
    tampered = bytearray(package["bytes"])
    tampered[len(tampered) // 2] ^= 1
    refused = im.post(f"{API}/packages", upload(bytes(tampered)))
    assert refused.status_code == 422 and refused.json()["refused"] and PartnerDataset.objects.count() == 0
    checked = im.post(f"{API}/verify", upload(package["bytes"]))
    assert checked.status_code == 200 and checked.json()["layers"]["hazards"] == 3
    first = im.post(f"{API}/packages", upload(package["bytes"]))
    assert first.status_code == 201 and first.json()["created"]
    again = im.post(f"{API}/packages", upload(package["bytes"]))
    assert again.status_code == 200 and not again.json()["created"] and "nothing done" in again.json()["message"]
    dataset_id = first.json()["package"]["id"]
    assert viewer.get(f"{API}/packages/{dataset_id}").json()["partner"] == "XPA"
    assert viewer.get(f"{API}/packages/not-a-uuid").status_code == 404
    assert len(viewer.get(f"{API}/packages").json()) == 1
    assert viewer.get(f"{API}/exports").json()[0]["partner"] == "XPA"

    page = _signed_in(accounts, "viewer").get(f"/exchange/packages/{dataset_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "exchange-map-data" in html and "10 km cells" in html and trusted.fingerprint in html

    compared = viewer.get(f"{API}/compare/XPA?programme=XTL").json()
    assert compared["theirs"]["programme"] == "XTL" and compared["ours"]["programme"] == "XTL"
    assert viewer.get(f"{API}/compare/NOPE").status_code == 422
    page = _signed_in(accounts, "viewer").get("/exchange/compare/XPA/?programme=XTL")
    assert page.status_code == 200 and "Productivity by method" in page.content.decode()
    assert _signed_in(accounts, "viewer").get("/exchange/compare/NOPE/").status_code == 404


def test_home_page_forms_by_role(accounts, partner, key, package):
    from safeground.exchange.models import PartnerDataset, PartnerKey

    viewer, im = _signed_in(accounts, "viewer"), _signed_in(accounts, "im-officer")
    page = viewer.get("/exchange/")
    assert page.status_code == 200 and b"trust-form" not in page.content and b"import-form" not in page.content
    assert viewer.post("/exchange/", {"action": "trust", "partner": "XPA", "key": key[1]}).status_code == 403
    assert b"trust-form" in im.get("/exchange/").content
    bad = im.post("/exchange/", {"action": "trust", "partner": "XPA", "key": "nonsense"})
    assert bad.status_code == 422 and b"key:" in bad.content and PartnerKey.objects.count() == 0
    assert im.post("/exchange/", {"action": "trust", "partner": "XPA", "key": key[1]}).status_code == 302
    done = im.post("/exchange/", {"action": "import", "file": SimpleUploadedFile("x.sgx", package["bytes"])})
    assert done.status_code == 302 and PartnerDataset.objects.count() == 1
    assert f"/exchange/packages/{PartnerDataset.objects.get().pk}/" in done["Location"]
    broken = im.post("/exchange/", {"action": "import", "file": SimpleUploadedFile("x.sgx", b"not a zip")})
    assert broken.status_code == 422 and b"Package refused" in broken.content


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in():
    assert Client().get("/exchange/").status_code == 302
    assert Client().get(f"{API}/keys").status_code == 401
