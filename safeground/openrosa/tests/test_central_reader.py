"""Reading ODK Central's export back into a form's answers: group paths, split geopoints, repeats
joined by KEY/PARENT_KEY in their order, media from the ZIP."""

import io
import zipfile

import pytest

from safeground.openrosa import central
from safeground.openrosa.errors import Refused

MAIN = (
    "SubmissionDate,country,details-activity,details-released_on,perimeter,meta-instanceID,KEY,"
    "SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion\n"
    "2024-05-02T10:00:00.000Z,XTL,XTL-CLR-2,2024-05-01,-29.9 -19.9 0 0;-29.9 -19.8 0 0;-29.8 -19.8 0 0,"
    "uuid:one,uuid:one,5,op,1,1,,,collect:abc,0,2024050101\n"
)
DEVICES = (
    "point-Latitude,point-Longitude,point-Altitude,point-Accuracy,model,photo,PARENT_KEY,KEY\n"
    "-29.85,-19.85,10,4,PMN-4,second.jpg,uuid:one,uuid:one/devices[2]\n"
    "-29.86,-19.86,10,4,PMN-2,first.jpg,uuid:one,uuid:one/devices[1]\n"
)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


def test_a_zip_export_reads_back_into_answers_and_repeats():
    data = _zip(
        {
            "completion.csv": MAIN.encode("utf-8-sig"),
            "completion-devices.csv": DEVICES.encode(),
            "media/first.jpg": b"JPEG1",
        }
    )
    [row] = central.read(data, "completion.zip")
    assert (row.number, row.instance_id, row.version, row.device_id) == (2, "uuid:one", "2024050101", "collect:abc")
    assert row.answers.get("activity") == "XTL-CLR-2" and row.answers.get("released_on") == "2024-05-01"
    devices = row.answers.many("devices")
    assert [d.get("model") for d in devices] == ["PMN-2", "PMN-4"]  # in KEY order, not file order
    assert devices[0].get("point") == "-29.86 -19.86 10 4"
    assert [f["name"] for f in row.files] == ["first.jpg"]  # second.jpg is not in media/
    assert "SubmitterName" not in row.answers.values


def test_a_bare_csv_is_read_without_media():
    [row] = central.read(MAIN.encode(), "completion.csv")
    assert row.instance_id == "uuid:one" and row.files == []


def test_a_file_that_is_no_central_export_is_refused():
    with pytest.raises(Refused, match="Central's KEY column"):
        central.read(b"a,b\n1,2\n", "other.csv")
    with pytest.raises(Refused, match="not a ZIP file"):
        central.read(b"PK not really", "broken.zip")
    with pytest.raises(Refused, match="not UTF-8"):
        central.read(b"KEY,x\n\xff\xfe,1\n", "latin.csv")
