"""Reads of the cooperation register and the lessons-learned base, for the API, the pages and the CLI.

Everything here is readable by every signed-in role (docs/cooperation.md): the register names bodies,
dates and topics, not personal data. The agreements' attached files are the exception (the API and
the pages check `cooperation.view_agreementdocument`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import override

from safeground.cooperation.models import (
    LESSON_TAGS,
    TOPIC_CHOICES,
    Action,
    Agreement,
    JointTraining,
    Lesson,
    LessonTitle,
    Loan,
    Partner,
    Visit,
)
from safeground.core.folding import fold

DUE_SOON_DAYS = 30


def _ref(row, attribute: str = "code") -> str | None:
    """A linked record's code (acronym, identifier), or None where the link is empty."""
    return None if row is None else getattr(row, attribute)


TOPIC_LABELS = dict(TOPIC_CHOICES)
TAG_LABELS = dict(LESSON_TAGS)


def partners(kind: str | None = None) -> QuerySet[Partner]:
    qs = Partner.objects.select_related("organisation").order_by("code")
    return qs.filter(kind=kind) if kind else qs


def partner(code: str) -> Partner | None:
    return partners().filter(code=code).first()


def agreements(
    *, country: str | None = None, status: str | None = None, partner: str | None = None
) -> QuerySet[Agreement]:
    qs = Agreement.objects.prefetch_related("parties").order_by("-signed_on", "code")
    if country:
        qs = qs.filter(country=country)
    if status:
        qs = qs.filter(status=status)
    if partner:
        qs = qs.filter(parties__code=partner).distinct()
    return qs


def agreement(code: str) -> Agreement | None:
    return agreements().prefetch_related("documents").filter(code=code).first()


def visits(*, country: str | None = None, partner: str | None = None, topic: str | None = None) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("host", "visitor", "agreement").order_by("-start_on", "code")
    if country:
        qs = qs.filter(country=country)
    if partner:
        qs = qs.filter(Q(host__code=partner) | Q(visitor__code=partner))
    if topic:
        # topics is a short JSON list of keys: matched on its text, the same on both databases
        qs = qs.filter(topics__icontains=f'"{topic}"')
    return qs


def visit(code: str) -> Visit | None:
    return (
        visits()
        .prefetch_related(
            "participants__person", "participants__partner", "sites__organisation", "sites__training_centre"
        )
        .prefetch_related("sites__hazard", "sites__activity", "sites__place")
        .filter(code=code)
        .first()
    )


def actions(
    *,
    status: str | None = None,
    visit: str | None = None,
    agreement: str | None = None,
    partner: str | None = None,
    due_within: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Action]:
    """Actions by due date (overdue first). `due_within`: open actions due within that many days."""
    qs = Action.objects.select_related("visit", "agreement", "owner_person", "owner_partner").order_by("due_on", "code")
    if status:
        qs = qs.filter(status=status)
    if visit:
        qs = qs.filter(visit__code=visit)
    if agreement:
        qs = qs.filter(agreement__code=agreement)
    if partner:
        qs = qs.filter(owner_partner__code=partner)
    if due_within is not None:
        limit = (today or dt.date.today()) + dt.timedelta(days=due_within)
        qs = qs.filter(status="open", due_on__lte=limit)
    return qs


def due_soon(days: int = DUE_SOON_DAYS, today: dt.date | None = None) -> QuerySet[Action]:
    """Open actions due within `days`, overdue first (earliest due date first)."""
    return actions(due_within=days, today=today)


def action(code: str) -> Action | None:
    return actions().filter(code=code).first()


def owner_label(a: Action) -> str:
    if a.owner_person is not None:
        return a.owner_person.full_name
    if a.owner_partner is not None:
        return a.owner_partner.code
    return a.owner_text


def joint_trainings(*, visit: str | None = None, agreement: str | None = None) -> QuerySet[JointTraining]:
    qs = JointTraining.objects.select_related("session__course", "visit", "agreement").prefetch_related("partners")
    if visit:
        qs = qs.filter(visit__code=visit)
    if agreement:
        qs = qs.filter(agreement__code=agreement)
    return qs.order_by("code")


def joint_training(code: str) -> JointTraining | None:
    return joint_trainings().filter(code=code).first()


def loans(*, visit: str | None = None, agreement: str | None = None, status: str | None = None) -> QuerySet[Loan]:
    qs = Loan.objects.select_related(
        "lender", "borrower", "person", "asset", "animal_accreditation", "accreditation", "visit", "agreement"
    )
    if visit:
        qs = qs.filter(visit__code=visit)
    if agreement:
        qs = qs.filter(agreement__code=agreement)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-start_on", "code")


def loan(code: str) -> Loan | None:
    return loans().filter(code=code).first()


# --- lessons ---------------------------------------------------------------------------------------


def _base_language(code: str) -> str:
    return (code or "").split("-")[0].lower()


def title_in(lesson: Lesson, language: str | None) -> str:
    """The lesson's title in `language` where it has one (its own, or a translation), else the original."""
    if not language or _base_language(lesson.language) == _base_language(language):
        return lesson.title
    for t in lesson.titles.all():
        if t.language == language:
            return t.title
    for t in lesson.titles.all():
        if _base_language(t.language) == _base_language(language):
            return t.title
    return lesson.title


def matching_tags(q: str, language: str | None = None) -> list[str]:
    """Tags whose key, English label or label in `language` holds the folded term."""
    term = fold(q.strip()) or ""
    found = []
    for key, label in LESSON_TAGS:
        words = [key, label]
        if language:
            with override(language):
                words.append(_(label))
        if any(term in (fold(w) or "") for w in words):
            found.append(key)
    return found


def lessons(
    *,
    q: str | None = None,
    tag: str | None = None,
    source_kind: str | None = None,
    country: str | None = None,
    language: str | None = None,
) -> QuerySet[Lesson]:
    """Lessons, newest first. `q` matches, ignoring case and accents, the title in every language,
    the text and the tags' labels (English and `language`)."""
    qs = Lesson.objects.select_related("source_visit").prefetch_related(
        Prefetch("titles", queryset=LessonTitle.objects.order_by("language")), "tags", "evidence"
    )
    if tag:
        qs = qs.filter(tags__tag=tag)
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    if country:
        qs = qs.filter(country=country)
    term = (q or "").strip()
    if term:
        found = Q(title__folded_contains=term) | Q(text__folded_contains=term)
        found |= Q(pk__in=LessonTitle.objects.filter(title__folded_contains=term).values("lesson_id"))
        tags = matching_tags(term, language)
        if tags:
            found |= Q(pk__in=Lesson.objects.filter(tags__tag__in=tags).values("pk"))
        qs = qs.filter(found)
    return qs.distinct().order_by("-recorded_on", "code")


def lesson(code: str) -> Lesson | None:
    return lessons().filter(code=code).first()


# --- properties (API, CLI) -------------------------------------------------------------------------


def partner_properties(p: Partner) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "country": p.country,
        "organisation": _ref(p.organisation, "acronym"),
        "website": p.website,
        "notes": p.notes,
        "version": p.version,
    }


def agreement_properties(a: Agreement, documents: bool = False) -> dict:
    out = {
        "code": a.code,
        "title": a.title,
        "kind": a.kind,
        "country": a.country,
        "own_authority_party": a.own_authority_party,
        "parties": [p.code for p in a.parties.all()],
        "signed_on": a.signed_on,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "scope": a.scope,
        "status": a.status,
        "version": a.version,
    }
    if documents:
        out["documents"] = [
            {"id": str(d.id), "name": d.name, "media_type": d.media_type, "size": d.size, "sha256": d.sha256}
            for d in a.documents.all()
        ]
    return out


def site_properties(s) -> dict:
    point = site_point(s)
    return {
        "kind": s.kind,
        "name": s.name,
        "organisation": _ref(s.organisation, "acronym"),
        "training_centre": _ref(s.training_centre, "code"),
        "hazard": _ref(s.hazard, "code"),
        "activity": _ref(s.activity, "code"),
        "place": _ref(s.place, "code"),
        "lon": point[0] if point else None,
        "lat": point[1] if point else None,
    }


def site_point(s) -> tuple[float, float] | None:
    """Where a site is: its own point, else its place's, its hazard's or its activity's centre."""
    for geom in (
        s.point,
        s.place.point if s.place_id else None,
        (s.hazard.geom or s.hazard.point) if s.hazard_id else None,
        s.activity.reference_point if s.activity_id else None,
    ):
        if geom is not None:
            c = geom.centroid if geom.geom_type != "Point" else geom
            return (round(c.x, 6), round(c.y, 6))
    return None


def visit_properties(v: Visit, detail: bool = False) -> dict:
    out = {
        "code": v.code,
        "title": v.title,
        "country": v.country,
        "direction": v.direction,
        "host": v.host.code,
        "visitor": v.visitor.code,
        "agreement": _ref(v.agreement, "code"),
        "start_on": v.start_on,
        "end_on": v.end_on,
        "topics": list(v.topics or []),
        "summary": v.summary,
        "version": v.version,
    }
    if detail:
        out["participants"] = [
            {
                "name": p.name,
                "role": p.role,
                "partner": _ref(p.partner, "code"),
                "person": _ref(p.person, "code"),
            }
            for p in v.participants.all()
        ]
        out["sites"] = [site_properties(s) for s in v.sites.all()]
        out["actions"] = [action_properties(a) for a in actions(visit=v.code)]
        out["lessons"] = [x.code for x in v.lessons.order_by("code")]
        out["joint_trainings"] = [t.code for t in v.trainings.order_by("code")]
        out["loans"] = [x.code for x in v.loans.order_by("code")]
    return out


def action_properties(a: Action, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    return {
        "code": a.code,
        "description": a.description,
        "visit": _ref(a.visit, "code"),
        "agreement": _ref(a.agreement, "code"),
        "owner": owner_label(a),
        "owner_person": _ref(a.owner_person, "code"),
        "owner_partner": _ref(a.owner_partner, "code"),
        "owner_text": a.owner_text,
        "due_on": a.due_on,
        "status": a.status,
        "closed_on": a.closed_on,
        "overdue": a.status == "open" and a.due_on < today,
        "note": a.note,
        "version": a.version,
    }


def training_properties(t: JointTraining) -> dict:
    return {
        "code": t.code,
        "country": t.country,
        "session": t.session.code,
        "course": t.session.course.title,
        "start_date": t.session.start_date,
        "end_date": t.session.end_date,
        "partners": [p.code for p in t.partners.all()],
        "visit": _ref(t.visit, "code"),
        "agreement": _ref(t.agreement, "code"),
        "note": t.note,
        "version": t.version,
    }


def loan_properties(x: Loan) -> dict:
    return {
        "code": x.code,
        "country": x.country,
        "kind": x.kind,
        "lender": x.lender.code,
        "borrower": x.borrower.code,
        "person": _ref(x.person, "code"),
        "asset": _ref(x.asset, "identifier"),
        "animal_accreditation": _ref(x.animal_accreditation, "code"),
        "accreditation": _ref(x.accreditation, "code"),
        "visit": _ref(x.visit, "code"),
        "agreement": _ref(x.agreement, "code"),
        "start_on": x.start_on,
        "end_on": x.end_on,
        "status": x.status,
        "note": x.note,
        "version": x.version,
    }


def lesson_properties(x: Lesson, language: str | None = None) -> dict:
    return {
        "code": x.code,
        "title": x.title,
        "title_shown": title_in(x, language),
        "language": x.language,
        "titles": {t.language: t.title for t in x.titles.all()},
        "text": x.text,
        "country": x.country,
        "tags": [t.tag for t in x.tags.all()],
        "source_kind": x.source_kind,
        "source_visit": _ref(x.source_visit, "code"),
        "source_ref": x.source_ref,
        "source_note": x.source_note,
        "recorded_on": x.recorded_on,
        "evidence": [{"kind": e.kind, "code": e.code} for e in x.evidence.all()],
        "version": x.version,
    }


# --- documents -------------------------------------------------------------------------------------


def document(agreement_code: str, document_id: str):
    """An agreement's attached file, or None (also for an id that is not a UUID)."""
    import uuid

    from safeground.cooperation.models import AgreementDocument

    try:
        pk = uuid.UUID(str(document_id))
    except ValueError:
        return None
    return AgreementDocument.objects.filter(pk=pk, agreement__code=agreement_code).first()


def document_response(doc):
    """The file as an attachment (never shown inline: a file is the partner's, not this site's)."""
    from django.http import HttpResponse

    response = HttpResponse(bytes(doc.content), content_type=doc.media_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
