"""Read-side selections: expiring accreditations, personnel as each role may see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safeground.organisations.models import Accreditation, AnimalAccreditation, Personnel

PERSONAL_PERMISSION = "organisations.see_personal_details"


def expiring(days: int = 30, on: dt.date | None = None, country: str | None = None) -> list[dict]:
    """Organisation and animal accreditations valid on `on` that end within `days` days and have no
    renewal starting by then, soonest first."""
    on = on or dt.date.today()
    end = on + dt.timedelta(days=days)
    rows = []
    orgs = Accreditation.objects.select_related("organisation").filter(
        valid_from__lte=on, valid_until__gte=on, valid_until__lte=end
    )
    if country:
        orgs = orgs.filter(organisation__country=country)
    for a in orgs:
        renewed = Accreditation.objects.filter(
            organisation_id=a.organisation_id,
            method=a.method,
            valid_from__gt=a.valid_from,
            valid_from__lte=a.valid_until + dt.timedelta(days=1),
        ).exists()
        if not renewed:
            rows.append(
                {
                    "kind": "organisation",
                    "code": a.code,
                    "holder": a.organisation.acronym,
                    "organisation": a.organisation.acronym,
                    "method": a.method,
                    "valid_until": a.valid_until,
                    "days_left": (a.valid_until - on).days,
                    "issuing_authority": a.issuing_authority,
                }
            )
    animals = AnimalAccreditation.objects.select_related("asset__team__organisation").filter(
        valid_from__lte=on, valid_until__gte=on, valid_until__lte=end
    )
    if country:
        animals = animals.filter(asset__team__organisation__country=country)
    for aa in animals:
        renewed = AnimalAccreditation.objects.filter(
            asset_id=aa.asset_id, valid_from__gt=aa.valid_from, valid_from__lte=aa.valid_until + dt.timedelta(days=1)
        ).exists()
        if not renewed:
            team = aa.asset.team
            rows.append(
                {
                    "kind": aa.asset.kind,
                    "code": aa.code,
                    "holder": f"{aa.asset.identifier}" + (f" ({aa.asset.name})" if aa.asset.name else ""),
                    "organisation": team.organisation.acronym if team else "",
                    "method": "mdd" if aa.asset.kind == "dog" else "mdr",
                    "valid_until": aa.valid_until,
                    "days_left": (aa.valid_until - on).days,
                    "issuing_authority": aa.issuing_authority,
                }
            )
    return sorted(rows, key=lambda r: (r["valid_until"], r["code"]))


def can_see_personal(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(PERSONAL_PERMISSION)


def person_dict(p: Personnel, personal: bool) -> dict:
    """A person as the viewer may see them: personal fields only with the permission."""
    row: dict[str, Any] = {
        "code": p.code,
        "organisation": p.organisation.acronym,
        "team": p.team.code if p.team else None,
        "role": p.role,
        "nationality": p.nationality,
        "full_name": None,
        "date_of_birth": None,
        "phone": None,
    }
    if personal:
        row.update(full_name=p.full_name, date_of_birth=p.date_of_birth, phone=p.phone or None)
    return row


def certifications(person: Personnel) -> list[dict]:
    return [
        {
            "code": c.code,
            "title": c.title,
            "method": c.method,
            "course_code": c.course_code,
            "issued_by": c.issued_by,
            "issued_on": c.issued_on,
            "valid_until": c.valid_until,
        }
        for c in person.certifications.order_by("issued_on", "code")
    ]
