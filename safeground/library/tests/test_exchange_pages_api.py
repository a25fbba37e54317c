"""The library exchange's pages, API and CLI: download, upload, decide, apply; a viewer reads but is
refused every write (403), nothing written."""

# ruff: noqa: F811  (the fixtures are imported, then named as arguments)
from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from safeground.library.models import LibraryImport, LibraryMatch
from safeground.library.tests.exchange_fixtures import KHMER, ours, theirs_zip  # noqa: F401
from safeground.ordnance.models import OrdnanceModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client_for) -> Client:
    return client_for("viewer")


def test_pages_happy_path_upload_decide_apply(ours, signed_in):
    home = signed_in.get("/library/exchange/")
    assert home.status_code == 200 and b'id="upload-form"' in home.content
    download = signed_in.get("/library/exchange/export/?format=csv")
    assert download.status_code == 200 and "Type 91X" in download.content.decode()
    assert "attachment;" in download["Content-Disposition"]

    upload = signed_in.post("/library/exchange/", {"file": SimpleUploadedFile("partner.zip", theirs_zip())})
    row = LibraryImport.objects.get()
    assert upload.status_code == 302 and upload["Location"] == f"/library/imports/{row.pk}/"
    page = signed_in.get(f"/library/imports/{row.pk}/")
    assert page.status_code == 200 and KHMER in page.content.decode()
    assert page.content.decode().count('name="decision-') == 3 * 5  # three choices per incoming model

    # A create under a taken name is refused on the page, the other decisions are kept.
    form = {"action": "decide"}
    for m in row.matches.all():
        form[f"decision-{m.pk}"] = "merge" if m.candidate else "create"
        form[f"target-{m.pk}"] = str(m.candidate_id or "")
    bad = dict(form, **{f"decision-{row.matches.get(name='TL2').pk}": "create"})
    refused = signed_in.post(f"/library/imports/{row.pk}/", bad)
    assert refused.status_code == 422
    assert "TL2: the library already has TL-2 by this name; choose merge" in refused.content.decode()
    assert LibraryMatch.objects.get(library_import=row, name="TL2").decision == "pending"

    assert signed_in.post(f"/library/imports/{row.pk}/", form).status_code == 302
    assert not row.matches.filter(decision="pending").exists()
    applied = signed_in.post(f"/library/imports/{row.pk}/", {"action": "apply"}, follow=True)
    assert applied.status_code == 200 and "Merged: 3, added: 2, left out: 0." in applied.content.decode()
    assert OrdnanceModel.objects.filter(name__in=["XVS-5", "XOZ-7"]).count() == 2


def test_viewer_reads_pages_but_every_write_is_refused(ours, viewer, user):
    from safeground.library import merging

    row = merging.receive(theirs_zip(), source="partner.zip", user=user)
    assert viewer.get("/library/exchange/").status_code == 200
    assert b'id="upload-form"' not in viewer.get("/library/exchange/").content
    page = viewer.get(f"/library/imports/{row.pk}/")
    assert page.status_code == 200 and b'name="decision-' not in page.content
    before = LibraryImport.objects.count()
    upload = viewer.post("/library/exchange/", {"file": SimpleUploadedFile("p.zip", theirs_zip())})
    assert upload.status_code == 403 and LibraryImport.objects.count() == before
    m = row.matches.first()
    decide = viewer.post(f"/library/imports/{row.pk}/", {"action": "decide", f"decision-{m.pk}": "skip"})
    assert decide.status_code == 403 and LibraryMatch.objects.get(pk=m.pk).decision == "pending"
    assert viewer.post(f"/library/imports/{row.pk}/", {"action": "apply"}).status_code == 403


def test_api_happy_path_and_403_for_a_viewer(ours, accounts, client_as):
    api, viewer = client_as("im-officer"), client_as("viewer")
    exported = api.get("/api/v1/library/export", {"format": "json"})
    assert exported.status_code == 200 and json.loads(exported.content)["format"] == "safeground-library"
    assert api.get("/api/v1/library/export", {"format": "pdf"}).status_code == 422

    refused = viewer.post("/api/v1/library/imports", {"file": SimpleUploadedFile("p.zip", theirs_zip())})
    assert refused.status_code == 403 and LibraryImport.objects.count() == 0
    bad = api.post("/api/v1/library/imports", {"file": SimpleUploadedFile("p.csv", b"name,category\nX,mine\n")})
    assert bad.status_code == 422 and bad.json()["field"] == "category" and "p.csv: row 2 (X)" in bad.json()["detail"]
    assert LibraryImport.objects.count() == 0

    made = api.post("/api/v1/library/imports", {"file": SimpleUploadedFile("p.zip", theirs_zip())})
    assert made.status_code == 201
    body = made.json()
    assert [m["matched_by"] for m in body["matches"]] == ["name", "alias", "alias", "none", "none"]
    base = f"/api/v1/library/imports/{body['id']}"
    assert api.get("/api/v1/library/imports").json()[0]["id"] == body["id"]
    assert api.post(f"{base}/apply").status_code == 422  # waiting for decisions
    ozm = next(m for m in body["matches"] if m["name"] == "XOZ-7")
    decided = viewer.post(f"{base}/matches/{ozm['id']}", {"decision": "skip"}, content_type="application/json")
    assert decided.status_code == 403
    unknown = api.post(
        f"{base}/matches/{ozm['id']}", {"decision": "merge", "target": "NOPE"}, content_type="application/json"
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "target"
    for m in body["matches"]:
        decision = {"decision": "merge"} if m["candidate"] else {"decision": "create"}
        if m["name"] == "XOZ-7":
            decision = {"decision": "merge", "target": "TL-9M"}
        assert api.post(f"{base}/matches/{m['id']}", decision, content_type="application/json").status_code == 200
    assert viewer.post(f"{base}/apply").status_code == 403
    done = api.post(f"{base}/apply")
    assert done.status_code == 200 and done.json()["status"] == "applied"
    assert done.json()["summary"]["created"] == 1 and done.json()["summary"]["merged"] == 4
    assert api.get(f"{base}").json()["matches"][4]["result"] == "TL-9M"


def test_cli_export_import_decide_apply(ours, tmp_path):
    out = tmp_path / "ours.zip"
    call_command("library-exchange", "export", "--format", "zip", "--out", str(out))
    assert out.read_bytes()[:2] == b"PK"
    theirs = tmp_path / "partner.zip"
    theirs.write_bytes(theirs_zip())
    text = io.StringIO()
    call_command("library-exchange", "import", str(theirs), "--programme", "Partner", stdout=text)
    row = LibraryImport.objects.get()
    assert f"import {row.pk}: 5 models" in text.getvalue() and row.programme == "Partner"
    for position in range(1, 6):
        m = row.matches.get(position=position)
        args = ["merge"] if m.candidate else ["create"]
        call_command("library-exchange", "decide", str(row.pk), str(position), *args, stdout=io.StringIO())
    call_command("library-exchange", "decide", str(row.pk), "5", "merge", "--target", "TL-9M", stdout=io.StringIO())
    text = io.StringIO()
    call_command("library-exchange", "apply", str(row.pk), stdout=text)
    assert "merged 4, created 1" in text.getvalue()
    assert OrdnanceModel.objects.get(name="TL-9M").aliases.filter(name="XOZ-7").exists()
