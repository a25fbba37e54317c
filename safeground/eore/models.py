"""Explosive ordnance risk education (EORE) sessions (MDR: coordinates, date, organisation, method,
beneficiaries by sex and age; IMAS 12.10)."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record

#: Methods that reach people at a place; mass media and digital campaigns may have no point.
PLACE_METHODS = {"community", "school", "household", "training_of_trainers", "other"}


class Session(Record):
    METHOD_CHOICES = [
        ("community", N_("Community session")),
        ("school", N_("School session")),
        ("household", N_("Door to door / household visit")),
        ("training_of_trainers", N_("Training of trainers / community focal points")),
        ("mass_media", N_("Mass media (radio, TV, billboards)")),
        ("digital", N_("Digital / social media")),
        ("museum", N_("Museum visit (guided)")),
        ("other", N_("Other")),
    ]
    AUDIENCE_CHOICES = [
        ("general", N_("General community")),
        ("schoolchildren", N_("Schoolchildren")),
        ("farmers", N_("Farmers and land users")),
        ("scrap_collectors", N_("Scrap metal collectors")),
        ("returnees", N_("Returnees and displaced people")),
        ("workers", N_("Construction and infrastructure workers")),
        ("teachers", N_("Teachers and community focal points")),
        ("other", N_("Other")),
    ]

    held_on = models.DateField()
    point = models.PointField(srid=4326, null=True, blank=True)
    country = models.CharField(max_length=3)
    province = models.ForeignKey(
        "gazetteer.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "gazetteer.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="eore_sessions"
    )
    team = models.ForeignKey("organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=25, choices=METHOD_CHOICES)
    audience = models.CharField(max_length=20, choices=AUDIENCE_CHOICES, default="general")
    girls = models.PositiveIntegerField(default=0)
    boys = models.PositiveIntegerField(default=0)
    women = models.PositiveIntegerField(default=0)
    men = models.PositiveIntegerField(default=0)
    materials = models.JSONField(default=list, blank=True, help_text="Materials used, e.g. leaflet, poster")
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="eore_sessions")
    history = HistoricalRecords(m2m_fields=[hazards])

    class Meta(Record.Meta):
        indexes = [models.Index(fields=["country", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(point__isnull=False) | Q(method__in=["mass_media", "digital"]),
                name="eore_session_point_unless_media",
            )
        ]

    @property
    def beneficiaries(self) -> int:
        return self.girls + self.boys + self.women + self.men
