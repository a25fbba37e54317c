"""Reading ODK Central's CSV export of a form: the ZIP ("All data and media files": the form's CSV, one
CSV per repeat group joined by KEY and PARENT_KEY, and a media/ folder) or the form's CSV alone.

Central names a column after the question's path with '-' between groups ("survey-found_on") and splits
a geopoint into "-Latitude", "-Longitude", "-Altitude", "-Accuracy" columns; this module turns each row
back into the question names a Collect instance has, so one mapping serves both.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from safeground.openrosa.answers import Answers
from safeground.openrosa.errors import Refused

#: Central's own columns: about the submission, not answers.
META = {
    "SubmissionDate",
    "KEY",
    "PARENT_KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
}
GEOPOINT_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")
MAX_ROWS = 100_000


@dataclass
class Row:
    """One submission of the export: its spreadsheet row number (the header is row 1), instanceID, form
    version, answers, and the media files of the ZIP that its answers name."""

    number: int
    instance_id: str
    version: str
    device_id: str
    answers: Answers
    files: list[dict] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(_plain(self.answers), sort_keys=True).encode()).hexdigest()


def _plain(answers: Answers) -> dict:
    return {"values": answers.values, "repeats": {k: [_plain(e) for e in v] for k, v in answers.repeats.items()}}


def _read_csv(data: bytes, name: str) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(f"{name} is not UTF-8 text (byte {exc.start}): is it Central's CSV export?", 400, name) from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    if len(rows) > MAX_ROWS:
        raise Refused(f"{name} has {len(rows):,} rows; at most {MAX_ROWS:,} per import", 400, name)
    return rows


def _values(row: dict[str, str]) -> dict[str, str]:
    """Answers by question name: the last part of each column's group path; a geopoint's four columns
    joined back into ODK's "lat lon alt acc"."""
    out: dict[str, str] = {}
    points: dict[str, dict[str, str]] = {}
    for column, value in row.items():
        if column is None or column in META:
            continue
        path = column.split("-")
        if len(path) > 1 and path[-1] in GEOPOINT_PARTS:
            points.setdefault(path[-2], {})[path[-1]] = (value or "").strip()
            continue
        out[path[-1]] = (value or "").strip()
    for name, parts in points.items():
        if parts.get("Latitude") and parts.get("Longitude"):
            out[name] = " ".join(parts.get(p, "") or "0" for p in GEOPOINT_PARTS)
        else:
            out[name] = ""
    return out


_INDEX = re.compile(r"\[(\d+)\]$")


def _order(key: str) -> int:
    match = _INDEX.search(key)
    return int(match.group(1)) if match else 0


def read(data: bytes, filename: str) -> list[Row]:
    """The export's submissions. A file that is no Central export (no KEY column, a broken ZIP) raises
    Refused; `media` tells whether the files came with it (a bare CSV has none)."""
    if filename.lower().endswith(".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = archive.namelist()
            tables = {n: _read_csv(archive.read(n), n) for n in names if n.lower().endswith(".csv")}
            media = {PurePosixPath(n).name: n for n in names if "/media/" in f"/{n}" and not n.endswith("/")}
        except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise Refused(f"{filename} is not a ZIP file Central wrote: {exc}", 400, "file") from exc
    else:
        archive, media = None, {}
        tables = {filename: _read_csv(data, filename)}
    main = [n for n, rows in tables.items() if rows and "PARENT_KEY" not in rows[0]]
    if len(main) != 1 or "KEY" not in tables[main[0]][0]:
        raise Refused(
            f"{filename}: expected one CSV of submissions with Central's KEY column (and repeats with PARENT_KEY)",
            400,
            "file",
        )
    stem = PurePosixPath(main[0]).stem
    children: dict[str, list[tuple[str, dict]]] = {}
    for name, rows in tables.items():
        if name == main[0]:
            continue
        repeat = PurePosixPath(name).stem.removeprefix(stem + "-").split("-")[-1]
        for r in rows:
            children.setdefault(r.get("PARENT_KEY", ""), []).append((repeat, r))

    def answers(key: str, row: dict) -> Answers:
        out = Answers(values=_values(row))
        for repeat, child in sorted(children.get(key, []), key=lambda c: _order(c[1].get("KEY", ""))):
            out.repeats.setdefault(repeat, []).append(answers(child.get("KEY", ""), child))
        return out

    out = []
    for number, row in enumerate(tables[main[0]], start=2):
        key = (row.get("KEY") or "").strip()
        parsed = answers(key, row)
        instance_id = parsed.get("instanceID") or key
        item = Row(number, instance_id, (row.get("FormVersion") or "").strip(), row.get("DeviceID") or "", parsed)
        if archive is not None:  # the files its answers name (photos); the mapping says which it needs
            item.files = [
                {"name": n, "content": archive.read(media[n]), "content_type": ""}
                for n in sorted(parsed.files())
                if n in media
            ]
        out.append(item)
    return out
