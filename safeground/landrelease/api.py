from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Country, Limit, Note, Offset, Ref
from safeground.core.geojson import FeatureCollectionOut, FeatureOut, detail, feature, input_geometry, page
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.landrelease import queries, services
from safeground.landrelease.schemas import ProductIn, ProductPatch

products_router = Router(tags=["land release products"])
devices_router = Router(tags=["devices"])


class ProductFilters(Schema):
    bbox: Note | None = None
    outcome: Choice | None = None
    country: Country | None = None
    hazard: Ref | None = None
    activity: Ref | None = None
    organisation: Ref | None = None
    admin_area: Ref | None = None
    outside_hazards: bool | None = None  # true: only products filed under no hazard; false: only the others
    limit: Limit = 1000
    offset: Offset = 0


def _product(code: str):
    return get_object_or_404(queries.products(), code=code)


@products_router.get("", response=FeatureCollectionOut, summary="List land release products (GeoJSON)")
def list_products(request, filters: Query[ProductFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.products(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field="geom",
        properties=queries.product_properties,
    )


@products_router.get("/{code}", response=FeatureOut, summary="One land release product")
def get_product(request, code: str):
    """The `ETag` header (and `properties.version`) is the version to send back as `If-Match` with a change."""
    return detail(request, queries.products(), code, geom_field="geom", properties=queries.product_properties)


@products_router.get("/{code}/history", response=list[HistoryEntry], summary="Change history of a product")
def product_history(request, code: str):
    return history_entries(_product(code))


@products_router.post(
    "", response={201: FeatureOut, 422: ErrorOut}, auth=needs("landrelease.add_product"), summary="Create a product"
)
def create_product(request, payload: ProductIn):
    data = payload.dict()
    data["geometry"] = input_geometry(data["geometry"], "geometry")
    product = services.create_product(user=request.user, **data)
    return Status(
        201, feature(queries.products(), product.code, geom_field="geom", properties=queries.product_properties)
    )


@products_router.patch(
    "/{code}",
    response={200: FeatureOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("landrelease.change_product"),
    summary="Update a product",
)
def update_product(request, response: HttpResponse, code: str, payload: ProductPatch):
    """Needs `If-Match: "<version>"` (the `ETag` of the product as read): 428 without it, 412 when
    someone changed the product since (both name the current version); nothing is written then."""
    product = _product(code)
    expected = versions.required(request, product, f"product {product.code}")
    changes = payload.dict(exclude_unset=True)
    if changes.get("geometry") is not None:
        changes["geometry"] = input_geometry(changes["geometry"], "geometry")
    with transaction.atomic():
        services.update_product(product, user=request.user, expected_version=expected, **changes)
    body = feature(queries.products(), code, geom_field="geom", properties=queries.product_properties)
    response["ETag"] = versions.tag(body["properties"]["version"])
    return body


class DeviceFilters(Schema):
    bbox: Note | None = None
    category: Choice | None = None
    country: Country | None = None
    product: Ref | None = None
    activity: Ref | None = None
    hazard: Ref | None = None
    model: Ref | None = None
    organisation: Ref | None = None
    limit: Limit = 1000
    offset: Offset = 0


@devices_router.get("", response=FeatureCollectionOut, summary="List devices found (GeoJSON)")
def list_devices(request, filters: Query[DeviceFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.devices(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field="point",
        properties=queries.device_properties,
    )


@devices_router.get("/{code}", response=FeatureOut, summary="One device found")
def get_device(request, code: str):
    return detail(request, queries.devices(), code, geom_field="point", properties=queries.device_properties)
