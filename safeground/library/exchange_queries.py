"""Reads for the library's exchange pages, API and CLI: imports, their matches, a model named by a person."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safeground.library.models import LibraryImport, LibraryMatch
from safeground.ordnance import naming
from safeground.ordnance.models import ACTUATION_CHOICES, CATEGORY_CHOICES, METAL_CONTENT_CHOICES, OrdnanceModel

#: Choice fields shown by their labels, never their codes.
LABELS = {
    "category": dict(CATEGORY_CHOICES),
    "metal_content": dict(METAL_CONTENT_CHOICES),
    "actuation": dict(ACTUATION_CHOICES),
}

#: The fields shown side by side on the merge page (incoming beside the candidate), with their labels.
COMPARED = {
    "category": N_("Category"),
    "type": N_("Type"),
    "origin": N_("Origin"),
    "length_mm": N_("Length (mm)"),
    "width_mm": N_("Width (mm)"),
    "height_mm": N_("Height (mm)"),
    "diameter_mm": N_("Diameter (mm)"),
    "weight_g": N_("Weight (g)"),
    "fill": N_("Explosive fill"),
    "fill_mass_g": N_("Fill mass (g)"),
    "metal_content": N_("Metal content"),
    "fuze": N_("Fuze"),
    "actuation": N_("Actuation"),
}


def imports() -> QuerySet[LibraryImport]:
    return LibraryImport.objects.select_related("created_by").order_by("-created_at")


def one(import_id) -> LibraryImport | None:
    try:
        return imports().filter(pk=uuid.UUID(str(import_id))).first()
    except ValueError:
        return None


def matches(library_import: LibraryImport) -> QuerySet[LibraryMatch]:
    return library_import.matches.select_related("candidate", "target", "result", "decided_by").order_by("position")


def match(library_import: LibraryImport, match_id) -> LibraryMatch | None:
    try:
        return matches(library_import).filter(pk=uuid.UUID(str(match_id))).first()
    except ValueError:
        return None


def match_at(library_import: LibraryImport, position: int) -> LibraryMatch | None:
    return matches(library_import).filter(position=position).first()


def find_model(text: str | None) -> OrdnanceModel | None:
    """The model a person named: its id, its exact name or slug, else the one its key names."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        found = OrdnanceModel.objects.filter(pk=uuid.UUID(text)).first()
        if found:
            return found
    except ValueError:
        pass
    found = OrdnanceModel.objects.filter(name=text).first() or OrdnanceModel.objects.filter(slug=text).first()
    if found:
        return found
    k = naming.key(text)
    return next((m for m in OrdnanceModel.objects.only("pk", "name") if naming.key(m.name) == k), None)


def model_choices() -> list[tuple[uuid.UUID, str]]:
    return list(OrdnanceModel.objects.order_by("name").values_list("pk", "name"))


def counts(library_import: LibraryImport) -> dict[str, int]:
    """Matches per decision (pending, merge, create, skip)."""
    out = dict.fromkeys(("pending", "merge", "create", "skip"), 0)
    for decision in library_import.matches.values_list("decision", flat=True):
        out[decision] += 1
    return out


def _shown(name: str, value):
    labels = LABELS.get(name)
    if labels is not None:
        values = value if isinstance(value, list) else [value]
        return ", ".join(_(labels[v]) if v in labels else str(v) for v in values if v not in (None, ""))
    return ", ".join(str(v) for v in value) if isinstance(value, list) else value


def side_by_side(m: LibraryMatch) -> list[dict]:
    """One row per compared field: the incoming value and the candidate's (the target's when chosen)."""
    here = m.target or m.candidate
    rows = []
    for name, label in COMPARED.items():
        theirs = m.incoming.get(name)
        ours = getattr(here, name) if here is not None else None
        if theirs in (None, "", [], "unknown") and ours in (None, "", [], "unknown"):
            continue
        theirs, ours = (_shown(name, v) for v in (theirs, ours))
        rows.append({"field": name, "label": _(label), "theirs": theirs, "ours": ours})
    return rows
