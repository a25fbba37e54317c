"""Importing places (villages, landmarks): checks, the admin area holding each, the write."""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.core.geojson import to_geos
from safeground.gazetteer.models import Place
from safeground.gazetteer.queries import _admin_index
from safeground.interop.importers.common import (
    CHUNK,
    Context,
    Plan,
    Rows,
    points,
    settle_countries,
)


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Check every row as places; the plan carries the columns to write when no row is bad."""
    progress.stage(_("checking places"), rows.n)
    codes = rows.text("code", required=True, max_length=20)
    names = rows.text("name", required=True, max_length=200)
    kind = rows.choice("kind", Place.KIND_CHOICES)
    geoms = points(rows, _("place"))
    country = settle_countries(rows, geoms, rows.text("country"), _("place"))
    keys = [(c, k, code) for c, k, code in zip(country, kind, codes, strict=True)]
    seen: dict = {}
    for i, key in enumerate(keys):
        if None in key:
            continue
        if key in seen:
            rows.error(i, "code", key[2], _("duplicate code (also on row %(row)d)") % {"row": seen[key] + 1})
        else:
            seen[key] = i
    existing = (
        set(Place.objects.filter(code__in=[k[2] for k in seen]).values_list("country", "kind", "code"))
        if (len(seen) <= CHUNK)
        else {
            r
            for start in range(0, len(seen), CHUNK)
            for r in Place.objects.filter(code__in=[k[2] for k in list(seen)[start : start + CHUNK]]).values_list(
                "country", "kind", "code"
            )
        }
    )
    for key in sorted(set(seen) & existing):
        rows.error(seen[key], "code", key[2], _("a place with this country, kind and code already exists"))
    progress.update(rows.n)
    progress.close()
    plan = Plan("places", rows.n)
    if rows.bad.any():
        return plan
    # The deepest admin area holding each point (commune, else district, else province).
    area = [None] * rows.n
    for c in set(country):
        idx = [i for i in range(rows.n) if country[i] == c]
        pts = geoms[idx]
        for level in (1, 2, 3):
            ids, admin_geoms, tree = _admin_index(c, level)
            if not ids:
                continue
            pairs = tree.query(pts, predicate="within")
            for p, a in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
                area[idx[p]] = ids[a]
    plan.codes = codes
    plan.data = dict(code=codes, name=names, kind=kind, country=country, point=geoms, admin_area_id=area)
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the validated places (inside the import's transaction); returns notes."""
    d = plan.data
    progress.stage(_("writing places"), plan.n)
    Place.objects.bulk_create(
        [
            Place(
                code=d["code"][i],
                name=d["name"][i],
                kind=d["kind"][i],
                country=d["country"][i],
                point=to_geos(d["point"][i]),
                admin_area_id=d["admin_area_id"][i],
                source=ctx.reason[:200],
            )
            for i in range(plan.n)
        ],
        batch_size=2000,
    )
    progress.update(plan.n)
    progress.close()
    return []
