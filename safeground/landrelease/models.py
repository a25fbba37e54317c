"""Land release products (cancelled, reduced, cleared land) and the devices found on them."""

from django.contrib.gis.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeground.core.models import Record
from safeground.ordnance.models import CATEGORY_CHOICES


class Product(Record):
    OUTCOME_CHOICES = [("cancelled", "Cancelled"), ("reduced", "Reduced"), ("cleared", "Cleared")]

    activity = models.ForeignKey("operations.Activity", on_delete=models.PROTECT, related_name="products")
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="products")
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES)
    geom = models.MultiPolygonField(srid=4326)
    released_on = models.DateField()
    clearance_depth_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    reported_area_m2 = models.FloatField(null=True, blank=True, help_text="Area the operator reported")
    area_m2 = models.FloatField(help_text="Computed from the geometry in the local UTM zone; set by services only")
    history = HistoricalRecords()

    class Meta(Record.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="cleared") | Q(clearance_depth_cm__isnull=False),
                name="product_cleared_needs_depth",
            )
        ]


class Device(Record):
    CONDITION_CHOICES = [
        ("intact", "Intact"),
        ("deteriorated", "Deteriorated / corroded"),
        ("damaged", "Damaged / partially functioned"),
        ("fuze_missing", "Fuze missing"),
        ("unknown", "Unknown"),
    ]
    DISPOSAL_CHOICES = [
        ("destroyed_in_situ", "Destroyed in situ"),
        ("removed_destroyed", "Removed and destroyed elsewhere"),
        ("removed_stored", "Removed to storage"),
        ("rendered_safe", "Rendered safe"),
        ("other", "Other"),
    ]
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="devices")
    activity = models.ForeignKey(
        "operations.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    point = models.PointField(srid=4326)
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    model = models.ForeignKey("ordnance.OrdnanceModel", null=True, blank=True, on_delete=models.PROTECT)
    condition = models.CharField(max_length=15, choices=CONDITION_CHOICES, default="unknown")
    depth_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    disposal = models.CharField(max_length=20, choices=DISPOSAL_CHOICES)
    found_on = models.DateField()
    count = models.PositiveIntegerField(default=1, help_text="More than 1 for grouped finds (submunitions)")
    history = HistoricalRecords()

    class Meta(Record.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(activity__isnull=False),
                name="device_product_or_activity",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="device_count_positive"),
        ]
