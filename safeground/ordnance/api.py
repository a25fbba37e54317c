"""The ordnance reference library API (/api/v1/ordnance-models): reading is public (reference data a deminer needs
before touching a find), writing needs the ordnance permissions.

A model is addressed by its name (`/PMN-2`) or its slug (`/pmn-2`); a name with a '/' in it ('POMZ-2 / POMZ-2M')
can only be reached by its slug, also at `/by-slug/{slug}`. PATCH needs `If-Match` with the version the ETag gave.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status

from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Limit, Offset
from safeground.core.errors import ValidationFailed
from safeground.core.schemas import ErrorOut
from safeground.ordnance import queries, services
from safeground.ordnance.models import OrdnanceModel
from safeground.ordnance.schemas import OrdnanceModelIn, OrdnanceModelOut, OrdnanceModelPatch, OrdnancePage

router = Router(auth=None, tags=["ordnance"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
VERSIONED = {412: ErrorOut, 428: ErrorOut}  # If-Match stale or missing (core/versions.py)


def out(model: OrdnanceModel) -> dict:
    """A model as the API shows it: its fields, aliases as {name, language}, similar models as slugs."""
    data = {f: getattr(model, f) for f in OrdnanceModelOut.model_fields if f not in ("aliases", "similar")}
    data["aliases"] = [{"name": a.name, "language": a.language} for a in model.aliases.all()]
    data["similar"] = [m.slug for m in model.similar_models.all()]
    return data


def _found(model: OrdnanceModel | None, ref: str) -> OrdnanceModel:
    if model is None:
        raise Http404(f"no ordnance model {ref!r}")
    return model


def _similar(slugs: list[str] | None) -> list[OrdnanceModel] | None:
    if slugs is None:
        return None
    found = {m.slug: m for m in OrdnanceModel.objects.filter(slug__in=slugs)}
    for i, slug in enumerate(slugs):
        if slug not in found:
            raise ValidationFailed(f"similar[{i}]: no model has the slug {slug!r}", f"similar[{i}]", "unknown")
    return [found[s] for s in slugs]


def _changes(payload) -> dict:
    changes = payload.dict(exclude_unset=True)
    if "aliases" in changes and changes["aliases"] is not None:
        changes["aliases"] = [(a["name"], a["language"]) for a in changes["aliases"]]
    changes["similar"] = _similar(changes.pop("similar", None))
    return changes


class ModelFilters(Schema):
    q: str | None = None
    category: Choice | None = None
    metal_content: Choice | None = None
    detectable_by: Choice | None = None
    limit: Limit = 1000
    offset: Offset = 0


@router.get("", response={200: OrdnancePage, 422: ErrorOut}, summary="Ordnance reference models")
def list_models(request, filters: Query[ModelFilters]):
    """`q` searches names and aliases (any script; case, accents and punctuation ignored: `pmn2` finds PMN-2);
    `category`, `metal_content` and `detectable_by` (a detection code) filter."""
    qs = queries.search(filters.q, filters.category, filters.metal_content, filters.detectable_by)
    return {"count": qs.count(), "items": [out(m) for m in qs[filters.offset : filters.offset + filters.limit]]}


@router.post(
    "",
    response={201: OrdnanceModelOut, **ERRORS},
    auth=needs("ordnance.add_ordnancemodel"),
    summary="Add a model to the library",
)
def create(request, response: HttpResponse, payload: OrdnanceModelIn):
    """422 names the field and why (unknown code, a size that is not a positive whole number, a translation in a
    language the interface lacks...); nothing is written then."""
    changes = _changes(payload)
    model = services.create_model(user=request.user, **changes)
    response["ETag"] = versions.etag(model)
    return Status(201, out(_found(queries.by_slug(model.slug), model.slug)))


@router.get(
    "/by-slug/{slug}", response={200: OrdnanceModelOut, 404: ErrorOut}, summary="One ordnance model, by its slug"
)
def get_by_slug(request, response: HttpResponse, slug: str):
    """The `ETag` header is the version to send back as `If-Match` with a change."""
    model = _found(queries.by_slug(slug), slug)
    response["ETag"] = versions.etag(model)
    return out(model)


@router.get("/{name}", response={200: OrdnanceModelOut, 404: ErrorOut}, summary="One ordnance model")
def get_model(request, response: HttpResponse, name: str):
    """`name`: the model's name or its slug. The `ETag` header is the version to send back as `If-Match`."""
    model = _found(queries.by_name_or_slug(name), name)
    response["ETag"] = versions.etag(model)
    return out(model)


@router.patch(
    "/{name}",
    response={200: OrdnanceModelOut, 404: ErrorOut, **ERRORS, **VERSIONED},
    auth=needs("ordnance.change_ordnancemodel"),
    summary="Change a model",
)
def patch_model(request, response: HttpResponse, name: str, payload: OrdnanceModelPatch):
    """`name`: the model's slug (or its name). Only the fields sent change; `aliases` and `similar` replace the
    lists. Needs `If-Match: "<version>"` (428 without it, 412 when the model changed since); 422 names the field."""
    model = _found(queries.by_name_or_slug(name), name)
    expected = versions.required(request, model, f"ordnance model {model.name}")
    changes = _changes(payload)
    model = services.update_model(model, user=request.user, expected_version=expected, **changes)
    response["ETag"] = versions.etag(model)
    return out(_found(queries.by_slug(model.slug), model.slug))
