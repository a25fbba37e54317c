"""The library's demo: the `eod-officer` sign-in linked to a synthetic EOD-certified person, and a few
render-safe procedures, every one marked as demo text (never an operational procedure)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from safeground.library import services
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations import services as organisation_services
from safeground.organisations.models import Certification, Personnel

#: Every demo procedure starts with it (and `delete_synthetic` finds them by it).
MARKER = "Demo text — not an operational procedure."
ACCOUNT = "eod-officer"

PROCEDURES = {
    "PMN-2": [
        (
            "Demo: approach and marking",
            "Confirm the identification against the library record and photographs.\n"
            "Mark the item and the safe lane; keep the cordon distance set by the SOP.",
        ),
        (
            "Demo: destruction in situ",
            "Prepare a single-item demolition charge as the SOP states; never lift or move the item.\n"
            "Check the result after the waiting time and record it.",
        ),
    ],
    "PMN": [("Demo: destruction in situ", "Do not touch the pressure cover. Destroy in situ as the SOP states.")],
    "Type 72A": [("Demo: destruction in situ", "Low metal: confirm with a second detector pass. Destroy in situ.")],
}


def _qualified_person(on) -> Personnel | None:
    """A synthetic person holding an EOD certification valid on `on`, the most senior first."""
    cert = (
        Certification.objects.filter(is_synthetic=True, method="eod", issued_on__lte=on, person__is_synthetic=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("person")
        .order_by("-person__role", "person__code")
        .first()
    )
    return cert.person if cert else None


def build(accounts: dict, report=lambda message: None) -> int:
    """Link the eod-officer account to an EOD-qualified demo person; write the demo procedures."""
    user = accounts.get(ACCOUNT)
    person = _qualified_person(timezone.localdate())
    if user is not None and person is not None:
        current = Personnel.objects.filter(account=user).first()
        if current is not None and current.pk != person.pk:
            organisation_services.unlink_account(current, reason="demo")
        if person.account_id not in (None, user.pk):
            organisation_services.unlink_account(person, reason="demo")
        if person.account_id is None:
            organisation_services.link_account(person, user, reason="demo")
        report(f"{ACCOUNT} is {person.code} (EOD-certified)")
    elif user is not None:
        report(f"no EOD-certified demo person: {ACCOUNT} reads no procedure")
    written = 0
    for name, items in PROCEDURES.items():
        model = OrdnanceModel.objects.filter(name=name).first()
        if model is None:
            continue
        for title, text in items:
            services.load_procedure(model, title=title, text=f"{MARKER}\n\n{text}", references="Demo: none")
            written += 1
    report(f"{written} demo render-safe procedures")
    return written


def delete_synthetic() -> int:
    return services.delete_synthetic(MARKER)
