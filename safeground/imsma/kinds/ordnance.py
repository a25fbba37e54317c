"""NG `ordnance` (its device models) → the ordnance catalogue (ordnance.OrdnanceModel).

The catalogue is one reference library for every programme, seeded from `ordnance.catalogue` by a data
migration, each fact sourced; it has no programme-specific models, no aliases and no write service. So an
NG model is merged onto the catalogue model of the same name (case, spaces and punctuation aside:
'PMN2' == 'PMN-2' == 'pmn 2'), and one the catalogue lacks is refused ('not-in-catalogue'): it stays in
the trace as read, and the devices that name it keep NG's model in their own attributes. Devices find
the model with run.target('ordnance', guid).
"""

from __future__ import annotations

from safeground.imsma.kinds import matching
from safeground.imsma.kinds.base import Merge, Refuse, Run, required
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel

TABLE = "ordnance"
ENUMS = {("ordnance", "ordcategoryenum_guid"): ("category", CATEGORY_CHOICES)}


def migrate(run: Run, table: str) -> None:
    catalogue: dict[str, OrdnanceModel] = {}
    for model in OrdnanceModel.objects.order_by("name"):
        catalogue.setdefault(matching.norm(model.name), model)

    def build(row: dict) -> dict:
        name = required((row.get("model") or "").strip() or None, table, "model", "model name")
        category = run.enum(table, "ordcategoryenum_guid", row.get("ordcategoryenum_guid"), CATEGORY_CHOICES)
        found = catalogue.get(matching.norm(name))
        if found is None:
            raise Refuse(
                "not-in-catalogue",
                f"{name!r} is no model of SafeGround's ordnance catalogue, which takes no programme-specific "
                "models; devices that name it keep NG's model as read",
            )
        detail = f"catalogue model {found.name}"
        if category is not None and category != found.category:
            detail += f" (NG's category {category}, the catalogue's {found.category}: the catalogue's kept)"
        raise Merge(found, detail)

    def create(values: dict, row: dict):
        raise AssertionError("an NG ordnance model is merged or refused, never created")  # build always raises

    run.each(table, run.rows(table), build=build, create=create)
