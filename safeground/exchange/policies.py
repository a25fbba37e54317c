"""Redaction policies: what each layer of an exchange package may show.

A policy (YAML or JSON) names, per spatial layer, how its geometry leaves the programme and which
fields are dropped:

    name: grid-5km
    description: Positions generalised to 5 km cells
    k: 5                         # aggregate cells under k are suppressed (k >= 3)
    layers:
      hazards:  {geometry: grid, cell_km: 5, write: centre, drop: [status_changed_on]}
      products: {geometry: admin, level: 2}
      devices:  {geometry: keep}

`geometry` is `keep` (coordinates as recorded), `admin` (the point of the admin area of `level` that
holds the feature) or `grid` (the centre, or with `write: square` the square, of the `cell_km` cell in
the programme's metric CRS). A spatial layer a policy does not name is left out of the package.
`attachments: true` (hazards and products only; off unless said) ships the records' photos and
documents; under a policy that generalises the layer's positions, photos leave without their EXIF GPS
position (decision 0037).

Hard rules no policy can lift (the fields a layer may carry are a fixed list without any person's
name, contact, date of birth, address or medical note, and without free text; victims and EORE
leave only as aggregate tables with small-cell suppression): a policy can only take away, so a
policy naming `victims` or `eore` as a layer, a field no layer carries, or k under 3 is refused.
"""

from __future__ import annotations

import yaml
from django.utils.translation import gettext as _

from safeground.core.errors import ValidationFailed

#: The spatial layers a package may hold and the fields each may carry (nothing personal, no free text).
LAYER_FIELDS: dict[str, tuple[str, ...]] = {
    "hazards": (
        "code",
        "hazard_class",
        "status",
        "contamination_type",
        "recorded_on",
        "status_changed_on",
        "area_m2",
        "admin_area",
    ),
    "products": ("code", "outcome", "released_on", "area_m2", "admin_area"),
    "devices": ("category", "model", "devices", "items", "admin_area"),
}
#: Personal or per-person data: only ever aggregated (victims, EORE) or never sent at all.
AGGREGATE_ONLY = ("victims", "eore", "accidents", "persons", "personnel")
GEOMETRY_MODES = ("keep", "admin", "grid")
#: Layers whose records' photos and documents a policy may ship (devices leave grouped, not one by one).
ATTACHMENT_LAYERS = ("hazards", "products")
MIN_K = 3
MAX_CELL_KM = 500
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")

BUILTIN: dict[str, dict] = {
    "open": {
        "name": "open",
        "description": "Coordinates as recorded; aggregates suppressed under 5",
        "k": 5,
        "layers": {
            "hazards": {"geometry": "keep", "drop": []},
            "products": {"geometry": "keep", "drop": []},
            "devices": {"geometry": "keep", "drop": []},
        },
    },
    "district": {
        "name": "district",
        "description": "Positions generalised to the district (admin level 2); aggregates suppressed under 5",
        "k": 5,
        "layers": {
            "hazards": {"geometry": "admin", "level": 2, "drop": []},
            "products": {"geometry": "admin", "level": 2, "drop": []},
            "devices": {"geometry": "admin", "level": 2, "drop": []},
        },
    },
    "grid-10km": {
        "name": "grid-10km",
        "description": "Positions generalised to the centre of a 10 km cell; aggregates suppressed under 5",
        "k": 5,
        "layers": {
            "hazards": {"geometry": "grid", "cell_km": 10, "write": "centre", "drop": []},
            "products": {"geometry": "grid", "cell_km": 10, "write": "centre", "drop": []},
            "devices": {"geometry": "grid", "cell_km": 10, "write": "centre", "drop": []},
        },
    },
}


def _fail(message: str, field: str, reason: str = "invalid"):
    raise ValidationFailed(message, field=field, reason=reason)


def parse(text: str) -> dict:
    """A policy from YAML or JSON text (JSON is YAML); refused when it does not read as a mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" at line %(line)s") % {"line": mark.line + 1} if mark is not None else ""
        _fail(_("the policy is not valid YAML or JSON%(where)s") % {"where": where}, "policy", "syntax")
    if not isinstance(data, dict):
        _fail(_("a policy is a mapping with name, k and layers"), "policy", "syntax")
    return validate(data)


def _number(value, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(_("%(field)s must be a number; got %(value)s") % {"field": field, "value": repr(value)}, field)
    if not low <= value <= high:
        _fail(
            _("%(field)s must be between %(low)s and %(high)s; got %(value)s")
            % {"field": field, "low": low, "high": high, "value": value},
            field,
        )
    return value


def validate(data: dict) -> dict:
    """The policy in its normal form; ValidationFailed names the first field that is wrong."""
    unknown = sorted(set(data) - {"name", "description", "k", "layers"})
    if unknown:
        _fail(_("unknown policy key %(key)s") % {"key": unknown[0]}, unknown[0], "unknown")
    name = str(data.get("name") or "").strip().lower()
    if not name or len(name) > 40 or not set(name) <= NAME_CHARS:
        _fail(_("name must be 1 to 40 letters, digits, hyphens or underscores"), "name")
    k = data.get("k", 5)
    if isinstance(k, bool) or not isinstance(k, int):
        _fail(_("k must be a whole number; got %(value)s") % {"value": repr(k)}, "k")
    if k < MIN_K:
        _fail(
            _("k must be at least %(min)s: smaller cells could identify people; got %(value)s")
            % {"min": MIN_K, "value": k},
            "k",
            "too small",
        )
    layers = data.get("layers")
    if not isinstance(layers, dict) or not layers:
        _fail(_("layers must map at least one layer to its rules"), "layers", "missing")
    out_layers: dict[str, dict] = {}
    for layer, rules in layers.items():
        field = f"layers.{layer}"
        if layer in AGGREGATE_ONLY:
            _fail(
                _("%(layer)s leave only as aggregates with small-cell suppression; no policy can change that")
                % {"layer": layer},
                field,
                "hard rule",
            )
        if layer not in LAYER_FIELDS:
            _fail(
                _("unknown layer %(layer)s; choose among %(choices)s")
                % {"layer": layer, "choices": ", ".join(LAYER_FIELDS)},
                field,
                "unknown",
            )
        if not isinstance(rules, dict):
            _fail(_("%(field)s must be a mapping") % {"field": field}, field)
        extra = sorted(set(rules) - {"geometry", "level", "cell_km", "write", "drop", "attachments"})
        if extra:
            _fail(_("unknown rule %(rule)s") % {"rule": extra[0]}, f"{field}.{extra[0]}", "unknown")
        mode = rules.get("geometry", "keep")
        if mode not in GEOMETRY_MODES:
            _fail(
                _("geometry must be one of %(choices)s; got %(value)s")
                % {"choices": ", ".join(GEOMETRY_MODES), "value": repr(mode)},
                f"{field}.geometry",
            )
        rule: dict = {"geometry": mode}
        if mode == "admin":
            rule["level"] = int(_number(rules.get("level"), f"{field}.level", 1, 3))
        if mode == "grid":
            rule["cell_km"] = _number(rules.get("cell_km"), f"{field}.cell_km", 0.1, MAX_CELL_KM)
            write = rules.get("write", "centre")
            if write not in ("centre", "square"):
                _fail(_("write must be centre or square; got %(value)s") % {"value": repr(write)}, f"{field}.write")
            rule["write"] = write
        drop = rules.get("drop", []) or []
        if not isinstance(drop, list):
            _fail(_("drop must be a list of field names"), f"{field}.drop")
        for name_ in drop:
            if name_ not in LAYER_FIELDS[layer]:
                _fail(
                    _("%(layer)s has no field %(name)s to drop; its fields: %(fields)s")
                    % {"layer": layer, "name": repr(name_), "fields": ", ".join(LAYER_FIELDS[layer])},
                    f"{field}.drop",
                    "unknown",
                )
        rule["drop"] = sorted(set(drop))
        attachments = rules.get("attachments", False)
        if not isinstance(attachments, bool):
            _fail(_("attachments must be true or false"), f"{field}.attachments")
        if attachments and layer not in ATTACHMENT_LAYERS:
            _fail(
                _("only %(layers)s can carry photos and documents") % {"layers": ", ".join(ATTACHMENT_LAYERS)},
                f"{field}.attachments",
                "unknown",
            )
        if attachments and "code" in rule["drop"]:
            _fail(
                _("photos and documents are linked to their record by its code: do not drop code"),
                f"{field}.attachments",
                "needs code",
            )
        if attachments:
            rule["attachments"] = True
        out_layers[layer] = rule
    description = str(data.get("description") or "")[:300]
    return {"name": name, "description": description, "k": k, "layers": out_layers}


def limits(rules: dict) -> list[str]:
    """The policy's limits in words, for the pages and the comparison ("coordinates generalised ...")."""
    out = []
    for layer, rule in sorted(rules.get("layers", {}).items()):
        if rule["geometry"] == "keep":
            text = _("%(layer)s: coordinates as recorded") % {"layer": layer}
        elif rule["geometry"] == "admin":
            text = _("%(layer)s: positions generalised to admin level %(level)s") % {
                "layer": layer,
                "level": rule["level"],
            }
        else:
            text = _("%(layer)s: coordinates generalised to %(km)s km cells") % {
                "layer": layer,
                "km": f"{rule['cell_km']:g}",
            }
        if rule.get("drop"):
            text += "; " + _("fields dropped: %(fields)s") % {"fields": ", ".join(rule["drop"])}
        if rule.get("attachments"):
            text += "; " + (
                _("photos and documents included")
                if rule["geometry"] == "keep"
                else _("photos and documents included, without their GPS position")
            )
        out.append(text)
    out.append(_("victims and EORE as aggregates only; cells under %(k)s suppressed") % {"k": rules.get("k")})
    return out
