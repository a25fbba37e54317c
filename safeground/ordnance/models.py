"""The explosive ordnance reference library: what a model is, how to recognise it, what it does to a deminer.

One row per model (PMN-2, Type 72A, BLU-26...). Deminers identify a find against this record before they
touch it, so it carries physical data, fuze and actuation, identification features and hazards; images are
attachments (safeground.attachments); render-safe procedures are restricted and live in the library app
(safeground.library), above the training records that qualify a reader. Names used locally are aliases.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

CATEGORY_CHOICES = [
    ("ap_mine", N_("AP mine")),
    ("at_mine", N_("AT mine")),
    ("submunition", N_("Submunition / cluster munition remnant")),
    ("uxo", N_("Other UXO")),
    ("axo", N_("AXO")),
    ("ied", N_("IED")),
    ("booby_trap", N_("Booby trap")),
    ("other", N_("Other")),
]

METAL_CONTENT_CHOICES = [
    ("high", N_("High metal")),
    ("low", N_("Low metal")),
    ("minimum", N_("Minimum metal")),
    ("none", N_("No metal")),
    ("unknown", N_("Unknown")),
]

#: Which detection methods find it (metal content decides the detector; dogs and rats smell the explosive).
DETECTION_CHOICES = [
    ("detector", N_("Metal detector")),
    ("large_loop", N_("Large-loop / deep-search detector")),
    ("dual_sensor", N_("Dual-sensor detector (metal + ground-penetrating radar)")),
    ("mdd", N_("Mine detection dogs (MDD)")),
    ("mdr", N_("Mine detection rats (MDR)")),
    ("visual", N_("Visual search")),
]

ACTUATION_CHOICES = [
    ("pressure", N_("Pressure")),
    ("tripwire", N_("Tripwire (pull)")),
    ("tension_release", N_("Tension release")),
    ("pressure_release", N_("Pressure release")),
    ("tilt_rod", N_("Tilt rod")),
    ("command", N_("Command (electric or manual)")),
    ("impact", N_("Impact")),
    ("time", N_("Time / self-destruct")),
    ("proximity", N_("Proximity / influence (magnetic, seismic)")),
    ("anti_handling", N_("Anti-handling / anti-lift")),
    ("other", N_("Other")),
]

#: The descriptive texts a programme may translate; `OrdnanceModel.texts` holds them per language.
TRANSLATABLE_TEXTS = ("features", "colour_markings", "deminer_hazards")


class OrdnanceModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True, help_text="The name in URLs, set by the services")
    # What it identifies
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    type = models.CharField(max_length=120, blank=True, help_text="e.g. AP blast, pressure")
    origin = models.CharField(max_length=80, blank=True, help_text="Country (or countries) of origin")
    # Physical data (millimetres, grams); empty where unknown
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
    diameter_mm = models.PositiveIntegerField(null=True, blank=True)
    weight_g = models.PositiveIntegerField(null=True, blank=True, help_text="Total weight, grams")
    main_charge = models.CharField(max_length=120, blank=True, help_text="The charge as the sources word it")
    fill = models.CharField(max_length=80, blank=True, help_text="Explosive fill, e.g. TNT, RDX, Comp B")
    fill_mass_g = models.PositiveIntegerField(null=True, blank=True, help_text="Explosive mass, grams")
    metal_content = models.CharField(max_length=10, choices=METAL_CONTENT_CHOICES, default="unknown")
    detectable_by = models.JSONField(default=list, blank=True, help_text="DETECTION_CHOICES codes")
    # Fuze and action
    fuze = models.CharField(max_length=120, blank=True, help_text="Fuze type, e.g. MUV, integral mechanical")
    actuation = models.JSONField(default=list, blank=True, help_text="ACTUATION_CHOICES codes")
    actuation_force = models.CharField(max_length=60, blank=True, help_text="e.g. 8–25 kg")
    # Identification
    colour_markings = models.TextField(blank=True)
    features = models.TextField(blank=True, help_text="Distinguishing features")
    similar_models = models.ManyToManyField("self", blank=True, symmetrical=True)
    # Hazards to the deminer
    deminer_hazards = models.TextField(
        blank=True, help_text="What it does to a deminer: anti-handling, fragments, range"
    )
    texts = models.JSONField(
        default=dict, blank=True, help_text="Translations: {language: {features, colour_markings, deminer_hazards}}"
    )
    notes = models.TextField(blank=True)
    sources = models.TextField(blank=True, help_text="One URL per line")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="Raised by every change (If-Match, core/versions.py)"
    )
    history = HistoricalRecords(m2m_fields=[similar_models])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrdnanceAlias(models.Model):
    """Another name of a model: a local name (Khmer, Azerbaijani...), a copy's name, a spelling (PMN2)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    model = models.ForeignKey(OrdnanceModel, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)
    language = models.CharField(max_length=10, blank=True, help_text="Language code (km, az...); empty: any")
    folded = models.CharField(max_length=120, db_index=True, help_text="Name folded for matching, set by services")

    class Meta:
        ordering = ["model", "language", "name"]
        constraints = [models.UniqueConstraint(fields=["model", "name"], name="ordnance_alias_once_per_model")]

    def __str__(self) -> str:
        return self.name
