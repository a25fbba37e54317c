"""Library API, the models part (`/api/v1/library/...`): the model list with finds totals, one model's full
record and finds statistics, its render-safe procedures (EOD-qualified readers only, every read audited),
and the audit of those reads. See docs/library-pages-and-procedures.md."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import Limit, Offset
from safeground.core.schemas import ErrorOut
from safeground.library import queries, services, stats
from safeground.library.models import RenderSafeProcedure
from safeground.ordnance.models import OrdnanceModel

router = Router(tags=["library"])

REFUSALS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ModelItem(Schema):
    slug: str
    name: str
    category: str
    metal_content: str
    detectable_by: list[str]
    finds: int
    records: int


class ModelPage(Schema):
    count: int
    items: list[ModelItem]


class FindsRow(Schema):
    key: str
    label: str
    finds: int
    records: int
    country: str | None = None
    code: str | None = None


class FindsTotal(Schema):
    finds: int
    records: int


class FindsOut(Schema):
    total: FindsTotal
    by_province: list[FindsRow]
    by_year: list[FindsRow]
    by_activity_type: list[FindsRow]
    by_depth: list[FindsRow]


class AliasOut(Schema):
    name: str
    language: str


class SimilarOut(Schema):
    slug: str
    name: str


class ModelDetail(Schema):
    slug: str
    name: str
    category: str
    type: str
    origin: str
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    diameter_mm: int | None
    weight_g: int | None
    main_charge: str
    fill: str
    fill_mass_g: int | None
    metal_content: str
    detectable_by: list[str]
    fuze: str
    actuation: list[str]
    actuation_force: str
    colour_markings: str
    features: str
    deminer_hazards: str
    texts: dict
    notes: str
    sources: str
    version: int
    aliases: list[AliasOut]
    similar: list[SimilarOut]
    images: list[uuid.UUID] = Field(description="Attachment ids of the model's images (/attachments/{id}/)")
    finds: FindsTotal
    procedures: int = Field(description="How many render-safe procedures it has (reading them is restricted)")


class ProcedureOut(Schema):
    id: uuid.UUID
    title: str
    text: str
    references: str
    version: int
    updated_at: dt.datetime
    updated_by: str | None


class ProcedureIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    text: Annotated[str, Field(min_length=1, max_length=100_000)]
    references: Annotated[str, Field(max_length=20_000)] = ""


class ProcedureReadOut(Schema):
    at: dt.datetime
    username: str
    model: str
    granted: bool
    qualification: str
    channel: str
    action: str


class ProcedureReadPage(Schema):
    count: int
    items: list[ProcedureReadOut]


def _model(slug: str) -> OrdnanceModel:
    return get_object_or_404(OrdnanceModel, slug=slug)


def _procedure_dict(p: RenderSafeProcedure) -> dict:
    return {
        "id": p.id,
        "title": p.title,
        "text": p.text,
        "references": p.references,
        "version": p.version,
        "updated_at": p.updated_at,
        "updated_by": p.updated_by.get_username() if p.updated_by else None,
    }


@router.get("/models", response={200: ModelPage, 422: ErrorOut}, summary="Library models with their finds")
def list_models(
    request,
    q: str | None = None,
    category: str | None = None,
    metal: str | None = None,
    detectable_by: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Search by name or alias (any script; 'pmn2' finds PMN-2) and filter by category, metal content and
    detection method; `finds` is the sum of device counts, `records` the device rows. 422 names a bad filter."""
    qs = queries.models(q, category, metal, detectable_by)
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


@router.get("/models/{slug}", response={200: ModelDetail, 404: ErrorOut}, summary="One library model, full record")
def get_model(request, response: HttpResponse, slug: str):
    model = _model(slug)
    extra = queries.record(model)
    response["ETag"] = versions.etag(model)
    data = {f: getattr(model, f) for f in ModelDetail.model_fields if hasattr(model, f) and f not in ("procedures",)}
    return {
        **data,
        "aliases": extra["aliases"],
        "similar": extra["similar"],
        "images": [a.pk for a in queries.images(model)],
        "finds": stats.totals(model),
        "procedures": extra["procedures"],
    }


@router.get("/models/{slug}/finds", response={200: FindsOut, 404: ErrorOut}, summary="Finds statistics of a model")
def model_finds(request, slug: str):
    """Finds (sum of device counts) and records per province (level-1 admin area containing the device;
    "outside" for none), per year found, per activity type and per depth band."""
    return stats.summary(_model(slug))


@router.get(
    "/models/{slug}/procedures",
    response={200: list[ProcedureOut], **REFUSALS},
    summary="Render-safe procedures of a model (EOD-qualified staff only; every read audited)",
)
def model_procedures(request, slug: str):
    """403 for every account without a valid EOD certification held by the person linked to it, whatever
    its role (administrators and superusers included). Every call, granted or refused, is audited."""
    model = _model(slug)
    try:
        rows = services.read_procedures(model, request.user, "api")
    except PermissionDenied as refused:
        raise HttpError(403, str(refused)) from refused
    return [_procedure_dict(p) for p in rows]


@router.post(
    "/models/{slug}/procedures",
    response={201: ProcedureOut, **REFUSALS},
    auth=needs(services.WRITE_PERMISSION),
    summary="Add a render-safe procedure (EOD-qualified, with the permission to change procedures)",
)
def add_procedure(request, slug: str, body: ProcedureIn):
    """403 without the permission or without a valid EOD certification; 422 names the bad field (a title the
    model already has). Nothing is written on refusal but the audit row."""
    model = _model(slug)
    try:
        p = services.write_procedure(model, **body.dict(), user=request.user, channel="api")
    except PermissionDenied as refused:
        raise HttpError(403, str(refused)) from refused
    return Status(201, _procedure_dict(p))


@router.put(
    "/models/{slug}/procedures/{procedure_id}",
    response={200: ProcedureOut, 412: ErrorOut, 428: ErrorOut, **REFUSALS},
    auth=needs(services.WRITE_PERMISSION),
    summary="Change a render-safe procedure (If-Match: its version)",
)
def change_procedure(request, response: HttpResponse, slug: str, procedure_id: uuid.UUID, body: ProcedureIn):
    """Needs `If-Match: "<version>"` (428 without, 412 when it changed since); 403 and 422 as for adding one."""
    model = _model(slug)
    procedure = get_object_or_404(RenderSafeProcedure, pk=procedure_id, model=model)
    expected = versions.required(request, procedure, f"the procedure {procedure.title}")
    try:
        p = services.write_procedure(
            model, **body.dict(), user=request.user, expected_version=expected, procedure=procedure, channel="api"
        )
    except PermissionDenied as refused:
        raise HttpError(403, str(refused)) from refused
    response["ETag"] = versions.etag(p)
    return _procedure_dict(p)


@router.get(
    "/procedure-reads",
    response={200: ProcedureReadPage, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=needs("library.read_procedures_audit"),
    summary="The audit of render-safe procedure reads and writes",
)
def procedure_reads(
    request, model: str | None = None, granted: bool | None = None, limit: Limit = 100, offset: Offset = 0
):
    """Every attempt to read (or write) render-safe procedures, newest first; `model` is a slug."""
    qs = queries.procedure_reads(_model(model) if model else None, granted)
    rows = qs[offset : offset + limit]
    return {
        "count": qs.count(),
        "items": [
            {
                "at": r.at,
                "username": r.username,
                "model": r.model.slug,
                "granted": r.granted,
                "qualification": r.qualification,
                "channel": r.channel,
                "action": r.action,
            }
            for r in rows
        ],
    }
