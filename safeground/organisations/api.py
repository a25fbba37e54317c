import datetime as dt
from typing import Annotated

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safeground.core import versions
from safeground.core.auth import needs, write_auth
from safeground.core.contracts import (
    CODE_PATTERN,
    AnyDate,
    Choice,
    Code,
    Country,
    Limit,
    Name,
    Note,
    Offset,
    PastDate,
    PatchIn,
    Ref,
)
from safeground.core.errors import ValidationFailed
from safeground.core.schemas import ErrorOut
from safeground.organisations import queries, services, structure
from safeground.organisations.models import Accreditation, AnimalAccreditation, Asset, Organisation, Personnel, Team

router = Router(tags=["organisations"])


class TeamOut(Schema):
    code: str
    organisation: str
    kind: str
    size: int
    version: int
    assets: list[dict]


class OrganisationOut(Schema):
    acronym: str
    name: str
    kind: str
    country: str
    is_active: bool
    is_synthetic: bool
    version: int


class OrganisationIn(Schema):
    acronym: Annotated[str, Field(min_length=1, max_length=20, pattern=CODE_PATTERN)]
    name: Name
    kind: Choice
    country: Country


class OrganisationChange(PatchIn):
    """Fields to set; those left out stay. `is_active: false` deactivates (organisations are never deleted)."""

    name: Name | None = None
    kind: Choice | None = None
    country: Country | None = None
    is_active: bool | None = None


class TeamIn(Schema):
    code: Code
    kind: Choice
    size: int


class AssetIn(Schema):
    kind: Choice
    identifier: Annotated[str, Field(min_length=1, max_length=60)]
    name: Annotated[str, Field(max_length=100)] = ""
    team: Ref | None = None


class AssetOut(Schema):
    kind: str
    identifier: str
    name: str
    team: str | None
    version: int


class TeamChange(PatchIn):
    """Fields to set; those left out stay. A team stays with its organisation."""

    kind: Choice | None = None
    size: Annotated[int, Field(ge=1, le=1000)] | None = None


class AssetChange(PatchIn):
    """Fields to set; those left out stay. `team: null` takes the asset off every team."""

    kind: Choice | None = None
    name: Annotated[str, Field(max_length=100)] | None = None
    team: Ref | None = None


class OrganisationDetail(OrganisationOut):
    teams: list[TeamOut]


class OrganisationPage(Schema):
    count: int
    items: list[OrganisationOut]


class AccreditationOut(Schema):
    """An organisation's accreditation (kind "organisation") or a dog's or rat's (kind "dog"/"rat")."""

    code: str
    kind: str
    organisation: str | None = None
    method: str | None = None
    conditions: str | None = None
    asset: str | None = None
    handler: str | None = None
    tests_passed: list[str] | None = None
    issuing_authority: str
    valid_from: dt.date
    valid_until: dt.date
    version: int


class AccreditationPage(Schema):
    count: int
    items: list[AccreditationOut]


class AnimalAccreditations(Schema):
    asset: str
    kind: str
    items: list[AccreditationOut]


class ExpiringRow(Schema):
    kind: Choice
    code: Code
    holder: Note
    organisation: Ref
    method: Choice
    valid_until: AnyDate
    days_left: int
    issuing_authority: Note


class Expiring(Schema):
    on: dt.date
    days: int
    items: list[ExpiringRow]


class PersonOut(Schema):
    """Personal fields are null unless the account may see them (organisations.see_personal_details)."""

    code: str
    organisation: str
    team: str | None
    role: str
    nationality: str
    full_name: str | None
    date_of_birth: dt.date | None
    phone: str | None


class PersonnelPage(Schema):
    count: int
    personal_details: bool
    items: list[PersonOut]


class CertificationOut(Schema):
    code: str
    title: str
    method: str
    course_code: str
    issued_by: str
    issued_on: dt.date
    valid_until: dt.date | None


class PersonDetail(PersonOut):
    certifications: list[CertificationOut]


class AccreditationIn(Schema):
    method: Choice
    valid_from: AnyDate
    valid_until: AnyDate
    issuing_authority: Annotated[str, Field(max_length=100)]
    conditions: Note = ""


class AnimalAccreditationIn(Schema):
    valid_from: AnyDate
    valid_until: AnyDate
    issuing_authority: Annotated[str, Field(max_length=100)]
    tests_passed: list[str]
    handler: Note | None = None


class AccreditationChange(PatchIn):
    """Fields to set; those left out stay. A shorter `valid_until` ends the accreditation early (suspended
    or withdrawn by the authority). `conditions` is for organisations' accreditations; `tests_passed`
    and `handler` (a person's code, null for none) for dogs' and rats'."""

    issuing_authority: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    valid_from: AnyDate | None = None
    valid_until: AnyDate | None = None
    conditions: Note | None = None
    tests_passed: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=50)] | None = (
        None
    )
    handler: Ref | None = None


class RenewIn(Schema):
    valid_until: AnyDate
    valid_from: AnyDate | None = None


def _need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise HttpError(403, f"{request.user.get_username()} may not do this ({perm})")


def accreditation_dict(a) -> dict:
    if isinstance(a, AnimalAccreditation):
        return {
            "code": a.code,
            "kind": a.asset.kind,
            "asset": a.asset.identifier,
            "handler": a.handler.code if a.handler else None,
            "tests_passed": a.tests_passed,
            "issuing_authority": a.issuing_authority,
            "valid_from": a.valid_from.isoformat(),
            "valid_until": a.valid_until.isoformat(),
            "version": a.version,
        }
    return {
        "code": a.code,
        "kind": "organisation",
        "organisation": a.organisation.acronym,
        "method": a.method,
        "issuing_authority": a.issuing_authority,
        "valid_from": a.valid_from.isoformat(),
        "valid_until": a.valid_until.isoformat(),
        "conditions": a.conditions,
        "version": a.version,
    }


@router.get(
    "/accreditations/expiring", response=Expiring, summary="Accreditations ending in the next N days, not yet renewed"
)
def expiring(request, days: int = 30, on: dt.date | None = None, country: str | None = None):
    on = on or dt.date.today()
    rows = queries.expiring(days=days, on=on, country=country)
    for r in rows:
        r["valid_until"] = r["valid_until"].isoformat()
    return {"on": on.isoformat(), "days": days, "items": rows}


@router.get(
    "/accreditations/{code}",
    response={200: AccreditationOut, 404: ErrorOut},
    exclude_unset=True,
    summary="One organisation or animal accreditation",
)
def get_accreditation(request, response: HttpResponse, code: str):
    found = services.find_accreditation(code)
    if found is None:
        raise Http404(f"no accreditation {code!r}")
    response["ETag"] = versions.etag(found)
    return accreditation_dict(found)


@router.patch(
    "/accreditations/{code}",
    response={200: AccreditationOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    exclude_unset=True,
    auth=needs("organisations.change_accreditation"),
    summary="Correct an accreditation, change its conditions, or end it early (suspension, withdrawal)",
)
def change_accreditation(request, response: HttpResponse, code: str, body: AccreditationChange):
    """Needs `If-Match: "<version>"`: 428 without it, 412 when the accreditation changed since (both
    name the current version)."""
    found = services.find_accreditation(code)
    if found is None:
        raise Http404(f"no accreditation {code!r}")
    expected = versions.required(request, found, f"accreditation {found.code}")
    changed = services.edit_accreditation(code, expected_version=expected, **body.dict(exclude_unset=True))
    response["ETag"] = versions.etag(changed)
    return accreditation_dict(changed)


@router.get("/accreditations", response=AccreditationPage, exclude_unset=True, summary="Organisation accreditations")
def list_accreditations(
    request, organisation: str | None = None, method: str | None = None, valid_on: dt.date | None = None
):
    qs = Accreditation.objects.select_related("organisation").order_by("organisation__acronym", "method", "valid_from")
    if organisation:
        qs = qs.filter(organisation__acronym=organisation)
    if method:
        qs = qs.filter(method=method)
    if valid_on:
        qs = qs.filter(valid_from__lte=valid_on, valid_until__gte=valid_on)
    return {"count": qs.count(), "items": [accreditation_dict(a) for a in qs]}


@router.post(
    "/accreditations/{code}/renew",
    response={201: AccreditationOut, 403: ErrorOut, 422: ErrorOut},
    exclude_unset=True,
    auth=needs("organisations.add_accreditation"),
    summary="Renew an organisation or animal accreditation",
)
def renew(request, code: str, body: RenewIn):
    old = Accreditation.objects.filter(code=code).first() or get_object_or_404(AnimalAccreditation, code=code)
    return Status(201, accreditation_dict(services.renew(old, body.valid_until, valid_from=body.valid_from)))


@router.post(
    "/animals/{identifier}/accreditations",
    response={201: AccreditationOut, 403: ErrorOut, 422: ErrorOut},
    exclude_unset=True,
    auth=needs("organisations.add_animalaccreditation"),
    summary="Accredit a dog or rat with its handler",
)
def accredit_animal(request, identifier: str, body: AnimalAccreditationIn):
    asset = get_object_or_404(Asset, identifier=identifier)
    handler = None
    if body.handler:
        handler = Personnel.objects.filter(code=body.handler).first()
        if handler is None:
            raise ValidationFailed(f"no person {body.handler!r}", field="handler", reason="unknown")
    a = services.accredit_animal(
        asset, body.valid_from, body.valid_until, body.issuing_authority, body.tests_passed, handler=handler
    )
    return Status(201, accreditation_dict(a))


@router.get(
    "/animals/{identifier}/accreditations",
    response=AnimalAccreditations,
    exclude_unset=True,
    summary="A dog's or rat's accreditations",
)
def animal_accreditations(request, identifier: str):
    asset = get_object_or_404(Asset, identifier=identifier)
    return {
        "asset": asset.identifier,
        "kind": asset.kind,
        "items": [accreditation_dict(a) for a in asset.accreditations.order_by("valid_from")],
    }


@router.get(
    "/personnel",
    response=PersonnelPage,
    auth=write_auth,
    summary="Personnel (names and contacts only for roles allowed to see them)",
)
def list_personnel(
    request,
    organisation: str | None = None,
    role: str | None = None,
    team: str | None = None,
    limit: Limit = 500,
    offset: Offset = 0,
):
    qs = Personnel.objects.select_related("organisation", "team").order_by("code")
    if organisation:
        qs = qs.filter(organisation__acronym=organisation)
    if role:
        qs = qs.filter(role=role)
    if team:
        qs = qs.filter(team__code=team)
    personal = queries.can_see_personal(request.user)
    return {
        "count": qs.count(),
        "personal_details": personal,
        "items": [queries.person_dict(p, personal) for p in qs[offset : offset + min(limit, 5000)]],
    }


class PersonIn(Schema):
    code: Code = Field(description="staff number, unique, e.g. TDO-P-0001")
    organisation: Ref = Field(description="the organisation's acronym")
    role: Choice = Field(description="deminer, section_leader, medic, dog_handler, rat_handler, surveyor, eod1, …")
    full_name: Annotated[str, Field(max_length=150)]
    nationality: Country = Field(description="ISO 3166 alpha-3")
    team: Ref | None = None
    date_of_birth: PastDate | None = None
    phone: Annotated[str, Field(max_length=40)] = ""


@router.post(
    "/personnel",
    response={201: PersonDetail, 403: ErrorOut, 422: ErrorOut},
    auth=needs("organisations.add_personnel"),
    summary="Add a member of an organisation's staff",
)
def add_person(request, body: PersonIn):
    person = structure.create_person(**body.dict())
    return Status(
        201,
        {**queries.person_dict(person, queries.can_see_personal(request.user)), "certifications": []},
    )


@router.get("/personnel/{code}", response=PersonDetail, auth=write_auth, summary="One person with their certifications")
def get_person(request, code: str):
    p = get_object_or_404(Personnel.objects.select_related("organisation", "team"), code=code)
    return {
        **queries.person_dict(p, queries.can_see_personal(request.user)),
        "certifications": queries.certifications(p),
    }


@router.post(
    "/{acronym}/accreditations",
    response={201: AccreditationOut, 403: ErrorOut, 422: ErrorOut},
    exclude_unset=True,
    auth=needs("organisations.add_accreditation"),
    summary="Accredit an organisation for a method",
)
def accredit(request, acronym: str, body: AccreditationIn):
    org = get_object_or_404(Organisation, acronym=acronym)
    a = services.accredit_organisation(
        org, body.method, body.valid_from, body.valid_until, body.issuing_authority, body.conditions
    )
    return Status(201, accreditation_dict(a))


@router.get("", response=OrganisationPage, summary="Organisations")
def list_organisations(
    request, country: str | None = None, kind: str | None = None, limit: Limit = 1000, offset: Offset = 0
):
    qs = Organisation.objects.order_by("country", "acronym")
    if country:
        qs = qs.filter(country=country)
    if kind:
        qs = qs.filter(kind=kind)
    return {"count": qs.count(), "items": list(qs[offset : offset + min(limit, 10000)])}


@router.post(
    "/assets",
    response={201: AssetOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("organisations.add_asset"),
    summary="Add an asset (dog, rat, machine, detector), optionally to a team",
)
def add_asset(request, body: AssetIn):
    asset = structure.create_asset(body.kind, body.identifier, body.name, body.team)
    return Status(201, asset_dict(asset))


def asset_dict(asset: Asset) -> dict:
    return {
        "kind": asset.kind,
        "identifier": asset.identifier,
        "name": asset.name,
        "team": asset.team.code if asset.team is not None else None,
        "version": asset.version,
    }


def team_dict(team: Team) -> dict:
    return {
        "code": team.code,
        "organisation": team.organisation.acronym,
        "kind": team.kind,
        "size": team.size,
        "version": team.version,
        "assets": [{"kind": a.kind, "identifier": a.identifier, "name": a.name} for a in team.assets.all()],
    }


@router.get("/teams/{code}", response={200: TeamOut, 404: ErrorOut}, summary="One team with its assets")
def get_team(request, response: HttpResponse, code: str):
    team = get_object_or_404(Team.objects.select_related("organisation"), code=code)
    response["ETag"] = versions.etag(team)
    return team_dict(team)


@router.patch(
    "/teams/{code}",
    response={200: TeamOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("organisations.change_team"),
    summary="Change a team's kind or size",
)
def change_team(request, response: HttpResponse, code: str, body: TeamChange):
    """Needs `If-Match: "<version>"`: 428 without it, 412 when the team changed since (both name the
    current version)."""
    team = get_object_or_404(Team, code=code)
    expected = versions.required(request, team, f"team {team.code}")
    changed = structure.edit_team(code, expected_version=expected, **body.dict(exclude_unset=True))
    response["ETag"] = versions.etag(changed)
    return team_dict(changed)


@router.get("/assets/{identifier}", response={200: AssetOut, 404: ErrorOut}, summary="One asset")
def get_asset(request, response: HttpResponse, identifier: str):
    asset = get_object_or_404(Asset.objects.select_related("team"), identifier=identifier)
    response["ETag"] = versions.etag(asset)
    return asset_dict(asset)


@router.patch(
    "/assets/{identifier}",
    response={200: AssetOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("organisations.change_asset"),
    summary="Change an asset's kind, name or team (e.g. a dog handed to another team)",
)
def change_asset(request, response: HttpResponse, identifier: str, body: AssetChange):
    """Needs `If-Match`, as a team's change."""
    asset = get_object_or_404(Asset, identifier=identifier)
    expected = versions.required(request, asset, f"asset {asset.identifier}")
    changed = structure.edit_asset(identifier, expected_version=expected, **body.dict(exclude_unset=True))
    response["ETag"] = versions.etag(changed)
    return asset_dict(changed)


@router.get("/{acronym}", response=OrganisationDetail, summary="One organisation with its teams and assets")
def get_organisation(request, acronym: str):
    org = get_object_or_404(Organisation.objects.prefetch_related("teams__assets"), acronym=acronym)
    teams = [team_dict(t) for t in org.teams.select_related("organisation").prefetch_related("assets")]
    return {**OrganisationOut.from_orm(org).dict(), "teams": teams}


@router.post(
    "",
    response={201: OrganisationOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("organisations.add_organisation"),
    summary="Add an organisation",
)
def add_organisation(request, body: OrganisationIn):
    return Status(201, structure.create_organisation(body.acronym, body.name, body.kind, body.country))


@router.patch(
    "/{acronym}",
    response={200: OrganisationOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("organisations.change_organisation"),
    summary="Change or deactivate an organisation",
)
def change_organisation(request, response: HttpResponse, acronym: str, body: OrganisationChange):
    """Needs `If-Match: "<version>"`: 428 without it, 412 when the organisation changed since (both
    name the current version)."""
    org = get_object_or_404(Organisation, acronym=acronym)
    expected = versions.required(request, org, f"organisation {org.acronym}")
    changed = structure.edit_organisation(acronym, expected_version=expected, **body.dict(exclude_unset=True))
    response["ETag"] = versions.etag(changed)
    return changed


@router.post(
    "/{acronym}/teams",
    response={201: TeamOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=needs("organisations.add_team"),
    summary="Add a team to an organisation",
)
def add_team(request, acronym: str, body: TeamIn):
    get_object_or_404(Organisation, acronym=acronym)
    team = structure.create_team(acronym, body.code, body.kind, body.size)
    return Status(201, team_dict(team))
