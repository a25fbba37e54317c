"""Tasking and explainable prioritisation (issue 16).

A `Task` is an order from the national authority to an operator: hazards, methods, priority, planned
dates, area and budget. Its life: issued → accepted or declined (with a reason) → in progress →
completed, or cancelled. Activities are linked to tasks here (operations sits below tasking).

`PriorityWeights` are a programme's weights of the prioritisation criteria (one editable, versioned
record per programme); a `PrioritySnapshot` keeps a ranking with the weights and every hazard's
criterion values, so a decision can be explained later. A `DevelopmentRequest` is a request from a
development project (a road, an irrigation scheme, a school) to clear land: one of the criteria.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record

TASK_STATUS_CHOICES = [
    ("issued", N_("Issued")),
    ("accepted", N_("Accepted")),
    ("declined", N_("Declined")),
    ("in_progress", N_("In progress")),
    ("completed", N_("Completed")),
    ("cancelled", N_("Cancelled")),
]
PRIORITY_CHOICES = [("high", N_("High")), ("medium", N_("Medium")), ("low", N_("Low"))]
#: The statuses a task may move to from each status (services.change_status checks them).
TRANSITIONS = {
    "issued": ("accepted", "declined", "cancelled"),
    "accepted": ("in_progress", "cancelled"),
    "in_progress": ("completed", "cancelled"),
    "declined": (),
    "completed": (),
    "cancelled": (),
}
#: What an operator may do to its own organisation's tasks; the rest is the national authority's.
OPERATOR_MOVES = {"accepted", "declined", "in_progress", "completed"}
#: Statuses that need a reason.
NEEDS_REASON = {"declined", "cancelled"}
OPEN_STATUSES = ("issued", "accepted", "in_progress")


class Task(Record):
    """A task order to an operator organisation."""

    country = models.CharField(max_length=3)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="tasks")
    hazards = models.ManyToManyField("hazards.Hazard", related_name="tasks")
    activities = models.ManyToManyField("operations.Activity", blank=True, related_name="tasks")
    province = models.ForeignKey(
        "gazetteer.AdminArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Level 1 admin area of most of its hazards (set by the services)",
    )
    methods = models.JSONField(default=list, help_text="Accreditation method codes (organisations.models)")
    priority = models.CharField(max_length=6, choices=PRIORITY_CHOICES, default="medium")
    status = models.CharField(max_length=12, choices=TASK_STATUS_CHOICES, default="issued")
    status_reason = models.TextField(blank=True, help_text="Why it was declined or cancelled")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    planned_start = models.DateField()
    planned_end = models.DateField()
    planned_area_m2 = models.FloatField(help_text="Area the task is to address (default: its hazards' remaining area)")
    funding_source = models.CharField(max_length=200, blank=True)
    budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(max_length=3, blank=True)
    notes = models.TextField(blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[hazards, activities])

    class Meta(Record.Meta):
        permissions = [("respond_task", "Can accept, decline, start and complete its organisation's tasks")]
        indexes = [models.Index(fields=["country", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gte=F("planned_start")), name="task_end_after_start"),
            models.CheckConstraint(condition=Q(planned_area_m2__gte=0), name="task_area_not_negative"),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0), name="task_budget_not_negative"
            ),
        ]


class PriorityWeights(Record):
    """A programme's weights of the prioritisation criteria and their parameters (one per programme)."""

    country = models.CharField(max_length=3, unique=True)
    weights = models.JSONField(help_text="Criterion key → weight (0..100)")
    casualty_distance_m = models.FloatField(default=2000.0)
    casualty_years = models.PositiveSmallIntegerField(default=5)
    village_distance_m = models.FloatField(default=2000.0)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name_plural = "priority weights"


class PrioritySnapshot(Record):
    """A ranking as computed at one moment, with the weights used and every hazard's criterion values."""

    country = models.CharField(max_length=3)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    weights_version = models.PositiveIntegerField()
    weights = models.JSONField()
    parameters = models.JSONField()
    maxima = models.JSONField(help_text="Each criterion's largest raw value (what 1.0 meant)")
    rows = models.JSONField(help_text="Ranked hazards: code, score, raw and normalised criterion values")
    note = models.TextField(blank=True)

    class Meta(Record.Meta):
        ordering = ["-created_at"]


DEVELOPMENT_PURPOSE_CHOICES = [
    ("agriculture", N_("Agriculture")),
    ("road", N_("Road")),
    ("water", N_("Water and irrigation")),
    ("housing", N_("Housing and resettlement")),
    ("infrastructure", N_("Other infrastructure")),
    ("school_health", N_("School or health centre")),
    ("other", N_("Other")),
]
DEVELOPMENT_STATUS_CHOICES = [
    ("received", N_("Received")),
    ("planned", N_("Planned")),
    ("fulfilled", N_("Fulfilled")),
    ("rejected", N_("Rejected")),
]
#: Requests still waiting for land: they count in the prioritisation.
OPEN_REQUESTS = ("received", "planned")


class DevelopmentRequest(Record):
    """A development project's request for land to be surveyed or cleared."""

    country = models.CharField(max_length=3)
    requester = models.CharField(max_length=200, help_text="Who asks: a ministry, a province, an agency")
    project = models.CharField(max_length=200)
    purpose = models.CharField(max_length=15, choices=DEVELOPMENT_PURPOSE_CHOICES)
    requested_on = models.DateField()
    status = models.CharField(max_length=10, choices=DEVELOPMENT_STATUS_CHOICES, default="received")
    geom = models.MultiPolygonField(srid=4326, null=True, blank=True, help_text="The project's area, if given")
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="development_requests")
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[hazards])

    class Meta(Record.Meta):
        indexes = [models.Index(fields=["country", "status"])]
