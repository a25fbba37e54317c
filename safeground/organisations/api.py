from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from safeground.organisations.models import Organisation

router = Router(tags=["organisations"])


class TeamOut(Schema):
    code: str
    kind: str
    size: int
    assets: list[dict]


class OrganisationOut(Schema):
    acronym: str
    name: str
    kind: str
    country: str
    is_synthetic: bool


class OrganisationDetail(OrganisationOut):
    teams: list[TeamOut]


class OrganisationPage(Schema):
    count: int
    items: list[OrganisationOut]


@router.get("", response=OrganisationPage, summary="Organisations")
def list_organisations(
    request, country: str | None = None, kind: str | None = None, limit: int = 1000, offset: int = 0
):
    qs = Organisation.objects.order_by("country", "acronym")
    if country:
        qs = qs.filter(country=country)
    if kind:
        qs = qs.filter(kind=kind)
    return {"count": qs.count(), "items": list(qs[offset : offset + min(limit, 10000)])}


@router.get("/{acronym}", response=OrganisationDetail, summary="One organisation with its teams and assets")
def get_organisation(request, acronym: str):
    org = get_object_or_404(Organisation.objects.prefetch_related("teams__assets"), acronym=acronym)
    teams = [
        {
            "code": t.code,
            "kind": t.kind,
            "size": t.size,
            "assets": [{"kind": a.kind, "identifier": a.identifier, "name": a.name} for a in t.assets.all()],
        }
        for t in org.teams.all()
    ]
    return {**OrganisationOut.from_orm(org).dict(), "teams": teams}
