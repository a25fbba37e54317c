"""Reconciliation: every figure of a report, recomputed by an independent aggregate over the stored records
before the report is rendered. A mismatch stops the report and names the figure.

The report's tables (figures.py) read through the owning apps' queries with SQL aggregates; the checks
here read the plain rows (values_list) and add them up in Python, by the rules the tables state: a
different path to the same numbers. Each check gives {(row key, column key): number}, totals included.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from safeground.eore.models import Session
from safeground.landrelease.models import Device, HazardLedger, ProductRelease
from safeground.operations.models import ProgressReport
from safeground.reports.tables import TOTAL, Built
from safeground.victims.models import Victim

#: Areas are compared to a hundredth of a square metre; ratios to their rounding.
ABS_TOLERANCE = 0.01
RATIO_TOLERANCE = 0.006

Figures = dict[tuple, float]


class ReconciliationFailed(Exception):
    """A report's figure differs from the independent aggregate: nothing is rendered."""

    def __init__(self, report: str, table: str, row: tuple, column: str, shown: float | None, expected: float | None):
        self.figure = {"report": report, "table": table, "row": list(row), "column": column}
        self.shown, self.expected = shown, expected
        super().__init__(
            f"reconciliation failed: {report} / {table} / row {'·'.join(map(str, row))} / column {column}: "
            f"the report says {shown}, the records say {expected}"
        )


def _add(out: dict, key: tuple, column: str, value: float) -> None:
    out[(key, column)] = out.get((key, column), 0.0) + float(value or 0)


def _close(a: float, b: float, column: str) -> bool:
    tolerance = RATIO_TOLERANCE if column in ("team_days", "m2_per_team_day") else ABS_TOLERANCE
    return abs(a - b) <= max(tolerance, 1e-9 * max(abs(a), abs(b)))


def check(built: Built, expected_by_table: dict[str, Figures]) -> int:
    """Compare every numeric cell of the built report with the checks; returns how many figures agreed."""
    agreed = 0
    for table in built.tables():
        expected = expected_by_table[table.key]
        shown = table.figures()
        for key in sorted(set(shown) | set(expected), key=str):
            a, b = shown.get(key), expected.get(key)
            # A row the report leaves out (nothing to show) agrees with an aggregate of zero.
            if not _close(a if a is not None else 0.0, b if b is not None else 0.0, key[1]):
                raise ReconciliationFailed(built.kind, table.key, key[0], key[1], a, b)
            agreed += 1
    return agreed


# --- hazards -------------------------------------------------------------------------------------

OPEN = ("open", "suspended")


def _monitor(kind: str) -> str:
    from safeground.reports.figures import MONITOR_TYPES

    return MONITOR_TYPES.get(kind, "MIX")


def _open_rows(ctx, types: Iterable[str] | None = None):
    qs = HazardLedger.objects.filter(
        hazard__country=ctx.country, hazard__status__in=OPEN, remaining_m2__gt=1.0
    ).values_list(
        "hazard_id",
        "hazard__province__code",
        "hazard__hazard_class",
        "hazard__contamination_type",
        "remaining_m2",
        "remaining_overlap_m2",
    )
    wanted = set(types) if types else None
    for hid, province, klass, kind, remaining, overlap in qs.iterator():
        if wanted is None or kind in wanted:
            yield hid, province or "—", klass, kind, remaining - overlap


def contamination_by_province(ctx, types) -> Figures:
    out: Figures = {}
    for _hid, province, klass, _kind, m2 in _open_rows(ctx, types):
        c = klass.lower()
        for key in ((province,), (TOTAL,)):
            _add(out, key, f"{c}_n", 1)
            _add(out, key, f"{c}_m2", m2)
            _add(out, key, "total_m2", m2)
    return out


def suspected_models(ctx, types) -> Figures:
    from safeground.hazards.models import Hazard

    link = Hazard.suspected_models.through
    models = defaultdict(list)
    for hazard_id, name in link.objects.values_list("hazard_id", "ordnancemodel__name"):
        models[hazard_id].append(name)
    out: Figures = {}
    for hid, _province, _klass, _kind, m2 in _open_rows(ctx, types):
        for name in models.get(hid, []):
            _add(out, (name,), "hazards", 1)
            _add(out, (name,), "area_m2", m2)
    return out


def contamination_by_type(ctx) -> Figures:
    out: Figures = {}
    for _hid, _province, klass, kind, m2 in _open_rows(ctx):
        c = klass.lower()
        for key in ((_monitor(kind),), (TOTAL,)):
            _add(out, key, f"{c}_n", 1)
            _add(out, key, f"{c}_m2", m2)
            _add(out, key, "total_m2", m2)
    return out


def contamination_province_type(ctx) -> Figures:
    out: Figures = {}
    for _hid, province, klass, kind, m2 in _open_rows(ctx):
        for key in ((province, klass), (TOTAL,)):
            _add(out, key, _monitor(kind), m2)
            _add(out, key, "total_m2", m2)
    return out


def new_and_baseline(ctx) -> Figures:
    out: Figures = {}
    qs = HazardLedger.objects.filter(hazard__country=ctx.country).values_list(
        "hazard__recorded_on", "hazard__contamination_type", "estimated_m2", "estimated_overlap_m2"
    )
    for recorded_on, kind, estimated, overlap in qs.iterator():
        if recorded_on > ctx.end:
            continue
        prefix = "new" if recorded_on >= ctx.start else "base"
        for key in ((_monitor(kind),), (TOTAL,)):
            _add(out, key, f"{prefix}_n", 1)
            _add(out, key, f"{prefix}_m2", estimated - overlap)
    return out


# --- land released -------------------------------------------------------------------------------


def _credits(ctx, types, start: dt.date, end: dt.date):
    qs = ProductRelease.objects.filter(hazard__country=ctx.country).values_list(
        "product__released_on",
        "hazard__province__code",
        "hazard__contamination_type",
        "product__activity__methods",
        "outcome",
        "released_m2",
    )
    wanted = set(types) if types else None
    for released_on, province, kind, methods, outcome, m2 in qs.iterator():
        if start <= released_on <= end and (wanted is None or kind in wanted):
            yield released_on, province or "—", kind, (methods or [""])[0], outcome, m2


def _release(out: Figures, key: tuple, outcome: str, m2: float) -> None:
    for k in (key, (TOTAL,)):
        _add(out, k, f"{outcome}_m2", m2)
        _add(out, k, "released_m2", m2)


def release_by_province(ctx, types) -> Figures:
    out: Figures = {}
    for _on, province, _kind, _method, outcome, m2 in _credits(ctx, types, ctx.start, ctx.end):
        _release(out, (province,), outcome, m2)
    return out


def release_by_method(ctx, types) -> Figures:
    out: Figures = {}
    for _on, _province, _kind, method, outcome, m2 in _credits(ctx, types, ctx.start, ctx.end):
        _release(out, (method or "",), outcome, m2)
    return out


def release_by_year(ctx, types, by_type: bool = False) -> Figures:
    from safeground.reports.figures import YEARS_BACK

    out: Figures = {}
    for on, _province, kind, _method, outcome, m2 in _credits(
        ctx, types, dt.date(ctx.year - YEARS_BACK, 1, 1), ctx.end
    ):
        key = (str(on.year), _monitor(kind)) if by_type else (str(on.year),)
        _release(out, key, outcome, m2)
    return out


# --- devices -------------------------------------------------------------------------------------


def _devices(ctx, categories):
    qs = Device.objects.filter(
        Q(product__hazard__country=ctx.country) | Q(activity__country=ctx.country),
        found_on__range=(ctx.start, ctx.end),
    ).values_list("model__name", "category", "product_id", "disposal", "count")
    wanted = set(categories) if categories else None
    for name, category, product, disposal, count in qs.iterator():
        if disposal in ("destroyed_in_situ", "removed_destroyed") and (wanted is None or category in wanted):
            yield name or "", category, "area_clearance" if product else "spot_tasks", count


def devices_by_model(ctx, categories) -> Figures:
    out: Figures = {}
    for name, category, where, count in _devices(ctx, categories):
        for key in ((name, category), (TOTAL,)):
            _add(out, key, where, count)
            _add(out, key, "total", count)
    return out


def devices_by_category(ctx) -> Figures:
    out: Figures = {}
    for _name, category, where, count in _devices(ctx, None):
        for key in ((category,), (TOTAL,)):
            _add(out, key, where, count)
            _add(out, key, "total", count)
    return out


# --- people --------------------------------------------------------------------------------------


def casualties(ctx, by, device_categories=None) -> Figures:
    """Unsuppressed counts (the tables show them suppressed; the reconciliation compares what is beneath)."""
    fields = {"outcome": "outcome", "age_group": "age_group", "sex": "sex", "victim_type": "victim_type"}
    qs = Victim.objects.filter(accident__country=ctx.country, accident__occurred_on__year=ctx.year)
    if device_categories:
        qs = qs.filter(accident__device_category__in=list(device_categories))
    out: Figures = {}
    for a, b in qs.values_list(fields[by[0]], fields[by[1]]).iterator():
        for key, column in (((str(a),), str(b)), ((str(a),), "total"), ((TOTAL,), str(b)), ((TOTAL,), "total")):
            _add(out, key, column, 1)
    return out


def survivor_needs(ctx) -> Figures:
    out: Figures = {}
    for needs in Victim.objects.filter(accident__country=ctx.country, outcome="injured").values_list(
        "needs", flat=True
    ):
        for need in needs or []:
            _add(out, (need,), "survivors", 1)
            _add(out, (TOTAL,), "survivors", 1)
    return out


def risk_education(ctx) -> Figures:
    out: Figures = {}
    qs = Session.objects.filter(country=ctx.country, held_on__year=ctx.year)
    for method, girls, boys, women, men in qs.values_list("method", "girls", "boys", "women", "men").iterator():
        for key in ((method,), (TOTAL,)):
            _add(out, key, "sessions", 1)
            for column, n in (("girls", girls), ("boys", boys), ("women", women), ("men", men)):
                _add(out, key, column, n)
            _add(out, key, "total", girls + boys + women + men)
    return out


# --- programme -----------------------------------------------------------------------------------


def productivity(ctx) -> Figures:
    out: Figures = {}
    qs = ProgressReport.objects.filter(activity__country=ctx.country, date__range=(ctx.start, ctx.end))
    for method, area, days in qs.values_list("method", "area_m2", "days_worked").iterator():
        _add(out, (method,), "reports", 1)
        _add(out, (method,), "area_m2", area)
        _add(out, (method,), "team_days", days)
    for (key, column), value in list(out.items()):
        if column == "area_m2":
            days = out[(key, "team_days")]
            out[(key, "area_m2")] = round(value, 1)
            if days:
                out[(key, "m2_per_team_day")] = round(value / days, 2)
    return out


def article5(ctx) -> Figures:
    from safeground.reports.figures import APMBC_TYPES

    out: Figures = {}
    remaining = sum(m2 for *_rest, m2 in _open_rows(ctx, APMBC_TYPES))
    released = sum(c[-1] for c in _credits(ctx, APMBC_TYPES, ctx.start, ctx.end))
    out[(("remaining_m2",), "value")] = remaining
    out[(("released_m2",), "value")] = released
    deadline = ctx.programme.article5_deadline
    if deadline and deadline > ctx.end:
        out[(("needed_m2",), "value")] = remaining / ((deadline - ctx.end).days / 365.25)
    return out
