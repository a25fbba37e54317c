"""Data quality API: the catalogue of checks and the findings (GeoJSON points, paged)."""

from ninja import Query, Router

from safeground.core.geojson import MAX_LIMIT
from safeground.quality import queries
from safeground.quality.findings import CHECKS
from safeground.quality.schemas import CheckOut, FindingCollection, FindingFilters

router = Router(tags=["data quality"])


@router.get("/checks", response=list[CheckOut], summary="The data quality checks")
def list_checks(request):
    return [
        {"id": c.id, "severity": c.severity, "title": str(c.title), "description": str(c.description)}
        for c in CHECKS.values()
    ]


@router.get(
    "/findings",
    response=FindingCollection,
    url_name="quality-findings",
    summary="Data quality findings (GeoJSON points)",
)
def list_findings(request, filters: Query[FindingFilters]):
    """Every finding of the checks (default thresholds), must-fix first; a Point at the finding's location
    (null where it has none). Filters: `severity` (must_fix, advisory), `check`, `country` (ISO3),
    `record_type`, `code`. The run is cached until a hazard, product, activity or device changes."""
    f = filters.dict()
    country = (f["country"] or "").upper() or None
    queries.validate_filters(f["severity"], f["check"], country, f["record_type"])
    report = queries.cached_run(country)
    selected = queries.select(report.findings, f["severity"], f["check"], f["record_type"], f["code"])
    ids = queries.finding_ids(selected)
    limit, offset = max(1, min(f["limit"], MAX_LIMIT)), max(0, f["offset"])
    window = list(zip(ids, selected, strict=True))[offset : offset + limit]
    links = [{"rel": "self", "href": request.get_full_path()}]
    if offset + limit < len(selected):
        query = request.GET.copy()
        query["offset"], query["limit"] = str(offset + limit), str(limit)
        links.append({"rel": "next", "href": f"{request.path}?{query.urlencode()}"})
    return {
        "type": "FeatureCollection",
        "numberMatched": len(selected),
        "numberReturned": len(window),
        "links": links,
        "counts": report.counts(),
        "features": [
            {
                "type": "Feature",
                "id": fid,
                "geometry": {"type": "Point", "coordinates": [x.lon, x.lat]} if x.lon is not None else None,
                "properties": {
                    **{k: v for k, v in x.as_dict().items() if k not in ("lon", "lat")},
                    "hazard_url": queries.hazard_url(x.hazard_code),
                },
            }
            for fid, x in window
        ],
    }
