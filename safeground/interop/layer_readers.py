"""What each layer's export reads: rows as dicts of its export fields, and the geometries as WKB.

Rows are read with `values_list` and geometries as WKB (`AsWKB`): a million devices never become
model instances. The layer registry (`layer_registry.py`) names one reader per layer; every reader
takes the layer's export field names, in order.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models.functions import Coalesce

from safeground.gazetteer.models import AdminArea, Place
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.operations.models import Activity
from safeground.victims.models import CASUALTY_COUNTS, Accident

Read = tuple[list[dict], np.ndarray]


def _wkb(rows: list[tuple], index: int) -> np.ndarray:
    return np.array([bytes(r[index]) if r[index] is not None else None for r in rows], dtype=object)


#: Where an imported record came from (core.Record): its source's ID and columns, the latter as JSON text.
PROVENANCE = ("source_id", "source_attributes")


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def _read_columns(names: list[str], queryset, geom_field: str, paths: tuple[str, ...]) -> Read:
    """A layer whose fields are ORM paths read as they are, in the order of its export fields (JSON as text)."""
    rows = list(queryset.annotate(wkb=AsWKB(geom_field)).values_list(*paths, "wkb"))
    records = [dict(zip(names, r[:-1], strict=True)) for r in rows]
    if "source_attributes" in names:
        for record in records:
            record["source_attributes"] = _json(record["source_attributes"])
    return records, _wkb(rows, len(paths))


def hazards(names: list[str]) -> Read:
    """The polygon hazards (the `hazards` layer: MultiPolygons only)."""
    return _hazard_rows(Hazard.objects.filter(geom__isnull=False), "geom")


def hazard_points(names: list[str]) -> Read:
    """The point hazards (the `hazard_points` layer): the same fields, and the declared radius."""
    return _hazard_rows(Hazard.objects.filter(point__isnull=False), "point")


def _hazard_rows(queryset, geom_field: str) -> Read:
    models = defaultdict(list)
    through = Hazard.suspected_models.through
    for hid, name in (
        through.objects.filter(hazard__in=queryset)
        .order_by("ordnancemodel__name")
        .values_list("hazard_id", "ordnancemodel__name")
    ):
        models[hid].append(name)
    rows = list(
        queryset.order_by("code")
        .annotate(wkb=AsWKB(geom_field))
        .values_list(
            "id",
            "code",
            "name",
            "hazard_class",
            "status",
            "contamination_type",
            "recorded_on",
            "status_changed_on",
            "reporting_organisation__acronym",
            "benchmark",
            "country",
            "province__code",
            "district__code",
            "commune__code",
            "area_m2",
            "utm_epsg",
            "is_synthetic",
            "radius_m",
            "source_id",
            "source_attributes",
            "recorded_on_precision",
            "wkb",
        )
    )
    out = []
    for r in rows:
        bench = r[9]
        out.append(
            dict(
                code=r[1],
                name=r[2],
                hazard_class=r[3],
                status=r[4],
                contamination_type=r[5],
                recorded_on=r[6],
                status_changed_on=r[7],
                reporting_organisation=r[8],
                suspected_models=", ".join(models.get(r[0], [])) or None,
                benchmark_lon=bench.x if bench else None,
                benchmark_lat=bench.y if bench else None,
                country=r[10],
                province_code=r[11],
                district_code=r[12],
                commune_code=r[13],
                area_m2=r[14],
                utm_epsg=r[15],
                is_synthetic=r[16],
                radius_m=r[17],
                source_id=r[18],
                source_attributes=_json(r[19]),
                recorded_on_precision=r[20],
            )
        )
    return out, _wkb(rows, 21)


def remaining(names: list[str]) -> Read:
    return _read_columns(
        names,
        HazardLedger.objects.exclude(remaining_geom=None).order_by("hazard__code"),
        "remaining_geom",
        (
            "hazard__code",
            "hazard__hazard_class",
            "hazard__status",
            "hazard__country",
            "estimated_m2",
            "cleared_m2",
            "reduced_m2",
            "cancelled_m2",
            "remaining_m2",
        ),
    )


def products(names: list[str]) -> Read:
    return _read_columns(
        names,
        # A product filed under no hazard (released outside every hazard) has its activity's country.
        Product.objects.annotate(iso3=Coalesce("hazard__country", "activity__country")).order_by("code"),
        "geom",
        (
            "code",
            "outcome",
            "hazard__code",
            "activity__code",
            "activity__organisation__acronym",
            "released_on",
            "clearance_depth_cm",
            "reported_area_m2",
            "area_m2",
            "iso3",
            "is_synthetic",
            *PROVENANCE,
        ),
    )


def devices(names: list[str]) -> Read:
    return _read_columns(
        names,
        Device.objects.order_by("code"),
        "point",
        (
            "code",
            "category",
            "model__name",
            "condition",
            "depth_cm",
            "disposal",
            "found_on",
            "count",
            "product__code",
            "product__hazard__code",
            "activity__code",
            "is_synthetic",
            *PROVENANCE,
        ),
    )


def activities(names: list[str]) -> Read:
    teams, hazards = defaultdict(list), defaultdict(list)
    for aid, code in Activity.teams.through.objects.order_by("team__code").values_list("activity_id", "team__code"):
        teams[aid].append(code)
    for aid, code in Activity.hazards.through.objects.order_by("hazard__code").values_list(
        "activity_id", "hazard__code"
    ):
        hazards[aid].append(code)
    rows = list(
        Activity.objects.order_by("code")
        .annotate(wkb=AsWKB("reference_point"))
        .values_list(
            "id",
            "code",
            "activity_type",
            "status",
            "organisation__acronym",
            "methods",
            "country",
            "start_date",
            "end_date",
            "is_synthetic",
            *PROVENANCE,
            "wkb",
        )
    )
    out = [
        dict(
            code=r[1],
            activity_type=r[2],
            status=r[3],
            organisation=r[4],
            teams=", ".join(teams.get(r[0], [])) or None,
            methods=", ".join(r[5] or []) or None,
            hazard_codes=", ".join(hazards.get(r[0], [])) or None,
            country=r[6],
            start_date=r[7],
            end_date=r[8],
            is_synthetic=r[9],
            source_id=r[10],
            source_attributes=_json(r[11]),
        )
        for r in rows
    ]
    return out, _wkb(rows, 12)


def admin_areas(names: list[str]) -> Read:
    return _read_columns(
        names,
        AdminArea.objects.order_by("country", "level", "code"),
        "geom",
        (
            "code",
            "name",
            "country",
            "level",
            "parent__code",
        ),
    )


def places(names: list[str]) -> Read:
    return _read_columns(
        names,
        Place.objects.order_by("country", "kind", "code"),
        "point",
        (
            "code",
            "name",
            "kind",
            "country",
            "admin_area__code",
        ),
    )


def accidents(names: list[str]) -> Read:
    """Accidents as the accidents import reads them: no personal data, casualties as counts."""
    rows = list(
        Accident.objects.order_by("code")
        .annotate(wkb=AsWKB("point"))
        .values_list(
            "code",
            "occurred_on",
            "occurred_on_precision",
            "accident_type",
            "device_category",
            "device_model__name",
            "victim_activity",
            "hazard__code",
            "activity__code",
            "organisation__acronym",
            "country",
            "province__code",
            "evidence_status",
            "reported_casualties",
            "is_synthetic",
            *PROVENANCE,
            "wkb",
        )
    )
    names = [f for f in names if f not in (*CASUALTY_COUNTS, "is_synthetic", *PROVENANCE)]
    out = []
    for r in rows:
        record = dict(zip(names, r[:13], strict=True))
        record.update({key: (r[13] or {}).get(key, 0) for key in CASUALTY_COUNTS}, is_synthetic=r[14])
        record.update(source_id=r[15], source_attributes=_json(r[16]))
        out.append(record)
    return out, _wkb(rows, 17)
