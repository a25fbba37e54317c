"""Quality management (IMAS 07.12): QA visits with checklists (monitoring, IMAS 07.40), non-conformities,
QC sampling of released land (the withdrawn IMAS 09.20's role, kept as a programme option) and the
hand-over of released land (IMAS 08.30)."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record


class ChecklistTemplate(models.Model):
    """A configurable checklist (a programme's monitoring form); its items are asked on every visit using it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=200, blank=True, help_text="The standard it follows, e.g. IMAS 07.40")
    is_default = models.BooleanField(default=False, help_text="Offered first on the visit form")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.key


class ChecklistItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="qm_item_key_per_template")]

    def __str__(self) -> str:
        return f"{self.template.key}/{self.key}"


class Visit(Record):
    """A QA/QC visit to an activity (work under way) or a product (released land)."""

    TYPE_CHOICES = [
        ("accreditation", N_("Accreditation")),
        ("monitoring", N_("Monitoring")),
        ("qc_sampling", N_("Quality control sampling")),
        ("post_clearance", N_("Post-clearance inspection")),
    ]
    visit_type = models.CharField(max_length=20, choices=TYPE_CHOICES)
    country = models.CharField(max_length=3)
    activity = models.ForeignKey(
        "operations.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="qm_visits"
    )
    product = models.ForeignKey(
        "landrelease.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="qm_visits"
    )
    team = models.ForeignKey("organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspecting_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="qm_visits_made"
    )
    inspected_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="qm_visits_received"
    )
    visited_on = models.DateField()
    inspector = models.CharField(max_length=150)
    findings = models.TextField(blank=True)
    template = models.ForeignKey(ChecklistTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-visited_on", "code"]
        indexes = [models.Index(fields=["country", "visited_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False) | Q(product__isnull=False), name="qm_visit_activity_or_product"
            )
        ]


class ChecklistAnswer(models.Model):
    ANSWER_CHOICES = [("yes", N_("Yes")), ("no", N_("No")), ("na", N_("Not applicable"))]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=3, choices=ANSWER_CHOICES)
    remark = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["visit", "item__order"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="qm_one_answer_per_item")]


class NonConformity(Record):
    CATEGORY_CHOICES = [
        ("sop", N_("SOP compliance")),
        ("marking", N_("Marking")),
        ("medical", N_("Medical support")),
        ("supervision", N_("Supervision")),
        ("equipment", N_("Equipment and detector tests")),
        ("documentation", N_("Documentation")),
        ("product", N_("Product quality (released land)")),
        ("other", N_("Other")),
    ]
    SEVERITY_CHOICES = [("critical", N_("Critical")), ("major", N_("Major")), ("minor", N_("Minor"))]
    STATUS_CHOICES = [("open", N_("Open")), ("closed", N_("Closed"))]
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="non_conformities")
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES)
    description = models.TextField()
    corrective_action = models.TextField(blank=True)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="qm_ncs")
    raised_on = models.DateField()
    due_on = models.DateField()
    suspends = models.CharField(
        max_length=10,
        blank=True,
        choices=[("team", N_("The team")), ("method", N_("The organisation's accreditation for a method"))],
        help_text="What a critical non-conformity suspends until it is closed",
    )
    method = models.CharField(max_length=12, blank=True, help_text="The method suspended (suspends=method)")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="open")
    closed_on = models.DateField(null=True, blank=True)
    closure_evidence = models.TextField(blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = "non-conformity"
        verbose_name_plural = "non-conformities"
        ordering = ["-raised_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("raised_on")), name="qm_nc_due_after_raised"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False, closed_on__gte=F("raised_on")),
                name="qm_nc_closed_has_date",
            ),
        ]


class SamplingRule(models.Model):
    """A programme's QC sampling option (its national standard): whether released land is sampled, and the
    acceptance-sampling rule (ISO 2859-1 single sampling: the product is a lot of `unit_m2` units)."""

    #: ISO 2859-1's general inspection levels: II is the usual one; I takes smaller samples, III larger.
    LEVEL_CHOICES = [
        ("I", N_("General level I (smaller samples)")),
        ("II", N_("General level II (the usual)")),
        ("III", N_("General level III (larger samples)")),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=3, unique=True, help_text="The programme (ISO3)")
    enabled = models.BooleanField(default=False)
    unit_m2 = models.FloatField(default=100.0, help_text="Area of one sample unit (m²)")
    inspection_level = models.CharField(max_length=3, choices=LEVEL_CHOICES, default="II")
    acceptance_number = models.PositiveSmallIntegerField(
        default=0, help_text="Units with a device or defect the sample may hold and pass"
    )
    source = models.CharField(max_length=300, blank=True, help_text="The national standard that sets it")
    version = models.PositiveIntegerField(default=1, help_text="raised by every change (If-Match)")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country"]
        constraints = [models.CheckConstraint(condition=Q(unit_m2__gt=0), name="qm_rule_unit_positive")]

    def __str__(self) -> str:
        return self.country


class SamplingPlan(Record):
    """The QC sample of one product: how much to search and how many failures it may hold; then the result."""

    RESULT_CHOICES = [("pending", N_("Pending")), ("pass", N_("Pass")), ("fail", N_("Fail"))]
    product = models.ForeignKey("landrelease.Product", on_delete=models.PROTECT, related_name="qm_sampling_plans")
    country = models.CharField(max_length=3)
    planned_on = models.DateField()
    lot_units = models.PositiveIntegerField()
    sample_units = models.PositiveIntegerField()
    unit_m2 = models.FloatField()
    sample_area_m2 = models.FloatField()
    acceptance_number = models.PositiveSmallIntegerField()
    inspection_level = models.CharField(max_length=3)
    code_letter = models.CharField(max_length=1)
    rule_source = models.CharField(max_length=300, blank=True)
    result = models.CharField(max_length=10, choices=RESULT_CHOICES, default="pending")
    failed_units = models.PositiveIntegerField(null=True, blank=True, help_text="Units with a device or defect")
    searched_m2 = models.FloatField(null=True, blank=True)
    result_on = models.DateField(null=True, blank=True)
    remarks = models.TextField(blank=True)
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="sampling_plans")
    proposal_code = models.CharField(
        max_length=40, blank=True, help_text="The workbench submission reopening the area after a failed sample"
    )
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-planned_on", "code"]


class Handover(Record):
    """Released land handed over to its users (IMAS 08.30): who receives it, when, and the residual risk."""

    country = models.CharField(max_length=3)
    products = models.ManyToManyField("landrelease.Product", related_name="qm_handovers")
    handed_over_on = models.DateField()
    handed_over_by = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="qm_handovers"
    )
    received_by_name = models.CharField(max_length=150)
    received_by_role = models.CharField(max_length=150, help_text="Role or community, e.g. village chief of …")
    community = models.CharField(max_length=200, blank=True)
    residual_risk = models.TextField(help_text="Who carries the residual risk and what the recipient was told")
    witnesses = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords(m2m_fields=[products])

    class Meta(Record.Meta):
        ordering = ["-handed_over_on", "code"]
