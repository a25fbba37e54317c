"""NG value lists onto SafeGround's choices: a mapping file a person reviews, with guesses to start from.

NG keeps every value list in `imsmaenum`; a record's column holds the value's GUID. Each kind declares
which of its columns map onto which SafeGround field (`kinds.*.ENUMS`). The file maps, per
`table.column`, every NG value to a SafeGround choice, or to null: then the value is kept with the
record in `source_attributes` (never dropped) and the report lists it. `migrate-imsma --write-mapping`
writes a starting file with every distinct value in use and a guessed match.

File format (YAML):

    hazard.status_guid:
      field: status
      values:
        Active: open
        Expired: closed
        Some local value: null
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

#: NG's usual English labels whose SafeGround choice shares no word with them.
SYNONYMS = {
    "suspected hazardous area": "sha",
    "confirmed hazardous area": "cha",
    "active": "open",
    "worked on": "open",
    "in progress": "open",
    "ongoing": "open",
    "expired": "closed",
    "completed": "closed",
    "closed": "closed",
    "cancelled": "closed",
    "minefield": "ap mines",
    "mined area": "ap mines",
    "battle area": "uxo",
    "battlefield": "uxo",
    "cluster strike area": "cmr",
    "cluster munitions": "cmr",
    "non technical survey": "non technical survey",
}


class MappingError(ValueError):
    """The mapping file can't be used: the message names the file, the key and the problem."""


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def guess(value: str, choices) -> str | None:
    """The SafeGround choice that most plausibly means `value`, or None (then it is kept as read)."""
    keys = {str(k): str(label) for k, label in choices}
    n = _norm(value)
    for key, label in keys.items():
        if n in (_norm(key), _norm(label)):
            return key
    synonym = SYNONYMS.get(n)
    for key in keys:
        if synonym is not None and synonym == _norm(key):
            return key
    words = set(n.split())
    scored = []
    for key, label in keys.items():
        shared = words & (set(_norm(key).split()) | set(_norm(label).split()))
        if shared:
            scored.append((len(shared), key))
    scored.sort(reverse=True)
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


@dataclass
class EnumMapping:
    """`table.column` → {"field": SafeGround field, "values": {NG value: choice or None}}."""

    entries: dict[str, dict] = field(default_factory=dict)
    path: str = ""

    @classmethod
    def load(cls, path: str | Path | None) -> EnumMapping:
        if not path:
            return cls()
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise MappingError(_("mapping file %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        if not isinstance(data, dict):
            raise MappingError(_("mapping file %(path)s must be a YAML mapping") % {"path": path})
        for key, entry in data.items():
            if "." not in str(key) or not isinstance(entry, dict) or not isinstance(entry.get("values") or {}, dict):
                raise MappingError(
                    _("mapping file %(path)s: %(key)s must be table.column with a 'values' mapping")
                    % {"path": path, "key": key}
                )
        return cls(
            {str(k): {"field": v.get("field"), "values": dict(v.get("values") or {})} for k, v in data.items()},
            str(path),
        )

    def lookup(self, table: str, column: str, value: str, choices) -> tuple[str | None, str]:
        """(choice or None, how): how is 'file' (the reviewed mapping said so) or 'guessed'."""
        entry = self.entries.get(f"{table}.{column}")
        if entry is not None and value in entry["values"]:
            target = entry["values"][value]
            valid = {str(k) for k, _label in choices}
            if target is not None and str(target) not in valid:
                raise MappingError(
                    _("mapping file %(path)s: %(key)s maps %(value)r to %(target)r, which is not one of %(choices)s")
                    % {
                        "path": self.path,
                        "key": f"{table}.{column}",
                        "value": value,
                        "target": target,
                        "choices": ", ".join(sorted(valid)),
                    }
                )
            return (str(target) if target is not None else None), "file"
        return guess(value, choices), "guessed"

    def check(self, known: dict[tuple[str, str], tuple[str, list]]) -> None:
        """Refuse, before anything is read, a key no kind maps or a target that is not one of its choices."""
        for key, entry in self.entries.items():
            table, _dot, column = key.partition(".")
            if (table, column) not in known:
                keys = ", ".join(f"{t}.{c}" for t, c in sorted(known))
                raise MappingError(
                    _("mapping file %(path)s: %(key)s is not a value list SafeGround maps (known: %(keys)s)")
                    % {"path": self.path, "key": key, "keys": keys}
                )
            _field, choices = known[(table, column)]
            for value in entry["values"]:
                self.lookup(table, column, value, choices)

    def text(self) -> str:
        return yaml.safe_dump(self.entries, allow_unicode=True, sort_keys=True) if self.entries else ""


def starting_mapping(in_use: dict[tuple[str, str], tuple[str, list, list[str]]]) -> str:
    """A mapping file for review: `in_use[(table, column)] = (field, choices, NG values in use)`."""
    lines = [
        "# IMSMA NG value lists → SafeGround choices. Written by `safeground migrate-imsma --write-mapping`.",
        "# Every NG value in use is listed with a guessed SafeGround choice; review each line, then pass",
        "# this file with --mapping. null: no SafeGround choice; the value is kept with the record.",
    ]
    for (table, column), (field_name, choices, values) in sorted(in_use.items()):
        allowed = ", ".join(str(k) for k, _label in choices)
        lines += ["", f"{table}.{column}:", f"  field: {field_name}  # one of: {allowed}", "  values:"]
        for value in sorted(values):
            target = guess(value, choices)
            lines.append(
                f"    {yaml.safe_dump(value, allow_unicode=True).strip().removesuffix('...').strip()}: "
                f"{target if target is not None else 'null'}"
            )
    return "\n".join(lines) + "\n"
