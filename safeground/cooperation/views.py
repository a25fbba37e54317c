"""Cooperation pages: the home (partners, agreements, recent visits, actions due soon), a partner, an
agreement (with its files), a visit (who, where on a small map, topics, follow-up actions, lessons,
joint training, loans), the lessons list with its search, a lesson, and the forms for the common
writes (add a follow-up action to a visit, mark one done, record a lesson).

Every signed-in role reads; writes need the cooperation permissions (national roles). Writes go
through `cooperation.services`, as the API and the CLI do.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safeground.cooperation import queries, services
from safeground.cooperation.models import (
    EVIDENCE_KIND_CHOICES,
    LESSON_SOURCE_CHOICES,
    LESSON_TAGS,
    TAG_GROUPS,
    Partner,
    Visit,
)
from safeground.core.access import page
from safeground.core.contracts import safe_code
from safeground.core.errors import StaleVersion, ValidationFailed

RECENT = 20


EVIDENCE_LABELS = dict(EVIDENCE_KIND_CHOICES)
#: The page of each kind of evidence that has one (the others are shown as their code).
EVIDENCE_PAGES = {
    "hazard": "hazard-detail",
    "activity": "activity-detail",
    "product": "product-detail",
    "qa_visit": "qm-visit",
    "training_session": "training-session",
    "visit": "cooperation-visit",
}


def _evidence_url(kind: str, code: str) -> str | None:
    name = EVIDENCE_PAGES.get(kind)
    return reverse(name, kwargs={"code": code}) if name and safe_code(code) else None


def _tag_label(tag: str) -> str:
    return _(queries.TAG_LABELS.get(tag, tag))


def _lesson_rows(lessons, language: str) -> list[dict]:
    return [
        {
            "lesson": x,
            "title": queries.title_in(x, language),
            "translated": queries.title_in(x, language) != x.title,
            "tags": [_tag_label(t.tag) for t in x.tags.all()],
        }
        for x in lessons
    ]


@page("cooperation.view_visit")
def home(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    due = list(queries.due_soon(today=today)[:50])
    context = {
        "partners": queries.partners(),
        "agreements": queries.agreements()[:RECENT],
        "visits": queries.visits()[:RECENT],
        "due": [{"action": a, "owner": queries.owner_label(a), "overdue": a.due_on < today} for a in due],
        "due_days": queries.DUE_SOON_DAYS,
        "lessons": _lesson_rows(queries.lessons()[:5], get_language()),
        "topic_labels": queries.TOPIC_LABELS,
        "can_add_lesson": request.user.has_perm("cooperation.add_lesson"),
    }
    return render(request, "cooperation/home.html", context)


@page("cooperation.view_partner")
def partner_detail(request: HttpRequest, code: str) -> HttpResponse:
    partner = queries.partner(code)
    if partner is None:
        raise Http404(f"no partner {code}")
    context = {
        "partner": partner,
        "agreements": queries.agreements(partner=code),
        "visits": queries.visits(partner=code),
        "actions": queries.actions(partner=code),
    }
    return render(request, "cooperation/partner.html", context)


@page("cooperation.view_agreement")
def agreement_detail(request: HttpRequest, code: str) -> HttpResponse:
    agreement = queries.agreement(code)
    if agreement is None:
        raise Http404(f"no agreement {code}")
    context = {
        "agreement": agreement,
        "documents": agreement.documents.all(),
        "can_download": request.user.has_perm("cooperation.view_agreementdocument"),
        "visits": agreement.visits.select_related("host", "visitor").order_by("-start_on"),
        "actions": queries.actions(agreement=code),
        "trainings": queries.joint_trainings(agreement=code),
        "loans": queries.loans(agreement=code),
    }
    return render(request, "cooperation/agreement.html", context)


@page("cooperation.view_agreementdocument")
def document_download(request: HttpRequest, code: str) -> HttpResponse:
    """An attached file (`?document=<id>`): national roles and QA (decision 0034)."""
    doc = queries.document(code, request.GET.get("document", ""))
    if doc is None:
        raise Http404(f"no such document on {code}")
    return queries.document_response(doc)


def _map(sites: list[dict]) -> dict | None:
    """Positions of the sites on a small server-drawn map (no script, no tiles): x, y in a 0..100
    square from the sites' own extent, padded; None when no site has coordinates."""
    located = [s for s in sites if s["point"]]
    if not located:
        return None
    xs = [s["point"][0] for s in located]
    ys = [s["point"][1] for s in located]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.02)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    for s in located:
        s["x"] = f"{50 + 80 * (s['point'][0] - cx) / span:.2f}"
        s["y"] = f"{50 - 80 * (s['point'][1] - cy) / span:.2f}"
    return {"sites": located, "span_km": round(span * 111)}


def _visit_context(request: HttpRequest, visit: Visit, **extra) -> dict:
    language = get_language()
    today = dt.date.today()
    sites = [{"site": s, "number": i + 1, "point": queries.site_point(s)} for i, s in enumerate(visit.sites.all())]
    return {
        "visit": visit,
        "topics": [_(queries.TOPIC_LABELS[t]) for t in visit.topics if t in queries.TOPIC_LABELS],
        "participants": visit.participants.all(),
        "sites": sites,
        "map": _map(sites),
        "actions": [
            {"action": a, "owner": queries.owner_label(a), "overdue": a.status == "open" and a.due_on < today}
            for a in queries.actions(visit=visit.code)
        ],
        "lessons": _lesson_rows(queries.lessons().filter(source_visit=visit), language),
        "trainings": queries.joint_trainings(visit=visit.code),
        "loans": queries.loans(visit=visit.code),
        "partners": Partner.objects.order_by("code"),
        "can_act": request.user.has_perm("cooperation.add_action"),
        "can_close": request.user.has_perm("cooperation.change_action"),
        "form": {},
        "error": "",
        "field": "",
        **extra,
    }


@page("cooperation.view_visit")
def visit_detail(request: HttpRequest, code: str) -> HttpResponse:
    visit = queries.visit(code)
    if visit is None:
        raise Http404(f"no visit {code}")
    return render(request, "cooperation/visit.html", _visit_context(request, visit))


@page("cooperation.add_action")
def action_new(request: HttpRequest, code: str) -> HttpResponse:
    """Add a follow-up action to a visit (the visit page's form)."""
    visit = queries.visit(code)
    if visit is None:
        raise Http404(f"no visit {code}")
    if request.method != "POST":
        return redirect("cooperation-visit", code=code)
    form = {k: request.POST.get(k, "").strip() for k in ("description", "due_on", "owner_partner", "owner_text")}
    try:
        action = services.create_action(
            visit=visit,
            description=form["description"],
            due_on=form["due_on"],
            owner_partner=form["owner_partner"] or None,
            owner_text=form["owner_text"],
            user=request.user,
        )
    except ValidationFailed as exc:
        context = _visit_context(request, visit, form=form, error=str(exc), field=exc.field or "")
        return render(request, "cooperation/visit.html", context, status=422)
    messages.success(request, _("Action %(code)s added.") % {"code": action.code})
    return redirect("cooperation-visit", code=code)


@page("cooperation.change_action")
def action_done(request: HttpRequest, code: str) -> HttpResponse:
    """Mark a follow-up action done (or dropped, `status=dropped`); back to its visit or agreement."""
    action = queries.action(code)
    if action is None:
        raise Http404(f"no action {code}")
    back = (
        redirect("cooperation-visit", code=action.visit.code)
        if action.visit_id
        else redirect("cooperation-agreement", code=action.agreement.code)
    )
    if request.method != "POST":
        return back
    status = request.POST.get("status") or "done"
    version = request.POST.get("version", "")
    try:
        services.edit_action(
            action, status=status, expected_version=int(version) if version.isdigit() else None, user=request.user
        )
        messages.success(request, _("Action %(code)s closed.") % {"code": action.code})
    except (ValidationFailed, StaleVersion) as exc:
        messages.error(request, str(exc))
    return back


@page("cooperation.view_lesson")
def lesson_list(request: HttpRequest) -> HttpResponse:
    language = get_language()
    q = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "")
    tag = tag if tag in queries.TAG_LABELS else ""
    source = request.GET.get("source", "")
    source = source if source in dict(LESSON_SOURCE_CHOICES) else ""
    found = queries.lessons(q=q or None, tag=tag or None, source_kind=source or None, language=language)
    context = {
        "rows": _lesson_rows(found[:200], language),
        "count": found.count(),
        "q": q,
        "tag": tag,
        "source": source,
        "tag_groups": _tag_groups(),
        "sources": [(k, _(v)) for k, v in LESSON_SOURCE_CHOICES],
        "can_add": request.user.has_perm("cooperation.add_lesson"),
    }
    return render(request, "cooperation/lessons.html", context)


def _tag_groups() -> list[dict]:
    return [
        {"label": _(label), "tags": [(k, _(v)) for k, v in LESSON_TAGS if k.startswith(f"{group}:")]}
        for group, label in TAG_GROUPS
    ]


@page("cooperation.view_lesson")
def lesson_detail(request: HttpRequest, code: str) -> HttpResponse:
    lesson = queries.lesson(code)
    if lesson is None:
        raise Http404(f"no lesson {code}")
    language = get_language()
    context = {
        "lesson": lesson,
        "title": queries.title_in(lesson, language),
        "tags": [(t.tag, _tag_label(t.tag)) for t in lesson.tags.all()],
        "titles": lesson.titles.all(),
        "evidence": [
            {"code": e.code, "label": _(EVIDENCE_LABELS.get(e.kind, e.kind)), "url": _evidence_url(e.kind, e.code)}
            for e in lesson.evidence.all()
        ],
    }
    return render(request, "cooperation/lesson.html", context)


@page("cooperation.add_lesson")
def lesson_new(request: HttpRequest) -> HttpResponse:
    """Record a lesson with its tags, its source and (optionally) evidence links `kind:code`, one a line."""
    from django.conf import settings

    error, field, status = "", "", 200
    form: dict = {"language": get_language(), "source_kind": "visit", "tags": []}
    if request.method == "POST":
        keys = (
            "title",
            "text",
            "language",
            "country",
            "source_kind",
            "source_visit",
            "source_ref",
            "source_note",
            "evidence",
        )
        form = {k: request.POST.get(k, "").strip() for k in keys}
        form["tags"] = request.POST.getlist("tags")
        evidence = []
        for line in form["evidence"].splitlines():
            kind, _sep, ref = line.strip().partition(":")
            if kind.strip():
                evidence.append({"kind": kind.strip(), "code": ref.strip()})
        try:
            lesson = services.create_lesson(
                country=form["country"],
                title=form["title"],
                text=form["text"],
                language=form["language"],
                source_kind=form["source_kind"],
                source_visit=form["source_visit"] or None,
                source_ref=form["source_ref"],
                source_note=form["source_note"],
                tags=form["tags"],
                evidence=evidence,
                user=request.user,
            )
            messages.success(request, _("Lesson %(code)s recorded.") % {"code": lesson.code})
            return redirect("cooperation-lesson", code=lesson.code)
        except ValidationFailed as exc:
            error, field, status = str(exc), exc.field or "", 422
    from safeground.gazetteer.models import Programme

    context = {
        "form": form,
        "error": error,
        "field": field,
        "languages": settings.LANGUAGES,
        "programmes": Programme.objects.order_by("iso3"),
        "visits": queries.visits()[:200],
        "sources": [(k, _(v)) for k, v in LESSON_SOURCE_CHOICES],
        "tag_groups": _tag_groups(),
        "evidence_kinds": [(k, _(v)) for k, v in EVIDENCE_KIND_CHOICES],
    }
    return render(request, "cooperation/lesson_form.html", context, status=status)
