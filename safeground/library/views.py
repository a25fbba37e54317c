"""Pages of the ordnance library: the searchable list, a model's page (its record, images and finds
statistics), the edit form, its render-safe procedures (EOD-qualified staff only, audited) and the audit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.library import queries, services, stats
from safeground.library.access import eod_qualification
from safeground.library.forms import ModelForm
from safeground.ordnance import services as ordnance_services
from safeground.ordnance.models import CATEGORY_CHOICES, DETECTION_CHOICES, METAL_CONTENT_CHOICES, OrdnanceModel

EDIT_PERMISSION = "ordnance.change_ordnancemodel"


def _choices(choices) -> list[tuple[str, str]]:
    return [(k, _(v)) for k, v in choices]


@page()
def model_list(request):
    params = {k: request.GET.get(k) or None for k in ("q", "category", "metal", "detectable_by")}
    error = None
    try:
        rows = queries.models(**params)
    except ValidationFailed as exc:
        error, rows = str(exc), queries.models()
    paginator = Paginator(rows, 60)
    current = paginator.get_page(request.GET.get("page"))
    items = list(current.object_list)
    thumbs = queries.thumbnails(items)
    context = {
        "page_obj": current,
        "items": [{"model": m, "thumbnail": thumbs.get(str(m.pk))} for m in items],
        "params": params,
        "error": error,
        "categories": _choices(CATEGORY_CHOICES),
        "metals": _choices(METAL_CONTENT_CHOICES),
        "detections": _choices(DETECTION_CHOICES),
        "top": _with_widths(stats.finds_per_model(10)),
        "category_labels": dict(_choices(CATEGORY_CHOICES)),
    }
    return render(request, "library/list.html", context)


def _with_widths(rows: list[dict]) -> list[dict]:
    """Each row's bar width in percent of the largest (SVG width attribute: no inline style under CSP)."""
    top = max((r["finds"] for r in rows), default=0)
    return [{**r, "width": round(100 * r["finds"] / top, 1) if top else 0} for r in rows]


def _poster_url(slug: str) -> str:
    try:
        return reverse("library-poster", args=[slug])
    except NoReverseMatch:
        return f"/library/{slug}/poster.pdf"


@page()
def model_page(request, slug: str):
    model = get_object_or_404(OrdnanceModel, slug=slug)
    summary = stats.summary(model)
    breakdowns = [
        ("province", _("By province"), _with_widths(summary["by_province"])),
        ("year", _("By year found"), _with_widths(summary["by_year"])),
        ("activity", _("By activity type"), _with_widths(summary["by_activity_type"])),
        ("depth", _("By depth"), _with_widths(summary["by_depth"])),
    ]
    context = {
        "m": model,
        "r": queries.record(model),
        "total": summary["total"],
        "breakdowns": breakdowns,
        "qualified": eod_qualification(request.user) is not None,
        "can_edit": request.user.has_perm(EDIT_PERMISSION),
        "poster_url": _poster_url(model.slug),
        "texts": sorted((model.texts or {}).items()),
    }
    return render(request, "library/model.html", context)


@page(EDIT_PERMISSION)
def model_edit(request, slug: str):
    model = get_object_or_404(OrdnanceModel, slug=slug)
    if request.method == "POST":
        form = ModelForm(request.POST)
        if form.is_valid():
            try:
                ordnance_services.update_model(
                    model, user=request.user, expected_version=form.cleaned_data["version"], **form.changes()
                )
            except StaleVersion:
                form.add_error(
                    None,
                    _(
                        "Someone changed %(name)s since you opened this form: your change was not saved. "
                        "Reload the page and apply it again."
                    )
                    % {"name": model.name},
                )
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("%(name)s saved.") % {"name": model.name})
                return redirect("library-model", slug=model.slug)
    else:
        form = ModelForm(initial=ModelForm.initial_for(model))
    return render(request, "library/edit.html", {"m": model, "form": form})


@page()
def procedures(request, slug: str):
    """Open to EOD-qualified accounts only (no role bypasses it); every visit is audited, refused ones too."""
    model = get_object_or_404(OrdnanceModel, slug=slug)
    try:
        rows = services.read_procedures(model, request.user, "page")
    except PermissionDenied as refused:
        return render(request, "library/procedures_refused.html", {"m": model, "reason": str(refused)}, status=403)
    context = {"m": model, "procedures": rows, "qualification": eod_qualification(request.user)}
    return render(request, "library/procedures.html", context)


@page("library.read_procedures_audit")
def procedure_reads(request):
    granted = {"yes": True, "no": False}.get(request.GET.get("granted") or "")
    paginator = Paginator(queries.procedure_reads(granted=granted), 100)
    current = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "library/procedure_reads.html",
        {"page_obj": current, "rows": current.object_list, "granted": request.GET.get("granted") or ""},
    )
