"""Writes for the training centre: sessions, enrolment, results, and closing a session.

Closing a session issues a certificate to each trainee who passed every assessment and records it
as the person's certification, so the trainee's record shows it wherever personnel are shown.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safeground.core.errors import ValidationFailed
from safeground.organisations.models import Certification, Personnel
from safeground.training.models import Assessment, AssessmentResult, Certificate, Course, CourseSession, Enrolment


@transaction.atomic
def schedule_session(course: Course, code: str, start_date: dt.date, place: str = "", instructors=()) -> CourseSession:
    end = start_date + dt.timedelta(days=course.duration_days - 1)
    session = CourseSession.objects.create(course=course, code=code, start_date=start_date, end_date=end, place=place)
    session.instructors.set(instructors)
    return session


def _valid_certification(person: Personnel, course: Course, on: dt.date) -> bool:
    return person.certifications.filter(course_code=course.code, issued_on__lte=on).exclude(valid_until__lt=on).exists()


@transaction.atomic
def enrol(session: CourseSession, person: Personnel) -> Enrolment:
    """Enrol a trainee (of any organisation or country) if there is room and they hold the prerequisites."""
    session = CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    course = session.course
    if session.status == "closed":
        raise ValidationFailed(f"session {session.code} is closed", field="session", reason="closed")
    if session.enrolments.filter(person=person).exists():
        raise ValidationFailed(
            f"{person.code} is already enrolled in {session.code}", field="person", reason="duplicate"
        )
    taken = session.enrolments.exclude(status="withdrawn").count()
    if taken >= course.capacity:
        raise ValidationFailed(
            f"session {session.code} is full ({taken} of {course.capacity} places)", field="session", reason="full"
        )
    missing = [
        p.code for p in course.prerequisites.order_by("code") if not _valid_certification(person, p, session.start_date)
    ]
    if missing:
        raise ValidationFailed(
            f"{person.code} lacks the prerequisite {', '.join(missing)} for {course.code} "
            f"(a valid certificate on {session.start_date.isoformat()})",
            field="person",
            reason="prerequisite_missing",
        )
    return Enrolment.objects.create(session=session, person=person)


@transaction.atomic
def record_result(assessment: Assessment, enrolment: Enrolment, score: int) -> AssessmentResult:
    if enrolment.session_id != assessment.session_id:
        raise ValidationFailed("the assessment belongs to another session", field="assessment", reason="other_session")
    if not 0 <= score <= assessment.max_score:
        raise ValidationFailed(
            f"score {score} is outside 0–{assessment.max_score}", field="score", reason="out_of_range"
        )
    result, _ = AssessmentResult.objects.update_or_create(
        assessment=assessment, enrolment=enrolment, defaults={"score": score, "passed": score >= assessment.pass_mark}
    )
    return result


@transaction.atomic
def close_session(session: CourseSession, on: dt.date | None = None) -> list[Certificate]:
    """End a session: trainees who passed every assessment get a certificate (and a certification),
    the others are marked failed. Refused while a trainee has an assessment without a result."""
    session = (
        CourseSession.objects.select_for_update().select_related("course__centre__organisation").get(pk=session.pk)
    )
    course = session.course
    on = on or session.end_date
    if session.status == "closed":
        raise ValidationFailed(f"session {session.code} is already closed", field="session", reason="closed")
    assessments = list(session.assessments.all())
    if not assessments:
        raise ValidationFailed(
            f"session {session.code} has no assessment: add one before closing", field="session", reason="no_assessment"
        )
    enrolments = list(session.enrolments.exclude(status="withdrawn").select_related("person"))
    results = {(r.assessment_id, r.enrolment_id): r for r in AssessmentResult.objects.filter(enrolment__in=enrolments)}
    missing = [e.person.code for e in enrolments for a in assessments if (a.pk, e.pk) not in results]
    if missing:
        raise ValidationFailed(
            f"results missing for {', '.join(sorted(set(missing)))}", field="results", reason="incomplete"
        )
    valid_until = on + dt.timedelta(days=course.certificate_valid_days) if course.certificate_valid_days else None
    issued = []
    for n, e in enumerate(enrolments, start=1):
        passed = all(results[(a.pk, e.pk)].passed for a in assessments)
        e.status = "passed" if passed else "failed"
        e.save(update_fields=["status"])
        if not passed:
            continue
        code = f"{session.code}-C{n:03d}"
        cert = Certification.objects.create(
            code=code,
            person=e.person,
            title=course.title,
            method=course.method,
            course_code=course.code,
            issued_by=course.centre.name,
            issued_on=on,
            valid_until=valid_until,
            is_synthetic=session.is_synthetic,
        )
        issued.append(
            Certificate.objects.create(
                code=code,
                enrolment=e,
                certification=cert,
                issued_on=on,
                valid_until=valid_until,
                is_synthetic=session.is_synthetic,
            )
        )
    session.status = "closed"
    session.save(update_fields=["status"])
    return issued
