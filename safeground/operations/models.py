"""Activities: non-technical survey, technical survey, clearance, BAC and EOD spot tasks."""

from django.contrib.gis.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeground.core.models import Record

METHOD_CHOICES = [
    ("manual", "Manual"),
    ("mdd", "Mine detection dogs"),
    ("mdr", "Mine detection rats"),
    ("mechanical", "Mechanical"),
    ("rest", "REST (remote explosive scent tracing)"),
    ("nts", "Non-technical survey"),
    ("eod", "EOD"),
]


class Activity(Record):
    TYPE_CHOICES = [
        ("nts", "Non-technical survey"),
        ("ts", "Technical survey"),
        ("clearance", "Clearance"),
        ("bac", "Battle area clearance"),
        ("eod", "EOD spot task"),
    ]
    STATUS_CHOICES = [
        ("planned", "Planned"),
        ("ongoing", "Ongoing"),
        ("suspended", "Suspended"),
        ("completed", "Completed"),
        ("cancelled", "Cancelled"),
    ]
    activity_type = models.CharField(max_length=10, choices=TYPE_CHOICES)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="activities")
    teams = models.ManyToManyField("organisations.Team", blank=True, related_name="activities")
    methods = models.JSONField(default=list, help_text="List of method codes, see METHOD_CHOICES")
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="activities")
    reference_point = models.PointField(srid=4326)
    country = models.CharField(max_length=3)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="planned")
    history = HistoricalRecords(m2m_fields=[teams, hazards])

    class Meta(Record.Meta):
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activity_end_after_start",
            )
        ]
