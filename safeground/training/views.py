"""Pages of the training centre: `/training/`, a session, a trainee's record."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.operations.models import METHOD_CHOICES
from safeground.organisations.models import Personnel
from safeground.organisations.queries import can_see_personal, certifications, person_dict
from safeground.training import queries
from safeground.training.models import Certificate, Course, Enrolment

METHODS = dict(METHOD_CHOICES)


@page()
def home(request):
    sessions = list(queries.sessions()[:40])
    visitors = (
        Enrolment.objects.exclude(person__organisation=models_centre_org())
        .values("person__organisation__acronym", "person__nationality", "session__course__centre__code")
        .annotate(n=Count("id"), certified=Count("certificate"))
        .order_by("person__organisation__acronym")
    )
    context = {
        "centres": queries.centres(),
        "courses": Course.objects.select_related("centre").prefetch_related("prerequisites").order_by("code"),
        "sessions": sessions,
        "visitors": visitors,
        "certificates": Certificate.objects.count(),
    }
    return render(request, "training/home.html", context)


def models_centre_org():
    """Trainees counted as visitors: from another organisation than the centre that trains them."""
    from django.db.models import OuterRef, Subquery

    from safeground.training.models import CourseSession

    return Subquery(CourseSession.objects.filter(pk=OuterRef("session_id")).values("course__centre__organisation")[:1])


@page()
def session(request, code: str):
    s = get_object_or_404(queries.sessions(), code=code)
    personal = can_see_personal(request.user)
    certs = {c.enrolment_id: c for c in Certificate.objects.filter(enrolment__session=s)}
    assessments = list(s.assessments.all())
    trainees = []
    for e in s.enrolments.select_related("person__organisation", "person__team").prefetch_related("results"):
        scores = {r.assessment_id: r for r in e.results.all()}
        trainees.append(
            {
                "person": person_dict(e.person, personal),
                "status": e.get_status_display(),
                "scores": [scores.get(a.pk) for a in assessments],
                "certificate": certs.get(e.pk),
            }
        )
    return render(
        request,
        "training/session.html",
        {
            "s": s,
            "assessments": assessments,
            "trainees": trainees,
            "personal": personal,
            "instructors": s.instructors.select_related("person"),
            "visiting": queries.visiting(s),
        },
    )


@page()
def person(request, code: str):
    p = get_object_or_404(Personnel.objects.select_related("organisation", "team"), code=code)
    personal = can_see_personal(request.user)
    enrolments = p.enrolments.select_related("session__course").order_by("-session__start_date")
    return render(
        request,
        "training/person.html",
        {
            "p": person_dict(p, personal),
            "personal": personal,
            "certifications": [
                {**c, "method_label": _(METHODS.get(c["method"], c["method"]))} for c in certifications(p)
            ],
            "enrolments": enrolments,
        },
    )
