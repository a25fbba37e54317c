"""Export, verify and import on one database playing both sides: what is in the package, what the
receiver checks, that an import is read-only and idempotent, and that a refused package writes nothing."""

import io
import json
import zipfile

import pytest

from safeground.core import packages
from safeground.core.errors import ValidationFailed
from safeground.core.packages import PackageRefused


def _counts():
    from safeground.exchange.models import PartnerDataset, PartnerFeature, PartnerFigure

    return PartnerDataset.objects.count(), PartnerFeature.objects.count(), PartnerFigure.objects.count()


def test_manifest_says_what_the_package_is(package, key):
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package["bytes"])).read("manifest.json"))
    assert manifest["kind"] == "exchange" and manifest["schema"] == 1
    assert manifest["programme"] == {"country": "XTL", "name": "Testland"}
    assert manifest["recipient"]["code"] == "XPA"
    assert manifest["exporter"]["fingerprint"] == key[2]
    assert manifest["policy"]["name"] == "grid-10km" and manifest["policy"]["rules"]["k"] == 5
    assert manifest["layers"]["hazards"]["rows"] == 3 and manifest["layers"]["hazards"]["geometry"] is True
    assert manifest["layers"]["victims"]["geometry"] is False
    assert set(manifest["layers"]) == {
        "hazards", "products", "devices", "productivity", "release_mix", "summary", "victims", "eore",
    }  # fmt: skip
    assert package["log"].counts["hazards"] == 3 and package["log"].signer == key[2]


def test_unknown_signer_is_refused_and_nothing_written(package):
    from safeground.exchange import queries, services

    with pytest.raises(PackageRefused, match="not a trusted key"):
        queries.verify(package["bytes"])
    with pytest.raises(PackageRefused, match="not a trusted key"):
        services.import_package(package["bytes"])
    assert _counts() == (0, 0, 0)


def test_import_is_read_only_and_idempotent(package, trusted):
    from safeground.exchange import queries, services
    from safeground.hazards.models import Hazard

    hazards_before = Hazard.objects.count()
    summary = queries.verify(package["bytes"])
    assert summary["partner"] == "XPA" and summary["layers"]["hazards"] == 3 and not summary["imported"]
    dataset, created = services.import_package(package["bytes"], file_name="xtl.sgx")
    assert created and dataset.partner.code == "XPA" and dataset.programme == "XTL"
    first = _counts()
    assert first[0] == 1 and first[1] == 3  # three hazards, no products or devices in Testland
    again, created = services.import_package(package["bytes"])
    assert not created and again.pk == dataset.pk and _counts() == first
    assert Hazard.objects.count() == hazards_before
    review = queries.dataset_summary(dataset)
    assert review["signer"] == trusted.fingerprint
    assert any("10 km cells" in limit for limit in review["limits"])
    assert queries.features_geojson(dataset)["features"][0]["geometry"]["type"] == "Point"


@pytest.mark.parametrize("where", ["manifest", "gpkg", "signature", "end"])
def test_one_byte_changed_is_refused(package, trusted, where):
    from safeground.exchange import services

    data = bytearray(package["bytes"])
    archive = zipfile.ZipFile(io.BytesIO(package["bytes"]))
    member = {"manifest": "manifest.json", "gpkg": "data.gpkg", "signature": "signature.json"}.get(where)
    offset = len(data) - 3 if member is None else bytes(data).index(archive.read(member)) + 20
    data[offset] ^= 0x20
    with pytest.raises(PackageRefused):
        services.import_package(bytes(data))
    assert _counts() == (0, 0, 0)


def test_revoked_key_is_refused(package, trusted):
    from safeground.exchange import services

    services.revoke_key(trusted.fingerprint)
    with pytest.raises(PackageRefused, match="not a trusted key"):
        services.import_package(package["bytes"])
    with pytest.raises(ValidationFailed) as refused:
        services.revoke_key(trusted.fingerprint)
    assert refused.value.reason == "revoked"


def test_a_manifest_that_lies_about_counts_is_refused(package, trusted, key):
    """Signed by the trusted key but the manifest's count is not the GeoPackage's: schema refused."""
    from safeground.exchange import services

    ok = packages.verify(package["bytes"], {key[2]: packages.read_public(key[1])})
    manifest = dict(ok.manifest)
    manifest.pop("files")
    manifest["layers"] = {**manifest["layers"], "hazards": {**manifest["layers"]["hazards"], "rows": 4}}
    forged = packages.build(manifest, ok.members, packages.own_key())
    with pytest.raises(PackageRefused, match="hazards has 3 rows, the manifest says 4"):
        services.import_package(forged)
    manifest["layers"]["hazards"]["rows"] = 3
    manifest["schema"] = 99
    with pytest.raises(PackageRefused, match="schema version 99"):
        services.import_package(packages.build(manifest, ok.members, packages.own_key()))
    assert _counts() == (0, 0, 0)


def test_dropped_fields_and_admin_positions(land, key, partner, tmp_path):
    from safeground.exchange import gpkg, services

    services.add_policy("name: prov\nk: 3\nlayers: {hazards: {geometry: admin, level: 1, drop: [code, status]}}")
    out = tmp_path / "prov.sgx"
    services.export_package(partner="XPA", policy="prov", out=out, programme="XTL")
    read = gpkg.read_bytes(zipfile.ZipFile(out).read("data.gpkg"))
    assert "products" not in read  # a layer the policy does not name stays home
    assert read["hazards"]["fields"] == [
        "hazard_class",
        "contamination_type",
        "recorded_on",
        "status_changed_on",
        "area_m2",
        "admin_area",
    ]
    assert sorted(r["admin_area"] for r in read["hazards"]["rows"]) == ["XT01", "XT02", "XT02"]


def test_export_refusals_name_the_field(land, partner, tmp_path, monkeypatch):
    from safeground.exchange import services
    from safeground.exchange.models import ExportLog

    monkeypatch.setenv(packages.KEY_ENV, str(tmp_path / "none.pem"))
    cases = [
        ({"partner": "NOPE", "policy": "open"}, "partner"),
        ({"partner": "XPA", "policy": "nope"}, "policy"),
        ({"partner": "XPA", "policy": "open", "programme": "QQQ"}, "programme"),
        ({"partner": "XPA", "policy": "open", "programme": "XTL"}, "key"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.export_package(out=tmp_path / "x.sgx", **kwargs)
        assert refused.value.field == field
    assert ExportLog.objects.count() == 0 and not (tmp_path / "x.sgx").exists()


def test_trust_refusals(partner, key):
    from safeground.exchange import services
    from safeground.exchange.models import PartnerKey

    for bad, words in [("ed25519:abc", "base64"), ("rsa:xyz", "starts with"), ("ed25519:" + "A" * 40, "32 bytes")]:
        with pytest.raises(ValidationFailed) as refused:
            services.trust_key(partner="XPA", key=bad)
        assert refused.value.field == "key" and words in str(refused.value)
    services.trust_key(partner="XPA", key=key[1])
    with pytest.raises(ValidationFailed) as refused:
        services.trust_key(partner="XPA", key=key[1])
    assert refused.value.reason == "duplicate" and PartnerKey.objects.count() == 1
