"""Reads of the ordnance reference library: search over names and aliases, one model by slug, and the name
matching the library merge and the IMSMA NG migration share (naming.key: 'PMN-2' == 'pmn 2' == 'PMN2')."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from safeground.ordnance import naming
from safeground.ordnance.models import OrdnanceAlias, OrdnanceModel

Match = tuple[OrdnanceModel, str]  # (model, 'name' | 'alias')


def models() -> QuerySet[OrdnanceModel]:
    """Every model with what the API and pages show next to it (aliases, similar models) fetched at once."""
    return OrdnanceModel.objects.order_by("name").prefetch_related(
        Prefetch("aliases", queryset=OrdnanceAlias.objects.order_by("language", "name")),
        Prefetch("similar_models", queryset=OrdnanceModel.objects.order_by("name").only("id", "name", "slug")),
    )


def search(
    q: str | None = None,
    category: str | None = None,
    metal_content: str | None = None,
    detectable_by: str | None = None,
) -> QuerySet[OrdnanceModel]:
    """Models whose name or an alias contains `q` (accents and case ignored; punctuation too, through the
    aliases' folded key, so 'pmn2' finds PMN-2), filtered by category, metal content and a detection method."""
    qs = models()
    if category:
        qs = qs.filter(category=category)
    if metal_content:
        qs = qs.filter(metal_content=metal_content)
    if detectable_by:
        # A JSON list of codes; `contains` on JSON lists is not portable to SQLite, the quoted code is.
        qs = qs.filter(detectable_by__icontains=f'"{detectable_by}"')
    term = (q or "").strip()
    if term:
        match = Q(name__folded_contains=term) | Q(aliases__name__folded_contains=term)
        folded = naming.key(term)
        if folded:
            match |= Q(aliases__folded__contains=folded) | Q(pk__in=_key_contains(folded))
        qs = qs.filter(match).distinct()
    return qs


def _key_contains(folded: str) -> list:
    """Models whose name's key contains `folded` (names have no stored key; the library is small)."""
    return [pk for pk, name in OrdnanceModel.objects.values_list("pk", "name") if folded in naming.key(name)]


def by_slug(slug: str) -> OrdnanceModel | None:
    return models().filter(slug=slug).first()


def by_name_or_slug(ref: str) -> OrdnanceModel | None:
    """The model named `ref` exactly, else the one whose slug it is (API paths take either)."""
    return models().filter(name=ref).first() or by_slug(ref)


def matches(name: str) -> list[Match]:
    """The models a name stands for: those whose name has the same matching key ('name'), else those with an
    alias of that key ('alias'). Empty when nothing matches; more than one when the name is ambiguous, and a
    person chooses (the library merge)."""
    folded = naming.key(name)
    if not folded:
        return []
    by_name = [m for m in OrdnanceModel.objects.order_by("name") if naming.key(m.name) == folded]
    if by_name:
        return [(m, "name") for m in by_name]
    by_alias = OrdnanceModel.objects.filter(aliases__folded=folded).distinct().order_by("name")
    return [(m, "alias") for m in by_alias]


def key_index() -> dict[str, list[Match]]:
    """Every matching key of the library (names, then aliases) and the models it stands for: one read for a
    migration or merge that matches many names."""
    index: dict[str, list[Match]] = {}
    for model in OrdnanceModel.objects.order_by("name"):
        index.setdefault(naming.key(model.name), []).append((model, "name"))
    for alias in OrdnanceAlias.objects.select_related("model").order_by("model__name", "name"):
        found = index.setdefault(alias.folded, [])
        if all(kind == "alias" for _m, kind in found) and all(m.pk != alias.model.pk for m, _k in found):
            found.append((alias.model, "alias"))
    return index
