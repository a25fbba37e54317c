"""Running the data quality checks: read every layer once, check set-based, return findings.

Reads: hazards, products and activities once each as WKB (decoded in one vectorised call); devices
only where a check needs them (see `_devices`). Records are keyed by their code (unique per table),
which also spares converting a million UUIDs. Dates and codes are compared in SQL, which returns
only the offending rows. Nothing is written.

The stored land release ledger (kept current by the services on every save) already knows which
hazards have overlapping products (`overlap_m2`) and devices outside their product
(`devices_outside`); the checks use it to skip every hazard it says is clean, which spares reading a
national programme's million devices. Hazards without a ledger row are always checked in full, and
`fresh=True` ignores the ledger altogether (for data written around the services).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce, Trim, Upper
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from safeground.core.errors import ValidationFailed
from safeground.gazetteer.queries import countries, country_outline
from safeground.hazards import queries as hazard_queries
from safeground.hazards.models import Hazard
from safeground.landrelease import rules
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.landrelease.queries import in_country
from safeground.operations.models import Activity
from safeground.quality import checks
from safeground.quality.checks import Layer
from safeground.quality.findings import CHECKS, MUST_FIX, RECORD_TYPES, SEVERITIES, Finding, Thresholds

SQL_CHECKS = {"date-order", "duplicate-code", "future-date", "organisation-country"}  # compared in SQL
GEOMETRY_CHECKS = set(CHECKS) - SQL_CHECKS
CACHE_SECONDS = 3600


@dataclass
class Report:
    findings: list[Finding]
    checked: dict[str, int] = field(default_factory=dict)  # records read per type
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def counts(self) -> dict[str, dict[str, int]]:
        out = {check_id: {"must_fix": 0, "advisory": 0} for check_id in CHECKS}
        for f in self.findings:
            out[f.check][f.severity] += 1
        return out

    def must_fix(self) -> int:
        return sum(1 for f in self.findings if f.severity == MUST_FIX)


def _decode(rows: list, index: int) -> np.ndarray:
    if not rows:
        return np.array([], dtype=object)
    return shapely.from_wkb([bytes(r[index]) if r[index] is not None else None for r in rows])


def _column(rows: list, index: int, dtype=object) -> np.ndarray:
    return np.array([r[index] for r in rows], dtype=dtype)


def _hazards(country: str | None, field: str = "geom") -> Layer:
    """The polygon hazards (`field` "geom"), or the point hazards ("point"): the geometry checks of
    polygons (rings, validity, overlaps, products outside, areas) never see a point."""
    qs = Hazard.objects.filter(**{f"{field}__isnull": False})
    if country:
        qs = qs.filter(country=country)
    rows = list(qs.annotate(wkb=AsWKB(field)).values_list("code", "country", "area_m2", "wkb"))
    codes = _column(rows, 0)
    return Layer(
        "hazard",
        codes,
        _column(rows, 1),
        _decode(rows, 3),
        codes,
        attrs={"area_m2": _column(rows, 2, float)},
    )


def _products(country: str | None, hz: Layer, spots: Layer | None = None) -> Layer:
    """Products, each with its hazard's index in `hz` (-1 when filed under a point hazard, in `spots`,
    which has no outline to be outside of, or under none) and its hazard's country (the activity's for
    a product filed under no hazard)."""
    qs = Product.objects.all()
    if country:
        qs = qs.filter(in_country(country))
    rows = list(
        qs.annotate(wkb=AsWKB("geom")).values_list(
            "code", "hazard__code", "area_m2", "reported_area_m2", "wkb", "activity__country"
        )
    )
    position = {h: n for n, h in enumerate(hz.codes)}
    hidx = np.array([position.get(r[1], -1) for r in rows], dtype=int)
    at_points = dict(zip(spots.codes, spots.country, strict=True)) if spots is not None else {}
    return Layer(
        "product",
        _column(rows, 0),
        np.array(
            [
                hz.country[h] if h >= 0 else (at_points.get(r[1]) if r[1] else r[5])
                for h, r in zip(hidx, rows, strict=True)
            ],
            dtype=object,
        ),
        _decode(rows, 4),
        _column(rows, 1),
        attrs={
            "hazard_index": hidx,
            "area_m2": _column(rows, 2, float),
            "reported_area_m2": np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=float),
        },
    )


def _activities(country: str | None) -> Layer:
    qs = Activity.objects.all()
    if country:
        qs = qs.filter(country=country)
    rows = list(qs.annotate(wkb=AsWKB("reference_point")).values_list("code", "country", "wkb"))
    return Layer(
        "activity",
        _column(rows, 0),
        _column(rows, 1),
        _decode(rows, 2),
        np.full(len(rows), None, dtype=object),
    )


def _devices(country: str | None, pr: Layer, acts: Layer, fresh: bool) -> Layer:
    """The devices some check needs: without a product (nothing else places them), and those of hazards
    whose ledger row is missing or counts devices outside their product; every device when `fresh`."""
    qs = Device.objects.all()
    if country:
        qs = qs.filter(Q(product__hazard__country=country) | Q(product__hazard__isnull=True, activity__country=country))
    if not fresh:
        qs = qs.filter(
            Q(product__isnull=True)
            | Q(product__hazard__ledger__isnull=True)
            | Q(product__hazard__ledger__devices_outside__gt=0)
        )
    rows = list(qs.annotate(wkb=AsWKB("point")).values_list("code", "product__code", "activity__code", "wkb"))
    p_pos = {p: n for n, p in enumerate(pr.codes)}
    a_pos = {a: n for n, a in enumerate(acts.codes)}
    pidx = np.array([p_pos.get(r[1], -1) if r[1] else -1 for r in rows], dtype=int)
    aidx = np.array([a_pos.get(r[2], -1) if r[2] else -1 for r in rows], dtype=int)
    country_of = np.array(
        [pr.country[p] if p >= 0 else (acts.country[a] if a >= 0 else None) for p, a in zip(pidx, aidx, strict=True)],
        dtype=object,
    )
    hazard_code = np.array([pr.hazard_codes[p] if p >= 0 else None for p in pidx], dtype=object)
    return Layer(
        "device",
        _column(rows, 0),
        country_of,
        _decode(rows, 3),
        hazard_code,
        attrs={"product_index": pidx},
    )


def _outlines(country: str | None) -> dict:
    wanted = [country] if country else countries()
    return {iso3: outline for iso3 in wanted if (outline := country_outline(iso3)) is not None}


def _ledger_suspects(hz: Layer, fresh: bool) -> np.ndarray:
    """Mask over hazards that may hold overlapping products of their own (all of them when `fresh`)."""
    if fresh:
        return np.ones(len(hz), dtype=bool)
    clean = set(HazardLedger.objects.filter(overlap_m2=0).values_list("hazard__code", flat=True))
    return np.array([h not in clean for h in hz.codes], dtype=bool)


# ---- checks answered in SQL -------------------------------------------------------------------------


def _where(wkb) -> tuple[float | None, float | None]:
    if wkb is None:
        return None, None
    geom = shapely.from_wkb(bytes(wkb))
    try:
        point = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
    except shapely.errors.GEOSException:
        point = shapely.centroid(geom)
    if point.is_empty:
        return None, None
    return float(point.x), float(point.y)


def _date_finding(record_type, code, message, fix, wkb, country, hazard_code, related=()) -> Finding:
    lon, lat = _where(wkb)
    return Finding(
        "date-order",
        MUST_FIX,
        record_type,
        code,
        message,
        fix,
        lon,
        lat,
        country,
        hazard_code,
        list(related),
    )


def date_findings(country: str | None) -> list[Finding]:
    """Dates that cannot all be true; one SQL query per rule, each returning only the offending rows."""
    out: list[Finding] = []
    hazards, products, activities, devices = _in(country)

    for code, hazard, iso3, released, activity, start, wkb in (
        products.filter(released_on__lt=F("activity__start_date"))
        .annotate(wkb=AsWKB("geom"), iso3=Coalesce("hazard__country", "activity__country"))
        .values_list("code", "hazard__code", "iso3", "released_on", "activity__code", "activity__start_date", "wkb")
    ):
        out.append(
            _date_finding(
                "product",
                code,
                f"released on {released} but its activity {activity} started on {start}",
                "Correct the release date or the activity's start date from the completion report.",
                wkb,
                iso3,
                hazard,
                [activity],
            )
        )

    for code, iso3, start, end, wkb in (
        activities.filter(end_date__lt=F("start_date"))
        .annotate(wkb=AsWKB("reference_point"))
        .values_list("code", "country", "start_date", "end_date", "wkb")
    ):
        out.append(
            _date_finding(
                "activity",
                code,
                f"ends on {end}, before it starts on {start}",
                "Correct the start or end date from the task dossier.",
                wkb,
                iso3,
                None,
            )
        )

    # A device's activity is its own, or its product's when only the product is recorded.
    for via in ("activity", "product__activity"):
        rows = (
            devices.filter(**({"activity__isnull": False} if via == "activity" else {"activity__isnull": True}))
            .filter(Q(found_on__lt=F(f"{via}__start_date")) | Q(found_on__gt=F(f"{via}__end_date")))
            .annotate(wkb=AsWKB("point"))
            .values_list(
                "code",
                "found_on",
                f"{via}__code",
                f"{via}__start_date",
                f"{via}__end_date",
                "product__hazard__code",
                "product__hazard__country",
                f"{via}__country",
                "wkb",
            )
        )
        for code, found, activity, start, end, hazard, hz_country, act_country, wkb in rows:
            when = "before its activity started" if found < start else "after its activity ended"
            out.append(
                _date_finding(
                    "device",
                    code,
                    f"found on {found}, {when} ({activity}: {start} to {end or 'open'})",
                    "Correct the find date, or record the device on the activity that found it.",
                    wkb,
                    hz_country or act_country,
                    hazard,
                    [activity],
                )
            )

    for code, iso3, recorded, first, n, wkb in (
        hazards.filter(products__released_on__lt=F("recorded_on"))
        .annotate(wkb=AsWKB(hazard_queries.shape()))
        .values("code", "country", "recorded_on", "wkb")
        .annotate(first=Min("products__released_on"), n=Count("products"))
        .values_list("code", "country", "recorded_on", "first", "n", "wkb")
    ):
        out.append(
            _date_finding(
                "hazard",
                code,
                f"recorded on {recorded}, after {n} of its products {'was' if n == 1 else 'were'} released "
                f"(the first on {first})",
                "Correct the hazard's recorded date (the survey that first recorded it) or the release dates.",
                wkb,
                iso3,
                code,
            )
        )
    return out


def _in(country: str | None):
    """The hazards, products, activities and devices of a country (all of them without one)."""
    hazards, activities = Hazard.objects.all(), Activity.objects.all()
    products, devices = Product.objects.all(), Device.objects.all()
    if country:
        hazards, activities = hazards.filter(country=country), activities.filter(country=country)
        products = products.filter(in_country(country))
        devices = devices.filter(
            Q(product__hazard__country=country) | Q(product__hazard__isnull=True, activity__country=country)
        )
    return hazards, products, activities, devices


def _rule_finding(found: rules.RuleFinding | None, record_type, code, fix, wkb, country, hazard_code) -> list[Finding]:
    if found is None:
        return []
    lon, lat = _where(wkb)
    return [Finding(found.check, found.severity, record_type, code, found.message, fix, lon, lat, country, hazard_code)]


def rule_findings(country: str | None, wanted: set[str]) -> list[Finding]:
    """The record rules (landrelease.rules) the workbench's review applies too, over every record, in SQL:
    dates after today, and organisations recorded in another country than their own."""
    today = dt.date.today()
    hazards, products, activities, devices = _in(country)
    out: list[Finding] = []
    with translation.override(settings.LANGUAGE_CODE):  # the report is cached for every reader
        if "future-date" in wanted:
            date_fix = "Correct the date from the field record (the importer refuses dates after today)."
            # (record type, rows, the date, what it is called, the geometry, its hazard, its country)
            dated = (
                ("hazard", hazards, "recorded_on", "recorded on", hazard_queries.shape(), "code", F("country")),
                (
                    "product",
                    products,
                    "released_on",
                    "released on",
                    "geom",
                    "hazard__code",
                    Coalesce("hazard__country", "activity__country"),
                ),
                (
                    "device",
                    devices,
                    "found_on",
                    "found on",
                    "point",
                    "product__hazard__code",
                    Coalesce("product__hazard__country", "activity__country"),
                ),
            )
            for record_type, rows, field, what, geom, hazard, iso3 in dated:
                for code, hazard_code, country_code, day, wkb in (
                    rows.filter(**{f"{field}__gt": today})
                    .annotate(wkb=AsWKB(geom), iso3=iso3)
                    .values_list("code", hazard, "iso3", field, "wkb")
                ):
                    found = rules.future_date(day, what, today)
                    out += _rule_finding(found, record_type, code, date_fix, wkb, country_code, hazard_code)
        if "organisation-country" in wanted:
            org_fix = (
                "Check the geometry's coordinates; if they are right, the record belongs to an organisation of "
                "that country (or the organisation's country is wrong)."
            )
            for record_type, rows, org, geom in (
                ("hazard", hazards, "reporting_organisation", hazard_queries.shape()),
                ("activity", activities, "organisation", "reference_point"),
            ):
                for code, iso3, acronym, own, wkb in (
                    rows.filter(**{f"{org}__isnull": False})
                    .exclude(**{f"{org}__country": F("country")})
                    .annotate(wkb=AsWKB(geom))
                    .values_list("code", "country", f"{org}__acronym", f"{org}__country", "wkb")
                ):
                    found = rules.organisation_country(acronym, own, iso3)
                    on_hazard = code if record_type == "hazard" else None
                    out += _rule_finding(found, record_type, code, org_fix, wkb, iso3, on_hazard)
    return out


def _code_models(country: str | None):
    hazards, products, activities, devices = _in(country)
    return [
        ("hazard", Hazard, hazards, "country", hazard_queries.shape(), "code"),
        ("activity", Activity, activities, "country", "reference_point", None),
        (
            "product",
            Product,
            products.annotate(iso3=Coalesce("hazard__country", "activity__country")),
            "iso3",
            "geom",
            "hazard__code",
        ),
        (
            "device",
            Device,
            devices.annotate(iso3=Coalesce("product__hazard__country", "activity__country")),
            "iso3",
            "point",
            "product__hazard__code",
        ),
    ]


def code_findings(country: str | None) -> list[Finding]:
    """Codes that differ only in letter case or surrounding spaces (exact duplicates the database refuses).

    Such a pair needs one code that is not in the canonical form (trimmed, upper case), so SQL first
    selects the few codes that aren't, then looks their canonical forms up.
    """
    out: list[Finding] = []
    for record_type, model, qs, country_field, geom_field, hazard_field in _code_models(country):
        fields = ["code", "norm", country_field, "wkb"] + ([hazard_field] if hazard_field else [])
        odd = list(
            qs.annotate(norm=Upper(Trim("code")), wkb=AsWKB(geom_field)).exclude(code=F("norm")).values_list(*fields)
        )
        if not odd:
            continue
        canonical = dict(model.objects.filter(code__in={row[1] for row in odd}).values_list("code", "code"))
        by_norm: dict[str, list[str]] = {}
        for row in odd:
            by_norm.setdefault(row[1], []).append(row[0])
        for row in odd:
            code, norm = row[0], row[1]
            others = sorted(c for c in by_norm[norm] if c != code)
            if norm in canonical:
                others = [canonical[norm], *others]
            if not others:
                continue
            lon, lat = _where(row[3])
            hazard = row[4] if hazard_field else None
            out.append(
                Finding(
                    "duplicate-code",
                    MUST_FIX,
                    record_type,
                    code,
                    f"code {code!r} is the same as {', '.join(repr(c) for c in others)} but for letter case or spaces",
                    f"Give the record its own code, or merge it with {others[0]} if both describe the same "
                    f"{record_type}; exports, IMSMA links and reports match codes without regard to case.",
                    lon,
                    lat,
                    row[2],
                    hazard,
                    others,
                )
            )
    return out


# ---- the run ---------------------------------------------------------------------------------------


def run(
    country: str | None = None,
    only: list[str] | None = None,
    thresholds: Thresholds | None = None,
    fresh: bool = False,
) -> Report:
    """Every finding (or those of the checks in `only`), sorted must-fix first."""
    thresholds = thresholds or Thresholds()
    wanted = set(only or CHECKS)
    unknown = wanted - set(CHECKS)
    if unknown:
        raise ValueError(f"unknown check(s): {', '.join(sorted(unknown))}; choose from {', '.join(CHECKS)}")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    clock = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

    found: list[Finding] = []
    checked: dict[str, int] = {}
    if wanted & GEOMETRY_CHECKS:
        outlines = _outlines(country)
        hz = _hazards(country)
        spots = _hazards(country, "point")  # point hazards: checked as points (country, border, duplicates)
        pr = _products(country, hz, spots)
        acts = _activities(country)
        dv = _devices(country, pr, acts, fresh)
        checked = {"hazard": len(hz) + len(spots), "product": len(pr), "activity": len(acts), "device": len(dv)}
        lap("read")
        for layer in (hz, pr):
            found += checks.basics(layer, outlines, thresholds)
        for layer in (spots, acts, dv):
            found += checks.basics(layer, outlines, thresholds, polygons=False)
        lap("geometry")
        hz_dupes, hz_pairs = checks.duplicates(hz)
        pr_dupes, pr_pairs = checks.duplicates(pr)
        found += hz_dupes + pr_dupes + checks.duplicates(spots)[0]
        lap("duplicates")
        overlaps, touching = checks.hazard_overlaps(hz, thresholds, hz_pairs)
        found += overlaps
        outside, spilling = checks.products_outside(pr, hz, thresholds)
        found += outside + checks.products_without_hazard_in_one(pr, hz, thresholds)
        # Products of overlapping hazards, and products reaching outside their own, may overlap another
        # hazard's products: the ledger (per hazard) can't say, so they are always compared.
        in_overlap = np.isin(pr.attrs["hazard_index"], touching.ravel()) if len(touching) else np.zeros(len(pr), bool)
        cross = np.union1d(spilling, np.flatnonzero(in_overlap)).astype(int)
        suspects = _ledger_suspects(hz, fresh)
        hidx = pr.attrs["hazard_index"]
        own = np.where(hidx >= 0, suspects[np.maximum(hidx, 0)] if len(hz) else False, False)
        found += checks.product_overlaps(pr, own, cross, thresholds, pr_pairs)
        found += checks.devices_outside(dv, pr)
        lap("overlays")
        found += checks.area_checks(hz, thresholds) + checks.area_checks(pr, thresholds)
        with translation.override(settings.LANGUAGE_CODE):
            found += checks.implausible_areas(hz)
        lap("areas")
    if "date-order" in wanted:
        found += date_findings(country)
        lap("dates")
    if wanted & {"future-date", "organisation-country"}:
        found += rule_findings(country, wanted)
        lap("rules")
    if "duplicate-code" in wanted:
        found += code_findings(country)
        lap("codes")
    found = [f for f in found if f.check in wanted]
    found.sort(key=Finding.sort_key)
    return Report(found, checked, round(time.perf_counter() - started, 3), timings)


def fingerprint() -> tuple:
    """Changes whenever a record is added, removed or saved (or the ledger recomputed): the cache key."""
    parts = []
    for model, stamp in (
        (Hazard, "updated_at"),
        (Product, "updated_at"),
        (Activity, "updated_at"),
        (Device, "updated_at"),
        (HazardLedger, "computed_at"),
    ):
        row = model.objects.aggregate(n=Count("pk"), last=Max(stamp))
        parts.append((row["n"], row["last"].isoformat() if row["last"] else None))
    return tuple(parts)


def cached_run(country: str | None = None) -> Report:
    """`run` with the default thresholds, kept while the data stays the same (pages and API)."""
    key = f"quality:{country or 'all'}:{hashlib.sha256(repr(fingerprint()).encode()).hexdigest()}"
    report = cache.get(key)
    if report is None:
        report = run(country=country)
        cache.set(key, report, CACHE_SECONDS)
    return report


def select(
    findings: list[Finding],
    severity: str | None = None,
    check: str | None = None,
    record_type: str | None = None,
    code: str | None = None,
) -> list[Finding]:
    """Filter findings for the page and the API."""
    return [
        f
        for f in findings
        if (not severity or f.severity == severity)
        and (not check or f.check == check)
        and (not record_type or f.record_type == record_type)
        and (not code or code in (f.code, f.hazard_code))
    ]


def validate_filters(
    severity: str | None = None, check: str | None = None, country: str | None = None, record_type: str | None = None
) -> None:
    """Refuse an unknown filter value, naming the field and the values it accepts."""
    for field_name, value, allowed in (
        ("severity", severity, list(SEVERITIES)),
        ("check", check, list(CHECKS)),
        ("country", country, countries()),
        ("record_type", record_type, list(RECORD_TYPES)),
    ):
        if value and value not in allowed:
            raise ValidationFailed(
                f"unknown {field_name} {value!r}; choose one of: {', '.join(allowed)}",
                field=field_name,
                reason="choice",
            )


def finding_ids(findings: list[Finding]) -> list[str]:
    """Stable ids: check, code and the finding's number among that record's findings of that check."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in findings:
        key = (f.check, f.record_type, f.code)
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{f.check}:{f.record_type}:{f.code}:{seen[key]}")
    return out


def hazard_url(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return reverse("hazard-detail", args=[code])
    except NoReverseMatch:  # a code the URL pattern can't carry (a defect the checks report)
        return None
