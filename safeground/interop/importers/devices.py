"""Importing devices found: checks over whole columns, codes, the write and the ledger's devices outside."""

from __future__ import annotations

from collections import Counter

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import bulk
from safeground.interop.importers.common import (
    CHUNK,
    CodeAllocator,
    Context,
    Plan,
    Rows,
    lookup,
    points,
    settle_countries,
)
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.operations.models import Activity
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Check every row as devices; the plan carries the columns to write when no row is bad."""
    progress.stage(_("checking devices"), rows.n)
    codes = rows.text("code", max_length=40)
    category = rows.text("category")
    model_given = rows.text("model")
    models = lookup(OrdnanceModel, "name", model_given, "id", "category")
    model_ids = rows.reference("model", model_given, models, _("ordnance model"))
    # A missing category is the model's own.
    category = [c if c is not None else (m[1] if m else None) for c, m in zip(category, model_ids, strict=True)]
    model_ids = [m[0] if m else None for m in model_ids]
    allowed = [c[0] for c in CATEGORY_CHOICES]
    cat_arr = np.array([c or "" for c in category], dtype=object)
    for i in np.flatnonzero(~np.isin(cat_arr, allowed)):
        rows.error(i, "category", cat_arr[i] or None, _("must be one of %(c)s") % {"c": ", ".join(allowed)})
    condition = rows.choice("condition", Device.CONDITION_CHOICES, default="unknown")
    disposal = rows.choice("disposal", Device.DISPOSAL_CHOICES)
    depth = rows.integer("depth_cm", 0, 32767)
    found_on = rows.date("found_on", required=True)
    count = rows.integer("count", 1, 2**31 - 1)
    count = [1 if c is None else c for c in count]
    prod_given = rows.text("product_code")
    prods = lookup(Product, "code", prod_given, "id", "hazard__country", "hazard_id", "activity_id")
    prod = rows.reference("product_code", prod_given, prods, _("product"))
    act_given = rows.text("activity_code")
    acts = lookup(Activity, "code", act_given, "id", "country")
    act = rows.reference("activity_code", act_given, acts, _("activity"))
    for i in range(rows.n):
        if prod_given[i] is None and act_given[i] is None:
            rows.error(i, "product_code", "", _("a device needs a product_code or an activity_code"))
    synthetic = rows.boolean("is_synthetic")
    geoms = points(rows, _("device position"))
    country = [p[1] if p else (a[1] if a else None) for p, a in zip(prod, act, strict=True)]
    settle_countries(rows, geoms, country, _("device position"))
    rows.unique_codes(Device, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("devices", rows.n)
    if rows.bad.any():
        return plan
    missing = [i for i in range(rows.n) if codes[i] is None]
    if missing:
        stems = {i: prod_given[i] or act_given[i] for i in missing}
        prod_ids = sorted({prod[i][0] for i in missing if prod[i]})
        act_ids = sorted({act[i][0] for i in missing if not prod[i] and act[i]})
        existing: list[str] = []
        for fk, ids in (("product_id", prod_ids), ("activity_id", act_ids)):
            for start in range(0, len(ids), CHUNK):
                existing += list(
                    Device.objects.filter(**{f"{fk}__in": ids[start : start + CHUNK]}).values_list("code", flat=True)
                )
        alloc = CodeAllocator(Device, "EO", 3, {c for c in codes if c})
        alloc.prime(set(stems.values()), existing=existing)
        for i in missing:
            codes[i] = alloc.code(stems[i])
    plan.codes = codes
    plan.data = dict(
        code=codes,
        product=[p[0] if p else None for p in prod],
        activity=[a[0] if a else (p[2] if p else None) for a, p in zip(act, prod, strict=True)],
        point=geoms,
        category=category,
        model=model_ids,
        condition=condition,
        depth_cm=depth,
        disposal=disposal,
        found_on=found_on,
        count=count,
        is_synthetic=synthetic,
    )
    plan.extra["hazard_of"] = [p[1] if p else None for p in prod]
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the validated devices (inside the import's transaction); returns notes."""
    d = plan.data
    now = timezone.now()
    progress.stage(_("writing devices"), plan.n)
    data = dict(d)
    data["id"] = bulk.sequential_uuids(plan.n)
    data["created_at"] = [now] * plan.n
    data["updated_at"] = data["created_at"]
    bulk.insert_with_history(
        Device, data, when=now, user_id=getattr(ctx.user, "pk", None), reason=ctx.reason, progress=progress
    )
    progress.close()
    return [_devices_outside(plan)]


def _devices_outside(plan: Plan) -> str:
    """Add the new devices lying outside their product to the ledger's `devices_outside` (exact, set-based).

    The ledger counts a device outside when its product doesn't cover its point; only the new devices
    change that figure, so it is updated in place instead of recomputing every touched hazard.
    """
    d = plan.data
    with_product = [i for i in range(plan.n) if d["product"][i] is not None]
    if not with_product:
        return ""
    prod_ids = sorted({d["product"][i] for i in with_product})
    geoms = {}
    for start in range(0, len(prod_ids), CHUNK):
        for pid, wkb in (
            Product.objects.filter(id__in=prod_ids[start : start + CHUNK])
            .annotate(wkb=AsWKB("geom"))
            .values_list("id", "wkb")
        ):
            geoms[pid] = bytes(wkb)
    pid_index = {p: k for k, p in enumerate(prod_ids)}
    prod_geoms = shapely.from_wkb([geoms[p] for p in prod_ids])
    which = np.array([pid_index[d["product"][i]] for i in with_product])
    pts = np.array(d["point"], dtype=object)[with_product]
    inside = shapely.covers(prod_geoms[which], pts)
    outside = Counter(d["product"][with_product[k]] for k in np.flatnonzero(~inside))
    if not outside:
        return _("every device lies inside its product")
    hazard_of = dict(Product.objects.filter(id__in=list(outside)).values_list("id", "hazard_id"))
    per_hazard = Counter()
    for pid, k in outside.items():
        per_hazard[hazard_of[pid]] += k
    for hid, k in per_hazard.items():
        HazardLedger.objects.filter(hazard_id=hid).update(devices_outside=F("devices_outside") + k)
    return _("%(n)d device(s) lie outside their product (counted in the ledger)") % {"n": sum(outside.values())}
