from django.shortcuts import get_object_or_404
from ninja import ModelSchema, Router, Schema

from safeground.core.contracts import Limit, Offset
from safeground.ordnance.models import OrdnanceModel

router = Router(auth=None, tags=["ordnance"])


class OrdnanceModelOut(ModelSchema):
    class Meta:
        model = OrdnanceModel
        fields = ["name", "category", "type", "origin", "main_charge", "notes", "sources"]


class OrdnancePage(Schema):
    count: int
    items: list[OrdnanceModelOut]


@router.get("", response=OrdnancePage, summary="Ordnance reference models")
def list_models(request, category: str | None = None, q: str | None = None, limit: Limit = 1000, offset: Offset = 0):
    qs = OrdnanceModel.objects.order_by("name")
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(name__folded_contains=q)
    return {"count": qs.count(), "items": list(qs[offset : offset + min(limit, 10000)])}


@router.get("/{name}", response=OrdnanceModelOut, summary="One ordnance model")
def get_model(request, name: str):
    return get_object_or_404(OrdnanceModel, name=name)
