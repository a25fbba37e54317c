"""Reads of the library pages and API: the model list with its finds, one model's record, the audit."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from safeground.attachments import queries as attachment_queries
from safeground.core.errors import ValidationFailed
from safeground.library import stats
from safeground.library.models import ProcedureRead, RenderSafeProcedure
from safeground.ordnance import naming
from safeground.ordnance.models import (
    ACTUATION_CHOICES,
    CATEGORY_CHOICES,
    DETECTION_CHOICES,
    METAL_CONTENT_CHOICES,
    OrdnanceModel,
)


def _choice(value: str | None, choices, field: str) -> str | None:
    if not value:
        return None
    if value not in dict(choices):
        raise ValidationFailed(
            _("%(field)s must be one of %(choices)s, not %(value)r")
            % {"field": field, "choices": ", ".join(dict(choices)), "value": value},
            field=field,
            reason="choice",
        )
    return value


def models(
    q: str | None = None, category: str | None = None, metal: str | None = None, detectable_by: str | None = None
) -> QuerySet[OrdnanceModel]:
    """Models matching a search (name or alias, any script, 'pmn2' finds PMN-2) and filters, with their
    finds (`finds`, sum of device counts) and device records (`records`) annotated, by name."""
    qs = OrdnanceModel.objects.all()
    if _choice(category, CATEGORY_CHOICES, "category"):
        qs = qs.filter(category=category)
    if _choice(metal, METAL_CONTENT_CHOICES, "metal"):
        qs = qs.filter(metal_content=metal)
    if _choice(detectable_by, DETECTION_CHOICES, "detectable_by"):
        qs = qs.filter(detectable_by__icontains=f'"{detectable_by}"')
    text = (q or "").strip()
    if text:
        key = naming.key(text)
        matching = Q(name__icontains=text) | Q(aliases__name__icontains=text)
        if key:  # names have no folded column: the library is small, so fold them here ('pmn2' finds PMN-2)
            by_key = [pk for pk, name in OrdnanceModel.objects.values_list("pk", "name") if key in naming.key(name)]
            matching |= Q(aliases__folded__contains=key) | Q(pk__in=by_key)
        qs = qs.filter(pk__in=OrdnanceModel.objects.filter(matching).values("pk"))
    return qs.annotate(finds=stats.finds_subquery("finds"), records=stats.finds_subquery("records")).order_by("name")


def thumbnails(rows: list[OrdnanceModel]) -> dict:
    """{model pk: the first image attachment} of the given models (one query)."""
    out: dict = {}
    for a in attachment_queries.of_many(rows).filter(media_type__startswith="image/").order_by("created_at", "id"):
        out.setdefault(a.object_id, a)
    return out


def images(model: OrdnanceModel) -> list:
    return list(attachment_queries.of(model).filter(media_type__startswith="image/").order_by("created_at", "id"))


def labels(codes, choices) -> list[str]:
    names = dict(choices)
    return [_(names[c]) if c in names else c for c in codes or []]


def record(model: OrdnanceModel) -> dict:
    """The model's record as the page and the API show it (labels translated)."""
    return {
        "category_label": _(dict(CATEGORY_CHOICES).get(model.category, model.category)),
        "metal_label": _(dict(METAL_CONTENT_CHOICES).get(model.metal_content, model.metal_content)),
        "detectable_by_labels": labels(model.detectable_by, DETECTION_CHOICES),
        "actuation_labels": labels(model.actuation, ACTUATION_CHOICES),
        "aliases": list(model.aliases.order_by("language", "name").values("name", "language")),
        "similar": list(model.similar_models.order_by("name").values("name", "slug")),
        "procedures": RenderSafeProcedure.objects.filter(model=model).count(),
        "sources": [line.strip() for line in (model.sources or "").splitlines() if line.strip()],
    }


def procedure_reads(model: OrdnanceModel | None = None, granted: bool | None = None) -> QuerySet[ProcedureRead]:
    qs = ProcedureRead.objects.select_related("model").order_by("-at", "-id")
    if model is not None:
        qs = qs.filter(model=model)
    if granted is not None:
        qs = qs.filter(granted=granted)
    return qs
