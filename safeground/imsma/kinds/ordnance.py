"""NG `ordnance` (its device models) → the ordnance catalogue (ordnance.OrdnanceModel).

The catalogue is one reference library for every programme, seeded from `ordnance.catalogue` by a data
migration, each fact sourced. An NG model is merged onto the catalogue model of the same name (case, spaces and
punctuation aside, ordnance.naming.key: 'PMN2' == 'PMN-2' == 'pmn 2'), else onto the model with such an alias
(a local name, a copy's name; ordnance.queries.key_index), and one the catalogue lacks is refused
('not-in-catalogue'): it stays in the trace as read, and the devices that name it keep NG's model in their own
attributes. Devices find the model with run.target('ordnance', guid).
"""

from __future__ import annotations

from safeground.imsma.kinds.base import Merge, Refuse, Run, required
from safeground.ordnance import naming, queries
from safeground.ordnance.models import CATEGORY_CHOICES

TABLE = "ordnance"
ENUMS = {("ordnance", "ordcategoryenum_guid"): ("category", CATEGORY_CHOICES)}


def migrate(run: Run, table: str) -> None:
    catalogue = queries.key_index()

    def build(row: dict) -> dict:
        name = required((row.get("model") or "").strip() or None, table, "model", "model name")
        category = run.enum(table, "ordcategoryenum_guid", row.get("ordcategoryenum_guid"), CATEGORY_CHOICES)
        candidates = catalogue.get(naming.key(name))
        if not candidates:
            raise Refuse(
                "not-in-catalogue",
                f"{name!r} is no model of SafeGround's ordnance catalogue, which takes no programme-specific "
                "models; devices that name it keep NG's model as read",
            )
        by_name = [(model, how) for model, how in candidates if how == "name"]
        if not by_name and len({model.pk for model, _how in candidates}) > 1:
            raise Refuse(
                "ambiguous",
                f"{name!r} is an alias of several catalogue models ("
                + ", ".join(sorted({model.name for model, _how in candidates}))
                + "): choose one in SafeGround's library, then run again",
            )
        found, how = (by_name or candidates)[0]
        detail = f"catalogue model {found.name}" + (f" (by its alias {name!r})" if how == "alias" else "")
        if category is not None and category != found.category:
            detail += f" (NG's category {category}, the catalogue's {found.category}: the catalogue's kept)"
        raise Merge(found, detail)

    def create(values: dict, row: dict):
        raise AssertionError("an NG ordnance model is merged or refused, never created")  # build always raises

    run.each(table, run.rows(table), build=build, create=create)
