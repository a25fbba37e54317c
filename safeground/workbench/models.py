"""The review queue: what operators submit waits here until an IM officer approves or returns it.

A submission holds the proposed record as the API's JSON payload; nothing reaches the domain tables
(and so the national figures) until approval applies it through the same services as the API.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record


class Submission(Record):
    KIND_CHOICES = [
        ("hazard", N_("Hazard")),
        ("activity", N_("Activity")),
        ("product", N_("Land release product with its devices")),
        ("progress", N_("Progress report")),
        # Field forms' kinds (decision 0039); every kind is registered in workbench/kinds.py with these labels.
        ("eod", N_("EOD spot task")),
        ("eore", N_("Risk education (EORE)")),
        ("accident", N_("Accident")),
        ("qa_visit", N_("QA visit")),
    ]
    ACTION_CHOICES = [("create", N_("New record")), ("update", N_("Change to a record"))]
    STATUS_CHOICES = [
        ("pending", N_("Waiting for review")),
        ("approved", N_("Approved")),
        ("returned", N_("Returned with comments")),
        ("withdrawn", N_("Withdrawn")),
    ]
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    action = models.CharField(max_length=6, choices=ACTION_CHOICES, default="create")
    target_code = models.CharField(max_length=40, blank=True, help_text="The record an update changes")
    payload = models.JSONField(help_text="The proposed record, shaped like the API's input")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    country = models.CharField(max_length=3, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="pending")
    revision = models.PositiveIntegerField(default=1, help_text="Bumped by every change; review forms carry it")
    findings = models.JSONField(default=list, help_text="The automatic checks' findings at submission")
    base_updated_at = models.DateTimeField(null=True, blank=True, help_text="The target's updated_at when submitted")
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The target's version when submitted (a change applies to it only)"
    )
    origin = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where it came from when not typed here: a field office's package (office, package, item, "
        "local_code, base_version: the version the office's change started from)",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    last_error = models.TextField(blank=True, help_text="Why the last approval attempt failed (nothing applied)")
    override_reason = models.TextField(
        blank=True, help_text="Why the reviewer approved it despite must-fix findings (required to do so)"
    )
    overridden = models.JSONField(default=list, blank=True, help_text="The must-fix findings the approval overrode")
    result_code = models.CharField(max_length=40, blank=True, help_text="The record the approval created or changed")
    form_nonce = models.CharField(
        max_length=64, null=True, blank=True, unique=True, help_text="One-time token of the page form that sent it"
    )
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-created_at"]
        permissions = [("review_submission", "Approve or return workbench submissions")]
        indexes = [models.Index(fields=["status", "organisation"])]
