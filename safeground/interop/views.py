"""Pages (import/export at /interop/) and the thin Django adapter of the OGC API functions (/ogc/)."""

from __future__ import annotations

import base64
import json
import tempfile
from functools import wraps
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safeground.core import conditional
from safeground.core.access import page
from safeground.interop import ogc
from safeground.interop.exporter import FORMATS, ExportError
from safeground.interop.importers import IMPORT_PERMISSION, IMPORT_RECORDS, KIND_LABELS, KINDS
from safeground.interop.layers import LAYER_LABELS, LAYERS
from safeground.interop.services import ImportFailed, errors_csv, import_file
from safeground.interop.uploads import export_response, save_upload

#: The error report is offered as a download link up to this size; the table shows the first rows.
REPORT_LINK_MAX = 2 * 1024 * 1024
TABLE_ROWS = 200

# ------------------------------------------------------------------------------------------------
# OGC API – Features
# ------------------------------------------------------------------------------------------------


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/ogc").rstrip("/")


def _json(body: dict, media: str = ogc.JSON, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=media)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _ogc(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ogc.OGCError as exc:
            return _json(exc.body(), status=exc.status)

    return require_GET(wrapper)


def _wants_html(request: HttpRequest) -> bool:
    f = request.GET.get("f")
    if f:
        return f == "html"
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept.split("text/html")[0]


@page(token=True)
@_ogc
def ogc_landing(request):
    base = _base(request)
    body = ogc.landing(base)
    if _wants_html(request):
        return render(
            request,
            "interop/ogc_landing.html",
            {
                "landing": body,
                "collections": [ogc.collection_info(base, c, with_extent=False) for c in ogc.collections().values()],
                "conformance": ogc.CONFORMANCE,
                "base": base,
            },
        )
    return _json(body)


@page(token=True)
@_ogc
def ogc_conformance(request):
    return _json(ogc.conformance())


@page(token=True)
@_ogc
def ogc_openapi(request):
    return _json(ogc.openapi(_base(request)), media=ogc.OPENAPI)


@page(token=True)
@_ogc
def ogc_collections(request):
    return _json(ogc.collections_list(_base(request)))


@page(token=True)
@_ogc
def ogc_collection(request, collection_id: str):
    return _json(ogc.collection(_base(request), collection_id))


@page(token=True)
@_ogc
def ogc_items(request, collection_id: str):
    params = {k: request.GET.get(k) for k in request.GET}
    selected = collection, items, _limit, _offset = ogc.select(collection_id, params)
    etag = conditional.list_etag(request, items, collection.properties)
    if conditional.matches(request, etag):
        return conditional.not_modified(etag)
    response = conditional.send(ogc.items(_base(request), params, selected), etag=etag, content_type=ogc.GEOJSON)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@page(token=True)
@_ogc
def ogc_item(request, collection_id: str, feature_id: str):
    return _json(ogc.item(_base(request), collection_id, feature_id), media=ogc.GEOJSON)


# ------------------------------------------------------------------------------------------------
# Import / export page
# ------------------------------------------------------------------------------------------------


def _context(request, **extra) -> dict:
    return {
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        "formats": list(FORMATS),
        "layers": [(name, LAYER_LABELS.get(name, name)) for name in LAYERS],
        "ogc_url": "/ogc/",
        "orphan_choices": [
            ("refuse", _("Refuse them")),
            ("outside", _("Keep them outside every hazard")),
            ("historical-hazard", _("Rebuild a closed hazard from each")),
        ],
        **extra,
    }


@page()
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Upload a file to import (dry run or for real) and see its error report; download exports."""
    if request.method == "GET":
        return render(request, "interop/home.html", _context(request, form={"kind": "hazards", "dry_run": True}))
    form = {
        "kind": request.POST.get("kind", ""),
        "layer": request.POST.get("layer", "").strip(),
        "crs": request.POST.get("crs", "").strip(),
        "dry_run": bool(request.POST.get("dry_run")),
        "repair": bool(request.POST.get("repair")),
        "quarantine": request.POST.get("on_error") == "quarantine",
        "orphans": request.POST.get("orphans") or "refuse",
    }
    if not request.user.is_authenticated:
        return render(
            request,
            "interop/home.html",
            _context(request, form=form, failure=_("Sign in to import records.")),
            status=403,
        )
    upload = request.FILES.get("file")
    failure = None
    if upload is None:
        failure = _("Choose a file to import.")
    elif form["kind"] not in KINDS:
        failure = _("Choose what the file holds.")
    elif not (request.user.has_perm(IMPORT_RECORDS) and request.user.has_perm(IMPORT_PERMISSION[form["kind"]])):
        return render(
            request,
            "interop/home.html",
            _context(request, form=form, failure=_("Your role does not allow importing this kind of record.")),
            status=403,
        )
    if failure:
        return render(request, "interop/home.html", _context(request, form=form, failure=failure), status=400)
    with tempfile.TemporaryDirectory(prefix="safeground-upload-") as folder:
        path = save_upload(upload, Path(folder))
        mapping = None
        if request.FILES.get("mapping"):
            (Path(folder) / "mapping").mkdir()
            mapping = save_upload(request.FILES["mapping"], Path(folder) / "mapping")
        try:
            result = import_file(
                path,
                form["kind"],
                layer=form["layer"] or None,
                crs=form["crs"] or None,
                mapping=mapping,
                dry_run=form["dry_run"],
                repair=form["repair"],
                user=request.user,
                source_name=upload.name,
                on_error="quarantine" if form["quarantine"] else "refuse",
                orphans=form["orphans"],
            )
        except (ImportFailed, ValueError) as exc:
            return render(
                request,
                "interop/home.html",
                _context(
                    request,
                    form=form,
                    failure=_("%(name)s was refused: %(reason)s. Nothing was written.")
                    % {"name": upload.name, "reason": exc},
                ),
                status=422,
            )
    report = None
    if result.errors:
        text = errors_csv(result.errors).encode()
        if len(text) <= REPORT_LINK_MAX:
            report = "data:text/csv;base64," + base64.b64encode(text).decode()
    return render(
        request,
        "interop/home.html",
        _context(
            request,
            form=form,
            result=result,
            error_rows=result.errors[:TABLE_ROWS],
            more_errors=max(0, len(result.errors) - TABLE_ROWS),
            report=report,
        ),
        status=200 if result.ok else 422,
    )


@page()
@require_GET
def export_file(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "gpkg")
    layers = request.GET.getlist("layers") or None
    if fmt not in FORMATS or any(name not in LAYERS for name in layers or []):
        return JsonResponse({"detail": _("unknown format or layer")}, status=400)
    try:
        return export_response(fmt, layers)
    except ExportError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
