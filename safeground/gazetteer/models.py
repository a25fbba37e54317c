"""Administrative areas (country, province, district, commune) and places (villages, towns)."""

import uuid

from django.contrib.gis.db import models
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords


class AdminArea(models.Model):
    """One administrative unit. Level 0 = country outline, 1 = province/rayon, 2 = district, 3 = commune."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=3, help_text="ISO 3166-1 alpha-3")
    level = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    geom = models.MultiPolygonField(srid=4326)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["country", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "level", "code"], name="adminarea_unique_code"),
            models.CheckConstraint(condition=models.Q(level__lte=3), name="adminarea_level_0_3"),
        ]
        indexes = [models.Index(fields=["country", "level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Place(models.Model):
    """A populated place: a village (Cambodia's school inventory) or a town (Natural Earth)."""

    KIND_CHOICES = [("village", N_("Village")), ("town", N_("Town"))]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=3)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    point = models.PointField(srid=4326)
    admin_area = models.ForeignKey(AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="places")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["country", "code"]
        constraints = [models.UniqueConstraint(fields=["country", "kind", "code"], name="place_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Programme(models.Model):
    """A national mine action programme's profile: what SafeGround needs to know about a country.

    Countries are data, not code: every country list, filter and label (admin-level names) comes
    from these rows. `admin_levels` names levels 1, 2, 3 (e.g. Departamento, Municipio);
    `local_crs` is the national projected CRS (empty: the UTM zone of each record's location);
    `legacy_datums` are CRSs old records may use; `map_bbox` is the default map view (lon/lat);
    `point_radius_area`: whether a point hazard's declared radius counts as an estimated area (π r²)
    or the point hazard has none (0 m², the default: no invented area).
    """

    iso3 = models.CharField(max_length=3, unique=True, help_text="ISO 3166-1 alpha-3")
    name = models.CharField(max_length=200)
    admin_levels = models.JSONField(default=list, blank=True)
    local_crs = models.CharField(max_length=40, blank=True)
    legacy_datums = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    apmbc_party = models.BooleanField(default=False, help_text="party to the Anti-Personnel Mine Ban Convention")
    ccm_party = models.BooleanField(default=False, help_text="party to the Convention on Cluster Munitions")
    article5_deadline = models.DateField(null=True, blank=True, help_text="APMBC Article 5 clearance deadline")
    map_bbox = models.JSONField(null=True, blank=True, help_text="default map view: [west, south, east, north]")
    point_radius_area = models.BooleanField(
        default=False, help_text="a point hazard's declared radius counts as estimated area (π r²)"
    )
    version = models.PositiveIntegerField(default=1, help_text="raised by every change (If-Match, core/versions.py)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["iso3"]

    def __str__(self) -> str:
        return f"{self.iso3} {self.name}"

    def level_name(self, level: int) -> str:
        """The name of admin level 1–3 in this programme ("Level N" when the profile names none)."""
        names = list(self.admin_levels or [])
        return names[level - 1] if 1 <= level <= len(names) else f"Level {level}"
