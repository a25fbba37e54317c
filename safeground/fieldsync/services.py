"""Every field-sync write, on both sides.

The laptop: `init_office` sets its identity and baseline, `export_package` writes the signed package of
what changed since the last sync and records what it sent, `trust_server` and `apply_receipt` read back
what became of it. The national server: `add_office` registers an office's key and account,
`import_package` turns a verified package into workbench submissions (never national data), and
`make_receipt` signs the state of everything an office has sent. Decision 0036 says why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import packages
from safeground.core.contracts import check_code
from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.core.history import record_author
from safeground.fieldsync import payloads
from safeground.fieldsync.models import (
    ITEM_STATUS_CHOICES,
    FieldOffice,
    ImportedItem,
    LocalOffice,
    SyncImport,
    SyncItem,
    SyncPackage,
)
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Product
from safeground.operations.models import Activity, ProgressReport
from safeground.organisations.models import Organisation
from safeground.workbench import services as workbench
from safeground.workbench.models import Submission

PACKAGE_KIND = "safeground-fieldsync"
RECEIPT_KIND = "safeground-fieldsync-receipt"
ITEMS = "items.json"
#: The kinds whose changes are sent: those the workbench applies changes to.
MODELS = workbench.UPDATABLE
#: Every kind sent, in the order of their references.
SENT: dict[str, Any] = {"hazard": Hazard, "activity": Activity, "product": Product, "progress": ProgressReport}


def _key(key):
    try:
        return key if key is not None else packages.own_key()
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="key", reason="missing") from exc


def read_key_text(value: str) -> str:
    """A public key given as its one line (`ed25519:…`), a PEM, or a file holding either: its one line."""
    text = (value or "").strip()
    if text and not text.startswith((packages.PUBLIC_PREFIX, "-----BEGIN")) and "\n" not in text:
        path = Path(text)
        if path.is_file():
            text = path.read_text(encoding="utf-8").strip()
    try:
        return packages.public_text(packages.read_public(text))
    except ValueError as exc:
        raise ValidationFailed(_("not a public key: %(error)s") % {"error": exc}, field="key", reason="format") from exc


# ================================================================================================
# The laptop
# ================================================================================================


def local_office() -> LocalOffice:
    office = LocalOffice.objects.first()
    if office is None:
        raise ValidationFailed(
            _(
                "this installation is not a field office yet: "
                "run `safeground sync init --office CODE --organisation ACRONYM`"
            ),
            field="office",
            reason="missing",
        )
    return office


@transaction.atomic
def init_office(*, code: str, organisation: str, name: str = "", user=None, at: dt.datetime | None = None):
    """Make this installation field office `code` of `organisation`: records created or changed from now
    on (or `at`) are its own to send; everything older came with the national seed."""
    check_code(code)
    if not code:
        raise ValidationFailed(_("give the office's code"), field="code", reason="required")
    existing = LocalOffice.objects.first()
    if existing is not None:
        raise ValidationFailed(
            _("this installation is already field office %(code)s (since %(at)s)")
            % {"code": existing.code, "at": existing.baseline_at.isoformat()},
            field="code",
            reason="exists",
        )
    if not Organisation.objects.filter(acronym=organisation).exists():
        raise ValidationFailed(
            _("no organisation %(code)s") % {"code": repr(organisation)}, field="organisation", reason="unknown"
        )
    office = LocalOffice(code=code, organisation=organisation, name=name, baseline_at=at or timezone.now())
    record_author(office, user)
    office.save()
    return office


@transaction.atomic
def trust_server(key: str, *, user=None) -> LocalOffice:
    """Register the national server's public key: receipts must be signed with it."""
    office = local_office()
    office.server_key = read_key_text(key)
    office.server_fingerprint = packages.fingerprint(packages.read_public(office.server_key))
    office.version += 1
    record_author(office, user)
    office.save()
    return office


def _history_at(record, moment):
    return record.history.filter(history_date__lte=moment).order_by("-history_date").first()


def _version_at(record, moment) -> int:
    """The record's version at `moment`: from its history, or (bulk-seeded, changed here only since) the
    version before its first recorded change."""
    before = _history_at(record, moment)
    if before is not None:
        return before.version
    first = record.history.filter(history_date__gt=moment).order_by("history_date").first()
    return max(1, first.version - 1) if first is not None else record.version


def _approved(kind: str) -> dict[str, SyncItem]:
    """The latest approved item per local code: what the server made of the records sent before."""
    rows = SyncItem.objects.filter(kind=kind, status="approved").exclude(national_code="").order_by("receipt_at")
    return {row.local_code: row for row in rows}


@dataclass
class Collected:
    items: list[dict] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # local codes waiting for a record they depend on
    unsent: list[str] = field(default_factory=list)  # changed records the workbench takes no change to


def _change(kind: str, record, since, office: LocalOffice, approved: dict[str, SyncItem]) -> dict:
    """The change item for a record the server knows (seeded, or created here and approved)."""
    earlier = approved.get(record.code)  # created here and approved: the change targets the national record
    local = record.created_at > office.baseline_at
    target = earlier.national_code if local and earlier is not None else record.code
    base: int | None
    if earlier is not None and earlier.national_version:
        base = earlier.national_version  # the server's version after it applied this office's last change
    else:
        base = None if local else _version_at(record, office.baseline_at)
    before = _history_at(record, since)
    payload = payloads.hazard_update(record, before) if kind == "hazard" else payloads.product_update(record, before)
    return {"target_code": target, "base_version": base, "payload": payload}


class _Held(Exception):
    """A record refers to one created here that the server has not approved yet: it waits for it."""


def _national(record, office: LocalOffice, approved: dict[str, SyncItem]) -> str:
    """The code the server knows a referenced record by: its own for a seeded record, the national code
    for one created here and approved; _Held otherwise (a local code may name another record there)."""
    if record.created_at <= office.baseline_at:
        return record.code
    if record.code in approved:
        return approved[record.code].national_code
    raise _Held(record.code)


def _create_payload(kind: str, record, office: LocalOffice, approved: dict[str, dict[str, SyncItem]]) -> dict:
    def ref(other, what: str):
        return None if other is None else _national(other, office, approved[what])

    if kind == "hazard":
        return payloads.hazard_create(record)
    if kind == "activity":
        return payloads.activity_create(record, [ref(h, "hazard") for h in record.hazards.order_by("code")])
    if kind == "product":
        return payloads.product_create(record, ref(record.activity, "activity"), ref(record.hazard, "hazard"))
    return payloads.progress_create(record, ref(record.activity, "activity"), ref(record.hazard, "hazard"))


def _collect(office: LocalOffice, since, cutoff) -> Collected:
    """Hazards, activities, products, progress reports (in that order: what a record refers to comes first)."""
    out = Collected()
    approved = {kind: _approved(kind) for kind in SENT}
    for kind, model in SENT.items():
        # Changed since the last cut-off, or created here and never sent (held back before, waiting for the
        # record it refers to): each goes in once it can.
        sent = SyncItem.objects.filter(kind=kind).values_list("local_code", flat=True)
        never_sent = Q(created_at__gt=office.baseline_at, created_at__lte=cutoff) & ~Q(code__in=sent)
        window = Q(updated_at__gt=since, updated_at__lte=cutoff)
        rows = model.objects.filter(window | never_sent).order_by("created_at", "code")
        for record in rows:
            local = record.created_at > office.baseline_at
            item: dict = {"kind": kind, "local_code": record.code, "version": record.version}
            if local and record.code not in approved[kind]:
                item.update(action="create", target_code="", base_version=None)
                try:
                    item["payload"] = _create_payload(kind, record, office, approved)
                except _Held:
                    out.held.append(record.code)
                    continue
            elif kind in MODELS:
                item.update(action="update", **_change(kind, record, since, office, approved[kind]))
                if not item["payload"]:
                    continue
            else:  # the workbench takes no changes to activities or progress reports
                out.unsent.append(record.code)
                continue
            out.items.append(item)
    return out


def export_package(path: Path, *, key=None, user=None) -> SyncPackage | None:
    """Write the signed package of the records created or changed here since the last sync (the first:
    since the baseline) to `path`, and record what was sent. None (nothing written) when nothing changed."""
    key = _key(key)
    office = local_office()
    with transaction.atomic():
        last = SyncPackage.objects.select_for_update().order_by("-sequence").first()
        since = last.cutoff if last is not None else office.baseline_at
        cutoff = timezone.now()
        collected = _collect(office, since, cutoff)
        if not collected.items:
            return None
        sequence = (last.sequence if last is not None else 0) + 1
        counts: dict[str, int] = {}
        for n, item in enumerate(collected.items, start=1):
            item["item"] = f"{office.code}:{sequence}:{n}"
            name = f"{item['kind']}_{item['action']}"
            counts[name] = counts.get(name, 0) + 1
        manifest = {
            "kind": PACKAGE_KIND,
            "office": office.code,
            "organisation": office.organisation,
            "sequence": sequence,
            "since": since.isoformat(),
            "cutoff": cutoff.isoformat(),
            "created_at": timezone.now().isoformat(),
            "counts": counts,
            "held_back": collected.held,
            "not_sent": collected.unsent,
        }
        body = json.dumps(collected.items, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        data = packages.build(manifest, {ITEMS: body}, key)
        package = SyncPackage(
            code=f"{office.code}-SYNC-{sequence:05d}",
            sequence=sequence,
            package_id=packages.package_id(data),
            since=since,
            cutoff=cutoff,
            counts={**counts, "held_back": len(collected.held), "not_sent": len(collected.unsent)},
            file_name=Path(path).name,
        )
        record_author(package, user)
        package.save()
        SyncItem.objects.bulk_create(
            [
                SyncItem(
                    package=package,
                    item_id=item["item"],
                    kind=item["kind"],
                    action=item["action"],
                    local_code=item["local_code"],
                    target_code=item["target_code"],
                    version=item["version"],
                    base_version=item["base_version"],
                )
                for item in collected.items
            ]
        )
        partial = Path(path).with_name(Path(path).name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return package


@dataclass
class ReceiptResult:
    status: str  # applied, already, older
    changed: int = 0
    unknown: list[str] = field(default_factory=list)
    issued_at: str = ""

    @property
    def message(self) -> str:
        if self.status == "already":
            return _("this receipt (issued %(at)s) was already applied: nothing changed") % {"at": self.issued_at}
        if self.status == "older":
            return _("this receipt (issued %(at)s) is older than one already applied: ignored") % {"at": self.issued_at}
        return _("receipt issued %(at)s applied: %(n)s items changed") % {"at": self.issued_at, "n": self.changed}


def _refuse(exc: packages.PackageRefused, field_name: str = "package") -> ValidationFailed:
    return ValidationFailed(_("refused: %(reason)s") % {"reason": exc}, field=field_name, reason="refused")


def _instant(value, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed(_("%(what)s is not a time") % {"what": what}, field=what, reason="format") from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def apply_receipt(data: bytes, *, user=None) -> ReceiptResult:
    """Verify a receipt with the trusted server key and record each item's status. Applying the same
    receipt again changes nothing; a receipt older than the newest applied is ignored."""
    office = local_office()
    if not office.server_key:
        raise ValidationFailed(
            _("no server key trusted yet: run `safeground sync trust-server --key FILE`"), field="key", reason="missing"
        )
    trusted = {office.server_fingerprint: packages.read_public(office.server_key)}
    try:
        package = packages.verify(data, trusted, kind=RECEIPT_KIND)
        rows = package.json(ITEMS)
    except packages.PackageRefused as exc:
        raise _refuse(exc, "receipt") from exc
    except (KeyError, ValueError) as exc:
        raise ValidationFailed(_("the receipt has no readable items"), field="receipt", reason="format") from exc
    statuses = {key for key, _label in ITEM_STATUS_CHOICES}
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and isinstance(r.get("item"), str) and r.get("status") in statuses for r in rows
    ):
        raise ValidationFailed(_("the receipt has no readable items"), field="receipt", reason="format")
    if package.manifest.get("office") != office.code:
        raise ValidationFailed(
            _("this receipt is for office %(other)s, not %(code)s")
            % {"other": package.manifest.get("office"), "code": office.code},
            field="receipt",
            reason="other_office",
        )
    issued = _instant(package.manifest.get("issued_at"), "issued_at")
    result = ReceiptResult(status="applied", issued_at=issued.isoformat())
    with transaction.atomic():
        office = LocalOffice.objects.select_for_update().get(pk=office.pk)
        if office.last_receipt_at is not None and issued <= office.last_receipt_at:
            result.status = "already" if issued == office.last_receipt_at else "older"
            return result
        items = {
            i.item_id: i for i in SyncItem.objects.select_for_update().filter(item_id__in=[r["item"] for r in rows])
        }
        for row in rows:
            item = items.get(row["item"])
            if item is None:
                result.unknown.append(row["item"])
                continue
            new = {
                "status": row["status"],
                "submission_code": str(row.get("submission") or "")[:40],
                "comment": str(row.get("comment") or ""),
                "national_code": str(row.get("national_code") or "")[:40],
                "national_version": version if isinstance(version := row.get("national_version"), int) else None,
            }
            if any(getattr(item, k) != v for k, v in new.items()):
                for k, v in new.items():
                    setattr(item, k, v)
                item.receipt_at = issued
                item.save()
                result.changed += 1
        office.last_receipt_at = issued
        office.version += 1
        record_author(office, user)
        office.save()
    return result


# ================================================================================================
# The national server
# ================================================================================================


@transaction.atomic
def add_office(*, code: str, name: str, organisation: str, key: str, account: str, user=None) -> FieldOffice:
    """Register a field office: packages signed with `key` are accepted from it, and its items are
    submitted to the workbench as `account` (an operator of `organisation`)."""
    check_code(code)
    if not code:
        raise ValidationFailed(_("give the office's code"), field="code", reason="required")
    if FieldOffice.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("office %(code)s is already registered") % {"code": code}, field="code", reason="exists"
        )
    org = Organisation.objects.filter(acronym=organisation).first()
    if org is None:
        raise ValidationFailed(
            _("no organisation %(code)s") % {"code": repr(organisation)}, field="organisation", reason="unknown"
        )
    person = get_user_model().objects.filter(username=account, is_active=True).first()
    if person is None:
        raise ValidationFailed(
            _("no active account %(name)s") % {"name": repr(account)}, field="account", reason="unknown"
        )
    if not person.has_perm("workbench.add_submission"):
        raise ValidationFailed(
            _("%(name)s may not submit to the workbench") % {"name": account}, field="account", reason="permission"
        )
    line = read_key_text(key)
    fingerprint = packages.fingerprint(packages.read_public(line))
    taken = FieldOffice.objects.filter(fingerprint=fingerprint).first()
    if taken is not None:
        raise ValidationFailed(
            _("this key is already office %(code)s's") % {"code": taken.code}, field="key", reason="exists"
        )
    office = FieldOffice(
        code=code, name=name or code, organisation=org, public_key=line, fingerprint=fingerprint, account=person
    )
    record_author(office, user)
    office.save()
    return office


@dataclass
class ImportResult:
    sync_import: SyncImport
    created: bool

    @property
    def message(self) -> str:
        row = self.sync_import
        if not self.created:
            return _("package %(package)s from %(office)s was already imported as %(code)s on %(at)s: nothing done") % {
                "package": row.package_id[:12],
                "office": row.office.code,
                "code": row.code,
                "at": row.created_at.strftime("%Y-%m-%d %H:%M"),
            }
        return _("%(code)s: %(submitted)s submitted to the workbench, %(refused)s refused") % {
            "code": row.code,
            "submitted": row.submitted,
            "refused": row.refused,
        }


def _verified(data: bytes) -> tuple[packages.Package, FieldOffice]:
    offices = {o.fingerprint: o for o in FieldOffice.objects.select_related("account", "organisation")}
    trusted = {fp: packages.read_public(o.public_key) for fp, o in offices.items()}
    try:
        package = packages.verify(data, trusted, kind=PACKAGE_KIND)
        rows = package.json(ITEMS)
    except packages.PackageRefused as exc:
        raise _refuse(exc) from exc
    except (KeyError, ValueError) as exc:
        raise ValidationFailed(_("the package has no readable items"), field="package", reason="format") from exc
    office = offices[package.signer]
    if package.manifest.get("office") != office.code:
        raise ValidationFailed(
            _("signed with office %(code)s's key, but says it comes from %(other)s")
            % {"code": office.code, "other": package.manifest.get("office")},
            field="package",
            reason="other_office",
        )
    if not isinstance(rows, list) or not isinstance(package.manifest.get("sequence"), int):
        raise ValidationFailed(_("the package has no readable items"), field="package", reason="format")
    return package, office


def _submit_item(row: dict, office: FieldOffice, package_id: str) -> tuple[Submission | None, str]:
    origin = {
        "office": office.code,
        "package": package_id,
        "item": row.get("item"),
        "local_code": row.get("local_code"),
        "base_version": row.get("base_version"),
        "version": row.get("version"),
    }
    try:
        with transaction.atomic():
            submission = workbench.submit(
                kind=str(row.get("kind")),
                action=str(row.get("action")),
                target_code=str(row.get("target_code") or ""),
                payload=row.get("payload"),  # type: ignore[arg-type]  # submit refuses a non-object
                user=office.account,
                origin=origin,
            )
        return submission, ""
    except (ValidationFailed, StaleVersion, workbench.ReviewRefused) as exc:
        return None, str(exc)


def import_package(data: bytes, *, user=None) -> ImportResult:
    """Verify the package against the registered offices' keys (refused, nothing written, naming the
    reason) and submit each item to the workbench as the office's account. An item the workbench refuses
    is recorded with its reason; the others still go in. The same package again does nothing."""
    package, office = _verified(data)
    package_id = packages.package_id(data)
    done = SyncImport.objects.filter(package_id=package_id).select_related("office").first()
    if done is not None:
        return ImportResult(done, created=False)
    sequence = package.manifest["sequence"]
    try:
        with transaction.atomic():
            # Written first: a second importer of the same package waits on this row's unique key, then fails.
            row = SyncImport(
                code=f"{office.code}-IMP-{sequence:05d}",
                office=office,
                package_id=package_id,
                sequence=sequence,
                signer=package.signer,
                manifest=package.manifest,
                imported_by=user,
            )
            record_author(row, user)
            row.save()
            items = []
            for entry in package.json(ITEMS):
                entry = entry if isinstance(entry, dict) else {}
                submission, refusal = _submit_item(entry, office, package_id)
                items.append(
                    ImportedItem(
                        sync_import=row,
                        office=office,
                        item_id=str(entry.get("item", ""))[:80],
                        kind=str(entry.get("kind", ""))[:10],
                        action=str(entry.get("action", ""))[:6],
                        local_code=str(entry.get("local_code", ""))[:40],
                        target_code=str(entry.get("target_code") or "")[:40],
                        base_version=entry.get("base_version") if isinstance(entry.get("base_version"), int) else None,
                        submission=submission,
                        refusal=refusal,
                    )
                )
            ImportedItem.objects.bulk_create(items)
            row.submitted = sum(1 for i in items if i.submission is not None)
            row.refused = len(items) - row.submitted
            row.save(update_fields=["submitted", "refused"])
    except IntegrityError as exc:
        done = SyncImport.objects.filter(package_id=package_id).select_related("office").first()
        if done is not None:
            return ImportResult(done, created=False)
        raise ValidationFailed(
            _("package %(n)s from %(office)s was already imported from a different file: export again on the laptop")
            % {"n": sequence, "office": office.code},
            field="package",
            reason="sequence_taken",
        ) from exc
    return ImportResult(row, created=True)


def _receipt_row(item: ImportedItem, versions: dict[tuple[str, str], int]) -> dict:
    s = item.submission
    row: dict = {"item": item.item_id, "local_code": item.local_code, "package": item.sync_import.package_id}
    if s is None:
        return {**row, "status": "refused", "comment": item.refusal}
    row.update(status=s.status, submission=s.code, comment=s.review_comment)
    if s.status == "approved" and s.result_code:
        row["national_code"] = s.result_code
        if s.kind in MODELS:
            row["national_version"] = versions.get((s.kind, s.result_code))
    return row


def _national_versions(items: list[ImportedItem]) -> dict[tuple[str, str], int]:
    """The current version of every national record the items' approvals made or changed: one query
    per kind."""
    codes: dict[str, set[str]] = {}
    for i in items:
        s = i.submission
        if s is not None and s.status == "approved" and s.result_code and s.kind in MODELS:
            codes.setdefault(s.kind, set()).add(s.result_code)
    return {
        (kind, code): version
        for kind, wanted in codes.items()
        for code, version in MODELS[kind].objects.filter(code__in=wanted).values_list("code", "version")
    }


def make_receipt(office_code: str, path: Path, *, key=None) -> dict:
    """Write the signed receipt of every item `office_code` has sent, with its current status; its manifest."""
    key = _key(key)
    office = FieldOffice.objects.filter(code=office_code).first()
    if office is None:
        raise ValidationFailed(
            _("no field office %(code)s") % {"code": repr(office_code)}, field="office", reason="unknown"
        )
    items = list(
        ImportedItem.objects.filter(office=office).select_related("submission", "sync_import").order_by("item_id")
    )
    versions = _national_versions(items)
    rows = [_receipt_row(i, versions) for i in items]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    manifest = {
        "kind": RECEIPT_KIND,
        "office": office.code,
        "issued_at": timezone.now().isoformat(),
        "counts": counts,
    }
    body = json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    packages.write(Path(path), manifest, {ITEMS: body}, key)
    return manifest
