"""Activities: non-technical survey, technical survey, clearance, BAC and EOD spot tasks."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record

METHOD_CHOICES = [
    ("manual", N_("Manual")),
    ("mdd", N_("Mine detection dogs")),
    ("mdr", N_("Mine detection rats")),
    ("mechanical", N_("Mechanical")),
    ("rest", N_("REST (remote explosive scent tracing)")),
    ("nts", N_("Non-technical survey")),
    ("eod", N_("EOD")),
]


class Activity(Record):
    TYPE_CHOICES = [
        ("nts", N_("Non-technical survey")),
        ("ts", N_("Technical survey")),
        ("clearance", N_("Clearance")),
        ("bac", N_("Battle area clearance")),
        ("eod", N_("EOD spot task")),
    ]
    STATUS_CHOICES = [
        ("planned", N_("Planned")),
        ("ongoing", N_("Ongoing")),
        ("suspended", N_("Suspended")),
        ("completed", N_("Completed")),
        ("cancelled", N_("Cancelled")),
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


class ActivityAsset(models.Model):
    """A dog, rat or machine assigned to an activity from a date (the accreditation rule applies)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="asset_assignments")
    asset = models.ForeignKey("organisations.Asset", on_delete=models.CASCADE, related_name="activity_assignments")
    assigned_on = models.DateField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["activity", "assigned_on"]
        constraints = [models.UniqueConstraint(fields=["activity", "asset"], name="activity_asset_once")]


TERRAIN_CHOICES = [
    ("flat", N_("Flat")),
    ("rolling", N_("Rolling")),
    ("hilly", N_("Hilly")),
    ("mountainous", N_("Mountainous")),
]
VEGETATION_CHOICES = [("none", N_("None")), ("light", N_("Light")), ("medium", N_("Medium")), ("dense", N_("Dense"))]
SOIL_METAL_CHOICES = [("low", N_("Low")), ("medium", N_("Medium")), ("high", N_("High"))]
WEATHER_CHOICES = [
    ("dry", N_("Dry")),
    ("hot", N_("Hot (over 30 °C)")),
    ("rain", N_("Rain")),
    ("snow", N_("Snow or frost")),
]


class ProgressReport(Record):
    """What one team achieved with one method over a day or a week.

    Denominators for productivity: `days_worked` team-days; `assets_deployed` × days = asset-days;
    `searchers` × `hours_per_day` × days = deminer-hours (people searching, not the whole team).
    """

    PERIOD_CHOICES = [("daily", N_("Daily")), ("weekly", N_("Weekly"))]
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress_reports")
    team = models.ForeignKey("organisations.Team", on_delete=models.CASCADE, related_name="progress_reports")
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.CASCADE, related_name="progress_reports"
    )
    period = models.CharField(max_length=6, choices=PERIOD_CHOICES, default="daily")
    date = models.DateField(help_text="The day, or the first day of the week")
    method = models.CharField(max_length=12, choices=METHOD_CHOICES)
    area_m2 = models.FloatField(help_text="Area searched with this method in the period")
    days_worked = models.FloatField(default=1)
    searchers = models.PositiveSmallIntegerField(help_text="Deminers, handlers or operators searching")
    hours_per_day = models.FloatField(help_text="Hours of search per searcher per day")
    assets_deployed = models.PositiveSmallIntegerField(default=0, help_text="Dogs, rats or machines working")
    devices_found = models.PositiveIntegerField(default=0)
    terrain = models.CharField(max_length=12, choices=TERRAIN_CHOICES)
    vegetation = models.CharField(max_length=8, choices=VEGETATION_CHOICES)
    soil_metal = models.CharField(max_length=8, choices=SOIL_METAL_CHOICES)
    weather = models.CharField(max_length=6, choices=WEATHER_CHOICES, blank=True)
    stoppage_hours = models.FloatField(default=0)
    stoppages = models.TextField(blank=True, help_text="Why work stopped (heat, rain, accident, ...)")
    cost_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        indexes = [models.Index(fields=["method", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gte=0), name="progress_area_not_negative"),
            models.CheckConstraint(condition=Q(days_worked__gt=0), name="progress_days_positive"),
        ]
