"""Land release products (cancelled, reduced, cleared land) and the devices found on them."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record
from safeground.ordnance.models import CATEGORY_CHOICES


class Product(Record):
    OUTCOME_CHOICES = [("cancelled", N_("Cancelled")), ("reduced", N_("Reduced")), ("cleared", N_("Cleared"))]

    activity = models.ForeignKey("operations.Activity", on_delete=models.PROTECT, related_name="products")
    # None: ground released outside every recorded hazard (an import's `--orphans outside`); the
    # services refuse it where the product overlaps a hazard, and its country is its activity's.
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
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
        ("intact", N_("Intact")),
        ("deteriorated", N_("Deteriorated / corroded")),
        ("damaged", N_("Damaged / partially functioned")),
        ("fuze_missing", N_("Fuze missing")),
        ("unknown", N_("Unknown")),
    ]
    DISPOSAL_CHOICES = [
        ("destroyed_in_situ", N_("Destroyed in situ")),
        ("removed_destroyed", N_("Removed and destroyed elsewhere")),
        ("removed_stored", N_("Removed to storage")),
        ("rendered_safe", N_("Rendered safe")),
        ("other", N_("Other")),
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


class HazardLedger(models.Model):
    """The stored ledger of one hazard, kept current by the services (see landrelease/ledger.py).

    Derived data: `safeground ledger recompute` rebuilds it; `safeground ledger verify` proves it
    equals a fresh computation. Never edited by hand, so it has no history of its own.

    The figures of one hazard are exact for that hazard. Overlapping hazards share ground, so the
    two `*_overlap_m2` figures say how much of it hazards earlier in (recorded_on, code) already
    count (ledger/overlaps.py): estimated_m2 − estimated_overlap_m2 and remaining_m2 −
    remaining_overlap_m2 are the hazard's shares of the union, which add up across any grouping
    without counting ground twice (decision 0016). `overlap_m2` is another thing: ground shared by
    two of this hazard's own products.
    """

    hazard = models.OneToOneField("hazards.Hazard", primary_key=True, on_delete=models.CASCADE, related_name="ledger")
    estimated_m2 = models.FloatField()
    cleared_m2 = models.FloatField(default=0)
    reduced_m2 = models.FloatField(default=0)
    cancelled_m2 = models.FloatField(default=0)
    remaining_m2 = models.FloatField(default=0)
    outside_m2 = models.FloatField(default=0, help_text="Own products' area outside every hazard")
    overlap_m2 = models.FloatField(default=0, help_text="Area covered by two or more of its products")
    estimated_overlap_m2 = models.FloatField(
        default=0,
        help_text="Part of the hazard polygon already covered by hazards recorded earlier (recorded_on, code)",
    )
    remaining_overlap_m2 = models.FloatField(
        default=0,
        help_text="Part of the remaining geometry already covered by earlier hazards' remaining geometries",
    )
    devices_outside = models.PositiveIntegerField(default=0)
    remaining_geom = models.MultiPolygonField(srid=4326, null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hazard ledger"


class ProductOverlap(models.Model):
    """A pair of products of the same hazard covering the same ground (double-counted if summed)."""

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.CASCADE, related_name="product_overlaps")
    first = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    overlap_m2 = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="product_overlap_pair")]


class ProductRelease(models.Model):
    """Hazard ground credited to one product after precedence: the basis of release by operator, year, method.

    For each hazard, the credits of its rows add up exactly to its ledger's cleared, reduced and cancelled m².
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="releases")
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.CASCADE, related_name="releases")
    outcome = models.CharField(max_length=10, choices=Product.OUTCOME_CHOICES)
    released_m2 = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "hazard"], name="product_release_pair")]
