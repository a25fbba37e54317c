"""Bulk writes of the training centre (the demo's path): the single writes' checks, nothing written on refusal."""

import datetime as dt

import pytest

from safeground.core.errors import BulkValidationFailed
from safeground.organisations.models import Personnel
from safeground.training import services
from safeground.training.models import (
    Assessment,
    AssessmentResult,
    Course,
    CourseSession,
    Enrolment,
    Instructor,
    TrainingCentre,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def session(organisation):
    centre = TrainingCentre(code="CMAC-TC", name="CMAC TC", organisation=organisation, country="KHM")
    services.bulk_create_centres([centre], [])
    man = Course(centre=centre, code="MAN-101", title="Manual", method="manual", duration_days=30, capacity=1)
    mdd = Course(centre=centre, code="MDD-201", title="MDD", method="mdd", duration_days=60, capacity=8)
    services.bulk_create_courses([man, mdd], [(mdd, man)])
    s = CourseSession(course=mdd, code="S1", start_date=D(2026, 1, 5), end_date=D(2026, 3, 5))
    services.bulk_schedule_sessions([s])
    return s


def _person(organisation, n):
    return Personnel.objects.create(
        code=f"CMAC-P-{n}", organisation=organisation, role="deminer", full_name="A", nationality="KHM"
    )


def test_courses_and_prerequisites_written(session):
    assert list(Course.objects.get(code="MDD-201").prerequisites.values_list("code", flat=True)) == ["MAN-101"]


def test_instructor_twice_at_a_centre_is_refused(organisation):
    centre = TrainingCentre(code="TC2", name="TC2", organisation=organisation, country="KHM")
    p = _person(organisation, 1)
    twice = [Instructor(person=p, centre=centre, methods=["manual"]) for _ in range(2)]
    with pytest.raises(BulkValidationFailed, match="instructor twice at one centre") as err:
        services.bulk_create_centres([centre], twice)
    assert err.value.errors[0].row == 2
    assert not TrainingCentre.objects.exists() and not Instructor.objects.exists()


def test_session_ending_before_it_starts_is_refused(session):
    bad = CourseSession(course=session.course, code="S2", start_date=D(2026, 5, 1), end_date=D(2026, 4, 1))
    with pytest.raises(BulkValidationFailed, match="session S2: end_date 2026-04-01 is before start_date") as err:
        services.bulk_schedule_sessions([bad])
    assert err.value.field == "end_date"
    assert not CourseSession.objects.filter(code="S2").exists()


def test_enrolment_without_prerequisite_is_refused_and_duplicates_too(session, organisation):
    p = _person(organisation, 1)
    with pytest.raises(BulkValidationFailed, match="CMAC-P-1 lacks the prerequisite MAN-101 for MDD-201"):
        services.bulk_enrol([Enrolment(session=session, person=p)])
    with pytest.raises(BulkValidationFailed, match="already enrolled in S1") as err:
        services.bulk_enrol([Enrolment(session=session, person=p)] * 2, check_prerequisites=False)
    assert err.value.errors[0].row == 2
    assert not Enrolment.objects.exists()


def test_full_session_is_refused(organisation):
    centre = TrainingCentre(code="TC3", name="TC3", organisation=organisation, country="KHM")
    services.bulk_create_centres([centre], [])
    course = Course(centre=centre, code="C1", title="C1", method="manual", duration_days=1, capacity=1)
    services.bulk_create_courses([course])
    s = CourseSession(course=course, code="S9", start_date=D(2026, 1, 5), end_date=D(2026, 1, 5))
    services.bulk_schedule_sessions([s])
    rows = [Enrolment(session=s, person=_person(organisation, n)) for n in (1, 2)]
    with pytest.raises(BulkValidationFailed, match=r"session S9 is full \(1 places\)") as err:
        services.bulk_enrol(rows)
    assert err.value.errors[0].row == 2 and not Enrolment.objects.exists()


def test_results_derive_passed_and_refuse_scores_out_of_range(session, organisation):
    e = Enrolment(session=session, person=_person(organisation, 1))
    services.bulk_enrol([e], check_prerequisites=False)
    theory = Assessment(session=session, title="Theory", kind="theory", pass_mark=70)
    bad = Assessment(session=session, title="Practical", kind="practical", pass_mark=120)
    with pytest.raises(BulkValidationFailed, match="pass_mark 120 is above max_score 100"):
        services.bulk_add_assessments([theory, bad])
    assert not Assessment.objects.exists()
    services.bulk_add_assessments([theory])
    with pytest.raises(BulkValidationFailed, match="score 130 is outside 0–100") as err:
        services.bulk_record_results([AssessmentResult(assessment=theory, enrolment=e, score=130)])
    assert err.value.field == "score" and not AssessmentResult.objects.exists()
    services.bulk_record_results([AssessmentResult(assessment=theory, enrolment=e, score=69)])
    assert AssessmentResult.objects.get().passed is False


def test_delete_synthetic_leaves_real_rows(session, organisation):
    synthetic = TrainingCentre(code="DEMO-TC", name="Demo", organisation=organisation, country="KHM", is_synthetic=True)
    services.bulk_create_centres([synthetic], [])
    services.delete_synthetic()
    assert list(TrainingCentre.objects.values_list("code", flat=True)) == ["CMAC-TC"]
