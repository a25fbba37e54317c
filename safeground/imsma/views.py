"""Pages of the IMSMA NG migration: the runs, one run's report, and its HTML and CSV downloads.

Only the people who run imports open them (imsma.view_migrationrun: administrator, IM officer;
decision 0041): a report names NG records, the source database and who ran it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from safeground.core.access import page
from safeground.imsma import queries
from safeground.imsma.queries import VIEW
from safeground.imsma.report import render_csv, render_fragment, render_html

#: The SafeGround page of a record a problem names, per NG table (others are shown without a link).
RECORD_PAGES = {"hazard": "hazard-detail", "hazreduc": "activity-detail"}


def record_url(table: str, code: str) -> str | None:
    name = RECORD_PAGES.get(table)
    if not name or not code:
        return None
    try:
        return reverse(name, kwargs={"code": code})
    except NoReverseMatch:
        return None


@page(VIEW)
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    """Every run, newest first, with its counts and whether it balanced."""
    runs = [queries.summary(run) for run in queries.runs()[:500]]
    return render(request, "imsma/runs.html", {"runs": runs})


@page(VIEW)
@require_GET
def run_detail(request: HttpRequest, run_id) -> HttpResponse:
    run = get_object_or_404(queries.runs(), pk=run_id)
    rec = queries.reconciliation(run)
    fragment = mark_safe(render_fragment(rec, run, link=record_url))  # noqa: S308 (our template, escaped)
    return render(request, "imsma/run.html", {"run": run, "summary": queries.summary(run), "report": fragment})


def _download(body: str, content_type: str, run, ext: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"imsma-{run.country.lower()}-{run.started_at:%Y%m%d-%H%M}-{str(run.pk)[:8]}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page(VIEW)
@require_GET
def report_csv(request: HttpRequest, run_id) -> HttpResponse:
    run = get_object_or_404(queries.runs(), pk=run_id)
    return _download(render_csv(queries.reconciliation(run)), "text/csv; charset=utf-8", run, "csv")


@page(VIEW)
@require_GET
def report_html(request: HttpRequest, run_id) -> HttpResponse:
    run = get_object_or_404(queries.runs(), pk=run_id)
    return _download(render_html(queries.reconciliation(run), run), "text/html; charset=utf-8", run, "html")
