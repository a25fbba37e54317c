"""Field sync on one installation: export what changed, import it into the workbench (never national
data), idempotence, refusals that name their reason and write nothing, receipts in order."""

import json

import pytest

from safeground.core import packages
from safeground.core.errors import ValidationFailed
from safeground.fieldsync import services
from safeground.fieldsync.models import ImportedItem, SyncImport, SyncItem, SyncPackage
from safeground.workbench import services as workbench
from safeground.workbench.models import Submission

pytestmark = pytest.mark.django_db


def _export(tmp_path, keys, name="out.sgx"):
    package = services.export_package(tmp_path / name, key=keys["laptop"][0])
    return package, (tmp_path / name).read_bytes()


def test_export_sends_the_new_hazard_and_the_changed_fields_of_the_product(tmp_path, keys, laptop_changes):
    package, data = _export(tmp_path, keys)
    verified = packages.verify(data, {package_signer(keys): packages.read_public(keys["laptop"][1])})
    items = {i["kind"]: i for i in json.loads(verified.members["items.json"])}
    assert items["hazard"]["action"] == "create" and items["hazard"]["payload"]["reporting_organisation"] == "TDO"
    assert "code" not in items["hazard"]["payload"]  # the server numbers it
    change = items["product"]
    assert change["action"] == "update" and change["target_code"] == laptop_changes["product"].code
    assert change["payload"] == {"clearance_depth_cm": 30}  # only what changed since the baseline
    assert change["base_version"] == 1 and change["version"] == 2
    assert package.sequence == 1 and SyncItem.objects.filter(status="sent").count() == 2
    assert services.export_package(tmp_path / "again.sgx", key=keys["laptop"][0]) is None  # nothing new since
    assert not (tmp_path / "again.sgx").exists()


def package_signer(keys):
    return packages.fingerprint(packages.read_public(keys["laptop"][1]))


def test_import_submits_each_item_and_the_same_package_again_does_nothing(tmp_path, keys, laptop_changes, qm_world):
    _package, data = _export(tmp_path, keys)
    before = Submission.objects.count()
    result = services.import_package(data)
    assert result.created and result.sync_import.submitted == 2 and result.sync_import.refused == 0
    made = Submission.objects.filter(origin__office="TDO-FO1")
    assert made.count() == 2 and set(made.values_list("status", flat=True)) == {"pending"}
    assert all(s.submitted_by.username == "op-tdo" for s in made)
    again = services.import_package(data)
    assert not again.created and "already imported" in again.message
    assert Submission.objects.count() == before + 2 and SyncImport.objects.count() == 1


def test_a_change_shows_its_base_version_and_the_conflict(tmp_path, keys, laptop_changes):
    from safeground.workbench import queries

    _package, data = _export(tmp_path, keys)
    services.import_package(data)
    change = Submission.objects.get(kind="product", origin__office="TDO-FO1")
    # One installation plays both sides: the server's product is the laptop's, already at version 2.
    origin = queries.origin(change)
    assert origin["base_version"] == 1 and origin["current_version"] == 2 and origin["conflict"] is True
    hazard = Submission.objects.get(kind="hazard", origin__office="TDO-FO1")
    assert queries.origin(hazard)["conflict"] is False


def test_an_item_the_workbench_refuses_is_recorded_and_the_others_go_in(tmp_path, keys, office):
    items = [
        {"item": "TDO-FO1:1:1", "kind": "hazard", "action": "create", "local_code": "L1", "target_code": "",
         "version": 1, "base_version": None,
         "payload": {"geometry": {"type": "Point", "coordinates": [100.5, 13.75]}, "hazard_class": "SHA",
                     "contamination_type": "ap_mines", "recorded_on": "2025-01-01"}},
        {"item": "TDO-FO1:1:2", "kind": "hazard", "action": "create", "local_code": "L2", "target_code": "",
         "version": 1, "base_version": None,
         "payload": {"geometry": {"type": "Point", "coordinates": [-19.6, -29.6]}, "hazard_class": "SHA",
                     "contamination_type": "ap_mines", "recorded_on": "2025-01-01"}},
    ]  # fmt: skip
    manifest = {"kind": services.PACKAGE_KIND, "office": "TDO-FO1", "sequence": 1}
    data = packages.build(manifest, {"items.json": json.dumps(items).encode()}, keys["laptop"][0])
    result = services.import_package(data)
    assert (result.sync_import.submitted, result.sync_import.refused) == (1, 1)
    refused = ImportedItem.objects.get(item_id="TDO-FO1:1:1")
    assert refused.submission is None and refused.refusal
    assert ImportedItem.objects.get(item_id="TDO-FO1:1:2").submission.status == "pending"
    assert "1 submitted to the workbench, 1 refused" in result.message


def test_unknown_signer_tampered_and_other_office_packages_are_refused_and_nothing_is_written(
    tmp_path, keys, laptop_changes
):
    _package, data = _export(tmp_path, keys)
    before = Submission.objects.count()
    stranger = packages.build({"kind": services.PACKAGE_KIND, "office": "TDO-FO1", "sequence": 9},
                              {"items.json": b"[]"}, keys["stranger"][0])  # fmt: skip
    with pytest.raises(ValidationFailed, match="not a trusted key"):
        services.import_package(stranger)
    altered = bytearray(data)
    altered[len(altered) // 2] ^= 1
    with pytest.raises(ValidationFailed, match="refused"):
        services.import_package(bytes(altered))
    unsigned = packages._archive([("manifest.json", b"{}"), ("items.json", b"[]")])
    with pytest.raises(ValidationFailed, match="not signed"):
        services.import_package(unsigned)
    assert Submission.objects.count() == before and not SyncImport.objects.exists()


def test_receipt_reports_each_item_and_is_idempotent_and_ordered(tmp_path, keys, laptop_changes, qm_world):
    _package, data = _export(tmp_path, keys)
    services.import_package(data)
    im = qm_world["users"]["im"]
    change = Submission.objects.get(kind="product", origin__office="TDO-FO1")
    new = Submission.objects.get(kind="hazard", origin__office="TDO-FO1")
    workbench.approve(change, user=im, revision=change.revision, override_reason="checked")
    first = tmp_path / "r1.sgx"
    services.make_receipt("TDO-FO1", first, key=keys["server"][0])
    workbench.return_for_changes(new, user=im, comment="Draw the whole perimeter", revision=new.revision)
    second = tmp_path / "r2.sgx"
    services.make_receipt("TDO-FO1", second, key=keys["server"][0])

    applied = services.apply_receipt(second.read_bytes())
    assert applied.status == "applied" and applied.changed == 2
    product = SyncItem.objects.get(kind="product")
    assert (product.status, product.national_code) == ("approved", laptop_changes["product"].code)
    assert product.national_version == 3
    hazard = SyncItem.objects.get(kind="hazard")
    assert (hazard.status, hazard.comment) == ("returned", "Draw the whole perimeter")
    assert services.apply_receipt(second.read_bytes()).status == "already"
    older = services.apply_receipt(first.read_bytes())  # said the hazard was pending: ignored
    assert older.status == "older" and SyncItem.objects.get(kind="hazard").status == "returned"


def test_a_returned_record_changed_again_goes_in_the_next_package(tmp_path, keys, laptop_changes, qm_world):
    from safeground.hazards.services import update_hazard

    _package, data = _export(tmp_path, keys)
    services.import_package(data)
    new = Submission.objects.get(kind="hazard", origin__office="TDO-FO1")
    workbench.return_for_changes(new, user=qm_world["users"]["im"], comment="Name it", revision=new.revision)
    services.make_receipt("TDO-FO1", tmp_path / "r.sgx", key=keys["server"][0])
    services.apply_receipt((tmp_path / "r.sgx").read_bytes())
    update_hazard(laptop_changes["hazard"], name="North field, named")
    package, data = _export(tmp_path, keys, "second.sgx")
    assert package.sequence == 2 and SyncPackage.objects.count() == 2
    items = json.loads(packages.verify(data, {package_signer(keys): packages.read_public(keys["laptop"][1])})
                       .members["items.json"])  # fmt: skip
    assert [(i["kind"], i["action"], i["payload"]["name"]) for i in items] == [
        ("hazard", "create", "North field, named")
    ]


def test_receipts_need_the_trusted_server_key_and_the_right_office(tmp_path, keys, laptop_changes):
    _package, data = _export(tmp_path, keys)
    services.import_package(data)
    services.make_receipt("TDO-FO1", tmp_path / "r.sgx", key=keys["stranger"][0])
    with pytest.raises(ValidationFailed, match="not a trusted key"):
        services.apply_receipt((tmp_path / "r.sgx").read_bytes())
    assert set(SyncItem.objects.values_list("status", flat=True)) == {"sent"}


def test_offices_are_registered_once_with_a_valid_key_and_a_submitting_account(office, keys, qm_world):
    with pytest.raises(ValidationFailed, match="already registered"):
        services.add_office(code="TDO-FO1", name="x", organisation="TDO", key=keys["laptop"][1], account="op-tdo")
    with pytest.raises(ValidationFailed, match="already office TDO-FO1"):
        services.add_office(code="TDO-FO2", name="x", organisation="TDO", key=keys["laptop"][1], account="op-tdo")
    with pytest.raises(ValidationFailed, match="not a public key"):
        services.add_office(code="TDO-FO2", name="x", organisation="TDO", key="ed25519:abc", account="op-tdo")
    with pytest.raises(ValidationFailed, match="may not submit"):
        services.add_office(code="TDO-FO2", name="x", organisation="TDO", key=keys["stranger"][1], account="view")


def test_activities_and_progress_are_sent_and_what_refers_to_a_local_record_waits_for_it(tmp_path, keys, office,
                                                                                          qm_world):  # fmt: skip
    import datetime as dt

    import shapely

    from safeground.landrelease import services as release
    from safeground.operations import services as operations

    today = dt.date.today()
    activity = operations.create_activity(
        organisation=qm_world["operator"], activity_type="clearance", methods=["manual"],
        hazards=[qm_world["hazard"]], teams=[qm_world["team"]], start_date=today - dt.timedelta(days=3),
    )  # fmt: skip
    operations.record_progress(
        activity, qm_world["team"], date=today, method="manual", area_m2=400, searchers=8, hours_per_day=6,
        terrain="flat", vegetation="light", soil_metal="low",
    )  # fmt: skip
    release.create_product(activity=activity.code, hazard=qm_world["hazard"].code, outcome="cleared",
                           geometry=shapely.box(-19.85, -29.85, -19.849, -29.849), released_on=today,
                           clearance_depth_cm=20)  # fmt: skip
    package, data = _export(tmp_path, keys)
    sent = SyncItem.objects.filter(package=package)
    assert [(i.kind, i.action) for i in sent] == [("activity", "create")]
    assert package.counts["held_back"] == 2  # the progress report and the product wait for their activity
    services.import_package(data)
    submitted = Submission.objects.get(origin__office="TDO-FO1", kind="activity")
    assert submitted.payload["hazards"] == [qm_world["hazard"].code] and submitted.payload["teams"] == ["TDO-MAN-1"]
    approved = workbench.approve(submitted, user=qm_world["users"]["im"], revision=submitted.revision)
    services.make_receipt("TDO-FO1", tmp_path / "r.sgx", key=keys["server"][0])
    services.apply_receipt((tmp_path / "r.sgx").read_bytes())
    # Unchanged since, the held-back records go in the next package, with the activity's national code.
    _second, data = _export(tmp_path, keys, "second.sgx")
    items = json.loads(packages.verify(data, {package_signer(keys): packages.read_public(keys["laptop"][1])})
                       .members["items.json"])  # fmt: skip
    mine = {i["kind"]: i for i in items if i["local_code"] != approved.result_code}
    assert mine["progress"]["action"] == "create" and mine["progress"]["payload"]["activity"] == approved.result_code
    assert mine["product"]["action"] == "create" and mine["product"]["payload"]["activity"] == approved.result_code
