"""An exchange package: what goes in (`build`) and what a receiver checks (`check`).

Members: `data.gpkg` (the spatial layers after the policy, and the tables of figures and
aggregates without geometry). The manifest (signed, see core/packages.py) says: `kind`
("exchange"), `schema` (SCHEMA_VERSION), the `programme` (country and name), the `period`, the
`layers` (per layer: rows, checksum of its canonical rows, geometry or none), the `policy` (name,
version, rules, limits in words), the `recipient` partner and the `exporter` key's fingerprint.

Optional (asked for with `library=True`): the reference library as `library.json` and its images as
members `library-image-<n>.<ext>` (a member name holds no "/", core/packages.py), listed in the manifest's
`library` ({models, file, images: [{member, file}]}, `file` the image's path in library.json); sized and
hashed like every member. A package without it (older ones) verifies as before. Render-safe
procedures never travel (library.exchange does not read them).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path, PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import packages
from safeground.core.errors import ValidationFailed
from safeground.exchange import attached, figures, gpkg, layers, policies
from safeground.exchange.generalise import metric_epsg
from safeground.exchange.suppression import is_safe
from safeground.gazetteer.queries import country_name
from safeground.library import exchange as library_exchange

KIND = "exchange"
SCHEMA_VERSION = 1
DATA = "data.gpkg"
MANIFEST_FIELDS = ("schema", "programme", "period", "layers", "policy", "recipient", "exporter", "created_at")
SUPPRESSED_TABLES = ("victims", "eore")
LIBRARY = "library.json"
LIBRARY_PREFIX = "library-image-"


def build(
    *,
    country: str,
    rules: dict,
    policy_version: int,
    recipient: dict,
    signer: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    library: bool = False,
) -> tuple[dict, dict[str, bytes]]:
    """The manifest (without `files`) and the members of a package of `country` under `rules` (with the
    reference library when `library`)."""
    epsg = metric_epsg(country)
    layer_meta: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="safeground-exchange-") as folder:
        path = Path(folder) / DATA
        first = True
        codes: dict[str, list[str]] = {}
        for layer, rule in sorted(rules["layers"].items()):
            fields, rows, geoms = layers.read_layer(layer, rule, country, epsg, date_from, date_to)
            codes[layer] = [r["code"] for r in rows if r.get("code")]
            gpkg.write_layer(path, layer, fields, rows, geoms, layers.GEOMETRY_TYPES[layer], append=not first)
            first = False
        for table, rows in figures.compute(country, rules["k"], date_from, date_to).items():
            gpkg.write_layer(path, table, figures.TABLES[table], rows, None, None, append=not first)
            first = False
        data = path.read_bytes()
        shipped = attached.collect(rules, codes)
        for name, layer in gpkg.read(path).items():
            layer_meta[name] = {
                "rows": len(layer["rows"]),
                "checksum": gpkg.checksum(layer),
                "geometry": layer["geometry_type"] is not None,
                "fields": layer["fields"],
            }
    rule_of = {
        name: dict(rule, epsg=epsg) if rule["geometry"] == "grid" else rule for name, rule in rules["layers"].items()
    }
    manifest = {
        "kind": KIND,
        "schema": SCHEMA_VERSION,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "programme": {"country": country, "name": country_name(country)},
        "period": {
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        "layers": layer_meta,
        "policy": {
            "name": rules["name"],
            "version": policy_version,
            "rules": {**rules, "layers": rule_of},
            "limits": policies.limits(rules),
        },
        "recipient": recipient,
        "exporter": {"fingerprint": signer},
    }
    if shipped.entries:
        manifest["attachments"] = shipped.entries
    members = {DATA: data, **shipped.members}
    if library:
        bundle = library_exchange.bundle_members(country_name(country) or country)
        paths = [name for name in bundle if name.startswith(library_exchange.IMAGES)]
        images = [
            {"member": f"{LIBRARY_PREFIX}{n}{PurePosixPath(path).suffix}", "file": path}
            for n, path in enumerate(paths, start=1)
        ]
        document = json.loads(bundle[library_exchange.JSON_NAME])
        manifest["library"] = {"models": len(document["models"]), "file": LIBRARY, "images": images}
        members[LIBRARY] = bundle[library_exchange.JSON_NAME]
        members.update({i["member"]: bundle[i["file"]] for i in images})
    return manifest, members


def library_bundle(package: packages.Package) -> bytes | None:
    """The package's library as a library ZIP bundle (library.json + images/...), None when it has none."""
    meta = package.manifest.get("library")
    if meta is None:
        return None
    files = {library_exchange.JSON_NAME: package.members[LIBRARY]}
    files.update({i["file"]: package.members[i["member"]] for i in meta["images"]})
    return library_exchange.to_zip(files)


def _check_library(package: packages.Package) -> list[str]:
    """The library's members (none when the package has no library); refuses a library that is not
    what the manifest lists or that the library reader refuses."""
    meta = package.manifest.get("library")
    if meta is None:
        return []
    if (
        not isinstance(meta, dict)
        or meta.get("file") != LIBRARY
        or not isinstance(meta.get("images"), list)
        or not all(
            isinstance(i, dict)
            and str(i.get("member", "")).startswith(LIBRARY_PREFIX)
            and str(i.get("file", "")).startswith(library_exchange.IMAGES)
            for i in meta["images"]
        )
    ):
        _refuse(_("the manifest's library is not readable"))
    listed = [LIBRARY, *[i["member"] for i in meta["images"]]]
    missing = [name for name in listed if name not in package.members]
    if missing:
        _refuse(_("the library lists %(names)s, not in the package") % {"names": ", ".join(missing)})
    try:
        incoming = library_exchange.read_zip(library_bundle(package) or b"", LIBRARY)
    except ValidationFailed as exc:
        _refuse(_("the library is refused: %(why)s") % {"why": exc})
    if len(incoming.models) != meta.get("models"):
        _refuse(
            _("the library has %(found)s models, the manifest says %(listed)s")
            % {"found": len(incoming.models), "listed": meta.get("models")}
        )
    return listed


def _refuse(message: str):
    raise packages.PackageRefused(message)


def check(data: bytes, trusted: dict) -> tuple[packages.Package, dict[str, dict]]:
    """The verified package and its layers, read back; PackageRefused names the first failed check.

    Signature and container first (core.packages.verify), then the schema: the manifest's fields and
    version, the signer named in it, every layer present with its count and checksum, no layer more,
    and the hard rules (aggregates suppressed at the policy's k, at least 3).
    """
    package = packages.verify(data, trusted, kind=KIND)
    m = package.manifest
    missing = [f for f in MANIFEST_FIELDS if f not in m]
    if missing:
        _refuse(_("the manifest lacks %(fields)s") % {"fields": ", ".join(missing)})
    if m["schema"] != SCHEMA_VERSION:
        _refuse(
            _("schema version %(found)s; this installation reads version %(ours)s")
            % {"found": m["schema"], "ours": SCHEMA_VERSION}
        )
    if not isinstance(m["programme"], dict) or not m["programme"].get("country"):
        _refuse(_("the manifest names no programme"))
    if not isinstance(m["exporter"], dict) or m["exporter"].get("fingerprint") != package.signer:
        _refuse(_("the manifest names another exporting key than the one that signed it"))
    if DATA not in package.members:
        _refuse(_("the package holds no %(name)s") % {"name": DATA})
    if not isinstance(m["layers"], dict) or not isinstance(m["policy"], dict):
        _refuse(_("the manifest's layers or policy are not readable"))
    try:
        read = gpkg.read_bytes(package.members[DATA])
    except Exception as exc:  # GDAL's errors on a corrupt file vary by version
        _refuse(_("%(name)s is not a readable GeoPackage: %(error)s") % {"name": DATA, "error": exc})
    if set(read) != set(m["layers"]):
        _refuse(
            _("the GeoPackage's layers (%(found)s) are not the manifest's (%(listed)s)")
            % {"found": ", ".join(sorted(read)), "listed": ", ".join(sorted(m["layers"]))}
        )
    for name, meta in sorted(m["layers"].items()):
        layer = read[name]
        if not isinstance(meta, dict) or meta.get("rows") != len(layer["rows"]):
            _refuse(
                _("layer %(layer)s has %(found)s rows, the manifest says %(listed)s")
                % {
                    "layer": name,
                    "found": len(layer["rows"]),
                    "listed": meta.get("rows") if isinstance(meta, dict) else "?",
                }
            )
        if meta.get("checksum") != gpkg.checksum(layer):
            _refuse(_("layer %(layer)s does not match its checksum in the manifest") % {"layer": name})
    k = (m["policy"].get("rules") or {}).get("k")
    if not isinstance(k, int) or k < policies.MIN_K:
        _refuse(_("the policy's k is missing or under %(min)s") % {"min": policies.MIN_K})
    for table in SUPPRESSED_TABLES:
        if table in read and not is_safe(read[table]["rows"], k):
            _refuse(_("table %(table)s shows counts under k=%(k)s") % {"table": table, "k": k})
    for name in read:
        if name in SUPPRESSED_TABLES and read[name]["geometry_type"] is not None:
            _refuse(_("%(table)s may only be an aggregate table without geometry") % {"table": name})
    library_members = set(_check_library(package))
    members = {name: content for name, content in package.members.items() if name not in library_members}
    problem = attached.check(m, members, DATA)
    if problem:
        _refuse(problem)
    return package, read
