"""The field forms page and downloads (IM officers), the `safeground forms` command, and a refused
build that writes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from safeground.core.errors import ValidationFailed
from safeground.fieldforms import queries, services
from safeground.fieldforms.models import FormMedia, FormVersion


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_im_officer_lists_the_forms_and_downloads_xlsform_xform_and_media(forms_world):
    services.build()
    nts = queries.current("nts")
    client = _client(forms_world["users"]["im"])
    page = client.get("/fieldforms/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Non-technical survey" in html and nts.version in html and "villages.csv" in html
    xlsx = client.get(f"/fieldforms/nts/{nts.version}/xlsx")
    assert xlsx.status_code == 200 and xlsx.content == bytes(nts.xlsform) and xlsx.content[:2] == b"PK"
    assert f'filename="nts-{nts.version}.xlsx"' in xlsx["Content-Disposition"]
    xml = client.get(f"/fieldforms/nts/{nts.version}/xml")
    assert xml.status_code == 200 and xml.content.decode() == nts.xform
    csv = client.get(f"/fieldforms/nts/{nts.version}/media/villages.csv")
    assert csv.status_code == 200 and b"XTV001,Riverbend,XTL,XT02,XT0201,XT020101" in csv.content
    assert client.get(f"/fieldforms/nts/{nts.version}/media/other.csv").status_code == 404
    assert client.get(f"/fieldforms/nts/{nts.version}/pdf").status_code == 404
    assert client.get("/fieldforms/nts/1999010101/xlsx").status_code == 404


@pytest.mark.django_db
def test_other_roles_may_not_download_the_forms(forms_world):
    services.build()
    nts = queries.current("nts")
    for name in ("view", "op-tdo", "qa"):
        client = _client(forms_world["users"][name])
        assert client.get("/fieldforms/").status_code == 403
        assert client.get(f"/fieldforms/nts/{nts.version}/xlsx").status_code == 403
    assert Client().get("/fieldforms/").status_code == 302


@pytest.mark.django_db
def test_the_cli_builds_writes_and_lists(forms_world, tmp_path):
    out = io.StringIO()
    call_command("forms", "build", "--out", str(tmp_path / "forms"), stdout=out)
    text = out.getvalue()
    assert "nts" in text and "new" in text and "unchanged" not in text
    assert (tmp_path / "forms" / "nts.xlsx").read_bytes()[:2] == b"PK"
    assert "<h:html" in (tmp_path / "forms" / "nts.xml").read_text()
    assert (tmp_path / "forms" / "nts-media" / "provinces.csv").exists()
    assert not (tmp_path / "forms" / "progress-media").exists()
    again = io.StringIO()
    call_command("forms", "build", stdout=again)
    assert again.getvalue().count("unchanged") == FormVersion.objects.count()
    listing = io.StringIO()
    call_command("forms", "list", stdout=listing)
    assert f"nts          {queries.current('nts').version}  current" in listing.getvalue()


@pytest.mark.django_db
def test_a_form_pyxform_refuses_is_named_and_nothing_is_written(forms_world, monkeypatch):
    from safeground.fieldforms.definitions import eore
    from safeground.fieldforms.xlsform import Q

    broken = eore.survey()
    broken.append(Q("select_one no_such_list", "oops", "Oops"))
    monkeypatch.setattr(eore, "survey", lambda: broken)
    with pytest.raises(ValidationFailed, match="form eore: pyxform refused its XLSForm"):
        services.build()
    assert not FormVersion.objects.exists() and not FormMedia.objects.exists()
    with pytest.raises(CommandError, match="form eore"):
        call_command("forms", "build", stdout=io.StringIO())
    assert not FormVersion.objects.exists()


@pytest.mark.django_db
def test_the_out_folder_must_be_writable(forms_world, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="cannot write into"):
        call_command("forms", "build", "--out", str(blocker / "sub"), stdout=io.StringIO())
