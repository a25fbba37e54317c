"""Every write to the ordnance reference library: models, their aliases and similar models.

First working version (issue 21 contract): validation is extended by the ordnance work package.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.ordnance import naming
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceAlias, OrdnanceModel

#: Fields a caller may set with create_model/update_model (besides aliases and similar models).
EDITABLE = (
    "category", "type", "origin", "length_mm", "width_mm", "height_mm", "diameter_mm", "weight_g",
    "main_charge", "fill", "fill_mass_g", "metal_content", "detectable_by", "fuze", "actuation",
    "actuation_force", "colour_markings", "features", "deminer_hazards", "texts", "notes", "sources",
)  # fmt: skip


def _apply(model: OrdnanceModel, fields: dict) -> None:
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(_("%(field)s is not a field of an ordnance model") % {"field": unknown[0]}, unknown[0])
    for name, value in fields.items():
        setattr(model, name, value)
    if model.category not in dict(CATEGORY_CHOICES):
        raise ValidationFailed(_("unknown category %(value)r") % {"value": model.category}, "category", "choice")


def _set_aliases(model: OrdnanceModel, aliases: list[tuple[str, str]]) -> None:
    model.aliases.all().delete()
    seen = set()
    for name, language in aliases:
        name = (name or "").strip()
        if name and name not in seen:
            seen.add(name)
            OrdnanceAlias.objects.create(model=model, name=name, language=language or "", folded=naming.key(name))


@transaction.atomic
def create_model(
    *, name: str, category: str, user=None, reason: str | None = None, aliases=None, similar=None, **fields
) -> OrdnanceModel:
    """A new model in the library; its slug comes from its name."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("a model needs a name"), "name", "required")
    if OrdnanceModel.objects.filter(name=name).exists():
        raise ValidationFailed(_("the library already has a model named %(name)s") % {"name": name}, "name", "unique")
    model = OrdnanceModel(name=name, category=category)
    _apply(model, fields)
    model.slug = naming.slug(name, set(OrdnanceModel.objects.values_list("slug", flat=True)))
    record_author(model, user, reason)
    model.save()
    if aliases is not None:
        _set_aliases(model, aliases)
    if similar is not None:
        model.similar_models.set(similar)
    return model


@transaction.atomic
def update_model(
    model: OrdnanceModel,
    *,
    user=None,
    expected_version: int | None = None,
    reason: str | None = None,
    aliases=None,
    similar=None,
    **fields,
) -> OrdnanceModel:
    """Change a model's data (its name stays: devices and other programmes know it by it); one history row.
    `aliases`: the full list of (name, language) replacing the current ones; `similar`: models."""
    versions.lock(model, expected_version, model.name)
    _apply(model, fields)
    record_author(model, user, reason)
    model.save()
    if aliases is not None:
        _set_aliases(model, aliases)
    if similar is not None:
        model.similar_models.set([m for m in similar if m.pk != model.pk])
    return model
