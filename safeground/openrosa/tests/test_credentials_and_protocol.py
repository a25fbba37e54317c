"""Device credentials and the OpenRosa envelope: Basic authentication with 401 first, the roles,
HEAD on the submission URL, and the answers to posts that are refused before any form is read."""

import base64
import hashlib
import io
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client

from safeground.openrosa import services
from safeground.openrosa.models import DeviceCredential, ReceivedInstance


def _basic(login: str, secret: str) -> dict:
    token = base64.b64encode(f"{login}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def device(qm_world):
    credential, secret = services.issue_credential(qm_world["users"]["op-tdo"], "Tablet 1")
    return credential, secret


def test_a_credential_keeps_only_a_hash_of_its_secret(device):
    credential, secret = device
    stored = DeviceCredential.objects.get(pk=credential.pk)
    assert credential.login.startswith("op-tdo.")
    assert secret not in stored.secret_hash
    assert len(secret) == 23 and secret.count("-") == 3


def test_collect_is_challenged_then_let_in(device):
    """Over HTTPS: a Basic challenge, then the credential (Collect sends Basic only over HTTPS)."""
    credential, secret = device
    client = Client()
    first = client.get("/odk/formList", secure=True)
    assert first.status_code == 401
    assert first["WWW-Authenticate"].startswith('Basic realm="SafeGround ODK"')
    assert first["X-OpenRosa-Version"] == "1.0" and first["Date"]
    second = client.get("/odk/formList", secure=True, **_basic(credential.login, secret))
    assert second.status_code == 200
    assert second["X-OpenRosa-Version"] == "1.0"
    assert b'<xforms xmlns="http://openrosa.org/xforms/xformsList">' in second.content
    credential.refresh_from_db()
    assert credential.last_used_at is not None


def test_wrong_and_revoked_secrets_are_refused(device, qm_world):
    credential, secret = device
    client = Client()
    wrong = client.get("/odk/formList", **_basic(credential.login, secret + "x"))
    assert wrong.status_code == 401 and b"wrong device login or secret" in wrong.content
    services.revoke_credential(credential.pk, by=qm_world["users"]["op-tdo"])
    revoked = client.get("/odk/formList", **_basic(credential.login, secret))
    assert revoked.status_code == 401 and b"revoked" in revoked.content


def test_guessing_is_throttled(device):
    credential, secret = device
    client = Client()
    for _ in range(10):
        assert client.get("/odk/formList", **_basic(credential.login, "guess")).status_code == 401
    blocked = client.get("/odk/formList", **_basic(credential.login, secret))
    assert blocked.status_code == 401 and b"too many wrong secrets" in blocked.content


def test_only_accounts_that_may_submit_get_forms(qm_world):
    credential, secret = services.issue_credential(qm_world["users"]["view"], "viewer's phone")
    response = Client().get("/odk/formList", **_basic(credential.login, secret))
    assert response.status_code == 403
    assert b'nature="error"' in response.content and b"may not send forms" in response.content


def test_a_session_reads_but_never_posts(qm_world):
    client = Client()
    client.force_login(qm_world["users"]["op-tdo"])
    assert client.get("/odk/formList").status_code == 200
    post = client.post("/odk/submission", {"xml_submission_file": io.BytesIO(b"<x/>")})
    assert post.status_code == 401
    assert ReceivedInstance.objects.count() == 0


def _digest(login, secret, nonce, uri, method="GET", nc="00000001", cnonce="0a4f113b"):
    def md5(text):
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{login}:SafeGround ODK:{secret}")
    answer = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{md5(f'{method}:{uri}')}")
    return {
        "HTTP_AUTHORIZATION": f'Digest username="{login}", realm="SafeGround ODK", nonce="{nonce}", uri="{uri}", '
        f'qop=auth, nc={nc}, cnonce="{cnonce}", response="{answer}", algorithm=MD5'
    }


def _nonce(response) -> str:
    return re.search(r'nonce="([^"]+)"', response["WWW-Authenticate"]).group(1)


def test_over_plain_http_collect_is_challenged_with_digest(device):
    """Collect sends Basic only over HTTPS; over HTTP it answers a Digest challenge (RFC 2617, qop=auth)."""
    credential, secret = device
    client = Client()
    first = client.get("/odk/formList")
    assert first.status_code == 401 and first["WWW-Authenticate"].startswith('Digest realm="SafeGround ODK"')
    nonce = _nonce(first)
    ok = client.get("/odk/formList", **_digest(credential.login, secret, nonce, "/odk/formList"))
    assert ok.status_code == 200, ok.content
    wrong = client.get("/odk/formList", **_digest(credential.login, "nope", nonce, "/odk/formList"))
    assert wrong.status_code == 401 and b"wrong device login or secret" in wrong.content
    other_uri = client.get("/odk/formList", **_digest(credential.login, secret, nonce, "/odk/submission"))
    assert other_uri.status_code == 401
    assert secret not in credential.digest_ha1 and credential.digest_ha1.startswith("sgf1:")


def test_an_expired_nonce_is_challenged_again_as_stale(device):
    from safeground.openrosa import digest

    credential, secret = device
    old = digest.nonce(now=time.time() - digest.NONCE_SECONDS - 60)
    response = Client().get("/odk/formList", **_digest(credential.login, secret, old, "/odk/formList"))
    assert response.status_code == 401 and "stale=true" in response["WWW-Authenticate"]
    forged = old.split(".")[0] + ".0000"
    response = Client().get("/odk/formList", **_digest(credential.login, secret, forged, "/odk/formList"))
    assert response.status_code == 401 and "stale" not in response["WWW-Authenticate"]


def test_head_on_the_submission_url_answers_204_with_the_limit(device):
    credential, secret = device
    response = Client().head("/odk/submission", **_basic(credential.login, secret))
    assert response.status_code == 204
    assert int(response["X-OpenRosa-Accept-Content-Length"]) > 0
    assert response["Location"].endswith("/odk/submission")
    assert response["X-OpenRosa-Version"] == "1.0"


def _post(credential, secret, xml: bytes, **files):
    upload = io.BytesIO(xml)
    upload.name = "instance.xml"
    data = {"xml_submission_file": upload, **files}
    return Client().post("/odk/submission", data, **_basic(credential.login, secret))


def test_malformed_xml_and_a_missing_instance_id_get_400(device):
    credential, secret = device
    bad = _post(credential, secret, b"<data id='x'><unclosed></data>")
    assert bad.status_code == 400
    assert b'<message nature="error">the submission is not well-formed XML' in bad.content
    no_id = _post(credential, secret, b"<data id='nts' version='1'><meta/></data>")
    assert no_id.status_code == 400 and b"meta/instanceID" in no_id.content
    entity = _post(
        credential,
        secret,
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d id="x">&e;</d>',
    )
    assert entity.status_code == 400
    assert ReceivedInstance.objects.count() == 0


def test_an_unknown_form_gets_404(device):
    credential, secret = device
    xml = b"<data id='nothing' version='1'><meta><instanceID>uuid:1</instanceID></meta></data>"
    response = _post(credential, secret, xml)
    assert response.status_code == 404 and b"there is no form 'nothing'" in response.content


def test_a_post_over_the_limit_gets_413(device, settings):
    credential, secret = device
    settings.SAFEGROUND_ODK_MAX_POST_BYTES = 100
    response = _post(credential, secret, b"<data id='x'>" + b"a" * 200 + b"</data>")
    assert response.status_code == 413 and b"at most 100 per post" in response.content


def test_the_command_line_adds_lists_and_revokes(qm_world):
    out = io.StringIO()
    call_command("odk", "credentials", "add", "op-tdo", "--name", "Tablet 9", stdout=out, stderr=io.StringIO())
    login = out.getvalue().split()[1]
    listed = io.StringIO()
    call_command("odk", "credentials", "list", "op-tdo", stdout=listed)
    assert login in listed.getvalue() and "active" in listed.getvalue() and "Tablet 9" in listed.getvalue()
    call_command("odk", "credentials", "revoke", login, stdout=io.StringIO())
    assert DeviceCredential.objects.get(login=login).revoked_at is not None


def test_the_page_makes_and_revokes_a_users_own_credentials(qm_world):
    client = Client()
    client.force_login(qm_world["users"]["op-tdo"])
    made = client.post("/accounts/odk-devices/", {"action": "create", "name": "Tablet 2"})
    assert made.status_code == 200 and b"shown only once" in made.content
    row = DeviceCredential.objects.get(user=qm_world["users"]["op-tdo"])
    assert row.login.encode() in made.content
    other, _secret = services.issue_credential(qm_world["users"]["op-too"], "not mine")
    refused = client.post("/accounts/odk-devices/", {"action": "revoke", "credential": str(other.pk)})
    assert refused.status_code == 422
    assert DeviceCredential.objects.get(pk=other.pk).revoked_at is None
    assert other.login.encode() not in client.get("/accounts/odk-devices/").content
    client.post("/accounts/odk-devices/", {"action": "revoke", "credential": str(row.pk)})
    assert DeviceCredential.objects.get(pk=row.pk).revoked_at is not None
