"""`/api/v1/training`: centres, courses, sessions, enrolment, results and certificates."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from safeground.core.auth import needs
from safeground.core.contracts import Note, Ref
from safeground.core.errors import ValidationFailed
from safeground.core.schemas import ErrorOut
from safeground.organisations.models import Personnel
from safeground.training import queries, services
from safeground.training.models import Assessment, Certificate, Course, CourseSession

router = Router(tags=["training centre"])


class EnrolIn(Schema):
    person: Ref


class ResultIn(Schema):
    person: Ref
    assessment: Note
    score: int


@router.get("/centres", response=list[dict], summary="Training centres")
def centres(request):
    return [
        {
            "code": c.code,
            "name": c.name,
            "organisation": c.organisation.acronym,
            "country": c.country,
            "place": c.place,
            "courses": c.n_courses,
        }
        for c in queries.centres()
    ]


@router.get("/courses", response=list[dict], summary="Courses")
def courses(request, centre: str | None = None, method: str | None = None):
    qs = Course.objects.select_related("centre").prefetch_related("prerequisites").order_by("code")
    if centre:
        qs = qs.filter(centre__code=centre)
    if method:
        qs = qs.filter(method=method)
    return [
        {
            "code": c.code,
            "title": c.title,
            "centre": c.centre.code,
            "method": c.method,
            "imas_references": c.imas_references,
            "duration_days": c.duration_days,
            "capacity": c.capacity,
            "prerequisites": [p.code for p in c.prerequisites.all()],
            "modules": c.modules,
            "certificate_valid_days": c.certificate_valid_days,
        }
        for c in qs
    ]


@router.get("/sessions", response=list[dict], summary="Course sessions, newest first")
def sessions(request, centre: str | None = None, status: str | None = None):
    return [queries.session_dict(s) for s in queries.sessions(centre, status)]


@router.get("/sessions/{code}", response=dict, summary="A session with its trainees, results and certificates")
def session(request, code: str):
    s = get_object_or_404(queries.sessions(), code=code)
    enrolments = s.enrolments.select_related("person__organisation").order_by("person__code")
    certs = {c.enrolment_id: c for c in Certificate.objects.filter(enrolment__session=s)}
    return {
        **queries.session_dict(s),
        "instructors": [i.person.code for i in s.instructors.select_related("person")],
        "visiting_organisations": queries.visiting(s),
        "assessments": [
            {"title": a.title, "kind": a.kind, "pass_mark": a.pass_mark, "max_score": a.max_score}
            for a in s.assessments.all()
        ],
        "trainees": [
            {
                "person": e.person.code,
                "organisation": e.person.organisation.acronym,
                "nationality": e.person.nationality,
                "status": e.status,
                "results": {r.assessment.title: r.score for r in e.results.select_related("assessment")},
                "certificate": certs[e.pk].code if e.pk in certs else None,
            }
            for e in enrolments
        ],
    }


@router.post(
    "/sessions/{code}/enrolments",
    response={201: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("training.add_enrolment"),
    summary="Enrol a trainee",
)
def enrol(request, code: str, body: EnrolIn):
    s = get_object_or_404(CourseSession, code=code)
    person = Personnel.objects.filter(code=body.person).first()
    if person is None:
        raise ValidationFailed(f"no person {body.person!r}", field="person", reason="unknown")
    e = services.enrol(s, person)
    return 201, {"session": s.code, "person": person.code, "status": e.status}


@router.post(
    "/sessions/{code}/results",
    response={201: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("training.add_assessmentresult"),
    summary="Record an assessment result",
)
def result(request, code: str, body: ResultIn):
    s = get_object_or_404(CourseSession, code=code)
    e = s.enrolments.filter(person__code=body.person).first()
    if e is None:
        raise ValidationFailed(f"{body.person} is not enrolled in {s.code}", field="person", reason="not_enrolled")
    a = Assessment.objects.filter(session=s, title=body.assessment).first()
    if a is None:
        raise ValidationFailed(f"{s.code} has no assessment {body.assessment!r}", field="assessment", reason="unknown")
    r = services.record_result(a, e, body.score)
    return 201, {"person": body.person, "assessment": a.title, "score": r.score, "passed": r.passed}


@router.post(
    "/sessions/{code}/close",
    response={200: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("training.change_coursesession"),
    summary="Close a session and issue certificates",
)
def close(request, code: str):
    s = get_object_or_404(CourseSession, code=code)
    issued = services.close_session(s)
    return {
        "session": s.code,
        "certificates": [
            {
                "code": c.code,
                "person": c.enrolment.person.code,
                "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            }
            for c in issued
        ],
    }
