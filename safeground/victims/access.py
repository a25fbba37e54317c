"""Who may see what of a victim, and the access audit every personal-data operation writes.

Three tiers (safeground.organisations.roles):

* aggregates with small counts suppressed: everyone (statistics, exports of tables);
* pseudonymised victim rows (code, sex, age group, outcome; no name): `victims.view_victim`
  (administrator, IM officer, VA officer); operators and viewers get 403;
* personal data (name, date of birth, address, medical notes): the VA role only, granted through
  the group, never implied by superuser status; each view, export, record, rectification and
  erasure writes an AccessLog entry naming who, when, which record and the stated purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from safeground.core.auth import has_role_permission
from safeground.core.errors import ValidationFailed
from safeground.victims.models import AccessLog

MIN_PURPOSE = 10

VIEW_PERSONAL = "victims.view_personal_data"
EXPORT_PERSONAL = "victims.export_personal_data"
CHANGE_PERSONAL = "victims.change_personal_data"


@dataclass(frozen=True)
class Actor:
    """The person behind a personal-data operation, the channel it came through and why.

    `system` marks the demo generator and data migrations: no person, no audit entry.
    """

    user: object | None
    channel: str
    purpose: str = ""
    system: bool = False

    @classmethod
    def for_system(cls, purpose: str) -> Actor:
        return cls(user=None, channel="cli", purpose=purpose, system=True)

    @property
    def username(self) -> str:
        return self.user.get_username() if self.user is not None else "system"


def can_view_pseudonymised(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("victims.view_victim")


def can_view_personal(user) -> bool:
    return has_role_permission(user, VIEW_PERSONAL)


def require_purpose(purpose: str | None, field: str = "purpose") -> str:
    """The stated purpose, stripped; a 422-style error when it is missing or too short to mean anything."""
    text = (purpose or "").strip()
    if len(text) < MIN_PURPOSE:
        raise ValidationFailed(
            f"{field}: state why you need this personal data (at least {MIN_PURPOSE} characters); got {text!r}",
            field=field,
            reason="purpose required",
        )
    return text


def require(actor: Actor, perm: str, victims=(), action: str = "view") -> None:
    """Refuse (and log the refusal) unless the actor holds `perm` through a role."""
    if actor.system:
        return
    if has_role_permission(actor.user, perm):
        return
    if getattr(actor.user, "is_authenticated", False):
        log(actor, "denied", victims or [None], fields=[action])
    raise PermissionDenied(f"{actor.username} may not {action} victims' personal data ({perm} is not in their role)")


def log(actor: Actor, action: str, victims, fields=()) -> int:
    """One AccessLog row per victim (bulk); none for system actors. Returns the number written."""
    if actor.system:
        return 0
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    rows = [
        AccessLog(
            user=user,
            username=actor.username,
            action=action,
            victim=v,
            victim_code=v.code if v is not None else "",
            purpose=actor.purpose or "",
            fields=list(fields),
            channel=actor.channel,
        )
        for v in victims
    ]
    AccessLog.objects.bulk_create(rows, batch_size=500)
    return len(rows)
