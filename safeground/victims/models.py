"""Accidents, victims, victim assistance and the access audit of their personal data.

Personal data (a victim's name, date of birth, address, medical notes; the notes of assessments,
referrals and follow-ups) is stored only as ciphertext in the `*_enc` columns (safeground.core.crypto).
There is no plaintext attribute to leak: decrypting goes through victims.services, which checks the
role and writes an AccessLog entry. The change history of a victim leaves the ciphertexts out, so an
erased name does not survive in the history table.
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.dates import PRECISION_CHOICES
from safeground.core.models import Record
from safeground.ordnance.models import CATEGORY_CHOICES

DEVICE_CATEGORY_CHOICES = [*CATEGORY_CHOICES, ("unknown", N_("Unknown"))]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Unknown")]
NEED_CHOICES = [
    ("medical", N_("Medical care")),
    ("rehabilitation", N_("Physical rehabilitation and prosthetics")),
    ("psychosocial", N_("Psychological and psychosocial support")),
    ("education", N_("Education")),
    ("economic", N_("Economic inclusion and livelihood")),
]
VICTIM_ENCRYPTED = ("name", "date_of_birth", "address", "medical_notes")
#: What the people were doing when the accident happened (MDR).
ACTIVITY_CHOICES = [
    ("farming", N_("Farming or clearing land")),
    ("collecting", N_("Collecting wood, food or water")),
    ("herding", N_("Herding animals")),
    ("travelling", N_("Travelling")),
    ("playing", N_("Playing")),
    ("scrap", N_("Handling or collecting scrap metal")),
    ("household", N_("Household work")),
    ("demining", N_("Demining")),
    ("military_duty", N_("Military duty")),
    ("other", N_("Other")),
    ("unknown", N_("Unknown")),
]
#: Casualties a source reports for an accident without registering each person (no personal data):
#: killed or injured, by sex and age as the MDR counts them (men, women, boys, girls, not known).
CASUALTY_GROUPS = ("men", "women", "boys", "girls", "unknown")
CASUALTY_COUNTS = tuple(f"{outcome}_{group}" for outcome in ("killed", "injured") for group in CASUALTY_GROUPS)


class Accident(Record):
    """An explosion that killed or injured people (MDR accident: coordinates, date, device, type)."""

    TYPE_CHOICES = [("mine_erw", N_("Mine/ERW accident")), ("demining", N_("Demining accident"))]
    EVIDENCE_CHOICES = [
        ("linked", N_("Linked to a recorded hazard")),
        ("proposed", N_("Proposed to the hazard registry as new evidence")),
        ("accepted", N_("Added to the hazard registry as evidence")),
        ("dismissed", N_("Not evidence of a hazard")),
    ]

    occurred_on = models.DateField(help_text="The first day of the period when only the month or year is known")
    occurred_on_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default="day")
    occurred_time = models.TimeField(null=True, blank=True, help_text="Local time, when known")
    point = models.PointField(srid=4326)
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
    accident_type = models.CharField(max_length=10, choices=TYPE_CHOICES)
    device_category = models.CharField(max_length=20, choices=DEVICE_CATEGORY_CHOICES, default="unknown")
    device_model = models.ForeignKey("ordnance.OrdnanceModel", null=True, blank=True, on_delete=models.PROTECT)
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="accidents"
    )
    evidence_status = models.CharField(max_length=10, choices=EVIDENCE_CHOICES, default="linked")
    product = models.ForeignKey(
        "landrelease.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
        help_text="Released land the accident happened on (residual contamination)",
    )
    activity = models.ForeignKey(
        "operations.Activity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
        help_text="The activity under way, for demining accidents",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="accidents"
    )
    victim_activity = models.CharField(
        max_length=15, choices=ACTIVITY_CHOICES, default="unknown", help_text="What the people were doing"
    )
    reported_casualties = models.JSONField(
        default=dict, blank=True, help_text="Counts a source reported (CASUALTY_COUNTS keys), without personal data"
    )
    history = HistoricalRecords()

    class Meta(Record.Meta):
        indexes = [models.Index(fields=["country", "occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(evidence_status="linked") | Q(hazard__isnull=False), name="accident_linked_has_hazard"
            )
        ]


class Victim(Record):
    """A person killed or injured. `code` is the pseudonym used everywhere outside the restricted view."""

    SEX_CHOICES = [("female", N_("Female")), ("male", N_("Male")), ("unknown", N_("Unknown"))]
    AGE_GROUP_CHOICES = [("child", N_("Child (under 18)")), ("adult", N_("Adult")), ("unknown", N_("Unknown"))]
    OUTCOME_CHOICES = [("killed", N_("Killed")), ("injured", N_("Injured"))]
    TYPE_CHOICES = [
        ("civilian", N_("Civilian")),
        ("deminer", N_("Deminer")),
        ("military", N_("Military / security forces")),
        ("unknown", N_("Unknown")),
    ]
    ACTIVITY_CHOICES = ACTIVITY_CHOICES
    INJURY_CHOICES = [
        ("lower_limb_amputation", N_("Lower limb amputation")),
        ("upper_limb_amputation", N_("Upper limb amputation")),
        ("eye", N_("Eye injury or loss of sight")),
        ("hearing", N_("Hearing loss")),
        ("fragment", N_("Fragmentation wounds")),
        ("burns", N_("Burns")),
        ("other", N_("Other")),
    ]

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="victims")
    sex = models.CharField(max_length=8, choices=SEX_CHOICES, default="unknown")
    age_years = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Age at the accident")
    age_group = models.CharField(max_length=8, choices=AGE_GROUP_CHOICES, default="unknown")
    outcome = models.CharField(max_length=8, choices=OUTCOME_CHOICES)
    injuries = models.JSONField(default=list, blank=True, help_text="Injury codes, see INJURY_CHOICES")
    amputation = models.BooleanField(default=False, help_text="Derived from injuries; set by services only")
    victim_type = models.CharField(max_length=10, choices=TYPE_CHOICES, default="unknown")
    activity = models.CharField(max_length=15, choices=ACTIVITY_CHOICES, default="unknown")
    device_tampered = models.CharField(max_length=8, choices=YES_NO_UNKNOWN, default="unknown")
    needs = models.JSONField(default=list, blank=True, help_text="Need codes, see NEED_CHOICES")
    name_enc = models.TextField(blank=True, default="")
    date_of_birth_enc = models.TextField(blank=True, default="")
    address_enc = models.TextField(blank=True, default="")
    medical_notes_enc = models.TextField(blank=True, default="")
    erased_at = models.DateTimeField(null=True, blank=True, help_text="Personal data erased on request")
    history = HistoricalRecords(excluded_fields=[f"{f}_enc" for f in VICTIM_ENCRYPTED])

    class Meta(Record.Meta):
        permissions = [
            ("view_personal_data", "Can see victims' names, dates of birth, addresses and medical notes (audited)"),
            ("export_personal_data", "Can export victims' personal data (audited)"),
            ("change_personal_data", "Can record, rectify and erase victims' personal data (audited)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_years__isnull=True) | Q(age_years__lte=120), name="victim_age_plausible"
            )
        ]


class Assessment(models.Model):
    """Needs assessed for one victim on one day (IMAS 13.10: identify and refer, not a medical record)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    needs = models.JSONField(default=list, help_text="Need codes, see NEED_CHOICES")
    notes_enc = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    is_synthetic = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["notes_enc"])

    class Meta:
        ordering = ["victim", "assessed_on"]


class Referral(models.Model):
    """A referral to a service provider for one need, with its outcome."""

    STATUS_CHOICES = [
        ("referred", N_("Referred")),
        ("in_progress", N_("Receiving the service")),
        ("completed", N_("Service received")),
        ("declined", N_("Declined by the person")),
        ("not_available", N_("Service not available")),
        ("lost", N_("Lost to follow-up")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="referrals")
    need = models.CharField(max_length=15, choices=NEED_CHOICES)
    provider = models.CharField(max_length=200, help_text="Service provider, e.g. a rehabilitation centre")
    referred_on = models.DateField()
    status = models.CharField(max_length=15, choices=STATUS_CHOICES, default="referred")
    outcome_on = models.DateField(null=True, blank=True)
    notes_enc = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="Raised by every change (If-Match)"
    )
    history = HistoricalRecords(excluded_fields=["notes_enc"])

    class Meta:
        ordering = ["victim", "referred_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("referred_on")),
                name="referral_outcome_after_referral",
            )
        ]


class FollowUp(models.Model):
    """A contact after a referral: how the person is doing, whether the service was received."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="follow_ups")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups")
    followed_up_on = models.DateField()
    notes_enc = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    is_synthetic = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["notes_enc"])

    class Meta:
        ordering = ["victim", "followed_up_on"]


class AccessLog(models.Model):
    """Who saw, exported or changed which victim's personal data, when and why. Append-only."""

    ACTION_CHOICES = [
        ("view", N_("Viewed")),
        ("export", N_("Exported")),
        ("record", N_("Recorded")),
        ("rectify", N_("Rectified")),
        ("erase", N_("Erased")),
        ("denied", N_("Refused")),
    ]
    CHANNEL_CHOICES = [("api", N_("API")), ("page", N_("Web page")), ("cli", N_("Command line"))]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, help_text="Kept when the account is removed")
    action = models.CharField(max_length=8, choices=ACTION_CHOICES)
    victim = models.ForeignKey(Victim, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_log")
    victim_code = models.CharField(max_length=40, blank=True)
    purpose = models.TextField(help_text="The purpose the user stated")
    fields = models.JSONField(default=list, blank=True, help_text="Which personal fields (never their values)")
    channel = models.CharField(max_length=5, choices=CHANNEL_CHOICES)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["victim_code", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.victim_code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("access log entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("access log entries are never deleted")
