"""Photos in exchange packages: only where the policy says so, without GPS where it generalises
positions (Testland, the third country of the exchange tests)."""

import io
import json
import zipfile

import pytest

from safeground.attachments import files
from safeground.attachments import services as attachments
from safeground.attachments.tests.photos import PDF, photo
from safeground.core.errors import ValidationFailed

SPOT = (-19.75, -29.6)  # the first hazard's centre


def _policy(name: str, geometry: dict, attachments_on: bool = True) -> str:
    from safeground.exchange import services

    rule = {**geometry, "attachments": attachments_on}
    services.add_policy(json.dumps({"name": name, "k": 5, "layers": {"hazards": rule}}))
    return name


def _export(policy: str, tmp_path) -> tuple[dict, zipfile.ZipFile, bytes]:
    from safeground.exchange import services

    out = tmp_path / f"{policy}.sgx"
    services.export_package(partner="XPA", policy=policy, out=out, programme="XTL")
    data = out.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    return json.loads(archive.read("manifest.json")), archive, data


@pytest.fixture
def photographed(land, django_user_model):
    hazard = land["hazards"][0]
    user = django_user_model.objects.create_user("photographer")
    attachments.attach(hazard, name="sign.jpg", content=photo(lonlat=SPOT, taken="2024:03:01 09:00:00"), user=user)
    attachments.attach(hazard, name="report.pdf", content=PDF, user=user, caption="Survey report")
    return hazard


def test_no_files_unless_the_policy_says_so(photographed, key, partner, tmp_path):
    manifest, archive, _data = _export("grid-10km", tmp_path)
    assert "attachments" not in manifest and archive.namelist() == ["manifest.json", "data.gpkg", "signature.json"]
    manifest, archive, _data = _export(_policy("off", {"geometry": "keep"}, attachments_on=False), tmp_path)
    assert "attachments" not in manifest


def test_kept_positions_ship_photos_as_they_are(photographed, key, partner, tmp_path):
    from safeground.exchange import queries, services

    manifest, archive, data = _export(_policy("open-photos", {"geometry": "keep"}), tmp_path)
    entries = manifest["attachments"]
    assert [(e["code"], e["name"], e["media_type"]) for e in entries] == [
        (photographed.code, "sign.jpg", "image/jpeg"),
        (photographed.code, "report.pdf", "application/pdf"),
    ]
    shipped = archive.read(entries[0]["member"])
    assert shipped == photo(lonlat=SPOT, taken="2024:03:01 09:00:00")
    assert entries[0]["position"] == pytest.approx(list(SPOT), abs=1e-5) and entries[1]["caption"] == "Survey report"
    assert "photos and documents included" in manifest["policy"]["limits"][0]
    services.trust_key(partner="XPA", key=key[1])
    assert queries.verify(data)  # the receiver's checks accept the files the manifest lists


def test_generalised_positions_ship_photos_without_gps(photographed, key, partner, tmp_path):
    manifest, archive, _data = _export(_policy("grid-photos", {"geometry": "grid", "cell_km": 10}), tmp_path)
    entry = next(e for e in manifest["attachments"] if e["name"] == "sign.jpg")
    facts = files.read_photo(archive.read(entry["member"]))
    assert facts.lonlat is None and facts.taken_at is not None and entry["position"] is None
    assert "without their GPS position" in manifest["policy"]["limits"][0]


def test_policy_refuses_files_where_they_cannot_go(db):
    from safeground.exchange import policies

    with pytest.raises(ValidationFailed, match="only hazards, products can carry"):
        policies.validate({"name": "x", "layers": {"devices": {"geometry": "keep", "attachments": True}}})
    with pytest.raises(ValidationFailed, match="do not drop code"):
        policies.validate(
            {"name": "x", "layers": {"hazards": {"geometry": "keep", "attachments": True, "drop": ["code"]}}}
        )
    with pytest.raises(ValidationFailed, match="true or false"):
        policies.validate({"name": "x", "layers": {"hazards": {"geometry": "keep", "attachments": "yes"}}})
