"""Read side of the ledger: per-hazard rows, national aggregates, discrepancies and status proposals.

All figures come from the stored ledger (HazardLedger, ProductRelease), which the services keep
equal to a fresh computation; nothing here recomputes geometry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter, ExtractYear
from django.utils.translation import gettext as _

from safeground.hazards.models import Hazard
from safeground.hazards.queries import admin_area_filter
from safeground.landrelease.models import Device, HazardLedger, Product, ProductRelease
from safeground.landrelease.queries import in_country

FIGURES = ("estimated_m2", "cancelled_m2", "reduced_m2", "cleared_m2", "remaining_m2", "outside_m2", "overlap_m2")
OPEN_STATUSES = ("open", "suspended")
ROW_CHUNK = 2000  # rows per fetch when a list is streamed

# group key → (field on Hazard, label field) for groupings that are properties of the hazard.
HAZARD_GROUPS = {
    "country": ("country", None),
    "province": ("province__code", "province__name"),
    "district": ("district__code", "district__name"),
    "commune": ("commune__code", "commune__name"),
    "type": ("contamination_type", None),
    "class": ("hazard_class", None),
    "reporting_organisation": ("reporting_organisation__acronym", None),
}
# group key → expression on ProductRelease / Device for groupings that are properties of the release.
RELEASE_GROUPS = {
    "organisation": "product__activity__organisation__acronym",
    "year": "year",
    "quarter": "quarter",
    "month": "month",
    "method": "method",
    "activity_type": "product__activity__activity_type",
}
GROUPS = tuple(HAZARD_GROUPS) + tuple(RELEASE_GROUPS)
# Ground shared between hazards (ledger/overlaps.py): each hazard's part already counted by earlier ones.
# Every hazard aggregate reports the sum, the unique figure (its share of the union: sum − overlap)
# and the overlap, for the estimated and the remaining area (decision 0016).
HAZARD_OVERLAPS = ("estimated_overlap_m2", "remaining_overlap_m2")
_REMAINING_SHARE = F("remaining_m2") - F("remaining_overlap_m2")


def hazard_rows(
    *,
    country: str | None = None,
    admin_area: str | None = None,
    hazard_class: str | None = None,
    status: str | None = None,
    contamination_type: str | None = None,
    organisation: str | None = None,
    code: str | None = None,
) -> QuerySet[HazardLedger]:
    """The stored ledger rows matching the filters, by hazard code. Read them with `as_dicts`."""
    qs = HazardLedger.objects.all()
    if country:
        qs = qs.filter(hazard__country=country)
    if admin_area:
        qs = qs.filter(admin_area_filter("hazard__", admin_area))
    if hazard_class:
        qs = qs.filter(hazard__hazard_class=hazard_class)
    if status:
        qs = qs.filter(hazard__status=status)
    if contamination_type:
        qs = qs.filter(hazard__contamination_type=contamination_type)
    if organisation:
        qs = qs.filter(hazard__reporting_organisation__acronym=organisation)
    if code:
        qs = qs.filter(hazard__code=code)
    return qs.order_by("hazard__code")


# Key of a ledger row → the column it is read from. Plain columns only: a list never loads a
# geometry (not the hazard's, not its province's boundary), whatever its length.
ROW_COLUMNS = {
    "code": "hazard__code",
    "country": "hazard__country",
    "province_code": "hazard__province__code",
    "hazard_class": "hazard__hazard_class",
    "status": "hazard__status",
    "contamination_type": "hazard__contamination_type",
    **{name: name for name in FIGURES},
    "estimated_overlap_m2": "estimated_overlap_m2",
    "remaining_overlap_m2": "remaining_overlap_m2",
    "devices_outside": "devices_outside",
}


def as_dicts(rows: QuerySet[HazardLedger], *extra: str) -> Iterator[dict]:
    """The rows of `hazard_rows` as dicts (ROW_COLUMNS, then the `extra` annotations), streamed from the cursor."""
    names = (*ROW_COLUMNS, *extra)
    for values in rows.values_list(*ROW_COLUMNS.values(), *extra).iterator(chunk_size=ROW_CHUNK):
        yield dict(zip(names, values, strict=True))


def _with_period(qs, date_field: str):
    return qs.annotate(year=ExtractYear(date_field), quarter=ExtractQuarter(date_field), month=ExtractMonth(date_field))


def _period_label(group_by: str, row: dict) -> str:
    if group_by == "quarter":
        return f"{row['year']}-Q{row['quarter']}"
    if group_by == "month":
        return f"{row['year']}-{row['month']:02d}"
    return str(row["year"])


def summary(group_by: str = "country", country: str | None = None, tolerance_m2: float = 1.0) -> list[dict]:
    """Aggregates by one grouping; see GROUPS. Released m² never double counts within a hazard (credits after
    precedence). Hazard groupings give estimated and remaining area three ways: `*_m2` the sum over the
    hazards, `*_unique_m2` the group's share of the union of all hazards (groups add up to the national
    union: shared ground counts once, for the hazard recorded first) and `*_overlap_m2` = sum − unique.

    Point hazards have no ledger row: hazard groupings add `point_hazards` (the open ones) and
    `point_estimated_m2` (their declared area where the programme counts it, else 0); periods add
    `new_point_hazards` and `new_point_estimated_m2`."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}; got {group_by!r}")
    return _by_hazard(group_by, country, tolerance_m2) if group_by in HAZARD_GROUPS else _by_release(group_by, country)


def _by_hazard(group_by: str, country: str | None, tolerance_m2: float) -> list[dict]:
    key, label = HAZARD_GROUPS[group_by]
    ledgers = HazardLedger.objects.all()
    if country:
        ledgers = ledgers.filter(hazard__country=country)
    fields = [f"hazard__{key}"] + ([f"hazard__{label}"] if label else [])
    still = Q(remaining_m2__gt=tolerance_m2, hazard__status__in=OPEN_STATUSES)
    rows = (
        ledgers.values(*fields)
        .annotate(
            hazards=Count("hazard"),
            remaining_sha=Count("hazard", filter=still & Q(hazard__hazard_class="SHA")),
            remaining_cha=Count("hazard", filter=still & Q(hazard__hazard_class="CHA")),
            remaining_sha_m2=Sum("remaining_m2", filter=still & Q(hazard__hazard_class="SHA"), default=0.0),
            remaining_cha_m2=Sum("remaining_m2", filter=still & Q(hazard__hazard_class="CHA"), default=0.0),
            remaining_sha_unique_m2=Sum(_REMAINING_SHARE, filter=still & Q(hazard__hazard_class="SHA"), default=0.0),
            remaining_cha_unique_m2=Sum(_REMAINING_SHARE, filter=still & Q(hazard__hazard_class="CHA"), default=0.0),
            **{name: Sum(name, default=0.0) for name in (*FIGURES, *HAZARD_OVERLAPS)},
        )
        .order_by(f"hazard__{key}")
    )
    devices = _devices_by(F(f"product__hazard__{key}"), country)
    points = _open_points(key, label, country)
    out = []
    for r in rows:
        group = r[f"hazard__{key}"]
        item = {"group": group, "label": r.get(f"hazard__{label}") if label else group}
        item.update({k: v for k, v in r.items() if not k.startswith("hazard__")})
        item["estimated_unique_m2"] = item["estimated_m2"] - item["estimated_overlap_m2"]
        item["remaining_unique_m2"] = item["remaining_m2"] - item["remaining_overlap_m2"]
        found = points.pop(group, {})
        item["point_hazards"] = found.get("point_hazards", 0)
        item["point_estimated_m2"] = found.get("point_estimated_m2", 0.0)
        item["devices"] = devices.get(group, {})
        out.append(item)
    for group, found in points.items():  # groups holding point hazards only
        label_of = found.pop("label")
        item = {"group": group, "label": label_of, **dict.fromkeys(_POLYGON_ONLY, 0), **found}
        item["devices"] = devices.get(group, {})
        out.append(item)
    if group_by == "country":  # products outside every hazard have a country (their activity's), nothing else
        _add_outside_hazards(out, "activity__country", country, blank=_empty_country)
    return sorted(out, key=lambda item: (item["group"] is None, str(item["group"] or "")))


def _empty_country(group: str) -> dict:
    return {
        "group": group,
        "label": group,
        **dict.fromkeys(_POLYGON_ONLY, 0),
        "point_hazards": 0,
        "point_estimated_m2": 0.0,
        "devices": {},
    }


#: Where a product outside every hazard (no hazard) falls in a release grouping.
OUTSIDE_GROUPS = {
    "organisation": "activity__organisation__acronym",
    "method": "activity__methods__0",
    "activity_type": "activity__activity_type",
}


def outside_hazards(country: str | None = None) -> dict:
    """Ground released outside every hazard by products filed under none (`--orphans outside`):
    {"products", "cancelled_m2", "reduced_m2", "cleared_m2", "released_m2"}.

    Counted apart from the hazards' figures: it released no hazard's ground. A product of this kind is
    checked to overlap no hazard when written; a hazard recorded over it later is credited with the
    ground they share like any other, and the quality check `product-without-hazard-overlaps` lists it."""
    sums = {f"{o}_m2": Sum("area_m2", filter=Q(outcome=o), default=0.0) for o in ("cancelled", "reduced", "cleared")}
    return _unfiled(country).aggregate(products=Count("id"), released_m2=Sum("area_m2", default=0.0), **sums)


def _unfiled(country: str | None):
    """Products filed under no hazard, of a country (their activity's)."""
    qs = Product.objects.filter(hazard__isnull=True)
    return qs.filter(activity__country=country) if country else qs


def _add_outside_hazards(out: list[dict] | dict, key, country: str | None, blank) -> None:
    """Add `outside_hazards_products` and `outside_hazards_m2` (products filed under no hazard) to
    each group of `out`; groups that hold nothing else are added with `blank(group)`."""
    qs = _unfiled(country)
    if key in ("year", "quarter", "month"):
        qs = _with_period(qs, "released_on")
        fields = {"year": ["year"], "quarter": ["year", "quarter"], "month": ["year", "month"]}[key]
        rows: list[dict] = [
            {**r, "grp": _period_label(key, {"quarter": None, "month": 0, **r})}
            for r in qs.values(*fields).annotate(n=Count("id"), m2=Sum("area_m2")).order_by(*fields)
        ]
    else:
        rows = [dict(r) for r in qs.values(grp=F(key)).annotate(n=Count("id"), m2=Sum("area_m2")).order_by("grp")]
    items = out if isinstance(out, dict) else {item["group"]: item for item in out}
    for item in items.values():
        item["outside_hazards_products"], item["outside_hazards_m2"] = 0, 0.0
    for r in rows:
        item = items.get(r["grp"])
        if item is None:
            item = items[r["grp"]] = blank(r["grp"])
            if isinstance(out, list):
                out.append(item)
        item["outside_hazards_products"] = item.get("outside_hazards_products", 0) + r["n"]
        item["outside_hazards_m2"] = item.get("outside_hazards_m2", 0.0) + (r["m2"] or 0.0)


#: Figures of a hazard grouping that only polygon hazards (the ledger's rows) have.
_POLYGON_ONLY = (
    "hazards",
    "remaining_sha",
    "remaining_cha",
    "remaining_sha_m2",
    "remaining_cha_m2",
    "remaining_sha_unique_m2",
    "remaining_cha_unique_m2",
    *FIGURES,
    *HAZARD_OVERLAPS,
    "estimated_unique_m2",
    "remaining_unique_m2",
)


def _open_points(key: str, label: str | None, country: str | None) -> dict:
    """{group: {"point_hazards", "point_estimated_m2", "label"}} of the open point hazards.

    Point hazards have no ground in the ledger: they are counted apart, never given invented area.
    Their estimated area is what the services stored: π r² of the declared radius where the programme
    counts it (`Programme.point_radius_area`), else 0."""
    qs = Hazard.objects.filter(point__isnull=False, status__in=OPEN_STATUSES)
    if country:
        qs = qs.filter(country=country)
    fields = [key] + ([label] if label else [])
    rows = qs.values(*fields).annotate(n=Count("id"), m2=Sum("area_m2", default=0.0)).order_by(key)
    return {
        r[key]: {"point_hazards": r["n"], "point_estimated_m2": r["m2"], "label": r[label] if label else r[key]}
        for r in rows
    }


def _releases(country: str | None):
    qs = _with_period(ProductRelease.objects.all(), "product__released_on").annotate(
        method=F("product__activity__methods__0")
    )
    return qs.filter(hazard__country=country) if country else qs


def _by_release(group_by: str, country: str | None) -> list[dict]:
    key = RELEASE_GROUPS[group_by]
    period = group_by in ("year", "quarter", "month")
    fields = ["year", "quarter", "month"][: ("year", "quarter", "month").index(group_by) + 1] if period else [key]
    if group_by == "quarter":
        fields = ["year", "quarter"]
    rows = (
        _releases(country)
        .values(*fields)
        .annotate(
            products=Count("product", distinct=True),
            hazards=Count("hazard", distinct=True),
            total_m2=Sum("released_m2", default=0.0),
            **{
                f"{o}_m2": Sum("released_m2", filter=Q(outcome=o), default=0.0)
                for o in ("cancelled", "reduced", "cleared")
            },
        )
        .order_by(*fields)
    )
    out = {}
    for r in rows:
        group = _period_label(group_by, r) if period else r[key]
        figures = {k: v for k, v in r.items() if k not in fields}
        figures["released_m2"] = figures.pop("total_m2")
        out[group] = {"group": group, "label": group, **figures}
    if period:
        _add_new_contamination(out, group_by, country)
        devices = _devices_by_period(group_by, country)
    elif group_by == "organisation":
        devices = _devices_by(
            Coalesce("product__activity__organisation__acronym", "activity__organisation__acronym"), country
        )
    else:
        devices = {}
    key = group_by if period else OUTSIDE_GROUPS[group_by]
    _add_outside_hazards(out, key, country, blank=_blank_period if period else _empty_period)
    for group, item in out.items():
        item["devices"] = devices.get(group, {})
    return [out[k] for k in sorted(out, key=lambda g: (g is None, str(g)))]


def _blank_period(group) -> dict:
    item = _empty_period(group)
    for key in ("new_hazards", "new_point_hazards"):
        item[key] = 0
    for key in (
        "new_contamination_m2",
        "new_contamination_unique_m2",
        "new_contamination_overlap_m2",
        "new_point_estimated_m2",
    ):
        item[key] = 0.0
    return item


def _recorded_label(group_by: str, row: dict) -> str:
    """The period a hazard was recorded in; one recorded only to the year is not put in its January
    (core.dates): by quarter or month it counts in "<year> (year only)"."""
    if group_by != "year" and row.get("precision") == "year":
        return _("%(year)s (year only)") % {"year": row["year"]}
    return _period_label(group_by, {"quarter": None, "month": 0, **row})


def _add_new_contamination(out: dict, group_by: str, country: str | None) -> None:
    """Contamination newly recorded in each period, next to what was released in it."""
    hazards = _with_period(HazardLedger.objects.all(), "hazard__recorded_on")
    if country:
        hazards = hazards.filter(hazard__country=country)
    fields = {"year": ["year"], "quarter": ["year", "quarter"], "month": ["year", "month"]}[group_by]
    sums = {"n": Count("hazard"), "m2": Sum("estimated_m2"), "overlap": Sum("estimated_overlap_m2")}
    rows = hazards.values(*fields, precision=F("hazard__recorded_on_precision")).annotate(**sums).order_by(*fields)
    for r in rows:
        label = _recorded_label(group_by, r)
        item = out.setdefault(label, _empty_period(label))
        # Several rows may share a label (dates of different precisions): they add up.
        item["new_hazards"] = item.get("new_hazards", 0) + r["n"]
        item["new_contamination_m2"] = item.get("new_contamination_m2", 0.0) + r["m2"]
        # Unique: ground no hazard recorded earlier covers (the order is recorded_on first).
        item["new_contamination_unique_m2"] = item.get("new_contamination_unique_m2", 0.0) + r["m2"] - r["overlap"]
        item["new_contamination_overlap_m2"] = item.get("new_contamination_overlap_m2", 0.0) + r["overlap"]
    # Point hazards recorded in each period, counted apart (their declared area where the profile counts it).
    points = _with_period(Hazard.objects.filter(point__isnull=False), "recorded_on")
    if country:
        points = points.filter(country=country)
    counted = points.values(*fields, precision=F("recorded_on_precision"))
    for r in counted.annotate(n=Count("id"), m2=Sum("area_m2", default=0.0)).order_by(*fields):
        label = _recorded_label(group_by, r)
        item = out.setdefault(label, _empty_period(label))
        item["new_point_hazards"] = item.get("new_point_hazards", 0) + r["n"]
        item["new_point_estimated_m2"] = item.get("new_point_estimated_m2", 0.0) + r["m2"]
    for item in out.values():
        item.setdefault("new_hazards", 0)
        item.setdefault("new_point_hazards", 0)
        for key in (
            "new_contamination_m2",
            "new_contamination_unique_m2",
            "new_contamination_overlap_m2",
            "new_point_estimated_m2",
        ):
            item.setdefault(key, 0.0)


def _empty_period(label: str) -> dict:
    return {
        "group": label,
        "label": label,
        "products": 0,
        "hazards": 0,
        "released_m2": 0.0,
        "cancelled_m2": 0.0,
        "reduced_m2": 0.0,
        "cleared_m2": 0.0,
    }


def _device_split(rows, key: str) -> dict:
    """{group: {"area_clearance": {category: n}, "eod_spot_tasks": {category: n}}}"""
    out: dict = defaultdict(lambda: {"area_clearance": {}, "eod_spot_tasks": {}})
    for r in rows:
        bucket = "area_clearance" if r["on_product"] else "eod_spot_tasks"
        out[r[key]][bucket][r["category"]] = out[r[key]][bucket].get(r["category"], 0) + (r["n"] or 0)
    return dict(out)


def _devices_by(group, country: str | None) -> dict:
    qs = Device.objects.all()
    if country:
        qs = qs.filter(Q(product__hazard__country=country) | Q(activity__country=country))
    rows = qs.annotate(grp=group, on_product=Q(product__isnull=False)).values("grp", "category", "on_product")
    return _device_split(rows.annotate(n=Sum("count")), "grp")


def _devices_by_period(group_by: str, country: str | None) -> dict:
    qs = _with_period(Device.objects.all(), "found_on")
    if country:
        qs = qs.filter(Q(product__hazard__country=country) | Q(activity__country=country))
    fields = {"year": ["year"], "quarter": ["year", "quarter"], "month": ["year", "month"]}[group_by]
    rows = (
        qs.annotate(on_product=Q(product__isnull=False))
        .values(*fields, "category", "on_product")
        .annotate(n=Sum("count"))
    )
    labelled = [{**r, "label": _period_label(group_by, {"quarter": None, "month": 0, **r})} for r in rows]
    return _device_split(labelled, "label")


def discrepancies(tolerance: float = 0.05, country: str | None = None) -> list[dict]:
    """Products whose operator-reported area differs from the computed one by more than `tolerance`."""
    qs = (
        Product.objects.exclude(reported_area_m2=None)
        .select_related("hazard")
        .only("code", "reported_area_m2", "area_m2", "hazard__code")  # no polygons
    )
    if country:
        qs = qs.filter(in_country(country))
    out = []
    for p in qs.order_by("code"):
        if p.reported_area_m2 is None:  # excluded above; this tells the type checker
            continue
        diff = p.reported_area_m2 - p.area_m2
        if p.area_m2 and abs(diff) / p.area_m2 > tolerance:
            out.append(
                {
                    "code": p.code,
                    "hazard_code": p.hazard.code if p.hazard else None,
                    "reported_area_m2": p.reported_area_m2,
                    "area_m2": p.area_m2,
                    "difference_m2": diff,
                    "difference_pct": 100 * diff / p.area_m2,
                }
            )
    return out


def proposals(tolerance_m2: float = 1.0, country: str | None = None) -> list[dict]:
    """Status changes the geometry supports, for a person to confirm (never applied silently).

    - an open or suspended hazard whose remaining area is under the tolerance → propose `closed`;
    - a SHA with direct evidence recorded → propose class `CHA`.
    """
    hazards = Hazard.objects.all()
    if country:
        hazards = hazards.filter(country=country)
    out = []
    for code, remaining in (
        hazards.filter(status__in=OPEN_STATUSES, ledger__remaining_m2__lt=tolerance_m2)
        .order_by("code")
        .values_list("code", "ledger__remaining_m2")
    ):
        out.append(
            {
                "code": code,
                "change": "status",
                "to": "closed",
                "reason": f"remaining area {remaining:,.2f} m² is under {tolerance_m2:g} m²",
            }
        )
    for code, n in (
        hazards.filter(hazard_class="SHA", evidence__kind="direct")
        .annotate(n=Count("evidence"))
        .order_by("code")
        .values_list("code", "n")
    ):
        out.append(
            {"code": code, "change": "hazard_class", "to": "CHA", "reason": f"{n} direct evidence item(s) recorded"}
        )
    return out
