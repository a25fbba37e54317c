"""The reports page (/reports/): pick a programme, a report, a year and a language; an HTML preview of the
reconciled report, and its PDF, XLSX and CSV downloads (/reports/download/)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.dashboard.charts import fmt as format_number
from safeground.dashboard.charts import stacked_bars
from safeground.gazetteer.models import Programme
from safeground.reports import definitions
from safeground.reports import render as renderers
from safeground.reports.build import build
from safeground.reports.reconcile import ReconciliationFailed
from safeground.reports.render import cells


def _params(request: HttpRequest) -> dict:
    programmes = list(Programme.objects.order_by("name", "iso3"))
    iso3 = (request.GET.get("country") or "").strip().upper()
    programme = next((p for p in programmes if p.iso3 == iso3), programmes[0] if programmes else None)
    kinds = [d.kind for d in definitions.applicable(programme)] if programme else []
    kind = request.GET.get("report") or (kinds[0] if kinds else "")
    raw_year = (request.GET.get("year") or "").strip()
    year: int | None
    try:
        year = int(raw_year) if raw_year else timezone.localdate().year - 1
    except ValueError:
        year = None
    lang = request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    return {
        "programmes": programmes,
        "programme": programme,
        "kind": kind,
        "year": year,
        "raw_year": raw_year,
        "lang": lang,
    }


def _preview(built) -> list[dict]:
    with translation.override(built.lang):
        sections = []
        for s in built.sections:
            tables = []
            for t in s.tables:
                rows = [
                    {
                        "total": r.total,
                        "cells": [{"text": cells.text(r, c), "numeric": cells.numeric(r, c)} for c in t.columns],
                    }
                    for r in t.rows
                ]
                chart = stacked_bars(
                    [{"label": label, "value": v} for label, v in t.chart_rows()],
                    keys=["value"],
                    value=lambda row, _key: row["value"],
                    label=lambda row: (row["label"], ""),
                    key_labels={"value": t.title},
                    text=lambda v: format_number(v, 0),
                    title=t.title,
                    desc=t.note,
                )
                tables.append({"table": t, "rows": rows, "chart": chart, "id": f"chart-{t.key}"})
            sections.append({"section": s, "tables": tables})
    return sections


@page("reports.view_report")
def reports_page(request: HttpRequest) -> HttpResponse:
    p = _params(request)
    programme = p["programme"]
    error, built = None, None
    if programme and p["kind"]:
        try:
            built = build(p["kind"], programme.iso3, p["year"], p["lang"])
        except ValidationFailed as exc:
            error = exc
        except ReconciliationFailed as exc:
            error = ValidationFailed(str(exc), field="figures")
    query = {
        "report": p["kind"],
        "country": programme.iso3 if programme else "",
        "year": p["year"] or "",
        "lang": p["lang"],
    }
    context = {
        "programmes": p["programmes"],
        "programme": programme,
        "reports": definitions.applicable(programme) if programme else [],
        "kind": p["kind"],
        "year": p["raw_year"] or p["year"],
        "lang": p["lang"],
        "languages": settings.LANGUAGES,
        "error": error,
        "built": built,
        "sections": _preview(built) if built else [],
        "downloads": [
            {"format": fmt.upper(), "url": "/reports/download/?" + urlencode({**query, "format": fmt})}
            for fmt in ("pdf", "xlsx", "csv")
        ],
        "api_url": f"/api/v1/reports/{p['kind']}?" + urlencode(query),
    }
    return render(request, "reports/reports.html", context, status=422 if error else 200)


@page("reports.view_report")
def download(request: HttpRequest) -> HttpResponse:
    p = _params(request)
    fmt = request.GET.get("format") or "pdf"
    try:
        if fmt not in renderers.CONTENT_TYPES:
            raise ValidationFailed(_("format must be pdf, xlsx or csv"), field="format")
        built = build(p["kind"], request.GET.get("country"), p["year"], p["lang"])
    except (ValidationFailed, ReconciliationFailed) as exc:
        return HttpResponse(
            str(exc), status=422 if isinstance(exc, ValidationFailed) else 409, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(renderers.render(built, fmt), content_type=renderers.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{renderers.filename(built, fmt)}"'
    return response
