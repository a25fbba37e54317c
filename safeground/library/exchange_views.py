"""Library exchange pages: download the library (JSON, CSV, ZIP), upload another programme's library,
and the merge confirmation page where a person decides each incoming model, then applies.

Every write goes through library.merging, as the API and the CLI do; a refusal comes back on the
page with its reason (422), nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.library import exchange, exchange_queries, merging
from safeground.library.models import LibraryMatch

#: The permission each write needs (the API's operations need the same).
NEEDS = {
    "import": "library.add_libraryimport",
    "decide": "library.change_librarymatch",
    "apply": "library.change_libraryimport",
    "drop": "library.change_libraryimport",
}


def _needs(request: HttpRequest, action: str) -> None:
    needed = NEEDS.get(action)
    if needed is None or not request.user.has_perm(needed):
        raise PermissionDenied(f"this needs the permission {needed}")


def _error(exc: ValidationFailed) -> str:
    return str(exc)


@page("library.view_libraryimport")
def exchange_home(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        _needs(request, "import")
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a library file (.json, .csv or .zip) to merge.")
        elif upload.size and upload.size > exchange.MAX_FILE_BYTES:
            error = _("The file is larger than this installation accepts.")
        else:
            try:
                row = merging.receive(
                    upload.read(),
                    source=upload.name or "library",
                    programme=request.POST.get("programme", "")[:200],
                    user=request.user,
                )
            except ValidationFailed as exc:
                error = _error(exc)
            else:
                messages.success(request, _("Library read: confirm each model below, then apply."))
                return redirect("library-import", import_id=row.pk)
    rows = list(exchange_queries.imports()[:200])
    context = {
        "imports": [{"row": r, "counts": exchange_queries.counts(r)} for r in rows],
        "can_import": request.user.has_perm(NEEDS["import"]),
        "error": error,
        "formats": [("json", "JSON"), ("csv", "CSV"), ("zip", _("ZIP with images"))],
    }
    return render(request, "library/exchange.html", context, status=422 if error else 200)


@page("library.view_libraryimport")
def export_file(request: HttpRequest) -> HttpResponse:
    try:
        data, content_type, name = exchange.export(request.GET.get("format", "json"))
    except ValidationFailed as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _decide_all(request: HttpRequest, matches: list[LibraryMatch]) -> dict[str, str]:
    """Each match's decision from the form (`decision-<id>`, `target-<id>`); the refusals by match id."""
    refused = {}
    for m in matches:
        decision = request.POST.get(f"decision-{m.pk}", "")
        if not decision:
            continue
        asked = (request.POST.get(f"target-{m.pk}") or "").strip()
        target = exchange_queries.find_model(asked) if decision == "merge" and asked else None
        if asked and decision == "merge" and target is None:  # never merge into another model than the one chosen
            refused[str(m.pk)] = _("no model %(name)s in this library") % {"name": repr(asked)}
            continue
        if decision == m.decision and (decision != "merge" or target in (None, m.target)):
            continue
        try:
            merging.decide(m, decision, target=target, user=request.user)
        except ValidationFailed as exc:
            refused[str(m.pk)] = _error(exc)
    return refused


@page("library.view_libraryimport")
def import_detail(request: HttpRequest, import_id) -> HttpResponse:
    row = exchange_queries.one(import_id)
    if row is None:
        raise Http404("no such library import")
    refused: dict[str, str] = {}
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        _needs(request, action)
        try:
            if action == "decide":
                refused = _decide_all(request, list(exchange_queries.matches(row)))
                if not refused:
                    messages.success(request, _("Decisions saved."))
                    return redirect("library-import", import_id=row.pk)
                error = _("%(count)s decision(s) refused: see the models marked below.") % {"count": len(refused)}
            elif action == "apply":
                done = merging.apply(row, user=request.user)
                messages.success(
                    request,
                    _("Merged: %(merged)s, added: %(created)s, left out: %(skipped)s.") % done.summary,
                )
                return redirect("library-import", import_id=row.pk)
            elif action == "drop":
                merging.drop(row, user=request.user)
                return redirect("library-import", import_id=row.pk)
        except ValidationFailed as exc:
            error = _error(exc)
        row = exchange_queries.one(import_id) or row
    matches = [
        {"m": m, "fields": exchange_queries.side_by_side(m), "refused": refused.get(str(m.pk))}
        for m in exchange_queries.matches(row)
    ]
    context = {
        "imp": row,
        "matches": matches,
        "counts": exchange_queries.counts(row),
        "models": exchange_queries.model_choices(),
        "can_decide": row.status == "open" and request.user.has_perm(NEEDS["decide"]),
        "can_apply": row.status == "open" and request.user.has_perm(NEEDS["apply"]),
        "error": error,
    }
    return render(request, "library/exchange_import.html", context, status=422 if error else 200)
