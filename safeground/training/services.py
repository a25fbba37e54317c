"""Writes for the training centre: sessions, enrolment, results, and closing a session.

Closing a session issues a certificate to each trainee who passed every assessment and records it
as the person's certification, so the trainee's record shows it wherever personnel are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from safeground.core import columns
from safeground.core.errors import BulkError, ValidationFailed
from safeground.organisations.models import Certification, Personnel
from safeground.training.models import (
    Assessment,
    AssessmentResult,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    Instructor,
    TrainingCentre,
)


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
        raise ValidationFailed(
            _("session %(code)s is closed") % {"code": session.code}, field="session", reason="closed"
        )
    if session.enrolments.filter(person=person).exists():
        raise ValidationFailed(
            _("%(person)s is already enrolled in %(session)s") % {"person": person.code, "session": session.code},
            field="person",
            reason="duplicate",
        )
    taken = session.enrolments.exclude(status="withdrawn").count()
    if taken >= course.capacity:
        raise ValidationFailed(
            _("session %(code)s is full (%(taken)s of %(capacity)s places)")
            % {"code": session.code, "taken": taken, "capacity": course.capacity},
            field="session",
            reason="full",
        )
    missing = [
        p.code for p in course.prerequisites.order_by("code") if not _valid_certification(person, p, session.start_date)
    ]
    if missing:
        raise ValidationFailed(
            _("%(person)s lacks the prerequisite %(missing)s for %(course)s (a valid certificate on %(date)s)")
            % {
                "person": person.code,
                "missing": ", ".join(missing),
                "course": course.code,
                "date": session.start_date.isoformat(),
            },
            field="person",
            reason="prerequisite_missing",
        )
    return Enrolment.objects.create(session=session, person=person)


@transaction.atomic
def record_result(assessment: Assessment, enrolment: Enrolment, score: int) -> AssessmentResult:
    if enrolment.session_id != assessment.session_id:
        raise ValidationFailed(
            _("the assessment belongs to another session"), field="assessment", reason="other_session"
        )
    if not 0 <= score <= assessment.max_score:
        raise ValidationFailed(
            _("%(field)s %(value)s is outside 0–%(most)s")
            % {"field": "score", "value": score, "most": assessment.max_score},
            field="score",
            reason="out_of_range",
        )
    result, _created = AssessmentResult.objects.update_or_create(
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
        raise ValidationFailed(
            _("session %(code)s is already closed") % {"code": session.code}, field="session", reason="closed"
        )
    assessments = list(session.assessments.all())
    if not assessments:
        raise ValidationFailed(
            _("session %(code)s has no assessment: add one before closing") % {"code": session.code},
            field="session",
            reason="no_assessment",
        )
    enrolments = list(session.enrolments.exclude(status="withdrawn").select_related("person"))
    results = {(r.assessment_id, r.enrolment_id): r for r in AssessmentResult.objects.filter(enrolment__in=enrolments)}
    missing = [e.person.code for e in enrolments for a in assessments if (a.pk, e.pk) not in results]
    if missing:
        raise ValidationFailed(
            _("results missing for %(codes)s") % {"codes": ", ".join(sorted(set(missing)))},
            field="results",
            reason="incomplete",
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


# ------------------------------------------------------------------------------------------------
# Bulk writes (the demo, migrations): the single writes' checks on every row, then set-based inserts
# ------------------------------------------------------------------------------------------------


def _insert(model, objs: list, problems: list[BulkError]) -> int:
    columns.refuse(problems)
    model._default_manager.bulk_create(objs, batch_size=2000)
    return len(objs)


def _link(through, rows: list[tuple], names: tuple[str, str]) -> None:
    through.objects.bulk_create([through(**{f"{names[0]}_id": a.pk, f"{names[1]}_id": b.pk}) for a, b in rows])


@transaction.atomic
def bulk_create_centres(centres: list, instructors: list) -> dict[str, int]:
    """Write training centres and their instructors (unsaved instances), checked like a form's."""
    written = {
        "training centres": _insert(TrainingCentre, centres, columns.instances(TrainingCentre, centres, "centre"))
    }
    problems = columns.instances(Instructor, instructors, "instructor", "person_id")
    seen: dict[tuple, int] = {}
    for i, x in enumerate(instructors):
        key = (x.person_id, x.centre_id)
        if key in seen:
            problems.append(
                BulkError(
                    i + 1, "person", str(x.person_id), f"instructor twice at one centre (also row {seen[key] + 1})"
                )
            )
        seen.setdefault(key, i)
    written["instructors"] = _insert(Instructor, instructors, problems)
    return written


@transaction.atomic
def bulk_create_courses(courses: list, prerequisites: Sequence[tuple] = ()) -> int:
    """Write courses (unsaved `Course`s) and their prerequisites ((course, prerequisite) pairs)."""
    problems = columns.instances(Course, courses, "course")
    for i, (course, pre) in enumerate(prerequisites):
        if course.pk == pre.pk:
            problems.append(BulkError(i + 1, "prerequisites", course.code, f"course {course.code} requires itself"))
    n = _insert(Course, courses, problems)
    _link(Course.prerequisites.through, list(prerequisites), ("from_course", "to_course"))
    return n


@transaction.atomic
def bulk_schedule_sessions(sessions: list, instructors: Sequence[tuple] = ()) -> int:
    """Write course sessions (unsaved, their end date set) and who teaches them ((session, instructor) pairs)."""
    problems = columns.instances(CourseSession, sessions, "session")
    problems += columns.dates_in_order(sessions, "start_date", "end_date", "session")
    n = _insert(CourseSession, sessions, problems)
    _link(CourseSession.instructors.through, list(instructors), ("coursesession", "instructor"))
    return n


@transaction.atomic
def bulk_enrol(enrolments: list, *, check_prerequisites: bool = True) -> int:
    """Enrol many trainees (unsaved `Enrolment`s) with `enrol`'s checks: the session open, room left, no one
    twice, the prerequisites held on the start date (the demo skips that last one: its trainees' earlier
    courses predate the system)."""
    problems = columns.instances(Enrolment, enrolments, "enrolment", "person_id")
    sessions = {
        s.pk: s
        for s in CourseSession.objects.filter(pk__in={e.session_id for e in enrolments}).select_related("course")
    }
    taken = dict(
        Enrolment.objects.filter(session__in=sessions)
        .exclude(status="withdrawn")
        .values_list("session")
        .annotate(n=Count("id"))
        .values_list("session", "n")
    )
    seen = set(Enrolment.objects.filter(session__in=sessions).values_list("session_id", "person_id"))
    for i, e in enumerate(enrolments):
        s = sessions.get(e.session_id)
        if s is None:
            continue  # reported by columns.instances
        key = (e.session_id, e.person_id)
        if s.status == "closed":
            problems.append(BulkError(i + 1, "session", s.code, f"session {s.code} is closed", "closed"))
        elif key in seen:
            problems.append(
                BulkError(
                    i + 1,
                    "person",
                    str(e.person_id),
                    f"person {e.person_id} is already enrolled in {s.code}",
                    "duplicate",
                )
            )
        elif taken.get(s.pk, 0) >= s.course.capacity:
            problems.append(
                BulkError(i + 1, "session", s.code, f"session {s.code} is full ({s.course.capacity} places)", "full")
            )
        elif check_prerequisites:
            person = Personnel.objects.get(pk=e.person_id)
            missing = [
                p.code
                for p in s.course.prerequisites.order_by("code")
                if not _valid_certification(person, p, s.start_date)
            ]
            if missing:
                problems.append(
                    BulkError(
                        i + 1,
                        "person",
                        person.code,
                        f"{person.code} lacks the prerequisite {', '.join(missing)} for {s.course.code}",
                        "prerequisite_missing",
                    )
                )
        seen.add(key)
        if e.status != "withdrawn":
            taken[s.pk] = taken.get(s.pk, 0) + 1
    return _insert(Enrolment, enrolments, problems)


@transaction.atomic
def bulk_add_assessments(assessments: list) -> int:
    """Write assessments (unsaved), checked like a form's; the pass mark no higher than the maximum score."""
    problems = columns.instances(Assessment, assessments, "assessment", "title")
    problems += [
        BulkError(
            i + 1,
            "pass_mark",
            str(a.pass_mark),
            f"assessment {a.title}: pass_mark {a.pass_mark} is above max_score {a.max_score}",
        )
        for i, a in enumerate(assessments)
        if a.pass_mark is not None and a.pass_mark > a.max_score
    ]
    return _insert(Assessment, assessments, problems)


@transaction.atomic
def bulk_record_results(results: list) -> int:
    """Record many scores (unsaved `AssessmentResult`s) with `record_result`'s checks; `passed` is derived."""
    tests = columns.lookup(Assessment, "id", [r.assessment_id for r in results], "session_id", "max_score", "pass_mark")
    for r in results:
        if r.assessment_id in tests and isinstance(r.score, int):
            r.passed = r.score >= tests[r.assessment_id][2]
    problems = columns.instances(AssessmentResult, results, "result", "score")
    sessions = columns.lookup(Enrolment, "id", [r.enrolment_id for r in results], "session_id")
    seen: set[tuple] = set()
    for i, r in enumerate(results):
        test = tests.get(r.assessment_id)
        if test is None or r.enrolment_id not in sessions:
            continue  # reported by columns.instances
        session_id, max_score, _pass_mark = test
        if sessions[r.enrolment_id] != session_id:
            problems.append(
                BulkError(
                    i + 1,
                    "assessment",
                    str(r.assessment_id),
                    "the assessment belongs to another session",
                    "other_session",
                )
            )
        elif not 0 <= r.score <= max_score:
            problems.append(
                BulkError(i + 1, "score", str(r.score), f"score {r.score} is outside 0–{max_score}", "out_of_range")
            )
        elif (r.assessment_id, r.enrolment_id) in seen:
            problems.append(
                BulkError(i + 1, "enrolment", str(r.enrolment_id), "two results for one assessment", "duplicate")
            )
        seen.add((r.assessment_id, r.enrolment_id))
    return _insert(AssessmentResult, results, problems)


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic training row, children first (the demo's rebuild; the only hard delete here).

    Limited to `is_synthetic` rows, which never described anything real: set-based DELETEs, no signals.
    """
    counts: dict[str, int] = {}
    for through, fk in (
        (CourseSession.instructors.through, "coursesession"),
        (Course.prerequisites.through, "from_course"),
    ):
        qs = through.objects.filter(**{f"{fk}__is_synthetic": True})
        counts[through._meta.db_table] = qs._raw_delete(qs.db)
    for model in (
        Certificate,
        AssessmentResult,
        Assessment,
        Enrolment,
        CourseSession,
        Course,
        Instructor,
        TrainingCentre,
    ):
        rows = model._default_manager.filter(is_synthetic=True)
        counts[str(model._meta.verbose_name_plural)] = rows._raw_delete(rows.db)
    return counts
