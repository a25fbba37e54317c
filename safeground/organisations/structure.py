"""Single writes of organisations, teams, assets and people: the CLI (`safeground org|team|asset|person`),
the API and pages.

The same checks as the bulk write (`services.bulk_create_organisation_structure`): Django's field
validation, unique acronyms, codes and identifiers, existing parents; plus the country rule: an
organisation works in a programme, so its country must be a programme profile (`gazetteer.Programme`).
A refused write raises `ValidationFailed` naming the field; nothing is written. Organisations are
deactivated, never deleted: their activities, accreditations and history stay.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safeground.core import columns, versions
from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.gazetteer.models import Programme
from safeground.organisations.models import Asset, Organisation, Personnel, Team

ORGANISATION_FIELDS = ("name", "kind", "country")


def _check_country(country: Any) -> str:
    code = str(country or "").strip().upper()
    if not Programme.objects.filter(iso3=code).exists():
        known = ", ".join(Programme.objects.order_by("iso3").values_list("iso3", flat=True)) or _("none yet")
        raise ValidationFailed(
            _("%(field)s %(value)s is not a programme (known: %(known)s); add it with `safeground programme add`")
            % {"field": "country", "value": repr(country), "known": known},
            field="country",
            reason="unknown country",
        )
    return code


def _checked_save(obj, what: str, label: str) -> None:
    columns.refuse(columns.instances(type(obj), [obj], what, label), single=True)
    obj.save()


def _locked(model, what: str, field: str, value: str):
    """The row of `model` whose `field` is `value`, locked for the change; refused when there is none."""
    found = model.objects.select_for_update().filter(**{field: value}).first()
    if found is None:
        raise ValidationFailed(
            _("no %(what)s %(code)s") % {"what": what, "code": repr(value)}, field=field, reason="not found"
        )
    return found


def _organisation(acronym: str) -> Organisation:
    return _locked(Organisation, "organisation", "acronym", acronym)


def _refuse_edit(obj, what: str, label: str) -> None:
    """The single-write field checks on an edited row; its own `label` (a unique field) is taken: by itself."""
    columns.refuse([p for p in columns.instances(type(obj), [obj], what, label) if p.field != label], single=True)


@transaction.atomic
def create_organisation(
    acronym: str,
    name: str,
    kind: str,
    country: str,
    *,
    is_active: bool = True,
    user=None,
    reason: str | None = None,
) -> Organisation:
    """`is_active=False`: one that no longer works (a migrated record); `user` and `reason` (e.g.
    "migrated from IMSMA NG") go on its first history row."""
    org = Organisation(acronym=(acronym or "").strip(), name=(name or "").strip(), kind=kind, is_active=bool(is_active))
    org.country = _check_country(country)
    record_author(org, user, reason)
    _checked_save(org, "organisation", "acronym")
    return org


@transaction.atomic
def edit_organisation(
    acronym: str, expected_version: int | None = None, *, user=None, reason: str | None = None, **changes: Any
) -> Organisation:
    """Change name, kind, country or `is_active` (others unchanged); refused changes write nothing.
    `user` and `reason` go on the history row the change writes.

    `is_active=False` deactivates: the organisation stays in the records, it is no longer offered for
    new work. `expected_version`: the version the change was made to (StaleVersion when older)."""
    unknown = sorted(set(changes) - {*ORGANISATION_FIELDS, "is_active"})
    if unknown:
        raise ValidationFailed(_("unknown field %(field)s") % {"field": unknown[0]}, field=unknown[0], reason="unknown")
    org = _organisation(acronym)
    if not changes:
        versions.check(org, expected_version, f"organisation {org.acronym}")
        return org
    for name, value in changes.items():
        if name == "is_active":
            org.is_active = bool(value)
        else:
            setattr(org, name, _check_country(value) if name == "country" else str(value).strip())
    _refuse_edit(org, "organisation", "acronym")
    versions.advance(org, expected_version, f"organisation {org.acronym}")
    record_author(org, user, reason)
    org.save()
    return org


def set_organisation_active(acronym: str, active: bool) -> Organisation:
    """Deactivate (or reactivate) an organisation."""
    return edit_organisation(acronym, is_active=active)


@transaction.atomic
def create_team(organisation: str, code: str, kind: str, size: int) -> Team:
    org = _organisation(organisation)
    if not org.is_active:
        raise ValidationFailed(
            _("%(organisation)s is deactivated") % {"organisation": org.acronym},
            field="organisation",
            reason="inactive",
        )
    team = Team(organisation=org, code=(code or "").strip(), kind=kind, size=size)
    _checked_save(team, "team", "code")
    return team


@transaction.atomic
def create_asset(kind: str, identifier: str, name: str = "", team: str | None = None) -> Asset:
    found = None
    if team:
        found = Team.objects.filter(code=team).first()
        if found is None:
            raise ValidationFailed(
                _("no %(what)s %(code)s") % {"what": "team", "code": repr(team)}, field="team", reason="not found"
            )
    asset = Asset(kind=kind, identifier=(identifier or "").strip(), name=(name or "").strip(), team=found)
    _checked_save(asset, "asset", "identifier")
    return asset


TEAM_FIELDS = ("kind", "size")
ASSET_FIELDS = ("kind", "name", "team")


def _unknown(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("unknown field %(field)s (can change: %(allowed)s)")
            % {"field": unknown[0], "allowed": ", ".join(allowed)},
            field=unknown[0],
            reason="unknown",
        )


@transaction.atomic
def edit_team(code: str, expected_version: int | None = None, **changes: Any) -> Team:
    """Change a team's kind or size (others unchanged); a refused change writes nothing. A team stays
    with its organisation: a team that moves is a new team, so past activities keep who did them.
    `expected_version`: the version the change was made to (StaleVersion when older)."""
    _unknown(changes, TEAM_FIELDS)
    team = _locked(Team, "team", "code", code)
    for name, value in changes.items():
        setattr(team, name, value)
    _refuse_edit(team, "team", "code")
    versions.advance(team, expected_version, f"team {team.code}")
    team.save()
    return team


@transaction.atomic
def edit_asset(identifier: str, expected_version: int | None = None, **changes: Any) -> Asset:
    """Change an asset's kind, name or team (a team's code; None or "" takes it off every team), e.g. a
    dog handed to another team. A refused change writes nothing. `expected_version`: as `edit_team`."""
    _unknown(changes, ASSET_FIELDS)
    asset = _locked(Asset, "asset", "identifier", identifier)
    for name, value in changes.items():
        if name == "team":
            found = Team.objects.filter(code=value).first() if value else None
            if value and found is None:
                raise ValidationFailed(
                    _("no %(what)s %(code)s") % {"what": "team", "code": repr(value)}, field="team", reason="not found"
                )
            asset.team = found
        else:
            setattr(asset, name, str(value).strip() if name == "name" else value)
    _refuse_edit(asset, "asset", "identifier")
    versions.advance(asset, expected_version, f"asset {asset.identifier}")
    asset.save()
    return asset


@transaction.atomic
def create_person(
    organisation: str,
    code: str,
    role: str,
    full_name: str,
    nationality: str,
    team: str | None = None,
    date_of_birth=None,
    phone: str = "",
) -> Personnel:
    """A member of an active organisation's staff, optionally in one of its teams. The name, birth date
    and phone are personal details: shown only to accounts allowed to see them (`queries.person_dict`)."""
    org = _organisation(organisation)
    if not org.is_active:
        raise ValidationFailed(
            _("%(organisation)s is deactivated") % {"organisation": org.acronym},
            field="organisation",
            reason="inactive",
        )
    found = None
    if team:
        found = Team.objects.filter(code=team, organisation=org).first()
        if found is None:
            raise ValidationFailed(
                _("%(organisation)s has no team %(team)s") % {"organisation": org.acronym, "team": repr(team)},
                field="team",
                reason="not found",
            )
    country = str(nationality or "").strip().upper()
    if len(country) != 3 or not country.isalpha():
        raise ValidationFailed(
            _("%(field)s must be an ISO 3166 alpha-3 code, e.g. KEN; got %(value)s")
            % {"field": "nationality", "value": repr(nationality)},
            field="nationality",
            reason="format",
        )
    person = Personnel(
        organisation=org,
        team=found,
        code=(code or "").strip(),
        role=role,
        full_name=(full_name or "").strip(),
        nationality=country,
        date_of_birth=date_of_birth,
        phone=(phone or "").strip(),
    )
    _checked_save(person, "person", "code")
    return person
