"""Read side of the dashboard: remaining contamination, land released in a year, devices destroyed.

Every figure is a database aggregate over stored rows: remaining contamination from the stored
ledger (HazardLedger, the same definition as `ledger_queries.summary`'s remaining SHA/CHA),
released land from ProductRelease credits (ground covered by several products counts once),
devices from Device rows. Nothing here recomputes geometry, and nothing loops over big tables in
Python: each query returns at most one row per country, province, organisation or category, which
are then arranged. The one spatial step, placing EOD spot task devices (which have no hazard) in a
province, is a vectorised point-in-polygon over the activities' reference points.

Areas are in m² here; the pages and the API convert them to hectares or km².
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import cached_answer, country_names, outlines
from safeground.hazards.models import Hazard
from safeground.landrelease.ledger.queries import OPEN_STATUSES
from safeground.landrelease.models import Device, HazardLedger, Product, ProductRelease
from safeground.operations.models import Activity
from safeground.ordnance.models import CATEGORY_CHOICES

OUTCOMES = tuple(o for o, _label in Product.OUTCOME_CHOICES)  # cancelled, reduced, cleared
CLASSES = ("SHA", "CHA")
CLOSED_STATUSES = ("closed", "handed_over")
STATUSES = tuple(s for s, _label in Hazard.STATUS_CHOICES)
DESTROYED = ("destroyed_in_situ", "removed_destroyed")
CATEGORIES = tuple(c for c, _label in CATEGORY_CHOICES)
TOLERANCE_M2 = 1.0  # a hazard with less remaining counts as released (as /ledger/ and ledger_queries)
FIRST_YEAR = 1990  # the earliest year the selector accepts
LARGEST_HAZARDS = 10


def check_country(country: str | None) -> str | None:
    """None (every country) or the ISO3 of a programme; ValueError naming the choices otherwise."""
    if not country:
        return None
    code = country.strip().upper()
    codes = sorted(country_names())
    if code not in codes:
        raise ValueError(f"country must be one of {', '.join(codes)} (or empty for all); got {country!r}")
    return code


def check_year(year: int | str | None) -> int:
    """The selected year (default: the current one); ValueError unless FIRST_YEAR ≤ year ≤ next year."""
    today = dt.date.today().year
    if year in (None, ""):
        return today
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"year must be a number such as {today}; got {year!r}") from None
    if not FIRST_YEAR <= value <= today + 1:
        raise ValueError(f"year must be between {FIRST_YEAR} and {today + 1}; got {value}")
    return value


def years() -> list[int]:
    """Years worth offering in the selector, latest first: from the first release or find to this year."""
    today = dt.date.today().year
    released = Product.objects.aggregate(first=Min("released_on"), last=Max("released_on"))
    found = Device.objects.aggregate(first=Min("found_on"), last=Max("found_on"))
    dates = [d for d in (*released.values(), *found.values()) if d]
    first = min((d.year for d in dates), default=today)
    last = max([today, *(d.year for d in dates)])
    return list(range(last, max(first, FIRST_YEAR) - 1, -1))


# ------------------------------------------------------------------ remaining contamination


def _blank_remaining() -> dict:
    return {
        "hazards": 0,
        "open_hazards": 0,
        "open_sha": 0,
        "open_cha": 0,
        "estimated_m2": 0.0,
        "estimated_sum_m2": 0.0,
        "estimated_overlap_m2": 0.0,
        "released_m2": 0.0,
        "remaining_m2": 0.0,
        "remaining_sum_m2": 0.0,
        "remaining_overlap_m2": 0.0,
        "remaining_sha_m2": 0.0,
        "remaining_cha_m2": 0.0,
    }


def _add(into: dict, row: dict) -> None:
    for key, value in row.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            into[key] = into.get(key, 0) + value


def remaining(country: str | None = None) -> dict:
    """Contamination still to release, by country, province and hazard class (one query on the ledger).

    Remaining: the ledger's remaining m² of open or suspended hazards with more than TOLERANCE_M2
    left (a closed hazard's leftover is not contamination any more); estimated and released: all
    hazards. {"total": {...}, "by_country": [...], "by_province": [...], "by_class": [...]}.

    Never counted twice (decision 0016): `remaining_m2` (and its SHA/CHA split) and `estimated_m2`
    are unique figures, each hazard's share of the union of all hazards, so ground two overlapping
    hazards record counts once, for the one recorded first. Beside them, `*_sum_m2` is the plain sum
    of the hazards' own figures and `*_overlap_m2` = sum − unique. Released (cancelled + reduced +
    cleared) is the sum of the hazards' ledgers.
    """
    ledgers = HazardLedger.objects.all()
    if country:
        ledgers = ledgers.filter(hazard__country=country)
    still = Q(remaining_m2__gt=TOLERANCE_M2, hazard__status__in=OPEN_STATUSES)
    rows = (
        ledgers.values("hazard__country", "hazard__province__code", "hazard__province__name", "hazard__hazard_class")
        .annotate(
            hazards=Count("hazard"),
            open_hazards=Count("hazard", filter=still),
            estimated_sum_m2=Sum("estimated_m2", default=0.0),
            estimated_overlap_m2=Sum("estimated_overlap_m2", default=0.0),
            released_m2=Sum(F("cancelled_m2") + F("reduced_m2") + F("cleared_m2"), default=0.0),
            remaining_sum_m2=Sum("remaining_m2", filter=still, default=0.0),
            remaining_overlap_m2=Sum("remaining_overlap_m2", filter=still, default=0.0),
        )
        .order_by()
    )
    total = _blank_remaining()
    by_country: dict = {}
    by_province: dict = {}
    by_class = {c: {"hazard_class": c, **_blank_remaining()} for c in CLASSES}
    for r in rows:  # one row per country × province × class: a few hundred at most
        cls = r["hazard__hazard_class"]
        unique = r["remaining_sum_m2"] - r["remaining_overlap_m2"]
        figures = {
            "hazards": r["hazards"],
            "open_hazards": r["open_hazards"],
            "open_sha": r["open_hazards"] if cls == "SHA" else 0,
            "open_cha": r["open_hazards"] if cls == "CHA" else 0,
            "estimated_m2": r["estimated_sum_m2"] - r["estimated_overlap_m2"],
            "estimated_sum_m2": r["estimated_sum_m2"],
            "estimated_overlap_m2": r["estimated_overlap_m2"],
            "released_m2": r["released_m2"],
            "remaining_m2": unique,
            "remaining_sum_m2": r["remaining_sum_m2"],
            "remaining_overlap_m2": r["remaining_overlap_m2"],
            "remaining_sha_m2": unique if cls == "SHA" else 0.0,
            "remaining_cha_m2": unique if cls == "CHA" else 0.0,
        }
        code = r["hazard__country"]
        province = (code, r["hazard__province__code"])
        _add(total, figures)
        _add(by_country.setdefault(code, {"country": code, **_blank_remaining()}), figures)
        _add(
            by_province.setdefault(
                province,
                {
                    "country": code,
                    "province_code": r["hazard__province__code"],
                    "province_name": r["hazard__province__name"],
                    **_blank_remaining(),
                },
            ),
            figures,
        )
        _add(by_class.setdefault(cls, {"hazard_class": cls, **_blank_remaining()}), figures)
    return {
        "total": total,
        "by_country": [by_country[c] for c in sorted(by_country)],
        "by_province": sorted(by_province.values(), key=lambda p: (-p["remaining_m2"], p["province_code"] or "~")),
        "by_class": [by_class[c] for c in by_class],
    }


def hazard_counts(year: int, country: str | None = None) -> dict:
    """Hazards by status now, with those recorded in `year` and those closed or handed over in it.

    Every hazard counts, point hazards too; `open_points` says how many open ones are only a point
    (they have no ground in the ledger, so the remaining areas leave them out)."""
    hazards = Hazard.objects.all()
    if country:
        hazards = hazards.filter(country=country)
    rows = (
        hazards.values("country", "status")
        .annotate(
            n=Count("id"),
            recorded=Count("id", filter=Q(recorded_on__year=year)),
            changed=Count("id", filter=Q(status_changed_on__year=year)),
            points=Count("id", filter=Q(point__isnull=False)),
        )
        .order_by()
    )
    by_status = dict.fromkeys(STATUSES, 0)
    by_country: dict = {}
    out = {"open": 0, "closed": 0, "recorded_in_year": 0, "closed_in_year": 0, "open_points": 0}
    for r in rows:
        closed = r["status"] in CLOSED_STATUSES
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
        item = by_country.setdefault(r["country"], {"country": r["country"], "open": 0, "closed": 0})
        item["closed" if closed else "open"] += r["n"]
        out["closed" if closed else "open"] += r["n"]
        out["recorded_in_year"] += r["recorded"]
        if not closed:
            out["open_points"] += r["points"]
        if closed:
            out["closed_in_year"] += r["changed"]
    return {**out, "by_status": by_status, "by_country": [by_country[c] for c in sorted(by_country)]}


def largest_hazards(country: str | None = None, limit: int = LARGEST_HAZARDS) -> list[dict]:
    """The open hazards with the most ground left (record codes: for signed-in pages only)."""
    qs = HazardLedger.objects.filter(remaining_m2__gt=TOLERANCE_M2, hazard__status__in=OPEN_STATUSES)
    if country:
        qs = qs.filter(hazard__country=country)
    return [
        dict(r)
        for r in qs.order_by("-remaining_m2", "hazard__code").values(
            "remaining_m2",
            "estimated_m2",
            code=F("hazard__code"),
            country=F("hazard__country"),
            hazard_class=F("hazard__hazard_class"),
            status=F("hazard__status"),
            contamination_type=F("hazard__contamination_type"),
            province_name=F("hazard__province__name"),
        )[:limit]
    ]


# ------------------------------------------------------------------ land released in a year


def _outcome_sums() -> dict:
    return {f"{o}_m2": Sum("released_m2", filter=Q(outcome=o), default=0.0) for o in OUTCOMES}


def _with_released(row: dict) -> dict:
    row["released_m2"] = sum(row[f"{o}_m2"] for o in OUTCOMES)
    return row


def released(year: int, country: str | None = None) -> dict:
    """Land released in `year` by outcome, from the credits of products released that year.

    A credit is the hazard ground one product released after precedence (cleared over reduced over
    cancelled, earlier over later), so summing credits never counts ground twice.
    {"total": {...}, "by_country": [...], "by_province": [...], "by_organisation": [...]}.
    """
    credits = ProductRelease.objects.filter(product__released_on__year=year)
    if country:
        credits = credits.filter(hazard__country=country)
    counts = {"products": Count("product", distinct=True), "hazards": Count("hazard", distinct=True)}
    total = _with_released(credits.aggregate(**counts, **_outcome_sums()))
    by_province = [
        _with_released(
            {
                "country": r.pop("hazard__country"),
                "province_code": r.pop("hazard__province__code"),
                "province_name": r.pop("hazard__province__name"),
                **r,
            }
        )
        for r in map(
            dict,
            credits.values("hazard__country", "hazard__province__code", "hazard__province__name")
            .annotate(**counts, **_outcome_sums())
            .order_by(),
        )
    ]
    by_organisation = [
        _with_released(
            {
                "organisation": r.pop("product__activity__organisation__acronym"),
                "organisation_name": r.pop("product__activity__organisation__name"),
                **r,
            }
        )
        for r in map(
            dict,
            credits.values("product__activity__organisation__acronym", "product__activity__organisation__name")
            .annotate(**counts, **_outcome_sums())
            .order_by(),
        )
    ]
    by_country: dict = {}
    for p in by_province:
        item = by_country.setdefault(p["country"], {"country": p["country"], **dict.fromkeys(_AREA_KEYS, 0.0)})
        for key in _AREA_KEYS:
            item[key] += p[key]
    largest_first = lambda r: (-r["released_m2"], str(r.get("province_code") or r.get("organisation") or "~"))  # noqa: E731
    return {
        "total": total,
        "by_country": [by_country[c] for c in sorted(by_country)],
        "by_province": sorted(by_province, key=largest_first),
        "by_organisation": sorted(by_organisation, key=largest_first),
    }


_AREA_KEYS = (*(f"{o}_m2" for o in OUTCOMES), "released_m2")


# ------------------------------------------------------------------ devices


def _devices(year: int, country: str | None):
    qs = Device.objects.filter(found_on__year=year)
    if country:
        qs = qs.filter(Q(product__hazard__country=country) | Q(product__hazard=None, activity__country=country))
    return qs


def _category_sums() -> dict:
    """Destroyed items per category, as annotations `destroyed_<category>`."""
    destroyed = Q(disposal__in=DESTROYED)
    return {f"destroyed_{c}": Sum("count", filter=destroyed & Q(category=c), default=0) for c in CATEGORIES}


def _device_row(row: dict) -> dict:
    by_category = {c: row.pop(f"destroyed_{c}") for c in CATEGORIES}
    row["by_category"] = {c: n for c, n in by_category.items() if n}
    row["destroyed"] = sum(by_category.values())
    return row


def devices(year: int, country: str | None = None) -> dict:
    """Explosive ordnance found in `year` and how much of it was destroyed, by category, province, organisation.

    Counts are items (a grouped find of 30 submunitions counts 30). Destroyed: destroyed in situ or
    removed and destroyed elsewhere; removed to storage, rendered safe and other disposals are found
    but not destroyed. Province: the province of the hazard the find's product released; EOD spot
    task finds (no product) are placed by their activity's reference point.
    """
    qs = _devices(year, country)
    destroyed = Q(disposal__in=DESTROYED)
    by_category = [
        {
            "category": r["category"],
            "records": r["records"],
            "found": r["found"] or 0,
            "destroyed": r["destroyed"] or 0,
            "area_clearance": r["area_clearance"] or 0,
            "eod_spot_tasks": r["eod_spot_tasks"] or 0,
        }
        for r in qs.values("category")
        .annotate(
            records=Count("id"),
            found=Sum("count"),
            destroyed=Sum("count", filter=destroyed),
            area_clearance=Sum("count", filter=destroyed & Q(product__isnull=False)),
            eod_spot_tasks=Sum("count", filter=destroyed & Q(product__isnull=True)),
        )
        .order_by()
    ]
    by_category.sort(key=lambda r: (-r["destroyed"], CATEGORIES.index(r["category"])))
    total = {
        key: sum(r[key] for r in by_category)
        for key in ("records", "found", "destroyed", "area_clearance", "eod_spot_tasks")
    }
    organisation = Coalesce("product__activity__organisation__acronym", "activity__organisation__acronym")
    by_organisation = [
        _device_row({"organisation": r.pop("org"), "found": r.pop("found") or 0, **r})
        for r in qs.annotate(org=organisation).values("org").annotate(found=Sum("count"), **_category_sums()).order_by()
    ]
    by_organisation.sort(key=lambda r: (-r["destroyed"], r["organisation"] or "~"))
    return {
        "total": total,
        "by_category": by_category,
        "by_province": _devices_by_province(qs),
        "by_organisation": by_organisation,
    }


def _devices_by_province(qs) -> list[dict]:
    """Destroyed and found items per province: products' finds through their hazard, EOD finds by place."""
    out: dict = {}

    def add(key: tuple, row: dict) -> None:
        item = out.setdefault(
            key, {"country": key[0], "province_code": key[1], "province_name": key[2], "found": 0, "destroyed": 0}
        )
        item["found"] += row.pop("found") or 0
        for c in CATEGORIES:
            n = row.pop(f"destroyed_{c}")
            if n:
                item.setdefault("by_category", {})[c] = item.get("by_category", {}).get(c, 0) + n
                item["destroyed"] += n

    on_products = (  # placed by their product's hazard; those of products outside every hazard, by activity
        qs.filter(product__hazard__isnull=False)
        .values("product__hazard__country", "product__hazard__province__code", "product__hazard__province__name")
        .annotate(found=Sum("count"), **_category_sums())
        .order_by()
    )
    for r in on_products:
        add(
            (
                r.pop("product__hazard__country"),
                r.pop("product__hazard__province__code"),
                r.pop("product__hazard__province__name"),
            ),
            r,
        )
    # EOD spot tasks: aggregate per activity in SQL, then place the activities (not the finds).
    per_activity = list(
        qs.filter(product__hazard__isnull=True)
        .values("activity_id", "activity__country")
        .annotate(found=Sum("count"), **_category_sums())
        .order_by()
    )
    if per_activity:
        places = _activity_provinces(qs.filter(product__hazard__isnull=True).values("activity_id"))
        for r in per_activity:
            activity_id, country = r.pop("activity_id"), r.pop("activity__country")
            code, name = places.get(activity_id, (None, None))
            add((country, code, name), r)
    rows = list(out.values())
    for item in rows:
        item.setdefault("by_category", {})
    rows.sort(key=lambda p: (-p["destroyed"], p["province_code"] or "~"))
    return rows


def _activity_provinces(activity_ids) -> dict:
    """{activity id: (province code, name)} for the activities of `activity_ids` (a subquery), by reference point.

    One read of the points and one of the province outlines, then one vectorised point-in-polygon
    (the ORM's per-row spatial subquery takes seconds even on the tiny demo). The tree is built on
    the points and queried with the outlines, so each outline is prepared once: several times
    faster than testing every point against unprepared outlines.
    """
    activities = list(
        Activity.objects.filter(id__in=activity_ids)
        .annotate(wkb=AsWKB("reference_point"))
        .values_list("id", "country", "wkb")
    )
    countries = {a[1] for a in activities}
    provinces = list(
        AdminArea.objects.filter(level=1, country__in=countries)
        .order_by("country", "code")
        .annotate(wkb=AsWKB("geom"))
        .values_list("country", "code", "name", "wkb")
    )
    if not activities or not provinces:
        return {}
    points = shapely.from_wkb([bytes(a[2]) for a in activities])
    outlines = shapely.from_wkb([bytes(p[3]) for p in provinces])
    outline_index, point_index = shapely.STRtree(points).query(outlines, predicate="intersects")
    out = {}
    for o, p in sorted(zip(outline_index.tolist(), point_index.tolist(), strict=True)):
        activity_id, country, _wkb = activities[p]
        if activity_id not in out and provinces[o][0] == country:  # on a border: the first province by code
            out[activity_id] = (provinces[o][1], provinces[o][2])
    return out


# ------------------------------------------------------------------ the whole dashboard


def dashboard(year: int | None = None, country: str | None = None, *, public: bool = False) -> dict:
    """Every figure of the dashboard for one year and one country (None: both).

    `public`: aggregates only, for anonymous visitors: no record codes (the largest hazards list
    and every other per-record item are left out). No variant carries coordinates or personal data.
    """
    year = check_year(year)
    country = check_country(country)
    out: dict[str, Any] = {
        "year": year,
        "country": country,
        "remaining": remaining(country),
        "hazards": hazard_counts(year, country),
        "released": released(year, country),
        "devices": devices(year, country),
    }
    if not public:
        out["largest_hazards"] = largest_hazards(country)
    return out


# ------------------------------------------------------------------ the public answers, cached

#: Seconds the public landing page's figures and map data are kept: an anonymous visitor never starts
#: the aggregate queries more than once in this time, and a change shows within it.
PUBLIC_CACHE_SECONDS = 300
#: The landing map's province outlines: simplified by this many degrees (about a kilometre), rounded
#: to this many decimals (about a hundred metres). A choropleth needs no more.
OUTLINE_TOLERANCE = 0.01
OUTLINE_DECIMALS = 3


def public_dashboard(year: int | None = None) -> dict:
    """`dashboard(year, public=True)` for every country, from the cache (`PUBLIC_CACHE_SECONDS`)."""
    year = check_year(year)
    body = cached_answer(
        f"dashboard:public:{year}",
        lambda: json.dumps(dashboard(year, None, public=True)).encode(),
        seconds=PUBLIC_CACHE_SECONDS,
    )
    return json.loads(body)


def contamination_by_province() -> bytes:
    """Remaining contamination per first-level admin area, every country, as a GeoJSON FeatureCollection.

    Aggregates only: each feature is a province's simplified outline (the gazetteer's, never a
    hazard's) with its code, name, country, `remaining_ha` (ground still to release, counted once
    where hazards overlap) and `open_hazards` (open or suspended hazards with ground left). Provinces
    without remaining ground are there with zeros. From the cache (`PUBLIC_CACHE_SECONDS`)."""

    def build() -> bytes:
        found = {(r["country"], r["province_code"]): r for r in remaining()["by_province"]}
        features = []
        for feature in outlines(1, OUTLINE_TOLERANCE, OUTLINE_DECIMALS):
            props = feature["properties"]
            row = found.get((props["country"], props["code"]), {})
            props["remaining_ha"] = round(max(row.get("remaining_m2", 0.0), 0.0) / 10_000, 2)
            props["open_hazards"] = row.get("open_hazards", 0)
            features.append(feature)
        return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()

    return cached_answer("dashboard:contamination-by-province", build, seconds=PUBLIC_CACHE_SECONDS)
