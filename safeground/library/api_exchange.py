"""Library API: exchange and merge (/api/v1/library/export, /imports). The same steps as the pages and
`safeground library-exchange`: export, upload a file (matches proposed), decide each match, apply."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from safeground.core.auth import needs
from safeground.core.errors import ValidationFailed
from safeground.core.schemas import ErrorOut
from safeground.library import exchange, exchange_queries, merging
from safeground.library.exchange_schemas import LibraryDecisionIn, LibraryImportOut
from safeground.library.models import LibraryImport

router = Router(tags=["library"])


def _import(row: LibraryImport, *, with_matches: bool = True) -> dict:
    out = {
        "id": str(row.pk),
        "source": row.source,
        "programme": row.programme,
        "partner": row.partner,
        "status": row.status,
        "created_at": row.created_at,
        "applied_at": row.applied_at,
        "summary": row.summary,
        "counts": exchange_queries.counts(row),
        "matches": None,
    }
    if with_matches:
        out["matches"] = [
            {
                "id": str(m.pk),
                "position": m.position,
                "name": m.name,
                "matched_by": m.matched_by,
                "candidate": m.candidate.name if m.candidate else None,
                "decision": m.decision,
                "target": m.target.name if m.target else None,
                "result": m.result.name if m.result else None,
                "incoming": m.incoming,
            }
            for m in exchange_queries.matches(row)
        ]
    return out


def _one(import_id: str) -> LibraryImport:
    row = exchange_queries.one(import_id)
    if row is None:
        raise Http404("no such library import")
    return row


@router.get(
    "/export",
    response={422: ErrorOut},
    summary="The library as a file: JSON, CSV or a ZIP with the images (never render-safe procedures)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "application/zip": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_library(request, format: str = "json"):
    """422 names the field `format` when it is not json, csv or zip."""
    data, content_type, name = exchange.export(format[:10])
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post(
    "/imports",
    response={201: LibraryImportOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("library.add_libraryimport"),
    summary="Read another programme's library (.json, .csv, .zip) and propose a match per model",
)
def create_import(request, file: File[UploadedFile], programme: Form[str] = ""):
    """422 names the file, the model (or row) and the field of the first problem; nothing is written."""
    if file.size is not None and file.size > exchange.MAX_FILE_BYTES:
        raise ValidationFailed("the file is larger than this installation accepts", field="file", reason="too_large")
    row = merging.receive(file.read(), source=file.name or "library", programme=programme[:200], user=request.user)
    return Status(201, _import(row))


@router.get("/imports", response=list[LibraryImportOut], summary="Library imports, newest first")
def list_imports(request):
    return [_import(r, with_matches=False) for r in exchange_queries.imports()[:500]]


@router.get(
    "/imports/{import_id}", response={200: LibraryImportOut, 404: ErrorOut}, summary="One import and its matches"
)
def get_import(request, import_id: str):
    return _import(_one(import_id))


@router.post(
    "/imports/{import_id}/matches/{match_id}",
    response={200: LibraryImportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=needs("library.change_librarymatch"),
    summary="Decide one incoming model: merge (into the candidate or `target`), create or skip",
)
def decide_match(request, import_id: str, match_id: str, payload: LibraryDecisionIn):
    """422: the import is closed, a merge has no model to merge into (`target`), `target` names no
    model, or a create would duplicate a model here (choose merge)."""
    row = _one(import_id)
    match = exchange_queries.match(row, match_id)
    if match is None:
        raise Http404("no such match in this import")
    target = None
    if payload.target:
        target = exchange_queries.find_model(payload.target)
        if target is None:
            raise ValidationFailed(f"no model {payload.target!r} here", field="target", reason="unknown")
    merging.decide(match, payload.decision, target=target, user=request.user)
    return _import(row)


@router.post(
    "/imports/{import_id}/apply",
    response={200: LibraryImportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=needs("library.change_libraryimport"),
    summary="Apply every decision in one transaction (refused while a model waits for a decision)",
)
def apply_import(request, import_id: str):
    """422: a model waits for a decision, the import is closed, or a create would duplicate a model."""
    return _import(merging.apply(_one(import_id), user=request.user))
