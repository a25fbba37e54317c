"""Organisations, their teams and the assets (dogs, rats, machines, detectors) teams use."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    KIND_CHOICES = [
        ("authority", N_("National authority")),
        ("operator", N_("Operator")),
        ("training_centre", N_("Training centre")),
        ("donor", N_("Donor")),
        ("other", N_("Other")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    country = models.CharField(max_length=3, help_text="ISO alpha-3 of the programme it works in")
    is_active = models.BooleanField(
        default=True, help_text="deactivated: kept in the records, not offered for new work"
    )
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="raised by every change (If-Match, core/versions.py)"
    )
    is_synthetic = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "acronym"]

    def __str__(self) -> str:
        return self.acronym


class Team(models.Model):
    KIND_CHOICES = [
        ("manual", N_("Manual")),
        ("mdd", N_("Mine detection dogs (MDD)")),
        ("mdr", N_("Mine detection rats (MDR)")),
        ("mechanical", N_("Mechanical")),
        ("nts", N_("Non-technical survey")),
        ("ts", N_("Technical survey")),
        ("eod", N_("EOD")),
        ("eore", N_("Risk education (EORE)")),
        ("mixed", N_("Mixed")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    size = models.PositiveSmallIntegerField(
        help_text="Number of people", validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="raised by every change (If-Match, core/versions.py)"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Asset(models.Model):
    KIND_CHOICES = [("dog", N_("Dog")), ("rat", N_("Rat")), ("machine", N_("Machine")), ("detector", N_("Detector"))]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    identifier = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="assets")
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="raised by every change (If-Match, core/versions.py)"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier


# --------------------------------------------------------------------------------------------------
# Accreditation (IMAS 07.30), personnel and their certifications
# --------------------------------------------------------------------------------------------------

#: Operational methods an organisation is accredited for (domain-facts §1.6).
ACCREDITATION_METHODS = [
    ("manual", N_("Manual clearance")),
    ("mdd", N_("Mine detection dogs (MDD)")),
    ("mdr", N_("Mine detection rats (MDR)")),
    ("mechanical", N_("Mechanical")),
    ("nts", N_("Non-technical survey")),
    ("ts", N_("Technical survey")),
    ("eod", N_("EOD")),
    ("eore", N_("Risk education (EORE)")),
    ("bac", N_("Battle area clearance (BAC)")),
]


class Accreditation(models.Model):
    """An organisation's accreditation for one operational method, valid on [valid_from, valid_until]."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="accreditations")
    method = models.CharField(max_length=12, choices=ACCREDITATION_METHODS)
    issuing_authority = models.CharField(max_length=100, help_text="Usually the national authority, e.g. CMAA")
    valid_from = models.DateField()
    valid_until = models.DateField()
    conditions = models.TextField(blank=True)
    is_synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="raised by every change (If-Match, core/versions.py)"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "method", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="accreditation_until_after_from")
        ]

    def __str__(self) -> str:
        return self.code


class Personnel(models.Model):
    """A member of staff or a trainee. Personal details (name, birth date, phone) are shown only to
    accounts holding `organisations.see_personal_details`; everyone else sees the code and role."""

    ROLE_CHOICES = [
        ("deminer", N_("Deminer")),
        ("section_leader", N_("Section leader")),
        ("medic", N_("Medic")),
        ("dog_handler", N_("Dog handler")),
        ("rat_handler", N_("Rat handler")),
        ("machine_operator", N_("Machine operator")),
        ("surveyor", N_("Surveyor")),
        ("eod1", N_("EOD technician level 1")),
        ("eod2", N_("EOD technician level 2")),
        ("eod3", N_("EOD technician level 3")),
        ("instructor", N_("Instructor")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True, help_text="Staff number, e.g. CMAC-P-000123")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="personnel")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="personnel")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    # Minimal personal data: only what a programme needs to identify a person and reach them.
    full_name = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    nationality = models.CharField(max_length=3, help_text="ISO alpha-3")
    # The sign-in of this person, when they have one: their qualifications (an EOD certification) then open
    # what is restricted to qualified staff (the library's render-safe procedures).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="personnel"
    )
    is_synthetic = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "personnel"
        permissions = [("see_personal_details", "Can see personnel names, birth dates and phone numbers")]

    def __str__(self) -> str:
        return self.code


class AnimalAccreditation(models.Model):
    """A dog or rat accredited with its handler after passing its tests, valid until a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="accreditations")
    handler = models.ForeignKey(
        Personnel, null=True, blank=True, on_delete=models.SET_NULL, related_name="animal_accreditations"
    )
    tests_passed = models.JSONField(default=list, help_text="Names of the tests passed, e.g. ['blind search']")
    issuing_authority = models.CharField(max_length=100)
    valid_from = models.DateField()
    valid_until = models.DateField()
    is_synthetic = models.BooleanField(default=False)
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text="raised by every change (If-Match, core/versions.py)"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["asset", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="animal_accreditation_until_after_from"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Certification(models.Model):
    """A qualification a person holds (from a course certificate or recorded directly)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40, unique=True)
    person = models.ForeignKey(Personnel, on_delete=models.CASCADE, related_name="certifications")
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=12, choices=ACCREDITATION_METHODS, blank=True)
    course_code = models.CharField(max_length=40, blank=True, help_text="The course that led to it, if any")
    issued_by = models.CharField(max_length=100)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["person", "issued_on"]

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """A user's role in an organisation: an operator's data officer sees and writes for their own
    organisation only (see safeground.organisations.roles). National roles need no membership.

    Moved here from `core` (docs/decisions/0018-layers.md); the table was renamed from core_membership.
    """

    ROLE_CHOICES = [
        ("administrator", N_("Administrator")),
        ("im_officer", N_("Information management officer")),
        ("operator", N_("Operator data officer")),
        ("qa_officer", N_("Quality assurance officer")),
        ("viewer", N_("Viewer")),
        ("va_officer", N_("Victim assistance officer")),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "organisation"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_user_organisation")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.role})"


class Suspension(models.Model):
    """A team, an asset, or an organisation's work with one method, suspended until lifted.

    Written by a higher app (quality management raises one for a critical non-conformity and lifts it
    when the non-conformity is closed) through `organisations.services.suspend`/`lift`; the
    accreditation gate (`accreditation_gaps`) reports every suspension in force on the date it checks,
    naming its `reference`, so nothing here needs to know what a non-conformity is (decision 0030).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="suspensions")
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="suspensions")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="suspensions"
    )
    method = models.CharField(max_length=12, choices=ACCREDITATION_METHODS, blank=True)
    reference = models.CharField(max_length=40, help_text="What suspended it, e.g. a non-conformity's code")
    reason = models.CharField(max_length=300)
    suspended_on = models.DateField()
    lifted_on = models.DateField(null=True, blank=True, help_text="In force on dates before this one")
    lifted_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_synthetic = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-suspended_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(team__isnull=False, asset__isnull=True, organisation__isnull=True, method="")
                    | Q(team__isnull=True, asset__isnull=False, organisation__isnull=True, method="")
                    | (Q(team__isnull=True, asset__isnull=True, organisation__isnull=False) & ~Q(method=""))
                ),
                name="suspension_one_target",
            ),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=F("suspended_on")),
                name="suspension_lifted_after_suspended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.team_id:
            return f"team {self.team.code}"
        if self.asset_id:
            return f"{self.asset.kind} {self.asset.identifier}"
        return f"{self.organisation.acronym} {self.method}"
