"""Read-side selections for the training pages and API."""

from __future__ import annotations

from django.db.models import Count, Q

from safeground.training.models import CourseSession, TrainingCentre


def centres():
    return TrainingCentre.objects.select_related("organisation").annotate(n_courses=Count("courses")).order_by("code")


def sessions(centre: str | None = None, status: str | None = None):
    qs = (
        CourseSession.objects.select_related("course__centre")
        .annotate(
            n_enrolled=Count("enrolments", filter=~Q(enrolments__status="withdrawn"), distinct=True),
            n_certified=Count("enrolments__certificate", distinct=True),
        )
        .order_by("-start_date", "code")
    )
    if centre:
        qs = qs.filter(course__centre__code=centre)
    if status:
        qs = qs.filter(status=status)
    return qs


def visiting(session: CourseSession) -> list[str]:
    """Organisations of trainees who come from another organisation than the centre's."""
    centre_org = session.course.centre.organisation_id
    return sorted(
        set(
            session.enrolments.exclude(person__organisation_id=centre_org).values_list(
                "person__organisation__acronym", flat=True
            )
        )
    )


def session_dict(s: CourseSession) -> dict:
    return {
        "code": s.code,
        "course": s.course.code,
        "title": s.course.title,
        "method": s.course.method,
        "centre": s.course.centre.code,
        "start_date": s.start_date.isoformat(),
        "end_date": s.end_date.isoformat(),
        "place": s.place,
        "status": s.status,
        "capacity": s.course.capacity,
        "enrolled": getattr(s, "n_enrolled", None),
        "certified": getattr(s, "n_certified", None),
    }
