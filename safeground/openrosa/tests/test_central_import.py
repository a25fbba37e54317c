"""ODK Central's ZIP export of the completion report, written by the test, imported row by row: good rows
land as workbench submissions with their photos, a bad row is reported with its row number and reason,
and importing the same file again skips what was received."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from safeground.openrosa import services

HEADER = (
    "SubmissionDate,country,organisation,team,activity,hazard,outcome,perimeter,released_on,clearance_depth_cm,"
    "reported_area_m2,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,"
    "Status,ReviewState,DeviceID,Edits,FormVersion\n"
)
GOOD = "-29.85 -19.85 0 4;-29.85 -19.848 0 4;-29.848 -19.848 0 4;-29.848 -19.85 0 4;-29.85 -19.85 0 4"
OTHER = "-29.84 -19.84 0 4;-29.84 -19.838 0 4;-29.838 -19.838 0 4;-29.838 -19.84 0 4;-29.84 -19.84 0 4"
CROSSED = "-29.85 -19.85 0 4;-29.848 -19.848 0 4;-29.848 -19.85 0 4;-29.85 -19.848 0 4;-29.85 -19.85 0 4"
DEVICES = (
    "point-Latitude,point-Longitude,point-Altitude,point-Accuracy,category,model,condition,disposal,depth_cm,"
    "count,found_on,photo,PARENT_KEY,KEY\n"
)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 10, 200)).save(out, "JPEG")
    return out.getvalue()


def _row(key: str, perimeter: str, hazard: str, day: str) -> str:
    return (
        f"{day}T10:00:00.000Z,XTL,TDO,TDO-MAN-1,XTL-CLR-2,{hazard},cleared,{perimeter},{day},20,,"
        f"{key},{key},7,op,1,1,,,collect:abc,0,2024050101\n"
    )


@pytest.fixture
def export(qm_world):
    import datetime as dt

    day = dt.date.today().isoformat()
    hazard = qm_world["hazard"].code
    main = HEADER + _row("uuid:a", GOOD, hazard, day) + _row("uuid:b", CROSSED, hazard, day)
    main += _row("uuid:c", OTHER, hazard, day)
    devices = DEVICES + (
        f"-29.849,-19.849,10,4,ap_mine,,intact,destroyed_in_situ,5,1,{day},,uuid:a,uuid:a/devices[1]\n"
        f"-29.8485,-19.8485,10,4,ap_mine,,intact,destroyed_in_situ,5,1,{day},d2.jpg,uuid:a,uuid:a/devices[2]\n"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("completion.csv", main)
        z.writestr("completion-devices.csv", devices)
        z.writestr("media/d2.jpg", _jpeg())
    return out.getvalue()


def test_good_rows_land_with_their_photos_and_a_bad_row_is_reported(qm_world, export):
    from safeground.attachments import queries as attachments
    from safeground.workbench.models import Submission

    report = services.import_central(export, "completion.zip", form_id="completion", user=qm_world["users"]["op-tdo"])
    assert [(row, iid) for row, iid, _code in report.landed] == [(2, "uuid:a"), (4, "uuid:c")]
    [(row, iid, reason)] = report.failed
    assert (row, iid) == (3, "uuid:b") and "perimeter is invalid: Self-intersection" in reason
    first = Submission.objects.get(origin__odk__instance_id="uuid:a")
    assert first.origin["odk"]["source"] == "central" and first.origin["odk"]["row"] == 2
    assert len(first.payload["devices"]) == 2
    [photo] = attachments.of(first)
    assert (photo.path, photo.source) == ("devices[1]", "odk-central")
    assert not Submission.objects.filter(origin__odk__instance_id="uuid:b").exists()

    again = services.import_central(export, "completion.zip", form_id="completion", user=qm_world["users"]["op-tdo"])
    assert again.landed == [] and [iid for _row, iid in again.skipped] == ["uuid:a", "uuid:c"]
    assert [iid for _row, iid, _reason in again.failed] == ["uuid:b"]
    assert Submission.objects.filter(origin__odk__source="central").count() == 2


def test_the_command_reports_rows_and_fails_when_one_was_refused(qm_world, export, tmp_path):
    path = tmp_path / "completion.zip"
    path.write_bytes(export)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command(
            "odk", "import-central", str(path), "--form", "completion", "--as", "op-tdo", stdout=out, stderr=err
        )
    assert "row 2: uuid:a → WB-TDO-PRO-" in out.getvalue()
    assert "row 3: uuid:b refused: perimeter is invalid" in err.getvalue()
    assert "2 submission(s) queued for review, 0 already received, 1 refused" in out.getvalue()


def test_another_organisations_rows_are_refused_for_an_operator(qm_world, export):
    report = services.import_central(export, "completion.zip", form_id="completion", user=qm_world["users"]["op-too"])
    assert report.landed == [] and len(report.failed) == 3
    assert "op-too submits for TOO, not TDO" in report.failed[0][2]


def test_the_import_page_submits_as_the_signed_in_account(qm_world, export):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(qm_world["users"]["op-tdo"])
    assert client.get("/odk-import/").status_code == 200
    upload = SimpleUploadedFile("completion.zip", export, content_type="application/zip")
    page = client.post("/odk-import/", {"form": "completion", "file": upload})
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 submission(s) queued for review, 0 already received, 1 refused." in text
    assert "perimeter is invalid: Self-intersection" in text and "/workbench/WB-TDO-PRO-" in text
    missing = client.post("/odk-import/", {"form": "completion"})
    assert missing.status_code == 422 and "Choose the ZIP or CSV file" in missing.content.decode()
