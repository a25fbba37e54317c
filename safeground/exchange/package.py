"""An exchange package: what goes in (`build`) and what a receiver checks (`check`).

Members: `data.gpkg` (the spatial layers after the policy, and the tables of figures and
aggregates without geometry). The manifest (signed, see core/packages.py) says: `kind`
("exchange"), `schema` (SCHEMA_VERSION), the `programme` (country and name), the `period`, the
`layers` (per layer: rows, checksum of its canonical rows, geometry or none), the `policy` (name,
version, rules, limits in words), the `recipient` partner and the `exporter` key's fingerprint.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import packages
from safeground.exchange import attached, figures, gpkg, layers, policies
from safeground.exchange.generalise import metric_epsg
from safeground.exchange.suppression import is_safe
from safeground.gazetteer.queries import country_name

KIND = "exchange"
SCHEMA_VERSION = 1
DATA = "data.gpkg"
MANIFEST_FIELDS = ("schema", "programme", "period", "layers", "policy", "recipient", "exporter", "created_at")
SUPPRESSED_TABLES = ("victims", "eore")


def build(
    *,
    country: str,
    rules: dict,
    policy_version: int,
    recipient: dict,
    signer: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> tuple[dict, dict[str, bytes]]:
    """The manifest (without `files`) and the members of a package of `country` under `rules`."""
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
    return manifest, {DATA: data, **shipped.members}


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
    problem = attached.check(m, package.members, DATA)
    if problem:
        _refuse(problem)
    return package, read
