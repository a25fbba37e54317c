"""`/api/v1/programmes`: programme profiles. Anyone signed in reads them; writing needs the permission."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import AnyDate, Name, Note, PatchIn, Ref
from safeground.core.schemas import ErrorOut
from safeground.gazetteer import programmes, queries
from safeground.gazetteer.models import Programme

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    iso3: str
    name: str
    admin_levels: list[str]
    local_crs: str
    legacy_datums: list[str]
    languages: list[str]
    apmbc_party: bool
    ccm_party: bool
    article5_deadline: dt.date | None
    map_bbox: list[float] | None
    point_radius_area: bool = Field(description="a point hazard's declared radius counts as estimated area (π r²)")
    version: int = Field(description='raised by every change; send it back as If-Match: "<version>"')


class ProgrammeChange(PatchIn):
    """Fields to set; those left out stay as they are."""

    name: Name | None = None
    admin_levels: list[str] | None = None
    local_crs: Note | None = None
    legacy_datums: list[str] | None = None
    languages: list[str] | None = None
    apmbc_party: bool | None = None
    ccm_party: bool | None = None
    article5_deadline: AnyDate | None = None
    map_bbox: list[float] | None = None
    point_radius_area: bool | None = None


class ProgrammeIn(ProgrammeChange):
    iso3: Ref
    name: Name


def _out(p: Programme) -> dict:
    return {**queries.profile(p), "version": p.version}


@router.get("", response=list[ProgrammeOut], summary="Programme profiles (the countries served)")
def list_programmes(request):
    return [_out(p) for p in queries.programmes()]


@router.get("/{iso3}", response={200: ProgrammeOut, 404: ErrorOut}, summary="One programme's profile")
def get_programme(request, iso3: str):
    return _out(get_object_or_404(Programme, iso3=iso3.upper()))


@router.post(
    "",
    response={201: ProgrammeOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("gazetteer.add_programme"),
    summary="Add a programme (a country)",
)
def add_programme(request, body: ProgrammeIn):
    values = body.dict(exclude_unset=True)
    return Status(201, _out(programmes.add_programme(values.pop("iso3"), **values)))


@router.patch(
    "/{iso3}",
    response={200: ProgrammeOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("gazetteer.change_programme"),
    summary="Change a programme's profile",
)
def change_programme(request, response: HttpResponse, iso3: str, body: ProgrammeChange):
    """Needs `If-Match: "<version>"`: 428 without it, 412 when the profile changed since (both name
    the current version)."""
    programme = get_object_or_404(Programme, iso3=iso3.upper())
    expected = versions.required(request, programme, f"programme {programme.iso3}")
    changed = programmes.edit_programme(iso3, expected_version=expected, **body.dict(exclude_unset=True))
    response["ETag"] = versions.etag(changed)
    return _out(changed)
