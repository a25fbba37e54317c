"""Importing hazards: checks, codes per province, locations, and the bulk write."""

from __future__ import annotations

import uuid
from collections import defaultdict

import shapely
from django.utils.translation import gettext as _

from safeground.core.geojson import to_geos
from safeground.core.geometry import (
    GeometryError,
    areas_m2,
    utm_epsg_for,
    validate_point,
)
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import locate
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.interop.importers.common import (
    COUNTRY_PREFIX,
    CodeAllocator,
    Context,
    Plan,
    Rows,
    history_rows,
    lookup,
    polygons,
    refresh_ledger,
    settle_countries,
)
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Check every row as hazards; the plan carries the columns to write when no row is bad."""
    progress.stage(_("checking hazards"), rows.n)
    codes = rows.text("code", max_length=40)
    name = rows.text("name", max_length=200)
    hazard_class = rows.choice("hazard_class", Hazard.CLASS_CHOICES)
    status = rows.choice("status", Hazard.STATUS_CHOICES, default="open")
    contamination = rows.choice("contamination_type", CONTAMINATION_CHOICES)
    recorded_on = rows.date("recorded_on", required=True)
    changed_on = rows.date("status_changed_on")
    for i, (a, b) in enumerate(zip(recorded_on, changed_on, strict=True)):
        if a and b and b < a:
            rows.error(i, "status_changed_on", b, _("before recorded_on (%(d)s)") % {"d": a})
    orgs_given = rows.text("reporting_organisation")
    orgs = rows.reference(
        "reporting_organisation", orgs_given, lookup(Organisation, "acronym", orgs_given, "id"), _("organisation")
    )
    models_given = rows.listing("suspected_models")
    known_models = lookup(OrdnanceModel, "name", [m for ms in models_given for m in ms], "id")
    for i, ms in enumerate(models_given):
        missing = [m for m in ms if m not in known_models]
        if missing:
            rows.error(i, "suspected_models", ", ".join(missing), _("unknown ordnance model(s)"))
    bx, by = rows.number("benchmark_lon"), rows.number("benchmark_lat")
    benchmarks: list = [None] * rows.n
    for i, (x, y) in enumerate(zip(bx, by, strict=True)):
        if x is None and y is None:
            continue
        try:
            if x is None or y is None:
                raise GeometryError(_("benchmark needs both benchmark_lon and benchmark_lat"), reason="missing")
            benchmarks[i] = shapely.Point(x, y)
            validate_point(benchmarks[i], "benchmark")
        except GeometryError as exc:
            rows.error(i, "benchmark_lon", f"{x} {y}", str(exc))
    synthetic = rows.boolean("is_synthetic")
    given_country = rows.text("country")
    geoms = polygons(rows, _("hazard geometry"), ctx.repair)
    country = settle_countries(rows, geoms, given_country, _("hazard geometry"))
    rows.unique_codes(Hazard, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("hazards", rows.n)
    if rows.bad.any():
        return plan
    locations: list = [None] * rows.n
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(country):
        by_country[c].append(i)
    for c, idx in by_country.items():
        for i, where in zip(idx, locate(list(geoms[idx]), c), strict=True):
            locations[i] = where
    province_codes = dict(AdminArea.objects.filter(level=1).values_list("id", "code"))
    stems = {}
    for i in range(rows.n):
        if codes[i] is None:
            pid = locations[i].province_id
            stems[i] = province_codes.get(pid) if pid else COUNTRY_PREFIX.get(country[i], country[i])
    alloc = CodeAllocator(Hazard, "HAZ", 6, {c for c in codes if c})
    alloc.prime(set(stems.values()))
    for i, stem in stems.items():
        codes[i] = alloc.code(stem)
    plan.codes = codes
    plan.data = dict(
        code=codes,
        name=[v or "" for v in name],
        hazard_class=hazard_class,
        status=status,
        contamination_type=contamination,
        recorded_on=recorded_on,
        status_changed_on=[b or a for a, b in zip(recorded_on, changed_on, strict=True)],
        reporting_organisation_id=orgs,
        geom=geoms,
        benchmark=benchmarks,
        country=country,
        locations=locations,
        area_m2=areas_m2(geoms),
        utm_epsg=[utm_epsg_for(g) for g in geoms],
        is_synthetic=synthetic,
    )
    plan.extra["models"] = [[known_models[m] for m in ms] for ms in models_given]
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the validated hazards (inside the import's transaction); returns notes."""
    d = plan.data
    progress.stage(_("writing hazards"), plan.n)
    objs = []
    for i in range(plan.n):
        where = d["locations"][i]
        objs.append(
            Hazard(
                id=uuid.uuid4(),
                code=d["code"][i],
                name=d["name"][i],
                hazard_class=d["hazard_class"][i],
                status=d["status"][i],
                contamination_type=d["contamination_type"][i],
                recorded_on=d["recorded_on"][i],
                status_changed_on=d["status_changed_on"][i],
                reporting_organisation_id=d["reporting_organisation_id"][i],
                geom=to_geos(d["geom"][i]),
                benchmark=to_geos(d["benchmark"][i]) if d["benchmark"][i] is not None else None,
                country=d["country"][i],
                province_id=where.province_id,
                district_id=where.district_id,
                commune_id=where.commune_id,
                area_m2=float(d["area_m2"][i]),
                utm_epsg=int(d["utm_epsg"][i]),
                is_synthetic=d["is_synthetic"][i],
            )
        )
    Hazard.objects.bulk_create(objs, batch_size=1000)
    history_rows(Hazard, objs, ctx)
    through = Hazard.suspected_models.through
    through.objects.bulk_create(
        [
            through(hazard_id=o.id, ordnancemodel_id=m)
            for o, ms in zip(objs, plan.extra["models"], strict=True)
            for m in ms
        ],
        batch_size=2000,
    )
    progress.update(plan.n)
    progress.close()
    return [refresh_ledger({o.id for o in objs})]
