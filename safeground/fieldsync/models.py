"""Field-office sync: what a laptop sent (its side) and what the national server received (its side).

One installation may hold both sides (tests do), but in use a field office's laptop holds `LocalOffice`,
`SyncPackage` and `SyncItem`, and the national server holds `FieldOffice`, `SyncImport` and
`ImportedItem`. Nothing here is national data: the server turns each item into a workbench submission,
and only an IM officer's approval writes it (docs/field-sync.md, decision 0036).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record

KIND_CHOICES = [
    ("hazard", N_("Hazard")),
    ("activity", N_("Activity")),
    ("product", N_("Land release product")),
    ("progress", N_("Progress report")),
]
ACTION_CHOICES = [("create", N_("New record")), ("update", N_("Change to a record"))]
#: An item's state as the server last reported it (a receipt), or "sent" until a receipt names it.
ITEM_STATUS_CHOICES = [
    ("sent", N_("Sent, no receipt yet")),
    ("pending", N_("Waiting for review")),
    ("approved", N_("Approved")),
    ("returned", N_("Returned with comments")),
    ("withdrawn", N_("Withdrawn")),
    ("refused", N_("Refused at import")),
]


# --- the laptop's side ---------------------------------------------------------------------------


class LocalOffice(Record):
    """This installation as a field office (one row): its code and organisation, the moment from which
    its records count as its own (the baseline: everything older came with the national seed), and the
    national server's public key that receipts must be signed with."""

    organisation = models.CharField(max_length=20, help_text="Acronym of the office's organisation")
    name = models.CharField(max_length=200, blank=True)
    baseline_at = models.DateTimeField(help_text="Records created or changed after this are the office's to send")
    server_key = models.TextField(blank=True, help_text="The national server's public key (ed25519:…)")
    server_fingerprint = models.CharField(max_length=16, blank=True)
    last_receipt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the newest receipt applied was issued (older ones are ignored)"
    )
    history = HistoricalRecords()


class SyncPackage(Record):
    """One export: the records changed between `since` and `cutoff`, signed with this installation's key."""

    sequence = models.PositiveIntegerField(unique=True)
    package_id = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the package's bytes")
    since = models.DateTimeField()
    cutoff = models.DateTimeField(help_text="The next export starts here")
    counts = models.JSONField(default=dict, help_text="Items by kind and action")
    file_name = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-sequence"]


class SyncItem(models.Model):
    """One record sent in a package, and what the server's receipts say became of it."""

    package = models.ForeignKey(SyncPackage, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=80, unique=True, help_text="OFFICE:SEQUENCE:N, the server's key for it")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    action = models.CharField(max_length=6, choices=ACTION_CHOICES)
    local_code = models.CharField(max_length=40, help_text="The record's code on this installation")
    target_code = models.CharField(max_length=40, blank=True, help_text="For a change: the record on the server")
    version = models.PositiveIntegerField(help_text="The local record's version when sent")
    base_version = models.PositiveIntegerField(null=True, blank=True, help_text="The version the change started from")
    status = models.CharField(max_length=10, choices=ITEM_STATUS_CHOICES, default="sent")
    submission_code = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True, help_text="The reviewer's comment, or why the server refused it")
    national_code = models.CharField(max_length=40, blank=True, help_text="The national record it became")
    national_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The national record's version after the approval (the next change's base)"
    )
    receipt_at = models.DateTimeField(null=True, blank=True, help_text="Issue time of the receipt that said so")
    history = HistoricalRecords()

    class Meta:
        ordering = ["item_id"]
        indexes = [models.Index(fields=["kind", "local_code"])]

    def __str__(self) -> str:
        return self.item_id


# --- the national server's side ------------------------------------------------------------------


class FieldOffice(Record):
    """A field office whose packages this server accepts: its key, and the account its submissions are
    made as (an operator of its organisation, so the workbench's organisation rules apply)."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    public_key = models.TextField(help_text="ed25519:… (core.packages.public_text)")
    fingerprint = models.CharField(max_length=16, unique=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta(Record.Meta):
        permissions = [("manage_fieldsync", "Register field offices, import their packages and make receipts")]


class SyncImport(Record):
    """One package imported (its SHA-256 is unique: importing the same file again does nothing)."""

    office = models.ForeignKey(FieldOffice, on_delete=models.PROTECT, related_name="imports")
    package_id = models.CharField(max_length=64, unique=True)
    sequence = models.PositiveIntegerField()
    signer = models.CharField(max_length=16)
    manifest = models.JSONField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["office", "sequence"], name="fieldsync_import_sequence")]


class ImportedItem(models.Model):
    """One item of an imported package: the submission it became, or why the workbench refused it."""

    sync_import = models.ForeignKey(SyncImport, on_delete=models.CASCADE, related_name="items")
    office = models.ForeignKey(FieldOffice, on_delete=models.PROTECT, related_name="+")
    item_id = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    action = models.CharField(max_length=6, choices=ACTION_CHOICES)
    local_code = models.CharField(max_length=40)
    target_code = models.CharField(max_length=40, blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    submission = models.ForeignKey(
        "workbench.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal = models.TextField(blank=True, help_text="Why the workbench refused it (no submission then)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["item_id"]
        constraints = [models.UniqueConstraint(fields=["office", "item_id"], name="fieldsync_item_once")]

    def __str__(self) -> str:
        return self.item_id
