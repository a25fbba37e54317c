"""Field-sync pages: the laptop's packages and items (/fieldsync/), and on the national server the
imports (/fieldsync/imports/, with the upload), one import's review page and the registered offices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.fieldsync import queries, services
from safeground.fieldsync.models import ITEM_STATUS_CHOICES

MANAGE = "fieldsync.manage_fieldsync"
MAX_UPLOAD = 64 * 1024 * 1024


def _upload(request, name: str) -> bytes:
    upload = request.FILES.get(name)
    if upload is None:
        raise ValidationFailed(_("choose a file to upload"), field=name, reason="required")
    if upload.size > MAX_UPLOAD:
        raise ValidationFailed(_("the file is larger than 64 MB"), field=name, reason="too_large")
    return upload.read()


@page("fieldsync.view_syncpackage")
def home(request: HttpRequest) -> HttpResponse:
    """The laptop's side: this office, the packages sent and each item's status; a receipt's upload."""
    can_manage = request.user.has_perm(MANAGE)
    error, status = "", 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(f"applying a receipt needs the permission {MANAGE}")
        try:
            result = services.apply_receipt(_upload(request, "receipt"), user=request.user)
        except ValidationFailed as exc:
            error, status = str(exc), 422
        else:
            messages.success(request, result.message)
            return redirect("fieldsync")
    labels = dict(ITEM_STATUS_CHOICES)
    counts = queries.status_counts()
    context = {
        "office": queries.local_office(),
        "packages": queries.packages()[:50],
        "items": queries.items()[:500],
        "statuses": [(key, _(labels[key]), counts[key]) for key, _label in ITEM_STATUS_CHOICES if key in counts],
        "can_manage": can_manage,
        "error": error,
    }
    return render(request, "fieldsync/home.html", context, status=status)


@page(MANAGE)
def imports(request: HttpRequest) -> HttpResponse:
    """The national server's side: packages imported from field offices, and the upload of a new one."""
    error, status = "", 200
    if request.method == "POST":
        try:
            result = services.import_package(_upload(request, "package"), user=request.user)
        except ValidationFailed as exc:
            error, status = _("Not imported: %(error)s") % {"error": exc}, 422
        else:
            messages.success(request, result.message)
            return redirect("fieldsync-import", code=result.sync_import.code)
    context = {"imports": queries.imports()[:200], "error": error, "offices": queries.offices().count()}
    return render(request, "fieldsync/imports.html", context, status=status)


def _shown(value) -> str:
    """A manifest value as a reader reads it: counts as "hazard_create 1, …", lists joined, "—" for none."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items())) or "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@page(MANAGE)
def import_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One imported package for review: the office, the signer, the manifest, each item with its
    submission, the submission's status and the conflict flag."""
    sync_import = get_object_or_404(queries.imports(), code=code)
    rows = queries.imported_items(sync_import)
    manifest = {k: _shown(v) for k, v in sync_import.manifest.items() if k not in ("files",)}
    context = {
        "sync_import": sync_import,
        "rows": rows,
        "manifest": sorted(manifest.items()),
        "files": sync_import.manifest.get("files", []),
        "conflicts": sum(1 for r in rows if r["conflict"]),
        "signer_matches": sync_import.signer == sync_import.office.fingerprint,
    }
    return render(request, "fieldsync/import.html", context)


@page(MANAGE)
def offices(request: HttpRequest) -> HttpResponse:
    return render(request, "fieldsync/offices.html", {"offices": queries.offices()})
