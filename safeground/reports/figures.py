"""The figures of the reports: one function per table, each reading through the owning app's queries
(the land release ledger, victims, EORE, productivity, the completion forecast).

Which figure each table uses (docs/reports.md, decision 0033):
- remaining contamination: the ledger's unique remaining area (decision 0016: each open hazard's share
  of the union, `remaining_m2 − remaining_overlap_m2`), hazards still holding more than 1 m², as the
  /ledger/ page's "Remaining SHA/CHA";
- released land: the ledger's per-hazard credits (ProductRelease) by the product's release date;
- new contamination and baseline: the estimated unique area (`estimated_m2 − estimated_overlap_m2`) of
  the hazards recorded in the year and before it;
- devices: Device rows destroyed (in situ or removed and destroyed) in the year, on a product (area
  clearance) or an activity alone (EOD spot task);
- casualties and victim assistance: victims.queries tables, small-cell suppressed (victims.disclosure);
- risk education: eore.queries.beneficiaries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from safeground.core.errors import ValidationFailed
from safeground.dashboard.charts import fmt
from safeground.eore import queries as eore_queries
from safeground.eore.models import Session
from safeground.gazetteer.models import Programme
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.models import Device, ProductRelease
from safeground.operations import productivity as productivity_queries
from safeground.operations.models import METHOD_CHOICES
from safeground.ordnance.models import CATEGORY_CHOICES
from safeground.reports.tables import TOTAL, Column, Row, Table
from safeground.victims import queries as victim_queries
from safeground.victims.models import NEED_CHOICES, Victim

#: Contamination types that count as mined areas for APMBC Article 7 Form C (a mixed hazard may hold AP mines).
APMBC_TYPES = ("ap_mines", "mixed")
CCM_TYPES = ("cmr",)
#: The Landmine Monitor / Mine Action Review grouping of the hazard types.
MONITOR_TYPES = {
    "ap_mines": "AP",
    "at_mines": "AT",
    "cmr": "CMR",
    "uxo": "ERW",
    "axo": "ERW",
    "ied": "IED",
    "mixed": "MIX",
}
MONITOR_ORDER = ("AP", "AT", "CMR", "ERW", "IED", "MIX")
#: Disposals that destroy the device (a device removed to storage is not destroyed).
DESTROYED = ("destroyed_in_situ", "removed_destroyed")
OUTCOMES = ("cancelled", "reduced", "cleared")
#: Years shown in the release-by-year tables: the report year and the four before it.
YEARS_BACK = 4
TOLERANCE_M2 = 1.0  # a hazard with less remaining is released (as ledger_queries.summary)
NO_PROVINCE = "—"


@dataclass(frozen=True)
class Context:
    programme: Programme
    year: int

    @property
    def country(self) -> str:
        return self.programme.iso3

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


def monitor_label(code: str) -> str:
    return {
        "AP": _("AP mines"),
        "AT": _("AT mines"),
        "CMR": _("Cluster munition remnants"),
        "ERW": _("Other ERW (UXO, AXO)"),
        "IED": _("IED"),
        "MIX": _("Mixed"),
    }[code]


def _types_of(monitor: str) -> list[str]:
    return [t for t, m in MONITOR_TYPES.items() if m == monitor]


def _m2(value) -> float:
    return float(value or 0.0)


def _province(code: str | None, name: str | None) -> tuple[str, str]:
    return (code or NO_PROVINCE, name or _("No province"))


def _total_row(rows: list[Row], columns: Iterable[str], label_key: str) -> Row:
    values: dict = {label_key: _("Total")}
    for c in columns:
        values[c] = sum(r.values.get(c) or 0 for r in rows)
    return Row((TOTAL,), values, total=True)


# --- contamination (remaining, unique) -------------------------------------------------------------

_UNIQUE = F("remaining_m2") - F("remaining_overlap_m2")


def _open(ctx: Context, types: Iterable[str] | None = None):
    qs = ledger_queries.hazard_rows(country=ctx.country).filter(
        hazard__status__in=ledger_queries.OPEN_STATUSES, remaining_m2__gt=TOLERANCE_M2
    )
    return qs.filter(hazard__contamination_type__in=list(types)) if types else qs


def _class_figures() -> dict:
    return {
        "sha_n": Count("hazard", filter=Q(hazard__hazard_class="SHA")),
        "sha_m2": Sum(_UNIQUE, filter=Q(hazard__hazard_class="SHA"), default=0.0),
        "cha_n": Count("hazard", filter=Q(hazard__hazard_class="CHA")),
        "cha_m2": Sum(_UNIQUE, filter=Q(hazard__hazard_class="CHA"), default=0.0),
    }


CLASS_COLUMNS = ("sha_n", "sha_m2", "cha_n", "cha_m2", "total_m2")


def _class_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("sha_n", _("SHAs"), "int"),
        Column("sha_m2", _("SHA area (m²)"), "m2"),
        Column("cha_n", _("CHAs"), "int"),
        Column("cha_m2", _("CHA area (m²)"), "m2"),
        Column("total_m2", _("Total area (m²)"), "m2"),
    ]


REMAINING_NOTE = N_(
    "Remaining area still to release: each open hazard's share of the union (the ledger's unique remaining "
    "area, decision 0016), so ground recorded by two hazards counts once."
)


def contamination_by_province(ctx: Context, key: str, title: str, types: Iterable[str]) -> Table:
    rows = []
    found = (
        _open(ctx, types)
        .values("hazard__province__code", "hazard__province__name")
        .annotate(**_class_figures())
        .order_by("hazard__province__code")
    )
    for r in found:
        code, name = _province(r["hazard__province__code"], r["hazard__province__name"])
        values = {"province": f"{name} ({code})" if code != NO_PROVINCE else name}
        values.update({k: r[k] for k in ("sha_n", "cha_n")})
        values.update({k: _m2(r[k]) for k in ("sha_m2", "cha_m2")})
        values["total_m2"] = values["sha_m2"] + values["cha_m2"]
        rows.append(Row((code,), values))
    rows.append(_total_row(rows, CLASS_COLUMNS, "province"))
    return Table(key, title, _class_columns(Column("province", _("Province"), "text")), rows, _(REMAINING_NOTE))


def suspected_models(ctx: Context, key: str, title: str, types: Iterable[str]) -> Table:
    """Device models recorded as suspected or known in the open hazards of these types."""
    found = (
        _open(ctx, types)
        .filter(hazard__suspected_models__isnull=False)
        .values("hazard__suspected_models__name", "hazard__suspected_models__category")
        .annotate(n=Count("hazard", distinct=True), m2=Sum(_UNIQUE, default=0.0))
        .order_by("hazard__suspected_models__name")
    )
    categories = dict(CATEGORY_CHOICES)
    rows = [
        Row(
            (r["hazard__suspected_models__name"],),
            {
                "model": r["hazard__suspected_models__name"],
                "category": _(categories.get(r["hazard__suspected_models__category"], "")),
                "hazards": r["n"],
                "area_m2": _m2(r["m2"]),
            },
        )
        for r in found
    ]
    columns = [
        Column("model", _("Device model"), "text"),
        Column("category", _("Category"), "text"),
        Column("hazards", _("Hazards"), "int"),
        Column("area_m2", _("Remaining area (m²)"), "m2"),
    ]
    note = _(
        "Open hazards that record the model as suspected or known; a hazard recording two models counts under "
        "both, so the areas do not add up to the total above."
    )
    return Table(key, title, columns, rows, note)


def contamination_by_type(ctx: Context, key: str, title: str) -> Table:
    by_type: dict[str, dict] = {}
    for r in _open(ctx).values("hazard__contamination_type").annotate(**_class_figures()):
        m = MONITOR_TYPES.get(r["hazard__contamination_type"], "MIX")
        item = by_type.setdefault(m, dict.fromkeys(CLASS_COLUMNS, 0))
        for k in ("sha_n", "sha_m2", "cha_n", "cha_m2"):
            item[k] += r[k] or 0
    rows = []
    for m in MONITOR_ORDER:
        if m in by_type:
            values = {"type": monitor_label(m), **by_type[m]}
            values["total_m2"] = _m2(values["sha_m2"]) + _m2(values["cha_m2"])
            rows.append(Row((m,), values))
    rows.append(_total_row(rows, CLASS_COLUMNS, "type"))
    return Table(
        key, title, _class_columns(Column("type", _("Contamination"), "text")), rows, _(REMAINING_NOTE), "total_m2"
    )


def contamination_province_type(ctx: Context, key: str, title: str) -> Table:
    """Remaining area by province and class (rows) and Monitor type (columns)."""
    cells: dict[tuple, dict] = {}
    names: dict[str, str] = {}
    found = (
        _open(ctx)
        .values(
            "hazard__province__code", "hazard__province__name", "hazard__hazard_class", "hazard__contamination_type"
        )
        .annotate(m2=Sum(_UNIQUE, default=0.0))
    )
    for r in found:
        code, name = _province(r["hazard__province__code"], r["hazard__province__name"])
        names[code] = name
        item = cells.setdefault((code, r["hazard__hazard_class"]), defaultdict(float))
        item[MONITOR_TYPES.get(r["hazard__contamination_type"], "MIX")] += _m2(r["m2"])
    rows = []
    for code, klass in sorted(cells):
        values: dict = {"province": names[code], "class": klass}
        values.update({m: cells[(code, klass)].get(m, 0.0) for m in MONITOR_ORDER})
        values["total_m2"] = sum(values[m] for m in MONITOR_ORDER)
        rows.append(Row((code, klass), values))
    total = _total_row(rows, (*MONITOR_ORDER, "total_m2"), "province")
    total.values["class"] = ""
    rows.append(total)
    columns = [Column("province", _("Province"), "text"), Column("class", _("Class"), "text")]
    columns += [Column(m, m, "m2") for m in MONITOR_ORDER]
    columns.append(Column("total_m2", _("Total (m²)"), "m2"))
    note = (
        _(REMAINING_NOTE)
        + " "
        + _("AP: AP mines; AT: AT mines; CMR: cluster munition remnants; ERW: other UXO and AXO; MIX: mixed.")
    )
    return Table(key, title, columns, rows, note)


def new_and_baseline(ctx: Context, key: str, title: str) -> Table:
    """Contamination recorded before the year (baseline) and newly recorded in it, by Monitor type."""
    rows_by: dict[str, dict] = {}
    unique = F("estimated_m2") - F("estimated_overlap_m2")
    found = (
        ledger_queries.hazard_rows(country=ctx.country)
        .filter(hazard__recorded_on__lte=ctx.end)
        .values("hazard__contamination_type")
        .annotate(
            base_n=Count("hazard", filter=Q(hazard__recorded_on__lt=ctx.start)),
            base_m2=Sum(unique, filter=Q(hazard__recorded_on__lt=ctx.start), default=0.0),
            new_n=Count("hazard", filter=Q(hazard__recorded_on__gte=ctx.start)),
            new_m2=Sum(unique, filter=Q(hazard__recorded_on__gte=ctx.start), default=0.0),
        )
    )
    for r in found:
        m = MONITOR_TYPES.get(r["hazard__contamination_type"], "MIX")
        item = rows_by.setdefault(m, {"base_n": 0, "base_m2": 0.0, "new_n": 0, "new_m2": 0.0})
        for k in item:
            item[k] += r[k] or 0
    rows = [Row((m,), {"type": monitor_label(m), **rows_by[m]}) for m in MONITOR_ORDER if m in rows_by]
    rows.append(_total_row(rows, ("base_n", "base_m2", "new_n", "new_m2"), "type"))
    columns = [
        Column("type", _("Contamination"), "text"),
        Column("base_n", _("Hazards recorded before the year"), "int"),
        Column("base_m2", _("Baseline area (m²)"), "m2"),
        Column("new_n", _("Hazards newly recorded in the year"), "int"),
        Column("new_m2", _("New area (m²)"), "m2"),
    ]
    note = _(
        "Estimated area when recorded, each hazard's share of the union (ground an earlier hazard already "
        "covers is not new). Polygon hazards only."
    )
    return Table(key, title, columns, rows, note)


# --- land released ---------------------------------------------------------------------------------


def _releases(ctx: Context, types: Iterable[str] | None, start: dt.date, end: dt.date):
    qs = ProductRelease.objects.filter(
        hazard__country=ctx.country, product__released_on__gte=start, product__released_on__lte=end
    )
    return qs.filter(hazard__contamination_type__in=list(types)) if types else qs


def _outcome_sums() -> dict:
    return {f"{o}_m2": Sum("released_m2", filter=Q(outcome=o), default=0.0) for o in OUTCOMES}


RELEASE_COLUMNS = ("cancelled_m2", "reduced_m2", "cleared_m2", "released_m2")


def _release_columns(*first: Column) -> list[Column]:
    return [
        *first,
        Column("cancelled_m2", _("Cancelled (m²)"), "m2"),
        Column("reduced_m2", _("Reduced (m²)"), "m2"),
        Column("cleared_m2", _("Cleared (m²)"), "m2"),
        Column("released_m2", _("Released (m²)"), "m2"),
    ]


RELEASE_NOTE = N_(
    "Hazard ground credited to each land release product by the ledger (overlapping products counted once "
    "within a hazard), by the product's release date: cancelled by non-technical survey, reduced by technical "
    "survey, cleared."
)


def _release_values(r: dict) -> dict:
    values = {f"{o}_m2": _m2(r[f"{o}_m2"]) for o in OUTCOMES}
    values["released_m2"] = sum(values.values())
    return values


def release_by_province(ctx: Context, key: str, title: str, types: Iterable[str] | None) -> Table:
    found = (
        _releases(ctx, types, ctx.start, ctx.end)
        .values("hazard__province__code", "hazard__province__name")
        .annotate(**_outcome_sums())
        .order_by("hazard__province__code")
    )
    rows = []
    for r in found:
        code, name = _province(r["hazard__province__code"], r["hazard__province__name"])
        rows.append(Row((code,), {"province": name, **_release_values(r)}))
    rows.append(_total_row(rows, RELEASE_COLUMNS, "province"))
    return Table(key, title, _release_columns(Column("province", _("Province"), "text")), rows, _(RELEASE_NOTE))


def release_by_method(ctx: Context, key: str, title: str, types: Iterable[str] | None) -> Table:
    """By the activity's main method (its first), as the ledger's `--by method`."""
    found = (
        _releases(ctx, types, ctx.start, ctx.end)
        .annotate(method=F("product__activity__methods__0"))
        .values("method")
        .annotate(**_outcome_sums())
        .order_by("method")
    )
    labels = dict(METHOD_CHOICES)
    rows = []
    for r in found:
        method = r["method"] or ""
        rows.append(Row((method,), {"method": _(labels.get(method, method or "—")), **_release_values(r)}))
    rows.append(_total_row(rows, RELEASE_COLUMNS, "method"))
    note = _(RELEASE_NOTE) + " " + _("Method: the activity's main (first) method.")
    return Table(key, title, _release_columns(Column("method", _("Method"), "text")), rows, note)


def release_by_year(ctx: Context, key: str, title: str, types: Iterable[str] | None, by_type: bool = False) -> Table:
    first = dt.date(ctx.year - YEARS_BACK, 1, 1)
    qs = _releases(ctx, types, first, ctx.end)
    rows_by: dict[tuple, dict] = {}
    for released_on, kind, outcome, m2 in qs.values_list(
        "product__released_on", "hazard__contamination_type", "outcome", "released_m2"
    ).iterator():
        k = (str(released_on.year), MONITOR_TYPES.get(kind, "MIX")) if by_type else (str(released_on.year),)
        item = rows_by.setdefault(k, {f"{o}_m2": 0.0 for o in OUTCOMES})
        item[f"{outcome}_m2"] += m2
    rows = []
    keys = sorted(rows_by, key=lambda k: (k[0], MONITOR_ORDER.index(k[1]) if by_type else 0))
    for k in keys:
        values: dict = {"year": k[0]}
        if by_type:
            values["type"] = k[1]
        values.update(rows_by[k])
        values["released_m2"] = sum(rows_by[k].values())
        rows.append(Row(k, values))
    total = _total_row(rows, RELEASE_COLUMNS, "year")
    rows.append(total)
    first_cols = [Column("year", _("Year"), "text")]
    if by_type:
        total.values["type"] = ""
        first_cols.append(Column("type", _("Type"), "text"))
    return Table(key, title, _release_columns(*first_cols), rows, _(RELEASE_NOTE), None if by_type else "released_m2")


# --- devices ---------------------------------------------------------------------------------------


def _destroyed(ctx: Context, categories: Iterable[str] | None):
    qs = Device.objects.filter(
        Q(product__hazard__country=ctx.country) | Q(activity__country=ctx.country),
        found_on__gte=ctx.start,
        found_on__lte=ctx.end,
        disposal__in=DESTROYED,
    )
    return qs.filter(category__in=list(categories)) if categories else qs


DEVICE_NOTE = N_(
    "Devices found in the year and destroyed (in situ, or removed and destroyed), from the devices recorded "
    "on land release products (area clearance) and on activities alone (EOD spot tasks)."
)


def _device_columns(first: list[Column]) -> list[Column]:
    return [
        *first,
        Column("area_clearance", _("In area clearance"), "int"),
        Column("spot_tasks", _("In EOD spot tasks"), "int"),
        Column("total", _("Total"), "int"),
    ]


def devices_by_model(ctx: Context, key: str, title: str, categories: Iterable[str]) -> Table:
    found = (
        _destroyed(ctx, categories)
        .values("model__name", "category")
        .annotate(
            area=Sum("count", filter=Q(product__isnull=False), default=0),
            spot=Sum("count", filter=Q(product__isnull=True), default=0),
        )
        .order_by("model__name", "category")
    )
    labels = dict(CATEGORY_CHOICES)
    rows = []
    for r in found:
        name = r["model__name"] or ""
        rows.append(
            Row(
                (name, r["category"]),
                {
                    "model": name or _("Model not recorded"),
                    "category": _(labels.get(r["category"], r["category"])),
                    "area_clearance": r["area"],
                    "spot_tasks": r["spot"],
                    "total": r["area"] + r["spot"],
                },
            )
        )
    total = _total_row(rows, ("area_clearance", "spot_tasks", "total"), "model")
    total.values["category"] = ""
    rows.append(total)
    columns = _device_columns([Column("model", _("Device model"), "text"), Column("category", _("Category"), "text")])
    return Table(key, title, columns, rows, _(DEVICE_NOTE))


def devices_by_category(ctx: Context, key: str, title: str) -> Table:
    found = (
        _destroyed(ctx, None)
        .values("category")
        .annotate(
            area=Sum("count", filter=Q(product__isnull=False), default=0),
            spot=Sum("count", filter=Q(product__isnull=True), default=0),
        )
        .order_by("category")
    )
    labels = dict(CATEGORY_CHOICES)
    rows = [
        Row(
            (r["category"],),
            {
                "category": _(labels.get(r["category"], r["category"])),
                "area_clearance": r["area"],
                "spot_tasks": r["spot"],
                "total": r["area"] + r["spot"],
            },
        )
        for r in found
    ]
    rows.append(_total_row(rows, ("area_clearance", "spot_tasks", "total"), "category"))
    columns = _device_columns([Column("category", _("Category"), "text")])
    return Table(key, title, columns, rows, _(DEVICE_NOTE), "total")


# --- people ----------------------------------------------------------------------------------------

SUPPRESSION_NOTE = N_(
    "Counts of people from 1 to 4 are shown as <5, and a figure that would let one be worked out from a "
    "total is withheld (x)."
)


def _choice_labels(dim: str) -> dict:
    fields = {
        "outcome": Victim.OUTCOME_CHOICES,
        "age_group": Victim.AGE_GROUP_CHOICES,
        "sex": Victim.SEX_CHOICES,
        "victim_type": Victim.TYPE_CHOICES,
        "device_category": [*CATEGORY_CHOICES, ("unknown", "Unknown")],
        "need": NEED_CHOICES,
    }
    return {k: _(v) for k, v in fields.get(dim, [])}


def casualties(
    ctx: Context, key: str, title: str, by: tuple[str, str], device_categories: Iterable[str] | None = None
) -> Table:
    """Casualties in the year: rows by the first dimension, columns by the second, suppressed."""
    if device_categories is None:
        table = victim_queries.casualty_table(list(by), country=ctx.country, year=ctx.year)
    else:  # the CCM's victims: casualties of cluster munitions only, suppressed as a table of their own
        from safeground.victims import disclosure

        qs = victim_queries.victims(country=ctx.country, year=ctx.year).filter(
            accident__device_category__in=list(device_categories)
        )
        exprs = {f"d{i}": victim_queries.DIMENSIONS[d][0] for i, d in enumerate(by)}
        counts = {
            (r["d0"], r["d1"]): r["n"]
            for r in qs.order_by().annotate(**exprs).values(*exprs).annotate(n=Count("id")).order_by()
        }
        table = disclosure.suppress(list(by), counts)
    first, second = (_choice_labels(d) for d in by)
    row_values = sorted({k[0] for k in table.cells}, key=str)
    col_values = sorted({k[1] for k in table.cells}, key=str)
    columns = [Column("group", _label_of(by[0]), "text")]
    columns += [Column(str(v), second.get(v, str(v)), "people") for v in col_values]
    columns.append(Column("total", _("Total"), "people"))
    rows = []
    for rv in row_values:
        values: dict = {"group": first.get(rv, str(rv))}
        shown: dict = {}
        for cv in col_values:
            values[str(cv)] = table.cells.get((rv, cv), 0)
            shown[str(cv)] = table.shown.get((rv, cv), 0)
        values["total"] = table.margins.get(0, {}).get(rv, 0)
        shown["total"] = table.margins_shown.get(0, {}).get(rv, 0)
        rows.append(Row((str(rv),), values, shown))
    values = {"group": _("Total")}
    shown = {}
    for cv in col_values:
        values[str(cv)] = table.margins.get(1, {}).get(cv, 0)
        shown[str(cv)] = table.margins_shown.get(1, {}).get(cv, 0)
    values["total"], shown["total"] = table.total, table.total_shown
    rows.append(Row((TOTAL,), values, shown, total=True))
    return Table(key, title, columns, rows, _(SUPPRESSION_NOTE))


def _label_of(dim: str) -> str:
    return {
        "outcome": _("Killed or injured"),
        "age_group": _("Age group"),
        "sex": _("Sex"),
        "victim_type": _("Civilian, deminer or military"),
        "device_category": _("Device category"),
    }.get(dim, dim)


def survivor_needs(ctx: Context, key: str, title: str) -> Table:
    table = victim_queries.assistance_table(country=ctx.country)["needs"]
    labels = _choice_labels("need")
    rows = [
        Row((k[0],), {"need": labels.get(k[0], k[0]), "survivors": n}, {"survivors": table.shown[k]})
        for k, n in table.cells.items()
    ]
    rows.append(
        Row((TOTAL,), {"need": _("Total"), "survivors": table.total}, {"survivors": table.total_shown}, total=True)
    )
    columns = [Column("need", _("Need"), "text"), Column("survivors", _("Survivors with the need"), "people")]
    note = _("All registered survivors (injured), whatever the year; a survivor may have several needs.") + " "
    return Table(key, title, columns, rows, note + _(SUPPRESSION_NOTE))


def risk_education(ctx: Context, key: str, title: str) -> Table:
    found = eore_queries.beneficiaries("method", country=ctx.country, year=ctx.year)
    labels = {k: _(v) for k, v in Session.METHOD_CHOICES}
    groups = ("sessions", *eore_queries.GROUPS, "total")
    rows = [
        Row((r["group"],), {"method": labels.get(r["group"], r["group"]), **{g: r[g] for g in groups}})
        for r in found["rows"]
    ]
    rows.append(Row((TOTAL,), {"method": _("Total"), **{g: found["total"][g] for g in groups}}, total=True))
    columns = [
        Column("method", _("Method"), "text"),
        Column("sessions", _("Sessions"), "int"),
        Column("girls", _("Girls"), "int"),
        Column("boys", _("Boys"), "int"),
        Column("women", _("Women"), "int"),
        Column("men", _("Men"), "int"),
        Column("total", _("People reached"), "int"),
    ]
    note = _("Risk education sessions held in the year and the people they reached (not suppressed: no one is named).")
    return Table(key, title, columns, rows, note, "total")


# --- programme ---------------------------------------------------------------------------------------


def productivity(ctx: Context, key: str, title: str) -> Table:
    found = productivity_queries.productivity("method", country=ctx.country, date_from=ctx.start, date_to=ctx.end)
    rows = [
        Row(
            (r["group"]["method"],),
            {
                "method": _(r["label"]),
                "reports": r["reports"],
                "area_m2": r["area_m2"],
                "team_days": r["team_days"],
                "m2_per_team_day": r["m2_per_team_day"],
            },
        )
        for r in found
    ]
    columns = [
        Column("method", _("Method"), "text"),
        Column("reports", _("Progress reports"), "int"),
        Column("area_m2", _("Area (m²)"), "m2"),
        Column("team_days", _("Team-days"), "ratio"),
        Column("m2_per_team_day", _("m² per team-day"), "ratio"),
    ]
    note = _("From the progress reports dated in the year: total area over total team-days (pooled).")
    return Table(key, title, columns, rows, note, "m2_per_team_day")


def article5(ctx: Context, key: str, title: str) -> Table:
    """Progress against the Article 5 deadline; the completion forecast where the data allow one."""
    from safeground.forecast import queries as forecast_queries

    deadline = ctx.programme.article5_deadline
    remaining = _open(ctx, APMBC_TYPES).aggregate(m2=Sum(_UNIQUE, default=0.0))["m2"]
    released = _releases(ctx, APMBC_TYPES, ctx.start, ctx.end).aggregate(m2=Sum("released_m2", default=0.0))["m2"]
    rows = [
        Row(("deadline",), {"item": _("Article 5 deadline"), "value": deadline.isoformat() if deadline else _("none")}),
        Row(
            ("remaining_m2",),
            {"item": _("AP-mined area remaining (m²)"), "value": _m2(remaining)},
            kinds={"value": "m2"},
        ),
        Row(
            ("released_m2",),
            {"item": _("AP-mined area released in the year (m²)"), "value": _m2(released)},
            kinds={"value": "m2"},
        ),
    ]
    if deadline and deadline > ctx.end:
        years = (deadline - ctx.end).days / 365.25
        rows.append(
            Row(
                ("needed_m2",),
                {"item": _("Release needed per year to meet the deadline (m²)"), "value": _m2(remaining) / years},
                kinds={"value": "m2"},
            )
        )
    try:
        forecast = forecast_queries.forecast(ctx.country, runs=2000)
        p50, p90 = forecast["completion"]["p50"], forecast["completion"]["p90"]
        beyond = _("beyond %(years)s years") % {"years": forecast_queries.MOST_YEARS}
        rows.append(
            Row(
                ("forecast_p50",),
                {"item": _("Forecast completion, median (P50)"), "value": p50.isoformat() if p50 else beyond},
            )
        )
        rows.append(
            Row(("forecast_p90",), {"item": _("Forecast completion, P90"), "value": p90.isoformat() if p90 else beyond})
        )
        if forecast["needed"]:
            rows.append(
                Row(
                    ("probability",),
                    {
                        "item": _("Chance of meeting the target at current capacity (percent)"),
                        "value": fmt(100 * forecast["needed"]["probability_current"], 0),
                    },
                )
            )
    except ValidationFailed as exc:
        rows.append(
            Row(("forecast",), {"item": _("Completion forecast"), "value": _("not available: %(why)s") % {"why": exc}})
        )
    columns = [Column("item", _("Item"), "text"), Column("value", _("Value"), "date")]
    note = _(
        "Remaining and released: AP mines and mixed hazards, as in Form C and F. The forecast is the completion "
        "forecast's (docs/forecast.md): 2,000 runs, seed 1, productivity of the last three years."
    )
    return Table(key, title, columns, rows, note)
