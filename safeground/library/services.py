"""Every write of the library app's procedures part: render-safe procedures and the audit of every read.

Reading a procedure is a write too: each attempt, granted or refused, leaves a `ProcedureRead` row
(who, when, which model, through which channel, and the EOD certification that granted it), written
before the refusal is raised so that a refused attempt is never lost.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.library.access import eod_qualification
from safeground.library.models import ProcedureRead, RenderSafeProcedure
from safeground.ordnance.models import OrdnanceModel

CHANNELS = ("page", "api")
WRITE_PERMISSION = "library.change_rendersafeprocedure"


def refusal_message() -> str:
    """Why an account may not read render-safe procedures (the page's and the API's 403)."""
    return _(
        "Render-safe procedures are restricted to EOD-qualified staff: you may not read them without a valid "
        "EOD certification held by the person linked to your sign-in."
    )


def _audit(model: OrdnanceModel, user, *, granted: bool, qualification: str, channel: str, action: str) -> None:
    authenticated = getattr(user, "is_authenticated", False)
    ProcedureRead.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        model=model,
        granted=granted,
        qualification=qualification,
        channel=channel,
        action=action,
    )


def read_procedures(model: OrdnanceModel, user, channel: str) -> list[RenderSafeProcedure]:
    """The model's render-safe procedures for an EOD-qualified `user`; PermissionDenied for anyone else.

    Every call is audited (granted or refused). No role or superuser status bypasses the check
    (safeground/library/access.py)."""
    if channel not in CHANNELS:
        raise ValidationFailed(
            _("channel must be one of %(choices)s, not %(value)r") % {"choices": ", ".join(CHANNELS), "value": channel},
            field="channel",
            reason="choice",
        )
    certification = eod_qualification(user)
    _audit(
        model,
        user,
        granted=certification is not None,
        qualification=certification.code if certification else "",
        channel=channel,
        action="read",
    )
    if certification is None:
        raise PermissionDenied(refusal_message())
    return list(RenderSafeProcedure.objects.filter(model=model).select_related("updated_by").order_by("title"))


def _check_text(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise ValidationFailed(_("a procedure needs a title"), field="title", reason="required")
    if len(title) > 200:
        raise ValidationFailed(
            _("title is %(n)s characters long; at most 200") % {"n": len(title)}, field="title", reason="length"
        )
    if not text:
        raise ValidationFailed(_("a procedure needs its text"), field="text", reason="required")
    return title, text


@transaction.atomic
def _store(
    model: OrdnanceModel, *, title: str, text: str, references: str, user, procedure: RenderSafeProcedure | None,
    expected_version: int | None,
) -> RenderSafeProcedure:  # fmt: skip
    title, text = _check_text(title, text)
    duplicate = RenderSafeProcedure.objects.filter(model=model, title=title)
    if procedure is not None:
        duplicate = duplicate.exclude(pk=procedure.pk)
    if duplicate.exists():
        raise ValidationFailed(
            _("%(model)s already has a procedure titled %(title)r") % {"model": model.name, "title": title},
            field="title",
            reason="unique",
        )
    if procedure is None:
        procedure = RenderSafeProcedure(model=model)
    else:
        versions.lock(procedure, expected_version, _("the procedure %(title)s") % {"title": procedure.title})
    procedure.title, procedure.text, procedure.references = title, text, (references or "").strip()
    procedure.updated_by = user if getattr(user, "is_authenticated", False) else None
    record_author(procedure, procedure.updated_by)
    procedure.save()
    return procedure


def write_procedure(
    model: OrdnanceModel,
    *,
    title: str,
    text: str,
    references: str = "",
    user,
    expected_version: int | None = None,
    procedure: RenderSafeProcedure | None = None,
    channel: str = "api",
) -> RenderSafeProcedure:
    """Add a procedure to `model` (or change `procedure`, refusing a stale `expected_version`).

    The writer must be EOD-qualified *and* hold `library.change_rendersafeprocedure`; every attempt is
    audited (action "write"). Refused: PermissionDenied, nothing written but the audit row."""
    certification = eod_qualification(user)
    allowed = certification is not None and user.has_perm(WRITE_PERMISSION)
    _audit(
        model,
        user,
        granted=allowed,
        qualification=certification.code if certification else "",
        channel=channel,
        action="write",
    )
    if certification is None:
        raise PermissionDenied(refusal_message())
    if not allowed:
        raise PermissionDenied(
            _("changing render-safe procedures needs the permission %(p)s") % {"p": WRITE_PERMISSION}
        )
    if procedure is not None and procedure.model_id != model.pk:
        raise ValidationFailed(_("that procedure belongs to another model"), field="procedure", reason="model")
    return _store(
        model, title=title, text=text, references=references, user=user, procedure=procedure,
        expected_version=expected_version,
    )  # fmt: skip


def load_procedure(model: OrdnanceModel, *, title: str, text: str, references: str = "") -> RenderSafeProcedure:
    """A procedure written by a loader (the demo, a library merge), not by a reader: no account, no audit.

    Never call it for a request; people write through `write_procedure`."""
    existing = RenderSafeProcedure.objects.filter(model=model, title=(title or "").strip()).first()
    return _store(
        model, title=title, text=text, references=references, user=None, procedure=existing, expected_version=None
    )


def delete_synthetic(marker: str) -> int:
    """Remove the procedures whose text carries the demo `marker` (the audit of their reads stays)."""
    n, _by_kind = RenderSafeProcedure.objects.filter(text__contains=marker).delete()
    return n
