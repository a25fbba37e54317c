"""Single writes of organisations, teams and assets: the CLI (`safeground org|team|asset`), the API and pages.

The same checks as the bulk write (`services.bulk_create_organisation_structure`): Django's field
validation, unique acronyms, codes and identifiers, existing parents; plus the country rule: an
organisation works in a programme, so its country must be a programme profile (`gazetteer.Programme`).
A refused write raises `ValidationFailed` naming the field; nothing is written. Organisations are
deactivated, never deleted: their activities, accreditations and history stay.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from safeground.core import columns, versions
from safeground.core.errors import ValidationFailed
from safeground.gazetteer.models import Programme
from safeground.organisations.models import Asset, Organisation, Team

ORGANISATION_FIELDS = ("name", "kind", "country")


def _check_country(country: Any) -> str:
    code = str(country or "").strip().upper()
    if not Programme.objects.filter(iso3=code).exists():
        known = ", ".join(Programme.objects.order_by("iso3").values_list("iso3", flat=True)) or "none yet"
        raise ValidationFailed(
            f"country {country!r} is not a programme (known: {known}); add it with `safeground programme add`",
            field="country",
            reason="unknown country",
        )
    return code


def _checked_save(obj, what: str, label: str) -> None:
    columns.refuse(columns.instances(type(obj), [obj], what, label), single=True)
    obj.save()


def _organisation(acronym: str) -> Organisation:
    found = Organisation.objects.select_for_update().filter(acronym=acronym).first()
    if found is None:
        raise ValidationFailed(f"no organisation {acronym!r}", field="acronym", reason="not found")
    return found


@transaction.atomic
def create_organisation(acronym: str, name: str, kind: str, country: str) -> Organisation:
    org = Organisation(acronym=(acronym or "").strip(), name=(name or "").strip(), kind=kind)
    org.country = _check_country(country)
    _checked_save(org, "organisation", "acronym")
    return org


@transaction.atomic
def edit_organisation(acronym: str, expected_version: int | None = None, **changes: Any) -> Organisation:
    """Change name, kind, country or `is_active` (others unchanged); refused changes write nothing.

    `is_active=False` deactivates: the organisation stays in the records, it is no longer offered for
    new work. `expected_version`: the version the change was made to (StaleVersion when older)."""
    unknown = sorted(set(changes) - {*ORGANISATION_FIELDS, "is_active"})
    if unknown:
        raise ValidationFailed(f"unknown field {unknown[0]}", field=unknown[0], reason="unknown")
    org = _organisation(acronym)
    if not changes:
        versions.check(org, expected_version, f"organisation {org.acronym}")
        return org
    for name, value in changes.items():
        if name == "is_active":
            org.is_active = bool(value)
        else:
            setattr(org, name, _check_country(value) if name == "country" else str(value).strip())
    columns.refuse(
        [p for p in columns.instances(Organisation, [org], "organisation", "acronym") if p.field != "acronym"],
        single=True,
    )  # its own acronym is taken: by itself
    versions.advance(org, expected_version, f"organisation {org.acronym}")
    org.save()
    return org


def set_organisation_active(acronym: str, active: bool) -> Organisation:
    """Deactivate (or reactivate) an organisation."""
    return edit_organisation(acronym, is_active=active)


@transaction.atomic
def create_team(organisation: str, code: str, kind: str, size: int) -> Team:
    org = _organisation(organisation)
    if not org.is_active:
        raise ValidationFailed(f"{org.acronym} is deactivated", field="organisation", reason="inactive")
    team = Team(organisation=org, code=(code or "").strip(), kind=kind, size=size)
    _checked_save(team, "team", "code")
    return team


@transaction.atomic
def create_asset(kind: str, identifier: str, name: str = "", team: str | None = None) -> Asset:
    found = None
    if team:
        found = Team.objects.filter(code=team).first()
        if found is None:
            raise ValidationFailed(f"no team {team!r}", field="team", reason="not found")
    asset = Asset(kind=kind, identifier=(identifier or "").strip(), name=(name or "").strip(), team=found)
    _checked_save(asset, "asset", "identifier")
    return asset
