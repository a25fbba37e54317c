"""Poster pages: /library/posters/ (choose models, paper, language → PDF) and /library/<slug>/poster.pdf (one
model's poster, linked from the model page). Any signed-in account: the library is reference material."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.gazetteer.models import Programme
from safeground.library import posters
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel


def _pdf(made: posters.Poster) -> HttpResponse:
    response = HttpResponse(made.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


def _page(request: HttpRequest, error: ValidationFailed | None = None) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()
    shown = request.GET.get("show") or ""
    rows = OrdnanceModel.objects.order_by("name")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(aliases__name__icontains=q)).distinct()
    if shown in dict(CATEGORY_CHOICES):
        rows = rows.filter(category=shown)
    chosen = set(request.GET.getlist("models"))
    context = {
        "models": [(m, m.slug in chosen) for m in rows.prefetch_related("aliases")],
        "q": q,
        "show": shown,
        "categories": [(code, label) for code, label in CATEGORY_CHOICES],
        "category": request.GET.get("category") or "",
        "papers": list(posters.PAPERS),
        "paper": (request.GET.get("paper") or "A4").upper(),
        "languages": settings.LANGUAGES,
        "lang": request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE,
        "programmes": Programme.objects.order_by("name"),
        "programme": request.GET.get("programme") or "",
        "max_models": posters.MAX_MODELS,
        "error": error,
    }
    return render(request, "library/posters.html", context, status=422 if error else 200)


@page()
def posters_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@page()
def posters_pdf(request: HttpRequest) -> HttpResponse:
    """The chosen set's poster; the page again with the error (422) when the choice is refused."""
    try:
        made = posters.render(
            request.GET.getlist("models"),
            category=request.GET.get("category") or "",
            paper=request.GET.get("paper") or "A4",
            lang=request.GET.get("lang") or "en",
            programme=request.GET.get("programme") or "",
        )
    except ValidationFailed as exc:
        return _page(request, exc)
    return _pdf(made)


@page()
def model_poster(request: HttpRequest, slug: str) -> HttpResponse:
    """One model's poster (?paper=A4|A3&lang=&programme=); 404 for no such model, 422 for bad options."""
    from django.shortcuts import get_object_or_404

    get_object_or_404(OrdnanceModel, slug=slug)
    try:
        made = posters.render(
            [slug],
            paper=request.GET.get("paper") or "A4",
            lang=request.GET.get("lang") or translation.get_language() or "en",
            programme=request.GET.get("programme") or "",
        )
    except ValidationFailed as exc:
        return HttpResponse(f"{exc.field}: {exc}", status=422, content_type="text/plain; charset=utf-8")
    return _pdf(made)
