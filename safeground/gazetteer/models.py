"""Administrative areas (country, province, district, commune) and places (villages, towns)."""

import uuid

from django.contrib.gis.db import models
from django.utils.translation import gettext_noop as N_


class AdminArea(models.Model):
    """One administrative unit. Level 0 = country outline, 1 = province/rayon, 2 = district, 3 = commune."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=3, help_text="ISO 3166-1 alpha-3, e.g. KHM, AZE")
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
