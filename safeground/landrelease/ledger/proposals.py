"""Confirming a status proposal: a person's decision, applied through the hazard services (with history)."""

from django.db import transaction

from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.landrelease.ledger import queries as ledger_queries


@transaction.atomic
def confirm(code: str, *, tolerance_m2: float = 1.0, user=None) -> list[dict]:
    """Apply the current proposals for one hazard; a ValueError when there are none."""
    found = [p for p in ledger_queries.proposals(tolerance_m2) if p["code"] == code]
    if not found:
        if not Hazard.objects.filter(code=code).exists():
            raise ValueError(f"no hazard with code {code!r}")
        raise ValueError(f"nothing to confirm for {code}: no proposal applies to it now")
    hazard = Hazard.objects.select_for_update().get(code=code)
    hazard_services.update_hazard(hazard, user=user, **{p["change"]: p["to"] for p in found})
    return found
