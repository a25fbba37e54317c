"""The quarantine pages in the workbench: the rows imports held, and the form that fixes one.

The form carries the row's version: a fix made to a row someone else changed meanwhile is refused
(and shown again with their change) rather than written over it.
"""

from __future__ import annotations

import shapely
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import StaleVersion
from safeground.interop import quarantine, queries
from safeground.interop.importers import IMPORT_PERMISSION, KIND_LABELS, KINDS
from safeground.interop.models import QuarantinedRow

PERMISSION = "interop.change_quarantinedrow"
PAGE_SIZE = 500


@page(PERMISSION)
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """Held rows (or approved, discarded), by import and kind, in file order."""
    status = request.GET.get("status", "held")
    status = status if status in dict(QuarantinedRow.STATUS_CHOICES) else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    import_id = request.GET.get("import", "")
    rows = queries.held(status, kind, import_id)
    counts = queries.counts(kind, import_id)
    context = {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "kind": kind,
        "import_id": import_id,
        "statuses": [(k, _(v), counts.get(k, 0)) for k, v in QuarantinedRow.STATUS_CHOICES],
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        "kind_labels": KIND_LABELS,
        "imports": queries.imports(),
    }
    return render(request, "interop/quarantine_list.html", context)


def _preview(wkt: str):
    """A small SVG drawing of the row's geometry (nothing when it has none or it is unreadable)."""
    try:
        geom = shapely.from_wkt(wkt) if wkt else None
    except shapely.errors.GEOSException:
        return ""
    if geom is None or geom.is_empty:
        return ""
    minx, miny, maxx, maxy = geom.buffer(max(geom.length, 1e-4) * 0.02).bounds
    width, height = maxx - minx, maxy - miny
    return format_html(
        '<svg class="geometry-preview" viewBox="{} {} {} {}" role="img" aria-label="{}">'
        '<g transform="matrix(1,0,0,-1,0,{})">{}</g></svg>',
        minx,
        miny,
        width,
        height,
        _("The row's geometry"),
        miny * 2 + height,
        mark_safe(geom.svg(scale_factor=max(width, height) / 100)),  # shapely's own markup: numbers only
    )


@page(PERMISSION)
def quarantine_row(request: HttpRequest, row_id: str) -> HttpResponse:
    """One held row: its problems, its attributes and geometry to fix, and the two ways out."""
    row = queries.get(row_id)
    if row is None:
        raise Http404(_("No such quarantined row."))
    status = 200
    problems = None
    if request.method == "POST":
        if not request.user.has_perm(IMPORT_PERMISSION[row.kind]):
            raise PermissionDenied(f"fixing this row needs the permission {IMPORT_PERMISSION[row.kind]}")
        version = request.POST.get("version")
        expected = int(version) if version and version.isdigit() else None
        try:
            if request.POST.get("action") == "discard":
                quarantine.discard(
                    row.pk, user=request.user, expected_version=expected, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("%(row)s discarded.") % {"row": row})
                return redirect("quarantine-row", row_id=row.pk)
            attributes = {name: request.POST.get(f"attr:{name}", "") for name in row.attributes}
            row, problems = quarantine.resubmit(
                row.pk,
                attributes={k: (v if v.strip() else None) for k, v in attributes.items()},
                geometry=request.POST.get("geometry", ""),
                user=request.user,
                expected_version=expected,
            )
            if not problems:
                messages.success(request, _("%(row)s written as %(code)s.") % {"row": row, "code": row.result_code})
                return redirect("quarantine-row", row_id=row.pk)
            status = 422
        except (StaleVersion, quarantine.QuarantineRefused) as exc:
            messages.error(request, str(exc))
            status = 409
        row.refresh_from_db()
    context = {
        "row": row,
        "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "problems": row.errors,
        "refused": problems is not None,
        "preview": _preview(row.geometry),
        "history": row.history.select_related("history_user").order_by("-history_date")[:20],
        "can_fix": row.status == "held" and request.user.has_perm(IMPORT_PERMISSION[row.kind]),
    }
    return render(request, "interop/quarantine_row.html", context, status=status)
