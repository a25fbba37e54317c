"""The reference gazetteer shipped in shared/data: runs each source in order (the Cambodian outline, its
provinces, districts, communes and villages; Azerbaijan's rayons; Natural Earth towns) into one plan, then
writes it in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext_noop as N_

from safeground.core.geometry import area_m2
from safeground.gazetteer import programmes
from safeground.gazetteer.loaders.aze_rayons import plan_azerbaijan
from safeground.gazetteer.loaders.common import Report, as_multipolygons, as_text, noop, polygonal, read_layer
from safeground.gazetteer.loaders.khm_communes import plan_communes
from safeground.gazetteer.loaders.khm_districts import plan_districts
from safeground.gazetteer.loaders.khm_provinces import plan_provinces
from safeground.gazetteer.loaders.khm_villages import plan_villages, read_villages
from safeground.gazetteer.loaders.ne_towns import plan_towns
from safeground.gazetteer.loaders.plan import AreaRow, Plan, report_repairs, write_plan
from safeground.gazetteer.models import Programme

SOURCE_KHM_OUTLINE = "geoBoundaries KHM ADM0 (OpenStreetMap 2017), ODbL 1.0"


def load_reference(data_dir: Path | str, report: Report = noop) -> dict:
    """Load the reference gazetteer of Cambodia and Azerbaijan from `data_dir` (shared/data).

    Returns a summary: {"areas": {country: {level: n}}, "places": {country: {kind: n}},
    "created", "updated", "unchanged", "kept"}.
    """
    data_dir = Path(data_dir)
    plan = Plan()
    outlines: dict[str, Any] = {}
    level1: dict[str, tuple[list[str], np.ndarray]] = {}

    khm = plan_cambodia(data_dir, plan, report)
    outlines["KHM"], level1["KHM"] = khm
    aze = plan_azerbaijan(data_dir, plan, report)
    outlines["AZE"], level1["AZE"] = aze
    plan_towns(data_dir / "world" / "populated-places-ne10m.geojson", plan, outlines, level1, report)
    read = sum(n for n, _ in plan.repairs.values())
    repaired = sum(r for _, r in plan.repairs.values())
    report(f"source polygons: {read} read, {repaired} invalid ones repaired with make_valid")
    summary = write_plan(plan, report)
    add_reference_programmes(report)
    return summary


#: The two reference programmes' profiles (shared/docs/domain-facts.md: treaties, CRSs, admin levels).
REFERENCE_PROGRAMMES = {
    "KHM": {
        "name": N_("Cambodia"),
        "admin_levels": ["Province", "District", "Commune"],
        "local_crs": "EPSG:32648",
        "legacy_datums": ["EPSG:3148"],
        "languages": ["km"],
        "apmbc_party": True,
        "ccm_party": False,
        "article5_deadline": "2030-12-31",
    },
    "AZE": {
        "name": N_("Azerbaijan"),
        "admin_levels": [N_("Rayon")],
        "local_crs": "EPSG:32638",
        "legacy_datums": ["EPSG:4284", "EPSG:28408", "EPSG:28409"],
        "languages": ["az"],
        "apmbc_party": False,
        "ccm_party": False,
    },
}


def add_reference_programmes(report: Report = noop) -> None:
    """Profiles for the reference countries, through the service; an existing profile is left as its users edited it."""
    for iso3, values in REFERENCE_PROGRAMMES.items():
        if not Programme.objects.filter(iso3=iso3).exists():
            programmes.add_programme(iso3, **values)
            report(f"programme profile added: {iso3} {values['name']}")


def plan_cambodia(data_dir: Path, plan: Plan, report: Report):
    base = data_dir / "cambodia"
    # Level 0: the national outline.
    country = read_layer(base / "country.geojson")
    geoms, repaired = polygonal(country.geoms, str(country.path))
    outline = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    outline = as_multipolygons(np.array([outline], dtype=object))[0]
    name = as_text(country.fields.get("shapeName", ["Cambodia"]))[0] or "Cambodia"
    plan.areas[("KHM", 0)] = [AreaRow("KHM", name, outline, None, SOURCE_KHM_OUTLINE)]
    report_repairs(plan, report, "KHM country outline", len(geoms), repaired)

    provinces = plan_provinces(base, plan, report)
    beyond = shapely.difference(shapely.union_all(provinces["geoms"]), outline)
    if not beyond.is_empty:
        report(
            f"KHM country outline (OSM) vs ODC provinces: {area_m2(beyond) / 1e6:,.1f} km² of the provinces lie "
            "outside the national outline (mostly islands and the border line); the outline is kept as published"
        )
    districts = plan_districts(base, plan, provinces, report)
    villages = read_villages(base / "villages-2013.csv", report)
    communes = plan_communes(base, plan, districts, villages, report)
    plan_villages(plan, outline, communes, villages, report)
    return outline, (provinces["codes"], provinces["geoms"])
