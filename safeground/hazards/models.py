"""Hazardous areas (SHA/CHA) with their evidence and beneficiaries.

Status maps to GICHD's Minimum Data Requirements (see docs/hazard-status.md): open → "open",
suspended → "Suspended" (MDR diagram), closed → "closed", handed_over → "handed over"/"Released".
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.dates import PRECISION_CHOICES
from safeground.core.models import Record

CONTAMINATION_CHOICES = [
    ("ap_mines", N_("AP mines")),
    ("at_mines", N_("AT mines")),
    ("cmr", N_("Cluster munition remnants")),
    ("uxo", N_("Other UXO")),
    ("axo", N_("AXO")),
    ("ied", N_("IED")),
    ("mixed", N_("Mixed")),
]


#: The largest declared radius of a point hazard, metres.
MAX_RADIUS_M = 10_000.0


class Hazard(Record):
    CLASS_CHOICES = [("SHA", N_("Suspected hazardous area")), ("CHA", N_("Confirmed hazardous area"))]
    STATUS_CHOICES = [
        ("open", N_("Open")),
        ("suspended", N_("Suspended")),
        ("closed", N_("Closed")),
        ("handed_over", N_("Handed over")),
    ]

    name = models.CharField(max_length=200, blank=True)
    hazard_class = models.CharField(max_length=3, choices=CLASS_CHOICES)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default="open")
    contamination_type = models.CharField(max_length=10, choices=CONTAMINATION_CHOICES)
    suspected_models = models.ManyToManyField("ordnance.OrdnanceModel", blank=True, related_name="hazards")
    # A hazard is a polygon, or a point (an indication, an EOD spot task) with an optional declared
    # radius; never both (the constraints below). Point hazards stay out of the ledger's topology.
    geom = models.MultiPolygonField(srid=4326, null=True, blank=True)
    point = models.PointField(srid=4326, null=True, blank=True)
    radius_m = models.FloatField(
        null=True, blank=True, help_text="Declared radius of a point hazard, metres (0 < r ≤ 10,000)"
    )
    benchmark = models.PointField(srid=4326, null=True, blank=True)
    country = models.CharField(max_length=3)
    province = models.ForeignKey(
        "gazetteer.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "gazetteer.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "gazetteer.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporting_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    recorded_on = models.DateField(help_text="The first day of the period when only the month or year is known")
    recorded_on_precision = models.CharField(
        max_length=5,
        choices=PRECISION_CHOICES,
        default="day",
        db_default="day",  # bulk writes leave it out
    )
    status_changed_on = models.DateField(null=True, blank=True)
    area_m2 = models.FloatField(
        help_text="Computed from the geometry in the local UTM zone (a point: 0, or π r² where the programme "
        "counts a declared radius as estimated area); set by services only"
    )
    utm_epsg = models.PositiveIntegerField(help_text="EPSG of the UTM zone the area was computed in")
    is_reconstructed = models.BooleanField(
        default=False,
        db_default=False,  # bulk writes (COPY) leave the column out
        help_text="Rebuilt from a land release product's footprint: the hazard itself was never recorded",
    )
    history = HistoricalRecords()

    class Meta(Record.Meta):
        indexes = [models.Index(fields=["country", "hazard_class", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(geom__isnull=False, point__isnull=True)
                | models.Q(geom__isnull=True, point__isnull=False),
                name="hazard_polygon_or_point",
            ),
            models.CheckConstraint(
                condition=models.Q(radius_m__isnull=True)
                | models.Q(point__isnull=False, radius_m__gt=0, radius_m__lte=MAX_RADIUS_M),
                name="hazard_radius_of_a_point",
            ),
        ]

    @property
    def is_point(self) -> bool:
        return self.point is not None

    @property
    def shape(self) -> GEOSGeometry | None:
        """What the hazard is drawn as: its polygon, or its point (GEOS; None only before it is placed)."""
        return self.geom if self.geom is not None else self.point


class Evidence(models.Model):
    KIND_CHOICES = [("direct", N_("Direct")), ("indirect", N_("Indirect"))]
    TYPE_CHOICES = [
        ("device_seen", N_("Device seen")),
        ("accident", N_("Accident")),
        ("detonation", N_("Detonation / explosion")),
        ("mine_signs", N_("Mine signs or fencing")),
        ("military_records", N_("Military or minefield records")),
        ("local_informant", N_("Local informant")),
        ("former_frontline", N_("Former front line")),
        ("unused_land", N_("Unused productive land")),
        ("other", N_("Other")),
    ]
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    evidence_type = models.CharField(max_length=20, choices=TYPE_CHOICES)
    point = models.PointField(srid=4326, null=True, blank=True)
    observed_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["hazard", "observed_on", "id"]


class Beneficiary(models.Model):
    STATUS_CHOICES = [("expected", N_("Expected")), ("confirmed", N_("Confirmed"))]
    LAND_USE_CHOICES = [
        ("agriculture", N_("Agriculture")),
        ("housing", N_("Housing")),
        ("infrastructure", N_("Infrastructure")),
        ("water", N_("Water")),
        ("forest", N_("Forest")),
        ("other", N_("Other")),
    ]
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="beneficiaries")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    people = models.PositiveIntegerField()
    land_use = models.CharField(max_length=15, choices=LAND_USE_CHOICES)
    history = HistoricalRecords()

    class Meta:
        ordering = ["hazard", "id"]
        verbose_name_plural = "beneficiaries"


class Traverse(models.Model):
    """A bearing/distance traverse as entered (the chain) and the polygon computed from it.

    Both are kept (domain-facts §7.2): the chain is the field record, re-computable; the polygon is
    what it gave at the time, with its closure error. Computed by safeground.gazetteer.traverse and
    written by hazards.services only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hazard = models.ForeignKey(Hazard, null=True, blank=True, on_delete=models.PROTECT, related_name="traverses")
    product = models.ForeignKey(
        "landrelease.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="traverses"
    )
    chain = models.JSONField(help_text="The chain as entered: points, bearings, distances, datum, declination")
    start_coordinate = models.CharField(max_length=100, help_text="The first fixed coordinate, as entered")
    datum = models.CharField(max_length=40, default="WGS 84")
    declination = models.FloatField(null=True, blank=True, help_text="Magnetic declination, degrees east positive")
    bearing_unit = models.CharField(max_length=10, default="degrees")
    adjustment = models.CharField(max_length=10, default="none")
    polygon = models.PolygonField(srid=4326)
    start_point = models.PointField(srid=4326)
    benchmark = models.PointField(srid=4326, null=True, blank=True)
    reference_point = models.PointField(srid=4326, null=True, blank=True)
    closure_error_m = models.FloatField(null=True, blank=True, help_text="Null when no closing leg was measured")
    perimeter_m = models.FloatField()
    area_m2 = models.FloatField()
    utm_epsg = models.PositiveIntegerField(help_text="UTM zone the chain was computed in")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        owner = self.hazard.code if self.hazard_id else "unlinked"
        return f"traverse of {owner} ({self.created_at:%Y-%m-%d})" if self.created_at else f"traverse of {owner}"
