"""`/api/v1/productivity`: productivity figures from progress reports (see productivity.py)."""

from ninja import Query, Router, Schema

from safeground.core.contracts import AnyDate, Choice, Country, Ref
from safeground.operations import productivity

router = Router(tags=["productivity"])


class ProductivityFilters(Schema):
    country: Country | None = None
    method: Choice | None = None
    organisation: Ref | None = None
    date_from: AnyDate | None = None
    date_to: AnyDate | None = None
    terrain: Choice | None = None
    vegetation: Choice | None = None
    soil_metal: Choice | None = None


@router.get(
    "",
    response=dict,
    summary="Productivity by method, terrain, vegetation, soil_metal, province, organisation, programme, team, year",
)
def summary(request, filters: Query[ProductivityFilters], group_by: str = "method"):
    keys = productivity.parse_group_by(group_by)
    return {
        "group_by": keys,
        "filters": filters.dict(exclude_none=True),
        "rows": productivity.productivity(keys, **filters.dict()),
    }


@router.get("/compare/methods", response=dict, summary="Two methods side by side on comparable ground")
def compare_methods(request, a: str, b: str, country: str | None = None):
    return productivity.compare_methods(a, b, country=country)


@router.get("/compare/programmes", response=dict, summary="One method across programmes (countries)")
def compare_programmes(request, method: str):
    return productivity.compare_programmes(method)
