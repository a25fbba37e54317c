"""Photos and documents in an exchange package, where the policy allows them (decision 0037).

Only the layers whose rule says `attachments: true` (hazards, products) ship their records' files,
each as a member `attachment-<sha256>.<ext>` listed in the manifest's `attachments` (layer, record
code, name, type, caption, time). Under a rule that generalises positions, photos leave without their
EXIF GPS block and the list gives no position. Accidents, victims and EORE never ship files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from safeground.attachments import files as content_files
from safeground.attachments import queries as attachment_queries
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Product

MODELS: dict[str, type[Hazard] | type[Product]] = {"hazards": Hazard, "products": Product}
PREFIX = "attachment-"


@dataclass
class Shipped:
    entries: list[dict] = field(default_factory=list)
    members: dict[str, bytes] = field(default_factory=dict)


def collect(rules: dict, codes: dict[str, list[str]]) -> Shipped:
    """The files of the records the package's layers hold (`codes`: layer → the codes it shipped)."""
    out = Shipped()
    for layer, rule in sorted(rules["layers"].items()):
        if not rule.get("attachments") or layer not in MODELS:
            continue
        keep_position = rule["geometry"] == "keep"
        records = list(MODELS[layer].objects.filter(code__in=codes.get(layer, [])).only("pk", "code"))
        code_of = {str(r.pk): r.code for r in records}
        rows = attachment_queries.of_many(records)  # one query for the layer, not one per record
        for row in sorted(rows, key=lambda a: (code_of[a.object_id], a.created_at, str(a.id))):
            code = code_of[row.object_id]
            with row.file.open("rb") as handle:
                content = handle.read()
            if not keep_position:
                content = content_files.without_gps(content, row.media_type)
            digest = hashlib.sha256(content).hexdigest()
            member = f"{PREFIX}{digest}.{content_files.KINDS[row.media_type]}"
            out.members[member] = content
            out.entries.append(
                {
                    "layer": layer,
                    "code": code,
                    "member": member,
                    "name": row.name,
                    "media_type": row.media_type,
                    "sha256": digest,
                    "caption": row.caption,
                    "taken_at": row.taken_at.isoformat() if row.taken_at else None,
                    "position": [row.position.x, row.position.y]
                    if keep_position and row.position is not None
                    else None,
                }
            )
    return out


def check(manifest: dict, members: dict, data_member: str) -> str | None:
    """Why the package's files are not what its manifest lists (None when they are): every listed
    attachment is a member of a layer that may carry them, and no member is unlisted."""
    entries = manifest.get("attachments", [])
    if not isinstance(entries, list):
        return _("the manifest's attachments are not a list")
    listed = set()
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("layer") not in MODELS or entry.get("member") not in members:
            return _("an attachment in the manifest is not in the package")
        listed.add(entry["member"])
    extra = sorted(set(members) - {data_member} - listed)
    if extra:
        return _("the package holds files its manifest does not list: %(names)s") % {"names": ", ".join(extra)}
    return None
