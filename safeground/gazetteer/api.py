import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Func
from ninja import Query, Router, Schema

from safeground.core.geojson import FeatureCollectionOut, page, parse_bbox
from safeground.gazetteer.models import AdminArea, Place

router = Router(tags=["gazetteer"])


class AdminAreaFilters(Schema):
    country: str | None = None
    level: int | None = None
    parent: str | None = None
    bbox: str | None = None
    simplify: float | None = None
    limit: int = 1000
    offset: int = 0


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"


def _admin_properties(a: AdminArea) -> dict:
    return {
        "code": a.code,
        "name": a.name,
        "country": a.country,
        "level": a.level,
        "parent_code": a.parent.code if a.parent_id else None,
    }


@router.get("/admin-areas", response=FeatureCollectionOut, summary="Administrative areas (GeoJSON)")
def list_admin_areas(request, filters: Query[AdminAreaFilters]):
    """`/admin-areas?country=KHM&level=1` lists Cambodia's 25 provinces (KH01–KH25).
    `simplify` (degrees) thins the boundaries for small-scale maps."""
    qs = AdminArea.objects.select_related("parent").order_by("country", "level", "code")
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    box = parse_bbox(filters.bbox)
    if box is not None:
        qs = qs.filter(geom__intersects=box)
    geom_field = "geom"
    if filters.simplify:
        qs = qs.annotate(_simple=SimplifyPreserveTopology("geom", filters.simplify, output_field=AdminArea.geom.field))
        geom_field = "_simple"
    # Admin areas carry their code in `code`; page() uses it as the feature id.
    return page(
        qs,
        request=request,
        limit=filters.limit,
        offset=filters.offset,
        geom_field=geom_field,
        properties=_admin_properties,
        precision=6,
    )


class PlaceFilters(Schema):
    country: str | None = None
    kind: str | None = None
    admin_area: str | None = None
    bbox: str | None = None
    q: str | None = None
    limit: int = 1000
    offset: int = 0


def _place_properties(p: Place) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "country": p.country,
        "admin_area_code": p.admin_area.code if p.admin_area_id else None,
    }


@router.get("/places", response=FeatureCollectionOut, summary="Villages and towns (GeoJSON)")
def list_places(request, filters: Query[PlaceFilters]):
    qs = Place.objects.select_related("admin_area").order_by("country", "code")
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.admin_area:
        qs = qs.filter(admin_area__code=filters.admin_area)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    box = parse_bbox(filters.bbox)
    if box is not None:
        qs = qs.filter(point__intersects=box)
    return page(
        qs,
        request=request,
        limit=filters.limit,
        offset=filters.offset,
        geom_field="point",
        properties=_place_properties,
        precision=6,
    )


@router.get("/admin-areas/{country}/{level}/{code}", summary="One administrative area (GeoJSON Feature)")
def get_admin_area(request, country: str, level: int, code: str):
    from django.shortcuts import get_object_or_404

    area = get_object_or_404(
        AdminArea.objects.select_related("parent").annotate(_geojson=AsGeoJSON("geom", precision=6)),
        country=country,
        level=level,
        code=code,
    )
    return {
        "type": "Feature",
        "id": area.code,
        "geometry": json.loads(area._geojson),
        "properties": _admin_properties(area),
    }
