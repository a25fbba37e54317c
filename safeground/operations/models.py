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


class ActivityAsset(models.Model):
    """A dog, rat or machine assigned to an activity from a date (the accreditation rule applies)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="asset_assignments")
    asset = models.ForeignKey("organisations.Asset", on_delete=models.CASCADE, related_name="activity_assignments")
    assigned_on = models.DateField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["activity", "assigned_on"]
        constraints = [models.UniqueConstraint(fields=["activity", "asset"], name="activity_asset_once")]


TERRAIN_CHOICES = [("flat", "Flat"), ("rolling", "Rolling"), ("hilly", "Hilly"), ("mountainous", "Mountainous")]
VEGETATION_CHOICES = [("none", "None"), ("light", "Light"), ("medium", "Medium"), ("dense", "Dense")]
SOIL_METAL_CHOICES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
WEATHER_CHOICES = [("dry", "Dry"), ("hot", "Hot (over 30 °C)"), ("rain", "Rain"), ("snow", "Snow or frost")]


class ProgressReport(Record):
    """What one team achieved with one method over a day or a week.

    Denominators for productivity: `days_worked` team-days; `assets_deployed` × days = asset-days;
    `searchers` × `hours_per_day` × days = deminer-hours (people searching, not the whole team).
    """

    PERIOD_CHOICES = [("daily", "Daily"), ("weekly", "Weekly")]
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
