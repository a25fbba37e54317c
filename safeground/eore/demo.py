"""Synthetic risk education sessions near the demo hazards.

`build(seed, scale, report)` replaces every synthetic session in one transaction; deterministic per
seed (numpy `default_rng([seed, stage])`, inputs sorted by code, UUID5 keys). Sessions are held
0.3–3 km from a recorded hazard (the communities living around it), on dates from 2019 in Cambodia
and from the November 2020 ceasefire in Azerbaijan; the hazards within 5 km are linked as in
eore.services. Methods and audiences are modelling choices ([D]): mostly community and school
sessions, some door-to-door, training of trainers, mass media and digital campaigns.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable

import numpy as np
import shapely
from django.contrib.gis.geos import Point
from django.db import transaction

from safeground.core.geometry import project, utm_epsg_for
from safeground.eore import services
from safeground.eore.models import Session
from safeground.eore.services import NEARBY_M
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import country_outline, locate
from safeground.hazards.models import Hazard
from safeground.organisations.models import Organisation

NAMESPACE = uuid.UUID("3f6a1c2e-4b5d-5e6f-8a9b-0c1d2e3f4a5b")
AS_OF = dt.date(2026, 9, 30)
SESSIONS = {"tiny": 150, "small": 1200, "national": 6000}
COUNTRY_SHARE = {"KHM": 0.6, "AZE": 0.4}
START = {"KHM": dt.date(2019, 1, 1), "AZE": dt.date(2020, 11, 10)}
ORGANISATIONS = {
    "KHM": {"CMAC": 35, "MAG": 20, "HALO": 15, "CMAA": 15, "NPA": 10, "APOPO": 5},
    "AZE": {"ANAMA": 70, "MES-AZ": 30},
}
METHODS = {
    "community": 0.5,
    "school": 0.25,
    "household": 0.1,
    "training_of_trainers": 0.04,
    "mass_media": 0.06,
    "digital": 0.05,
}
AUDIENCES = {
    ("KHM", "community"): {"general": 0.5, "farmers": 0.3, "scrap_collectors": 0.15, "workers": 0.05},
    ("AZE", "community"): {"returnees": 0.5, "general": 0.2, "farmers": 0.15, "workers": 0.15},
    ("KHM", "household"): {"general": 0.7, "farmers": 0.3},
    ("AZE", "household"): {"returnees": 0.8, "general": 0.2},
}
MATERIALS = {
    "community": ["leaflet", "poster", "flipchart", "device replicas"],
    "school": ["school booklet", "poster", "game cards"],
    "household": ["leaflet", "sticker"],
    "training_of_trainers": ["trainer manual", "flipchart", "device replicas"],
    "mass_media": ["radio spot", "TV spot", "billboard"],
    "digital": ["social media video", "messaging campaign"],
}
#: (low, high) people reached per session and the shares (girls, boys, women, men) around which they vary.
REACH = {
    "community": ((10, 120), (0.2, 0.2, 0.3, 0.3)),
    "school": ((25, 300), (0.48, 0.49, 0.015, 0.015)),
    "household": ((3, 12), (0.2, 0.2, 0.3, 0.3)),
    "training_of_trainers": ((8, 30), (0.0, 0.0, 0.45, 0.55)),
    "mass_media": ((500, 20000), (0.15, 0.15, 0.35, 0.35)),
    "digital": ((200, 8000), (0.12, 0.13, 0.35, 0.4)),
}
CHANGE_REASON = "synthetic demo data (eore demo)"
#: Starts as the demo generator's BATCH_SOURCE, so its rebuild removes these batches with its own.
BATCH_SOURCE = "safeground demo: eore sessions"

Report = Callable[[str], None]


def uid(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"session:{code}")


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic session with its hazard links and history (eore.services.delete_synthetic)."""
    return services.delete_synthetic()


def _split(rng, total: int, shares) -> list[int]:
    """People per group (girls, boys, women, men) adding up to `total`."""
    p = rng.dirichlet(np.array(shares) * 40 + 0.01)
    return [int(n) for n in rng.multinomial(total, p)]


@transaction.atomic
def build(seed: int = 1, scale: str = "small", report: Report = lambda message: None) -> dict:
    """Replace the synthetic risk education sessions; returns counts."""
    if scale not in SESSIONS:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SESSIONS)}")
    deleted = delete_synthetic()
    report(f"  eore: removed {deleted.get('sessions', 0):,} previous synthetic sessions")
    rng = np.random.default_rng([seed, 8000])
    hazards = {
        c: list(Hazard.objects.filter(country=c, geom__isnull=False).order_by("code").values_list("pk", "geom"))
        for c in COUNTRY_SHARE
    }
    orgs = dict(Organisation.objects.values_list("acronym", "pk"))
    prefixes = dict(AdminArea.objects.filter(level=1).values_list("id", "code"))
    n_total = SESSIONS[scale]
    plans = []
    for country, share in COUNTRY_SHARE.items():
        candidates = {o: w for o, w in ORGANISATIONS[country].items() if o in orgs}
        if not hazards[country] or not candidates or country_outline(country) is None:
            report(f"  eore: no hazards or organisations in {country}; skipped")
            continue
        geoms = [shapely.from_wkb(bytes(g.wkb)) for _pk, g in hazards[country]]
        outline = country_outline(country)
        org_names, org_w = list(candidates), np.array(list(candidates.values()), dtype=float)
        methods, method_p = list(METHODS), np.array(list(METHODS.values()))
        days = (AS_OF - START[country]).days
        for _ in range(round(n_total * share)):
            method = str(rng.choice(methods, p=method_p / method_p.sum()))
            point = None
            if method not in ("mass_media", "digital"):
                for _try in range(20):
                    c = geoms[int(rng.integers(len(geoms)))].centroid
                    d, a = rng.uniform(0.003, 0.027), rng.uniform(0, 2 * math.pi)
                    candidate = shapely.Point(c.x + d * math.cos(a), c.y + d * math.sin(a))
                    if outline.contains(candidate):
                        point = candidate
                        break
                if point is None:
                    method = "mass_media"
            audiences = AUDIENCES.get((country, method)) or {
                "school": {"schoolchildren": 1.0},
                "training_of_trainers": {"teachers": 1.0},
            }.get(method, {"general": 1.0})
            low, high = REACH[method][0]
            total = int(np.exp(rng.uniform(np.log(low), np.log(high))))
            girls, boys, women, men = _split(rng, max(total, 1), REACH[method][1])
            k = int(rng.integers(1, len(MATERIALS[method]) + 1))
            plans.append(
                {
                    "country": country,
                    "held_on": START[country] + dt.timedelta(days=int(rng.integers(0, days + 1))),
                    "organisation": orgs[str(rng.choice(org_names, p=org_w / org_w.sum()))],
                    "method": method,
                    "audience": str(rng.choice(list(audiences), p=list(audiences.values()))),
                    "counts": (girls, boys, women, men),
                    "materials": sorted(rng.choice(MATERIALS[method], size=k, replace=False).tolist()),
                    "point": point,
                }
            )
    plans.sort(key=lambda p: (p["country"], p["held_on"]))
    for country in COUNTRY_SHARE:
        idx = [i for i, p in enumerate(plans) if p["country"] == country and p["point"] is not None]
        for i, where in zip(idx, locate([plans[i]["point"] for i in idx], country), strict=True):
            plans[i]["where"] = where
    trees = {
        c: (shapely.STRtree([shapely.from_wkb(bytes(g.wkb)) for _pk, g in rows]), [pk for pk, _g in rows])
        for c, rows in hazards.items()
        if rows
    }
    counters: dict[str, int] = {}
    sessions, links = [], []
    for p in plans:
        where = p.get("where")
        prefix = (prefixes.get(where.province_id) if where else None) or {"KHM": "KH", "AZE": "AZ"}[p["country"]]
        if prefix not in counters:
            last = (
                Session.objects.filter(code__startswith=f"{prefix}-EORE-", is_synthetic=False)
                .order_by("-code")
                .values_list("code", flat=True)
                .first()
            )
            counters[prefix] = int(last.rsplit("-", 1)[1]) if last else 0
        counters[prefix] += 1
        code = f"{prefix}-EORE-{counters[prefix]:06d}"
        girls, boys, women, men = p["counts"]
        s = Session(
            id=uid(code),
            code=code,
            is_synthetic=True,
            held_on=p["held_on"],
            point=Point(p["point"].x, p["point"].y, srid=4326) if p["point"] is not None else None,
            country=p["country"],
            province_id=where.province_id if where else None,
            district_id=where.district_id if where else None,
            organisation_id=p["organisation"],
            method=p["method"],
            audience=p["audience"],
            girls=girls,
            boys=boys,
            women=women,
            men=men,
            materials=p["materials"],
        )
        sessions.append(s)
        if p["point"] is not None:
            links.append(_nearby(p["point"], *trees[p["country"]]))
        else:
            links.append([])
    services.bulk_create_sessions(sessions, links, source=BATCH_SOURCE, reason=CHANGE_REASON)
    counts = {
        "sessions": len(sessions),
        "people": sum(s.beneficiaries for s in sessions),
        "hazard_links": sum(len(hs) for hs in links),
    }
    report(
        f"  eore: {counts['sessions']:,} risk education sessions reaching {counts['people']:,} people; "
        f"{counts['hazard_links']:,} links to hazards within {NEARBY_M / 1000:.0f} km"
    )
    return counts


def _nearby(point, tree: shapely.STRtree, pks: list) -> list:
    """Hazards within NEARBY_M of the point (exact distance in the local UTM zone)."""
    pad = NEARBY_M / 111_320 / max(math.cos(math.radians(abs(point.y))), 0.2)
    idx = sorted(tree.query(shapely.box(point.x - pad, point.y - pad, point.x + pad, point.y + pad)))
    if not idx:
        return []
    epsg = utm_epsg_for(point)
    distances = shapely.distance(project(point, epsg), project(tree.geometries[idx], epsg))
    return [pks[i] for i, d in zip(idx, distances, strict=True) if d <= NEARBY_M]
