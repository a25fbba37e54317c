"""`safeground check`, the API and the page, on the fixture with one of each defect."""

import io
import json
import re
import subprocess

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from pyogrio import read_info

from safeground.quality.findings import CHECKS
from safeground.quality.tests.conftest import EXPECTED, Defects

pytestmark = pytest.mark.django_db


def run_check(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("check", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


# ---- the command ---------------------------------------------------------------------------------


def test_check_is_ours_and_system_checks_stay_reachable():
    assert get_commands()["check"] == "safeground.quality"
    out = io.StringIO()
    call_command("check", "--system", stdout=out)
    assert "System check identified" in out.getvalue()
    # What Django's test runner calls: Django's options select the system checks.
    out = io.StringIO()
    call_command("check", databases=["default"], stdout=out)
    assert "System check identified" in out.getvalue()


def test_json_lists_exactly_the_expected_findings(defects):
    text, code = run_check("--json")
    doc = json.loads(text)
    assert code == 1  # must-fix findings are left
    assert {(f["check"], f["record_type"], f["code"], f["severity"]) for f in doc["findings"]} == EXPECTED
    assert doc["counts"]["date-order"] == {"must_fix": 4, "advisory": 0}
    assert doc["checked"] == {"hazard": 17, "product": 8, "activity": 2, "device": 3}


def test_text_report(defects):
    text, code = run_check("--only", "vertex-gap", "area-mismatch")
    assert code == 0  # advisory findings only
    assert text.startswith("Data quality: 2 finding(s), 0 must fix, 2 advisory")
    assert "Vertices far apart (vertex-gap): 1" in text
    assert f"[advisory] hazard {Defects.long}: 2 edges longer than 5.0 km" in text
    assert "fix: Check the vertex coordinates" in text
    assert "must fix" not in text.split("\n", 1)[1]


def test_gpkg_opens_in_gdal(defects, tmp_path):
    out = tmp_path / "findings.gpkg"
    out.write_bytes(b"an older file that must be replaced")
    _text, _code = run_check("--gpkg", str(out))
    info = read_info(out, layer="findings")
    assert info["features"] == len(EXPECTED)
    assert info["geometry_type"] == "Point" and "4326" in info["crs"]
    ogr = subprocess.run(["ogrinfo", "-so", "-al", str(out)], capture_output=True, text=True, check=True)
    assert f"Feature Count: {len(EXPECTED)}" in ogr.stdout
    assert "Warning" not in ogr.stderr  # GeoPackage 1.3: Debian 12's GDAL 3.6 reads it cleanly
    for field in ("check: String", "severity: String", "code: String", "message: String", "fix: String"):
        assert field in ogr.stdout


def test_gpkg_rows(defects, tmp_path):
    from pyogrio.raw import read

    out = tmp_path / "f.gpkg"
    run_check("--gpkg", str(out), "--only", "invalid-geometry", "duplicate-code")
    meta, _fid, geometry, fields = read(out, layer="findings")
    rows = [dict(zip(meta["fields"], values, strict=True)) for values in zip(*fields, strict=True)]
    by_check = {r["check"]: r for r in rows}
    assert set(by_check) == {"invalid-geometry", "duplicate-code"}
    assert by_check["invalid-geometry"]["code"] == Defects.bowtie
    assert by_check["invalid-geometry"]["lon"] == pytest.approx(103.101)
    assert by_check["duplicate-code"]["related"] == Defects.main


def test_country_and_only(defects):
    text, code = run_check("--json", "--country", "aze")
    assert json.loads(text)["findings"] == [] and code == 0
    text, _ = run_check("--json", "--only", "date-order")
    assert {f["record_type"] for f in json.loads(text)["findings"]} == {"product", "activity", "device", "hazard"}


def test_bad_input_is_refused_and_writes_nothing(defects, tmp_path):
    out = tmp_path / "never.gpkg"
    with pytest.raises(CommandError, match="unknown country 'XYZ': the gazetteer holds AZE, KHM"):
        call_command("check", "--country", "XYZ", "--gpkg", str(out), stdout=io.StringIO())
    assert not out.exists()
    with pytest.raises(CommandError, match="--vertex-gap-km must be positive"):
        call_command("check", "--vertex-gap-km", "0", "--gpkg", str(out), stdout=io.StringIO())
    assert not out.exists()
    with pytest.raises(CommandError, match="--overlap-share must be between 0 and 1"):
        call_command("check", "--overlap-share", "2", "--gpkg", str(out), stdout=io.StringIO())
    assert not out.exists()
    with pytest.raises(CommandError, match="invalid choice: 'nonsense'"):
        call_command("check", "--only", "nonsense", stdout=io.StringIO())
    with pytest.raises(CommandError, match="could not write"):
        call_command("check", "--gpkg", str(tmp_path / "missing-folder" / "x.gpkg"), stdout=io.StringIO())


def test_thresholds_from_the_command_line(defects):
    text, _ = run_check("--json", "--only", "vertex-gap", "--vertex-gap-km", "7")
    assert json.loads(text)["findings"] == []
    text, _ = run_check("--json", "--only", "hazard-overlap", "--overlap-m2", "30000")
    assert json.loads(text)["findings"] == []
    text, _ = run_check("--json", "--only", "area-mismatch", "--area-tolerance", "0.2")
    assert json.loads(text)["findings"] == []


def test_the_activity_date_constraint_is_back():
    """The fixture breaks the constraint inside its own transaction only."""
    from safeground.operations.models import Activity
    from safeground.organisations.models import Organisation

    org = Organisation.objects.create(name="Test", acronym="TST", kind="operator", country="KHM")
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            code="X",
            activity_type="nts",
            organisation=org,
            reference_point="SRID=4326;POINT(103.05 13.05)",
            country="KHM",
            start_date="2024-03-01",
            end_date="2024-01-01",
        )


# ---- the API ------------------------------------------------------------------------------------


def test_api_findings(signed_in, defects):
    response = signed_in.get("/api/v1/quality/findings")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["numberMatched"] == len(EXPECTED)
    got = {
        (f["properties"]["check"], f["properties"]["record_type"], f["properties"]["code"]) for f in body["features"]
    }
    assert got == {(c, r, code) for c, r, code, _s in EXPECTED}
    device = next(f for f in body["features"] if f["properties"]["check"] == "device-outside-product")
    assert device["geometry"] == {"type": "Point", "coordinates": [pytest.approx(103.05), pytest.approx(13.053)]}
    assert device["properties"]["hazard_url"] == f"/hazards/{Defects.main}/"
    assert device["id"] == f"device-outside-product:device:{Defects.d_out}:1"
    code = next(f for f in body["features"] if f["properties"]["check"] == "duplicate-code")
    assert code["properties"]["related"] == [Defects.main]
    assert body["counts"]["hazard-overlap"] == {"must_fix": 1, "advisory": 0}


def test_api_filters_and_paging(signed_in, defects):
    body = signed_in.get("/api/v1/quality/findings?severity=advisory").json()
    assert {f["properties"]["check"] for f in body["features"]} == {"vertex-gap", "area-mismatch"}
    body = signed_in.get("/api/v1/quality/findings?check=date-order&record_type=device").json()
    assert [f["properties"]["code"] for f in body["features"]] == [Defects.d_late]
    body = signed_in.get(f"/api/v1/quality/findings?code={Defects.main}").json()
    # a hazard's code also gives the findings of its products and devices
    assert {f["properties"]["code"] for f in body["features"]} == {
        Defects.p_out,
        Defects.p_ov_b,
        Defects.d_out,
        Defects.p_early,
        Defects.d_late,
        Defects.p_area,
    }
    page1 = signed_in.get("/api/v1/quality/findings?limit=5").json()
    assert page1["numberReturned"] == 5 and page1["links"][-1]["rel"] == "next"
    page2 = signed_in.get(page1["links"][-1]["href"]).json()
    assert page2["numberReturned"] == 5
    assert not {f["id"] for f in page1["features"]} & {f["id"] for f in page2["features"]}
    assert signed_in.get("/api/v1/quality/findings?country=AZE").json()["numberMatched"] == 0


@pytest.mark.parametrize(
    ("query", "field", "text"),
    [
        ("severity=urgent", "severity", "unknown severity 'urgent'; choose one of: must_fix, advisory"),
        ("check=nonsense", "check", "unknown check 'nonsense'; choose one of: invalid-geometry"),
        ("country=FRA", "country", "unknown country 'FRA'; choose one of: AZE, KHM"),
        ("record_type=victim", "record_type", "unknown record_type 'victim'; choose one of: hazard"),
    ],
)
def test_api_refuses_unknown_filters(signed_in, defects, query, field, text):
    response = signed_in.get(f"/api/v1/quality/findings?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == field and response.json()["detail"].startswith(text)


def test_api_checks_catalogue(signed_in):
    body = signed_in.get("/api/v1/quality/checks").json()
    assert [c["id"] for c in body] == list(CHECKS)
    assert {c["severity"] for c in body} == {"must_fix", "advisory"}


def test_api_result_follows_the_data(signed_in, defects):
    """The cached run is dropped as soon as a record changes."""
    from safeground.hazards.models import Hazard

    assert signed_in.get("/api/v1/quality/findings?check=stored-area").json()["numberMatched"] == 1
    stale = Hazard.objects.get(code=Defects.stale)
    Hazard.objects.filter(pk=stale.pk).update(area_m2=stale.area_m2 / 2)
    stale.save(update_fields=["updated_at"])
    assert signed_in.get("/api/v1/quality/findings?check=stored-area").json()["numberMatched"] == 0


# ---- the page -----------------------------------------------------------------------------------


def test_page_lists_findings_with_links(signed_in, defects):
    response = signed_in.get("/quality/")
    assert response.status_code == 200
    html = response.content.decode()
    for check, _record, code, _severity in EXPECTED:
        assert f'data-check="{check}" data-code="{code}"' in html
    assert f'<a href="/hazards/{Defects.bowtie}/"><code>{Defects.bowtie}</code></a>' in html
    # a product's finding links to the page of its hazard
    assert f'on hazard <a href="/hazards/{Defects.main}/"><code>{Defects.main}</code></a>' in html
    assert "/quality/findings.gpkg" in html and "/api/v1/quality/findings" in html
    assert 'aria-current="page"' in html and ">Data quality</a>" in html


def test_page_filters(signed_in, defects):
    html = signed_in.get("/quality/?severity=advisory").content.decode()
    assert 'data-check="vertex-gap" data-code' in html and 'data-check="invalid-geometry" data-code' not in html
    html = signed_in.get("/quality/?check=hazard-overlap").content.decode()
    assert html.count('data-code="') == 1 and f'data-code="{Defects.ov_b}"' in html
    assert '<tr data-check="hazard-overlap" aria-current="true">' in html
    html = signed_in.get("/quality/?country=AZE").content.decode()
    assert "No findings: every check passed." in html


def test_page_is_paginated_keeping_its_filters(signed_in, defects, monkeypatch):
    from safeground.quality import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    must_fix = sum(1 for *_rest, severity in EXPECTED if severity == "must_fix")
    seen = []
    url = "/quality/?severity=must_fix"
    while url:
        html = signed_in.get(url).content.decode()
        codes = re.findall(r'data-check="[^"]+" data-code="([^"]+)"', html)
        assert 0 < len(codes) <= 5
        seen += codes
        following = re.search(r'rel="next" href="([^"]+)"', html)
        url = following[1].replace("&amp;", "&") if following else None
        if url:
            assert "severity=must_fix" in url and "page=" in url  # the filter travels with the page
    assert len(seen) == must_fix and len(set(seen)) == len(seen)  # every one once, none twice
    # Checks that found nothing are folded under one line, not a row each.
    html = signed_in.get("/quality/?country=AZE").content.decode()  # the defects are all in the other country
    assert '<details class="clean-checks">' in html and f"{len(CHECKS)} checks found nothing" in html
    assert "<tr data-check=" not in html


def test_page_refuses_unknown_filters(signed_in, defects):
    response = signed_in.get("/quality/?check=nonsense")
    assert response.status_code == 400
    assert "unknown check &#x27;nonsense&#x27;" in response.content.decode()


def test_page_gpkg_download(signed_in, defects, tmp_path):
    response = signed_in.get("/quality/findings.gpkg?check=date-order")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="safeground-quality-date-order.gpkg"'
    path = tmp_path / "download.gpkg"
    path.write_bytes(response.content)
    assert read_info(path, layer="findings")["features"] == 4
    assert signed_in.get("/quality/findings.gpkg?severity=bad").status_code == 400


def test_cached_run_runs_once_per_state_of_the_data(defects, monkeypatch):
    from safeground.hazards.models import Hazard
    from safeground.quality import queries

    calls = []
    real = queries.run
    monkeypatch.setattr(queries, "run", lambda **kw: calls.append(kw) or real(**kw))
    first = queries.cached_run()
    assert [f.code for f in queries.cached_run().findings] == [f.code for f in first.findings]
    assert len(calls) == 1
    Hazard.objects.get(code=Defects.clean).save(update_fields=["updated_at"])
    queries.cached_run()
    assert len(calls) == 2
    queries.cached_run("KHM")  # another country is another run
    assert len(calls) == 3
