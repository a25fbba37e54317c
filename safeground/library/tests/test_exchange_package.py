"""Exchange packages carry the library: `library.json` and its images as members listed in the signed
manifest; importing such a package opens a library import waiting for confirmation; a package without
a library (older ones) verifies as before; a library that is not what the manifest says is refused."""

# ruff: noqa: F811  (the fixtures are imported, then named as arguments)
from __future__ import annotations

import hashlib
import json

import pytest

from safeground.attachments import services as attachment_services
from safeground.core import packages
from safeground.exchange import package as exchange_package
from safeground.exchange import queries, services
from safeground.exchange.tests.conftest import fast_passwords, key, land, partner  # noqa: F401
from safeground.library.models import LibraryImport
from safeground.library.tests.exchange_fixtures import IMAGE, KHMER, ours  # noqa: F401
from safeground.ordnance.models import OrdnanceModel

pytestmark = pytest.mark.django_db


def test_package_carries_the_library_and_its_import_waits_for_confirmation(land, key, partner, ours, tmp_path, user):
    attachment_services.attach(ours["TL-2"], name="top.png", content=IMAGE, user=None, caption="TL-2 top")
    out = tmp_path / "xtl.sgx"
    services.export_package(partner="XPA", policy="grid-10km", out=out, programme="XTL", library=True)
    data = out.read_bytes()
    package = packages.verify(data, {key[2]: packages.read_public(key[1])})
    meta = package.manifest["library"]
    assert meta["file"] == "library.json" and meta["models"] == OrdnanceModel.objects.count()
    assert meta["images"] == [{"member": "library-image-1.png", "file": "images/tl-2/1.png"}]
    assert hashlib.sha256(package.members["library-image-1.png"]).hexdigest() == hashlib.sha256(IMAGE).hexdigest()
    listed = {f["name"] for f in package.manifest["files"]}
    assert {"library.json", "library-image-1.png"} <= listed  # sized and hashed like every member
    document = json.loads(package.members["library.json"])
    assert next(m for m in document["models"] if m["name"] == "Type 91X")["aliases"] == [
        {"name": KHMER, "language": "km"}
    ]

    services.trust_key(partner="XPA", key=key[1])
    before = OrdnanceModel.objects.count()
    dataset, created = services.import_package(data, file_name="xtl.sgx", user=user)
    assert created
    row = LibraryImport.objects.get()
    assert (row.source, row.partner, row.status) == ("xtl.sgx (library)", "XPA", "open")
    assert row.matches.count() == before and {m.matched_by for m in row.matches.all()} == {"name"}
    assert OrdnanceModel.objects.count() == before  # nothing merged before a person confirms
    # The same package again: recognised, no second library import.
    assert services.import_package(data, file_name="xtl.sgx", user=user) == (dataset, False)
    assert LibraryImport.objects.count() == 1


def test_package_without_library_still_imports_without_library_import(land, key, partner, tmp_path, user):
    out = tmp_path / "plain.sgx"
    services.export_package(partner="XPA", policy="grid-10km", out=out, programme="XTL")
    services.trust_key(partner="XPA", key=key[1])
    dataset, created = services.import_package(out.read_bytes(), file_name="plain.sgx", user=user)
    assert created and "library" not in dataset.manifest and LibraryImport.objects.count() == 0


def test_library_not_matching_the_manifest_is_refused(land, key, partner, ours, user):
    private = packages.own_key()
    manifest, members = exchange_package.build(
        country="XTL",
        rules=queries.policy_rules("grid-10km")[0],
        policy_version=1,
        recipient={"code": "XPA", "name": "Partner authority"},
        signer=key[2],
        library=True,
    )
    manifest["library"]["models"] += 1
    data = packages.build(manifest, members, private)
    services.trust_key(partner="XPA", key=key[1])
    with pytest.raises(packages.PackageRefused) as refused:
        services.import_package(data, file_name="bad.sgx", user=user)
    assert "the library has" in str(refused.value) and "models, the manifest says" in str(refused.value)
    assert LibraryImport.objects.count() == 0
