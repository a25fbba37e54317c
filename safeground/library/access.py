"""Who may read render-safe procedures: EOD-qualified staff, and nobody else.

A user is EOD-qualified when the person linked to their sign-in (`organisations.Personnel.account`)
holds an EOD certification (`Certification.method == "eod"`) valid today: issued on or before today
and not yet expired (`valid_until` empty or today or later). The certification is what grants the
read; its code goes into the audit (`ProcedureRead.qualification`).

No role bypasses this, not even a superuser or the administrator: a render-safe procedure is
operational knowledge for trained hands, so the qualification comes from the training centre's
records, never from an account setting. Roles decide who may *write* procedures (on top of the
qualification) and who may read the audit.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from safeground.organisations.models import Certification


def eod_qualification(user, on: dt.date | None = None) -> Certification | None:
    """The EOD certification that qualifies `user` on `on` (today by default), or None.

    The one with the latest expiry (open-ended first), so the audit names the strongest grant."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    on = on or timezone.localdate()
    return (
        Certification.objects.filter(person__account=user, method="eod", issued_on__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by(F("valid_until").desc(nulls_first=True), "code")
        .first()
    )


def is_eod_qualified(user) -> bool:
    return eod_qualification(user) is not None
