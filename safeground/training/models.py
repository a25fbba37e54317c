"""The training centre: courses, sessions, enrolments, assessments and the certificates they lead to."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_noop as N_

from safeground.organisations.models import ACCREDITATION_METHODS


class TrainingCentre(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="training_centres"
    )
    country = models.CharField(max_length=3)
    place = models.CharField(max_length=200, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Instructor(models.Model):
    """A person who teaches at a centre, for some methods."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("organisations.Personnel", on_delete=models.CASCADE, related_name="instructor_roles")
    centre = models.ForeignKey(TrainingCentre, on_delete=models.CASCADE, related_name="instructors")
    methods = models.JSONField(default=list)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["centre", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "centre"], name="instructor_once_per_centre")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.centre}"


class Course(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    centre = models.ForeignKey(TrainingCentre, on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=12, choices=ACCREDITATION_METHODS)
    imas_references = models.JSONField(default=list, help_text="e.g. ['IMAS 09.10', 'IMAS 10.20']")
    duration_days = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField()
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="leads_to")
    modules = models.JSONField(default=list, help_text="Module titles in teaching order")
    certificate_valid_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Validity of the certificate; empty: it does not expire"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CourseSession(models.Model):
    STATUS_CHOICES = [("planned", N_("Planned")), ("running", N_("Running")), ("closed", N_("Closed"))]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    code = models.CharField(max_length=40, unique=True)
    start_date = models.DateField()
    end_date = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    instructors = models.ManyToManyField(Instructor, blank=True, related_name="sessions")
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default="planned")
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["start_date", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="session_end_after_start")
        ]

    def __str__(self) -> str:
        return self.code


class Enrolment(models.Model):
    STATUS_CHOICES = [
        ("enrolled", N_("Enrolled")),
        ("passed", N_("Passed")),
        ("failed", N_("Failed")),
        ("withdrawn", N_("Withdrawn")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("organisations.Personnel", on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="enrolled")
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "person"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="enrolment_once")]


class Assessment(models.Model):
    KIND_CHOICES = [("theory", N_("Theory")), ("practical", N_("Practical"))]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="assessments")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    max_score = models.PositiveSmallIntegerField(default=100)
    pass_mark = models.PositiveSmallIntegerField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "title"]
        constraints = [models.CheckConstraint(condition=Q(pass_mark__lte=F("max_score")), name="pass_mark_le_max")]


class AssessmentResult(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="results")
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "enrolment"], name="one_result_per_assessment")]


class Certificate(models.Model):
    """Issued when a session closes to each trainee who passed; it is recorded as the person's certification."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="certificate")
    certification = models.OneToOneField(
        "organisations.Certification", on_delete=models.CASCADE, related_name="certificate"
    )
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
