"""The library's exchange formats: what another programme receives (JSON, CSV, a ZIP bundle with the
images) and how a file from one is read back and checked before anything is written.

Render-safe procedures are never exported: they are restricted to EOD-qualified readers here and a
file leaves that control. Nothing in this module reads `RenderSafeProcedure`.

JSON (one document): {"format": FORMAT, "version": VERSION, "programme", "exported_at", "models": [...]},
each model with every field of `OrdnanceModel` except internal ones, its aliases [{name, language}],
the names of similar models and its images [{file, caption, sha256}]. CSV: one row per model, list
fields joined with " | ", aliases as "name@lang". ZIP: library.json + library.csv + images/<slug>/<n>.<ext>.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.attachments import files as content_files
from safeground.attachments import queries as attachment_queries
from safeground.core.errors import ValidationFailed
from safeground.ordnance.models import (
    ACTUATION_CHOICES,
    CATEGORY_CHOICES,
    DETECTION_CHOICES,
    METAL_CONTENT_CHOICES,
    OrdnanceModel,
)

FORMAT = "safeground-library"
VERSION = 1
JSON_NAME, CSV_NAME, IMAGES = "library.json", "library.csv", "images/"
SEPARATOR = " | "
MAX_FILE_BYTES = 200 * 1024**2

NUMBERS = ("length_mm", "width_mm", "height_mm", "diameter_mm", "weight_g", "fill_mass_g")
LISTS = {"detectable_by": DETECTION_CHOICES, "actuation": ACTUATION_CHOICES}
TEXTS = (
    "type", "origin", "main_charge", "fill", "fuze", "actuation_force", "colour_markings", "features",
    "deminer_hazards", "notes", "sources",
)  # fmt: skip
#: The exported fields, in file order (every OrdnanceModel field but id, version, updated_at, the M2M).
FIELDS = ("name", "slug", "category", "type", "origin", "length_mm", "width_mm", "height_mm", "diameter_mm",
          "weight_g", "main_charge", "fill", "fill_mass_g", "metal_content", "detectable_by", "fuze", "actuation",
          "actuation_force", "colour_markings", "features", "deminer_hazards", "texts", "notes", "sources")  # fmt: skip
CSV_COLUMNS = (*FIELDS, "aliases", "similar", "images")


# --- writing ---------------------------------------------------------------------------------------


def _models():
    return OrdnanceModel.objects.order_by("name").prefetch_related("aliases", "similar_models")


def _record(model: OrdnanceModel, images: list[dict]) -> dict:
    out = {name: getattr(model, name) for name in FIELDS}
    out["aliases"] = [{"name": a.name, "language": a.language} for a in model.aliases.all()]
    out["similar"] = sorted(m.name for m in model.similar_models.all())
    out["images"] = images
    return out


def _images(model: OrdnanceModel, with_content: bool) -> list[tuple[dict, bytes | None]]:
    """The model's images as (entry, bytes): images/<slug>/<n>.<ext>, oldest first. Photos leave without
    their EXIF GPS block (where a photo was taken says where a find was); documents stay home."""
    out = []
    rows = attachment_queries.of(model).filter(media_type__startswith="image/").order_by("created_at", "id")
    for n, row in enumerate(rows, start=1):
        ext = content_files.KINDS.get(row.media_type, "bin")
        with row.file.open("rb") as handle:
            content = content_files.without_gps(handle.read(), row.media_type)
        digest = hashlib.sha256(content).hexdigest()
        entry = {"file": f"{IMAGES}{model.slug}/{n}.{ext}", "caption": row.caption, "sha256": digest}
        out.append((entry, content if with_content else None))
    return out


def collect(programme: str = "", *, with_images: bool = True) -> tuple[dict, dict[str, bytes]]:
    """The JSON document and the image files (path in the bundle → bytes) of the whole library."""
    records, files = [], {}
    for model in _models():
        images = _images(model, with_images)
        records.append(_record(model, [entry for entry, _c in images]))
        files.update({entry["file"]: content for entry, content in images if content is not None})
    document = {
        "format": FORMAT,
        "version": VERSION,
        "programme": programme,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "models": records,
    }
    return document, files


def to_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    return str(value)


def to_csv(document: dict) -> bytes:
    """One row per model (UTF-8, comma-separated); aliases as name@lang, list fields joined with ' | '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in document["models"]:
        row = [_cell(record.get(name)) for name in FIELDS]
        row.append(
            SEPARATOR.join(f"{a['name']}@{a['language']}" if a["language"] else a["name"] for a in record["aliases"])
        )
        row.append(SEPARATOR.join(record["similar"]))
        row.append(SEPARATOR.join(i["file"] for i in record["images"]))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def bundle_members(programme: str = "") -> dict[str, bytes]:
    """library.json, library.csv and the images, by their names in a bundle (a ZIP or a package)."""
    document, files = collect(programme)
    return {JSON_NAME: to_json(document), CSV_NAME: to_csv(document), **dict(sorted(files.items()))}


def to_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def export(fmt: str, programme: str = "") -> tuple[bytes, str, str]:
    """The library in `fmt` (json, csv, zip): (bytes, content type, file name)."""
    day = timezone.localdate().isoformat()
    if fmt == "json":
        return to_json(collect(programme, with_images=False)[0]), "application/json", f"library-{day}.json"
    if fmt == "csv":
        return to_csv(collect(programme, with_images=False)[0]), "text/csv; charset=utf-8", f"library-{day}.csv"
    if fmt == "zip":
        return to_zip(bundle_members(programme)), "application/zip", f"library-{day}.zip"
    raise ValidationFailed(_("format: %(value)s is not json, csv or zip") % {"value": repr(fmt)}, "format", "choice")


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """A file read and checked: the programme it names, its models (plain dicts) and image bytes by path."""

    programme: str
    models: list[dict]
    images: dict[str, bytes] = field(default_factory=dict)


def _refuse(where: str, field_name: str, message: str):
    raise ValidationFailed(f"{where}, {field_name}: {message}", field_name, "invalid")


def _number(value, where: str, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        _refuse(where, name, _("%(value)s is not a number") % {"value": repr(value)})
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # decimal comma: 12,5
        try:
            number = float(text)
        except ValueError:
            _refuse(where, name, _("%(value)s is not a number") % {"value": repr(value)})
    if number < 0 or number != number or number > 2**31 - 1:
        _refuse(where, name, _("%(value)s is not a positive number") % {"value": repr(value)})
    return round(number)


def _codes(value, where: str, name: str) -> list[str]:
    items = value if isinstance(value, list) else [v for v in str(value or "").split("|")]
    codes = [str(v).strip() for v in items if str(v).strip()]
    known = dict(LISTS[name])
    for code in codes:
        if code not in known:
            _refuse(
                where,
                name,
                _("%(value)s is not one of %(known)s") % {"value": repr(code), "known": ", ".join(known)},
            )
    return codes


def _text(value, where: str, name: str, limit: int | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        _refuse(where, name, _("%(value)s is not text") % {"value": repr(value)[:40]})
    text = str(value).strip()
    if "\x00" in text:
        _refuse(where, name, _("holds a NUL character"))
    if limit and len(text) > limit:
        _refuse(where, name, _("at most %(limit)s characters") % {"limit": limit})
    return text


def clean(raw: dict, where: str) -> dict:
    """One incoming model, checked: the fields create_model/update_model take, plus name, aliases,
    similar (names) and images (entries). ValidationFailed names `where` and the field."""
    if not isinstance(raw, dict):
        _refuse(where, "model", _("not an object"))
    name = _text(raw.get("name"), where, "name", 80)
    if not name:
        _refuse(where, "name", _("a model needs a name"))
    where = f"{where} ({name})"
    out: dict = {"name": name}
    category = _text(raw.get("category"), where, "category", None)
    if category not in dict(CATEGORY_CHOICES):
        _refuse(
            where,
            "category",
            _("%(value)s is not one of %(known)s")
            % {"value": repr(category), "known": ", ".join(dict(CATEGORY_CHOICES))},
        )
    out["category"] = category
    metal = _text(raw.get("metal_content"), where, "metal_content", None) or "unknown"
    if metal not in dict(METAL_CONTENT_CHOICES):
        _refuse(where, "metal_content", _("%(value)s is not a known metal content") % {"value": repr(metal)})
    out["metal_content"] = metal
    for name_ in NUMBERS:
        out[name_] = _number(raw.get(name_), where, name_)
    for name_ in LISTS:
        out[name_] = _codes(raw.get(name_), where, name_)
    for name_ in TEXTS:
        out[name_] = _text(
            raw.get(name_), where, name_, getattr(OrdnanceModel._meta.get_field(name_), "max_length", None)
        )
    texts = raw.get("texts") or {}
    if isinstance(texts, str):
        try:
            texts = json.loads(texts)
        except ValueError:
            _refuse(where, "texts", _("not a JSON object of translations"))
    if not isinstance(texts, dict) or not all(
        isinstance(v, dict) and all(isinstance(t, str) for t in v.values()) for v in texts.values()
    ):
        _refuse(where, "texts", _("not an object {language: {text: value}}"))
    out["texts"] = texts
    for list_name in ("aliases", "similar", "images"):
        if not isinstance(raw.get(list_name) or [], list):
            _refuse(where, list_name, _("not a list"))
    aliases = []
    for alias in raw.get("aliases") or []:
        if isinstance(alias, str):
            text, _at, lang = alias.rpartition("@") if "@" in alias else (alias, "", "")
            alias = {"name": text, "language": lang}
        if not isinstance(alias, dict):
            _refuse(where, "aliases", _("an alias is a name and a language"))
        alias_name = _text(alias.get("name"), where, "aliases", 120)
        language = _text(alias.get("language"), where, "aliases", 10)
        if alias_name:
            aliases.append([alias_name, language])
    out["aliases"] = aliases
    similar = raw.get("similar") or []
    out["similar"] = [_text(s, where, "similar", 80) for s in similar if str(s).strip()]
    images = []
    for image in raw.get("images") or []:
        if isinstance(image, str):
            image = {"file": image}
        if not isinstance(image, dict) or not isinstance(image.get("file"), str):
            _refuse(where, "images", _("an image is {file, caption, sha256}"))
        images.append(
            {
                "file": image["file"].strip(),
                "caption": _text(image.get("caption"), where, "images", 300),
                "sha256": _text(image.get("sha256"), where, "images", 64).lower(),
            }
        )
    out["images"] = images
    return out


def _from_document(document, file_name: str) -> Incoming:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationFailed(
            _("%(file)s: not a SafeGround library (its format is not %(format)s)")
            % {"file": file_name, "format": FORMAT},
            "format",
            "invalid",
        )
    if document.get("version") != VERSION:
        raise ValidationFailed(
            _("%(file)s: library format version %(found)s; this installation reads version %(ours)s")
            % {"file": file_name, "found": document.get("version"), "ours": VERSION},
            "version",
            "invalid",
        )
    models = document.get("models")
    if not isinstance(models, list):
        raise ValidationFailed(_("%(file)s: models is not a list") % {"file": file_name}, "models", "invalid")
    cleaned = [clean(raw, f"{file_name}: model {n}") for n, raw in enumerate(models, start=1)]
    return Incoming(str(document.get("programme") or "")[:200], _unique(cleaned, file_name))


def _unique(models: list[dict], file_name: str) -> list[dict]:
    seen: set[str] = set()
    for n, model in enumerate(models, start=1):
        if model["name"] in seen:
            _refuse(f"{file_name}: model {n} ({model['name']})", "name", _("the file names this model twice"))
        seen.add(model["name"])
    return models


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_csv(data: bytes, file_name: str) -> Incoming:
    """One row per model; UTF-8 or Latin-1, ';' or ',' between cells, decimal commas in numbers."""
    try:
        return _read_csv(_decode(data), file_name)
    except csv.Error as exc:
        raise ValidationFailed(
            _("%(file)s: not a readable CSV file: %(error)s") % {"file": file_name, "error": exc}, "file", "invalid"
        ) from exc


def _read_csv(text: str, file_name: str) -> Incoming:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames or "name" not in [f.strip() for f in reader.fieldnames]:
        raise ValidationFailed(_("%(file)s: the first row names no column name") % {"file": file_name}, "name")
    models = []
    for n, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "") for k, v in row.items() if k}
        if not any(v.strip() for v in row.values()):
            continue
        raw: dict = dict(row)
        raw["aliases"] = [a.strip() for a in row.get("aliases", "").split("|") if a.strip()]
        raw["similar"] = [s.strip() for s in row.get("similar", "").split("|") if s.strip()]
        raw["images"] = [i.strip() for i in row.get("images", "").split("|") if i.strip()]
        models.append(clean(raw, f"{file_name}: row {n}"))
    return Incoming("", _unique(models, file_name))


def read_json(data: bytes, file_name: str) -> Incoming:
    try:
        document = json.loads(_decode(data))
    except ValueError as exc:
        raise ValidationFailed(
            _("%(file)s: not valid JSON: %(error)s") % {"file": file_name, "error": exc}, "file", "invalid"
        ) from exc
    return _from_document(document, file_name)


def read_zip(data: bytes, file_name: str) -> Incoming:
    """library.json (else library.csv) and the images it lists; each image's SHA-256 checked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if JSON_NAME in names:
            incoming = read_json(archive.read(JSON_NAME), f"{file_name}/{JSON_NAME}")
        elif CSV_NAME in names:
            incoming = read_csv(archive.read(CSV_NAME), f"{file_name}/{CSV_NAME}")
        else:
            raise ValidationFailed(
                _("%(file)s holds neither %(json)s nor %(csv)s")
                % {"file": file_name, "json": JSON_NAME, "csv": CSV_NAME},
                "file",
                "invalid",
            )
        for n, model in enumerate(incoming.models, start=1):
            for image in model["images"]:
                path = image["file"]
                if path not in names or PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts:
                    _refuse(
                        f"{file_name}: model {n} ({model['name']})",
                        "images",
                        _("%(path)s is not in the archive") % {"path": path},
                    )
                content = archive.read(path)
                digest = hashlib.sha256(content).hexdigest()
                if image["sha256"] and image["sha256"] != digest:
                    _refuse(
                        f"{file_name}: model {n} ({model['name']})",
                        "images",
                        _("%(path)s does not match its SHA-256") % {"path": path},
                    )
                image["sha256"] = digest
                incoming.images[path] = content
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ValidationFailed(
            _("%(file)s: not a readable ZIP archive: %(error)s") % {"file": file_name, "error": exc}, "file", "invalid"
        ) from exc
    return incoming


def read(data: bytes, file_name: str) -> Incoming:
    """Read a library file by its content (ZIP, JSON) or, failing those, as CSV."""
    if not data:
        raise ValidationFailed(_("%(file)s is empty") % {"file": file_name}, "file", "empty")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(_("%(file)s is too large") % {"file": file_name}, "file", "too_large")
    suffix = PurePosixPath(file_name.lower()).suffix
    if data[:4] == b"PK\x03\x04" or suffix == ".zip":
        return read_zip(data, file_name)
    if data.lstrip()[:1] in (b"{", b"[") or suffix == ".json" or data.startswith(b"\xef\xbb\xbf{"):
        return read_json(data, file_name)
    return read_csv(data, file_name)
