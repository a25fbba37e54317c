"""A mine action museum's collection: exhibits (demilitarised ordnance) with their provenance, their care and
movements, loans to training centres and other museums, and visits (guided ones counted as EORE sessions).

Provenance points at the device record the exhibit was found as (landrelease.Device), so a find's place and
date, the operator and the demilitarisation certificate travel with the object. The public catalogue shows
none of the exact positions (museum/public.py).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record


class Museum(Record):
    """A museum or a training centre's reference collection."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="museums", help_text="Who runs it"
    )
    country = models.CharField(max_length=3)
    point = models.PointField(srid=4326, null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()


class Exhibit(Record):
    STATUS_CHOICES = [
        ("display", N_("On display")),
        ("store", N_("In store")),
        ("loan", N_("On loan")),
        ("deaccessioned", N_("Deaccessioned")),
    ]
    CONDITION_CHOICES = [
        ("good", N_("Good")),
        ("fair", N_("Fair")),
        ("poor", N_("Poor")),
        ("damaged", N_("Damaged")),
    ]

    museum = models.ForeignKey(Museum, on_delete=models.PROTECT, related_name="exhibits")
    inventory_number = models.CharField(max_length=40, help_text="The museum's own number, e.g. PM-2024-017")
    model = models.ForeignKey("ordnance.OrdnanceModel", on_delete=models.PROTECT, related_name="exhibits")
    title = models.CharField(max_length=200, blank=True, help_text="Label text; the model's name when empty")
    description = models.TextField(blank=True)
    # Provenance: the find (copied from the device record when there is one)
    device = models.ForeignKey(
        "landrelease.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="exhibits"
    )
    found_on = models.DateField(null=True, blank=True)
    found_point = models.PointField(srid=4326, null=True, blank=True, help_text="Staff only: never published")
    found_province = models.ForeignKey(
        "gazetteer.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_place = models.CharField(max_length=200, blank=True, help_text="Place as written (village, district)")
    operator = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acquired_on = models.DateField(null=True, blank=True)
    # Demilitarisation certificate (the scan is an attachment)
    demil_certificate = models.CharField(max_length=60, help_text="Certificate number: no exhibit without one")
    demil_certified_on = models.DateField()
    demil_certified_by = models.CharField(max_length=200, help_text="EOD officer or organisation that certified it")
    # Care
    condition = models.CharField(max_length=10, choices=CONDITION_CHOICES, default="good")
    status = models.CharField(max_length=15, choices=STATUS_CHOICES, default="store")
    location = models.CharField(max_length=120, blank=True, help_text="Where in the museum: room, case, shelf")
    public = models.BooleanField(default=False, help_text="Shown in the public catalogue")
    safety_message = models.TextField(blank=True, help_text="A message of its own, beside the standard ones")
    history = HistoricalRecords()

    class Meta(Record.Meta):
        constraints = [
            models.UniqueConstraint(fields=["museum", "inventory_number"], name="exhibit_inventory_once_per_museum")
        ]


class Movement(models.Model):
    """A change of place or condition inside the museum (loans are `Loan`)."""

    id = models.BigAutoField(primary_key=True)
    exhibit = models.ForeignKey(Exhibit, on_delete=models.CASCADE, related_name="movements")
    moved_on = models.DateField()
    from_location = models.CharField(max_length=120, blank=True)
    to_location = models.CharField(max_length=120, blank=True)
    condition = models.CharField(max_length=10, choices=Exhibit.CONDITION_CHOICES, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exhibit", "moved_on", "id"]


class Loan(Record):
    BORROWER_CHOICES = [
        ("training_centre", N_("Training centre")),
        ("museum", N_("Museum")),
        ("other", N_("Other")),
    ]

    exhibit = models.ForeignKey(Exhibit, on_delete=models.PROTECT, related_name="loans")
    borrower = models.CharField(max_length=200)
    borrower_kind = models.CharField(max_length=16, choices=BORROWER_CHOICES)
    borrower_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=300, blank=True)
    lent_on = models.DateField()
    due_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    condition_out = models.CharField(max_length=10, choices=Exhibit.CONDITION_CHOICES)
    condition_back = models.CharField(max_length=10, choices=Exhibit.CONDITION_CHOICES, blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("lent_on")), name="loan_due_after_lent"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("lent_on")),
                name="loan_returned_after_lent",
            ),
            models.UniqueConstraint(
                fields=["exhibit"], condition=Q(returned_on__isnull=True), name="loan_one_open_per_exhibit"
            ),
        ]


class Visit(Record):
    """A day's visitors or one group; a guided group taught risk education is also an EORE session."""

    museum = models.ForeignKey(Museum, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    group = models.CharField(max_length=200, blank=True, help_text="School, delegation, community group...")
    guided = models.BooleanField(default=False)
    is_eore = models.BooleanField(
        default=False, help_text="The guided session taught explosive ordnance risk education"
    )
    guide = models.CharField(max_length=150, blank=True)
    girls = models.PositiveIntegerField(default=0)
    boys = models.PositiveIntegerField(default=0)
    women = models.PositiveIntegerField(default=0)
    men = models.PositiveIntegerField(default=0)
    audience = models.CharField(max_length=20, default="general", help_text="eore.Session.AUDIENCE_CHOICES")
    eore_session = models.OneToOneField(
        "eore.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="museum_visit"
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(is_eore=False) | Q(guided=True), name="museum_visit_eore_is_guided"),
        ]
