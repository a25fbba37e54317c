"""Every workbench write: submit, resubmit, withdraw, approve, return.

Submitting runs the whole approval in a rolled-back transaction first, so an operator hears about
a bad geometry, a missing accreditation or an over-reported area at once, not days later from the
reviewer. Approval applies the payload through the domain services in one transaction; if anything
fails, nothing is applied, the submission stays pending and records why. Review forms carry the
submission's revision: a decision on a submission that changed (or was already decided) is refused.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safeground.attachments import queries as attachment_queries
from safeground.attachments import registry as attachment_registry
from safeground.attachments import services as attachment_services
from safeground.core.contracts import TEXT_MAX
from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.core.history import record_author
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Product
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.workbench import appliers, checks, kinds
from safeground.workbench.models import Submission


def _status(row: Submission) -> str:
    return _(row.get_status_display()).lower()


class ReviewRefused(Exception):
    """A decision that can't be taken (already decided, changed since the form was shown, not allowed)."""


class _DryRun(Exception):
    def __init__(self, code: str):
        self.code = code


def dry_run(kind: str, action: str, payload: dict, user, target: str = "") -> str:
    """Apply the payload and roll it back: raises the ValidationFailed approval would raise."""
    try:
        with transaction.atomic():
            raise _DryRun(appliers.apply(kind, action, payload, user, target).code)
    except _DryRun as done:
        return done.code


def _organisation(kind: str, action: str, payload: dict, user, target: str) -> Organisation | None:
    """The organisation a submission belongs to; an operator may only submit for their own."""
    acronym = None
    if kind == "hazard" and action == "create":
        acronym = payload.get("reporting_organisation")
    elif kind == "hazard":
        hazard = Hazard.objects.filter(code=target).select_related("reporting_organisation").first()
        acronym = hazard.reporting_organisation.acronym if hazard and hazard.reporting_organisation else None
    elif kind == "activity":
        acronym = payload.get("organisation")
    elif kind == "product" and action == "update":
        product = Product.objects.filter(code=target).select_related("activity__organisation").first()
        acronym = product.activity.organisation.acronym if product else None
    elif kind in ("product", "progress"):
        activity = Activity.objects.filter(code=payload.get("activity")).select_related("organisation").first()
        acronym = activity.organisation.acronym if activity else None
    else:  # a registered kind names its organisation in one payload field (kinds.Kind.organisation_field)
        acronym = payload.get(field) if (field := _organisation_field(kind)) else None
    own = list(Organisation.objects.filter(pk__in=organisation_ids(user)))
    if not is_scoped(user):
        return Organisation.objects.filter(acronym=acronym).first() if isinstance(acronym, str) and acronym else None
    field = _organisation_field(kind)
    if acronym is None and field and action == "create" and len(own) == 1:
        payload[field] = own[0].acronym
        return own[0]
    match = next((o for o in own if o.acronym == acronym), None)
    if match is None:
        raise ValidationFailed(
            _("%(user)s submits for %(own)s, not %(other)s")
            % {
                "user": user.get_username(),
                "own": ", ".join(o.acronym for o in own) or _("no organisation"),
                "other": acronym or _("a record without an organisation"),
            },
            field="organisation",
            reason="other_organisation",
        )
    return match


def _organisation_field(kind: str) -> str | None:
    found = kinds.get(kind)
    return found.organisation_field if found is not None else None


#: The kinds whose records the workbench can change, and their models.
UPDATABLE: dict[str, type[Hazard] | type[Product]] = {"hazard": Hazard, "product": Product}


def target_state(kind: str, target: str) -> tuple | None:
    """The (updated_at, version) of the record a change targets now; None when there is none."""
    model = UPDATABLE.get(kind)
    if model is None:
        return None
    return model.objects.filter(code=target).values_list("updated_at", "version").first()


def _target_version(kind: str, action: str, target: str) -> tuple:
    if action != "update":
        return None, None
    if kind not in UPDATABLE:
        raise ValidationFailed(
            _("only hazards and products can be changed through the workbench"), field="kind", reason="choice"
        )
    state = target_state(kind, target)
    if state is None:
        message = _("no hazard %(code)s") if kind == "hazard" else _("no product %(code)s")
        raise ValidationFailed(message % {"code": target}, field="target_code", reason="unknown")
    return state


def _prepare(kind: str, action: str, payload: dict, user, target: str) -> dict:
    if not isinstance(payload, dict):
        raise ValidationFailed("payload must be a JSON object", field="payload")
    if kinds.get(kind) is None:
        raise ValidationFailed(
            _("unknown kind %(kind)s; choose one of %(kinds)s")
            % {"kind": repr(kind), "kinds": ", ".join(kinds.names())},
            field="kind",
            reason="choice",
        )
    payload = dict(payload)
    base, base_version = _target_version(kind, action, target)
    organisation = _organisation(kind, action, payload, user, target)
    dry_run(kind, action, payload, user, target)
    return {
        "payload": payload,
        "organisation": organisation,
        "base_updated_at": base,
        "base_version": base_version,
        "findings": checks.findings(kind, payload, target),
    }


def submit(*, kind: str, payload: dict, user, action: str = "create", target_code: str = "", nonce=None, origin=None):
    """Queue a proposed record for review. Refused (ValidationFailed, nothing queued) when it could not be
    approved as it stands; `nonce` is the page form's one-time token (a replayed form is refused).
    `origin` says where a submission made by another installation came from (a field office's package:
    office, package, item, local_code, base_version), shown to the reviewer with the conflict it implies."""
    if origin is not None and not isinstance(origin, dict):
        raise ValidationFailed("origin must be a JSON object", field="origin")
    prepared = _prepare(kind, action, payload, user, target_code)
    country = prepared["payload"].get("country") or (
        prepared["organisation"].country if prepared["organisation"] else ""
    )
    submission = Submission(
        kind=kind,
        action=action,
        target_code=target_code,
        submitted_by=user,
        country=country or "",
        form_nonce=nonce,
        origin=origin or {},
        **prepared,
    )
    record_author(submission, user)
    try:
        with transaction.atomic():  # numbered inside the write: concurrent submissions never share a code
            submission.code = _next_code(submission)
            submission.save()
    except IntegrityError as exc:
        if nonce and Submission.objects.filter(form_nonce=nonce).exists():
            raise ValidationFailed(_("this form was already submitted"), field="form", reason="replayed") from exc
        raise
    return submission


def _next_code(submission: Submission) -> str:
    from safeground.core.codes import next_code

    prefix = submission.organisation.acronym if submission.organisation else "NAT"
    found = kinds.get(submission.kind)
    return next_code(Submission, f"WB-{prefix}", found.code_part if found else submission.kind.upper()[:3], width=5)


def _locked(submission: Submission, revision: int | None) -> Submission:
    row = Submission.objects.select_for_update().get(pk=submission.pk)
    if revision is not None and row.revision != revision:
        raise ReviewRefused(
            _("%(code)s changed since this form was shown (revision %(now)d, the form had %(then)d): reload it")
            % {"code": row.code, "now": row.revision, "then": revision}
        )
    return row


def resubmit(submission: Submission, *, payload: dict, user, revision: int | None = None) -> Submission:
    """The submitter's corrected version of a returned (or still pending) submission."""
    with transaction.atomic():
        row = _locked(submission, revision)
        if row.submitted_by_id != user.pk:
            raise ReviewRefused(
                _("only %(user)s can change %(code)s") % {"user": row.submitted_by.get_username(), "code": row.code}
            )
        if row.status not in ("pending", "returned"):
            raise ReviewRefused(
                _("%(code)s is %(status)s: it can't be changed") % {"code": row.code, "status": _status(row)}
            )
        prepared = _prepare(row.kind, row.action, payload, user, row.target_code)
        for name, value in prepared.items():
            setattr(row, name, value)
        row.status, row.revision, row.last_error = "pending", row.revision + 1, ""
        row.version += 1  # the record's version (core/versions.py) moves with its revision
        record_author(row, user)
        row.save()
        return row


def withdraw(submission: Submission, *, user, revision: int | None = None) -> Submission:
    with transaction.atomic():
        row = _locked(submission, revision)
        if row.submitted_by_id != user.pk or row.status not in ("pending", "returned"):
            raise ReviewRefused(
                _("%(code)s can't be withdrawn by %(user)s now") % {"code": row.code, "user": user.get_username()}
            )
        row.status, row.revision = "withdrawn", row.revision + 1
        row.version += 1
        record_author(row, user)
        row.save()
        return row


def _check_reviewer(row: Submission, user) -> None:
    if not user.has_perm("workbench.review_submission"):
        raise ReviewRefused(_("%(user)s may not review submissions") % {"user": user.get_username()})
    if row.status != "pending":
        raise ReviewRefused(_("%(code)s is already %(status)s") % {"code": row.code, "status": _status(row)})
    if row.submitted_by_id == user.pk:
        raise ReviewRefused(
            _("%(code)s was submitted by %(user)s: someone else must review it")
            % {"code": row.code, "user": user.get_username()}
        )


def _blocking(row: Submission, override_reason: str) -> list[dict]:
    """The checks run again now (a hazard recorded since counts): must-fix findings refuse the approval
    unless the reviewer gives a reason to override them, which is recorded with the findings it overrode."""
    if len(override_reason) > TEXT_MAX:
        raise ValidationFailed(
            _("the reason is %(n)s characters long; at most %(most)s") % {"n": len(override_reason), "most": TEXT_MAX},
            field="override_reason",
            reason="too_long",
        )
    found = checks.findings(row.kind, row.payload, row.target_code)
    row.findings = found
    blocking = checks.must_fix(found)
    if blocking and not override_reason.strip():
        raise ValidationFailed(
            ngettext(
                "%(n)s must-fix finding: %(list)s. Correct it (return the submission) or give a reason to approve "
                "it anyway.",
                "%(n)s must-fix findings: %(list)s. Correct them (return the submission) or give a reason to approve "
                "it anyway.",
                len(blocking),
            )
            % {"n": len(blocking), "list": "; ".join(f["message"] for f in blocking)},
            field="override_reason",
            reason="must_fix_findings",
        )
    return blocking


def approve(
    submission: Submission, *, user, revision: int | None = None, comment: str = "", override_reason: str = ""
) -> Submission:
    """Apply the submission (one transaction, with history) and mark it approved.

    Must-fix findings refuse it unless `override_reason` says why it is right anyway. On failure
    nothing is applied; the submission stays pending with `last_error` set, and the
    ValidationFailed or ReviewRefused is raised again for the caller to show."""
    try:
        with transaction.atomic():
            row = _locked(submission, revision)
            _check_reviewer(row, user)
            overridden = _blocking(row, override_reason)
            if overridden:
                row.override_reason, row.overridden = override_reason.strip(), overridden
            if row.action == "update":
                _check_unchanged(row)
            try:
                applied = appliers.apply(
                    row.kind, row.action, row.payload, user, row.target_code, expected_version=row.base_version
                )
            except StaleVersion as exc:
                raise ReviewRefused(_stale_message(row)) from exc
            row.result_code = applied.code
            _move_attachments(row, applied)
            row.status, row.revision, row.last_error = "approved", row.revision + 1, ""
            row.version += 1
            row.reviewed_by, row.reviewed_at, row.review_comment = user, timezone.now(), comment
            record_author(row, user)
            row.save()
            return row
    except ValidationFailed as exc:
        Submission.objects.filter(pk=submission.pk, status="pending").update(last_error=str(exc))
        raise


PART = re.compile(r"^([a-z_]+)\[(\d+)\]")


def _move_attachments(row: Submission, applied: appliers.Applied) -> None:
    """The submission's photos and documents go where approval put what they show: "" to the record,
    "devices[i]"/"evidence[i]" to the i-th created device/evidence (as the applier reported it), any
    other part to the record. Kept on the submission when the applier did not say what it wrote."""
    if applied.record is None or attachment_registry.entry(applied.record) is None:
        return  # nothing attachable was written (an activity, a progress report): they stay here
    for path in sorted(set(attachment_queries.of(row).values_list("path", flat=True))):
        target = applied.record
        match = PART.match(path)
        if match:
            parts = applied.parts.get(match.group(1)) or []
            index = int(match.group(2))
            if index < len(parts) and attachment_registry.entry(parts[index]) is not None:
                target = parts[index]
        attachment_services.move(row, target, path=path)


def _stale_message(row: Submission) -> str:
    return _("%(target)s was changed after %(code)s was submitted: return it to be redone") % {
        "target": row.target_code,
        "code": row.code,
    }


def _check_unchanged(row: Submission) -> None:
    """A change applies only to the record as it was when submitted (its updated_at, and its version
    where the submission recorded one); otherwise it must be returned and redone."""
    state = target_state(row.kind, row.target_code)
    if state is None or state[0] != row.base_updated_at:
        raise ReviewRefused(_stale_message(row))
    if row.base_version is not None and state[1] != row.base_version:
        raise ReviewRefused(_stale_message(row))


def return_for_changes(submission: Submission, *, user, comment: str, revision: int | None = None) -> Submission:
    """Send it back to the submitter with the reviewer's comments (required)."""
    if not comment.strip():
        raise ValidationFailed(_("say what needs changing: a comment is required"), field="comment", reason="required")
    with transaction.atomic():
        row = _locked(submission, revision)
        _check_reviewer(row, user)
        row.status, row.revision = "returned", row.revision + 1
        row.version += 1
        row.reviewed_by, row.reviewed_at, row.review_comment = user, timezone.now(), comment.strip()
        record_author(row, user)
        row.save()
        return row


def mark_synthetic(submissions: list[Submission]) -> int:
    """Flag demo submissions as synthetic (made through `submit`, so checked like any other), so the demo's
    rebuild can find and remove them. One set-based UPDATE; the flag is bookkeeping, not a review step."""
    return Submission.objects.filter(pk__in=[s.pk for s in submissions]).update(is_synthetic=True)


def delete_synthetic() -> int:
    """Remove the demo's synthetic submissions and their history (the only hard delete of submissions;
    `is_synthetic` rows only, which never came from anyone real)."""
    n = Submission.objects.filter(is_synthetic=True).delete()[0]
    history = Submission.history.filter(is_synthetic=True)
    history._raw_delete(history.db)
    return n
