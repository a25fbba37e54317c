"""Export from the page and the API (the CLI's service, logged), a policy added from the page, and
the comparison's period (ours defaults to the partner package's)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

API = "/api/v1/exchange"
JSON = "application/json"


def _signed_in(accounts, username: str) -> Client:
    c = Client()
    c.force_login(accounts[username])
    return c


def test_api_export_downloads_a_signed_logged_package(client_as, land, key, partner):
    from safeground.core import packages
    from safeground.exchange.models import ExportLog

    body = {"partner": "XPA", "policy": "grid-10km", "programme": "XTL", "date_from": "2024-01-01"}
    assert client_as("viewer").post(f"{API}/exports", body, content_type=JSON).status_code == 403
    made = client_as("im-officer").post(f"{API}/exports", {**body, "date_to": "2024-12-31"}, content_type=JSON)
    assert made.status_code == 200 and made["Content-Type"] == "application/zip"
    disposition = made["Content-Disposition"]
    assert disposition.startswith('attachment; filename="xtl-for-xpa-') and disposition.endswith('.sgx"')
    data = made.content
    package = packages.verify(data, {key[2]: packages.read_public(key[1])})
    assert package.manifest["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    log = ExportLog.objects.get()
    assert log.package_id == packages.package_id(data) and log.created_by.username == "im-officer"
    assert log.file_name in disposition and log.period_to == dt.date(2024, 12, 31)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"partner": "NOPE"}, "partner", "cooperation register"),
        ({"policy": "nope"}, "policy", "grid-10km"),
        ({"programme": "ZZZ"}, "programme", "ZZZ"),
        ({"date_from": "2025-01-01", "date_to": "2024-01-01"}, "date_to", "ends before"),
    ],
)
def test_api_export_refusals_name_the_field(client_as, land, key, partner, change, field, words):
    from safeground.exchange.models import ExportLog

    body = {"partner": "XPA", "policy": "grid-10km", "programme": "XTL", **change}
    refused = client_as("im-officer").post(f"{API}/exports", body, content_type=JSON)
    assert refused.status_code == 422 and refused.json()["field"] == field and words in refused.json()["detail"]
    assert ExportLog.objects.count() == 0


def test_api_export_without_a_key_says_how_to_make_one(client_as, land, partner, tmp_path, monkeypatch):
    from safeground.core import packages
    from safeground.exchange.models import ExportLog

    monkeypatch.setenv(packages.KEY_ENV, str(tmp_path / "none" / "signing-key.pem"))
    body = {"partner": "XPA", "policy": "open", "programme": "XTL"}
    refused = client_as("im-officer").post(f"{API}/exports", body, content_type=JSON)
    assert refused.status_code == 422 and refused.json()["field"] == "key"
    assert "safeground exchange keygen" in refused.json()["detail"] and ExportLog.objects.count() == 0


def test_page_export_form(accounts, land, key, partner):
    from safeground.exchange.models import ExportLog

    viewer, im = _signed_in(accounts, "viewer"), _signed_in(accounts, "im-officer")
    assert b"export-form" not in viewer.get("/exchange/").content
    form = {"action": "export", "partner": "XPA", "policy": "district", "programme": "XTL"}
    assert viewer.post("/exchange/", form).status_code == 403
    assert b"export-form" in im.get("/exchange/").content
    bad = im.post("/exchange/", {**form, "date_from": "2024-05-01", "date_to": "2024-01-01"})
    html = bad.content.decode()
    assert bad.status_code == 422 and 'id="export-error"' in html and "date_to:" in html
    assert 'value="2024-05-01"' in html and ExportLog.objects.count() == 0
    assert im.post("/exchange/", {**form, "date_from": "5 May"}).status_code == 422
    done = im.post("/exchange/", {**form, "date_from": "2024-01-01", "date_to": ""})
    assert done.status_code == 200 and done["Content-Disposition"].startswith('attachment; filename="xtl-for-xpa-')
    log = ExportLog.objects.get()
    assert log.policy_name == "district" and log.period_from == dt.date(2024, 1, 1) and log.period_to is None
    assert log.file_name in im.get("/exchange/").content.decode()


def test_page_policy_form_adds_or_keeps_the_text(accounts):
    from safeground.exchange.models import RedactionPolicy

    viewer, im = _signed_in(accounts, "viewer"), _signed_in(accounts, "im-officer")
    assert b"policy-form" not in viewer.get("/exchange/").content
    text = "name: grid-5km\nk: 2\nlayers: {hazards: {geometry: grid, cell_km: 5}}"
    assert viewer.post("/exchange/", {"action": "policy", "text": text}).status_code == 403
    bad = im.post("/exchange/", {"action": "policy", "text": text})
    html = bad.content.decode()
    assert bad.status_code == 422 and 'id="policy-error"' in html and "k:" in html
    assert "cell_km: 5}}</textarea>" in html and RedactionPolicy.objects.count() == 0
    good = text.replace("k: 2", "k: 5")
    assert im.post("/exchange/", {"action": "policy", "text": good}).status_code == 302
    assert RedactionPolicy.objects.get().version == 1
    upload = SimpleUploadedFile("grid-5km.yaml", good.encode())
    assert im.post("/exchange/", {"action": "policy", "text": "", "policy_file": upload}).status_code == 302
    assert RedactionPolicy.objects.get().version == 2
    assert "grid-5km" in im.get("/exchange/").content.decode()


def test_comparison_defaults_to_the_package_period(client_as, accounts, land, key, partner, tmp_path, monkeypatch):
    from safeground.exchange import figures, services

    out = tmp_path / "period.sgx"
    services.export_package(
        partner="XPA",
        policy="grid-10km",
        out=out,
        programme="XTL",
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 6, 30),
    )
    services.trust_key(partner="XPA", key=key[1])
    services.import_package(out.read_bytes(), file_name=out.name)
    asked = []
    real = figures.comparable
    monkeypatch.setattr(figures, "comparable", lambda c, k, a=None, b=None: asked.append((a, b)) or real(c, k, a, b))

    viewer = client_as("viewer")
    c = viewer.get(f"{API}/compare/XPA?programme=XTL").json()
    assert c["ours"]["period_from"] == "2024-01-01" and c["ours"]["period_to"] == "2024-06-30"
    assert c["ours"]["period_from_package"] and asked[-1] == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    c = viewer.get(f"{API}/compare/XPA?programme=XTL&date_from=2023-01-01&date_to=2023-12-31").json()
    assert c["ours"]["period_from"] == "2023-01-01" and not c["ours"]["period_from_package"]
    assert asked[-1] == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    bad = viewer.get(f"{API}/compare/XPA?date_from=2024-02-01&date_to=2024-01-01")
    assert bad.status_code == 422 and bad.json()["field"] == "date_to"

    page = _signed_in(accounts, "viewer")
    html = page.get("/exchange/compare/XPA/?programme=XTL").content.decode()
    assert "period-form" in html and 'value="2024-06-30"' in html and "the partner package's period" in html
    html = page.get("/exchange/compare/XPA/?programme=XTL&date_from=&date_to=").content.decode()
    assert asked[-1] == (None, None) and "all records" in html.split('id="period-ours"')[1][:200]
    bad_page = page.get("/exchange/compare/XPA/?date_from=2024-02-01&date_to=2024-01-01")
    assert bad_page.status_code == 422 and 'id="period-error"' in bad_page.content.decode()


def test_cli_compare_takes_a_period(land, key, partner, package, trusted, capsys):
    import json

    from django.core.management import call_command

    from safeground.exchange import services

    services.import_package(package["bytes"], file_name="xtl.sgx")
    call_command("exchange", "compare", "--partner", "XPA", "--programme", "XTL", "--from", "2024-01-01", "--json")
    c = json.loads(capsys.readouterr().out)
    assert c["ours"]["period_from"] == "2024-01-01" and c["ours"]["period_to"] is None
    call_command("exchange", "compare", "--partner", "XPA", "--programme", "XTL")
    assert "all records" in capsys.readouterr().out
