"""Figures computed on both sides after a migration: from NG's tables, and from SafeGround's records.

- hazards by NG status: count, and area (m²) — NG's side from the polygons as rebuilt (repairs
  included, refused ones counted with no area), SafeGround's from the stored hazards of this source;
- devices by ordnance model: NG's `quantity`, SafeGround's device counts;
- casualties by year and outcome (killed / injured): NG's victims by their accident's year,
  SafeGround's victims by their accident's date;
- tasks by NG status: NG's rows, SafeGround's tasks issued from them.
A difference is explained by the refusals listed on the same report.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from safeground.core.geometry import area_m2
from safeground.hazards.models import Hazard
from safeground.imsma import schema
from safeground.imsma.models import MigratedRecord
from safeground.imsma.reconcile import Total
from safeground.landrelease.models import Device
from safeground.tasking.models import Task
from safeground.victims.models import Victim


def _migrated(table: str) -> dict[str, str]:
    """NG guid → SafeGround primary key, for the records of `table` created from NG."""
    return dict(MigratedRecord.objects.filter(table=table, status="migrated").values_list("guid", "target_id"))


def hazards(run) -> list[Total]:
    ng_count, ng_area = Counter(), defaultdict(float)
    status_of: dict[str, str] = {}
    for row in run.source.rows("hazard"):
        status = run.source.enum_value(row.get("status_guid")) or "(none)"
        status_of[row["hazard_guid"]] = status
        ng_count[status] += 1
        shape = run.shape("hazard", row["hazard_guid"])
        if shape.geometry is not None and shape.geometry.geom_type != "Point":
            ng_area[status] += area_m2(shape.geometry)
    sg_count, sg_area = Counter(), defaultdict(float)
    migrated = _migrated("hazard")
    areas = {str(pk): a for pk, a in Hazard.objects.filter(pk__in=list(migrated.values())).values_list("pk", "area_m2")}
    for guid, pk in migrated.items():
        if pk not in areas:
            continue
        sg_count[status_of.get(guid, "(none)")] += 1
        sg_area[status_of.get(guid, "(none)")] += areas[pk] or 0.0
    totals = [Total("hazards by status", s, ng_count[s], sg_count[s]) for s in sorted(ng_count)]
    totals += [
        Total("hazard area by status", s, round(ng_area[s], 1), round(sg_area[s], 1), "m²") for s in sorted(ng_count)
    ]
    return totals


def devices(run) -> list[Total]:
    model_of = {row["ordnance_guid"]: row.get("model") or "(none)" for row in run.source.rows("ordnance")}
    ng, model_of_device = Counter(), {}
    for row in run.source.rows("hazreducdeviceinfo"):
        model = model_of.get(row.get("ordnance_guid"), "(none)")
        model_of_device[row[schema.key("hazreducdeviceinfo")]] = model
        ng[model] += int(row.get("quantity") or 0)
    sg = Counter()
    for guid, count in Device.objects.filter(source_id__in=list(model_of_device)).values_list("source_id", "count"):
        sg[model_of_device[guid]] += count
    return [Total("devices by ordnance model", m, ng[m], sg[m]) for m in sorted(ng)]


def casualties(run) -> list[Total]:
    year_of = {}
    for row in run.source.rows("accident"):
        when = row.get("accidentdate") or row.get("dataentrydate")
        year_of[row["accident_guid"]] = str(when.year) if when else "(no date)"
    ng = Counter()
    guids = []
    for row in run.source.rows("victim"):
        guids.append(row["victim_guid"])
        outcome = (
            run.enum(
                "victim",
                "killedorinjuredenum_guid",
                row.get("killedorinjuredenum_guid"),
                Victim.OUTCOME_CHOICES,
                quiet=True,
            )
            or "(unmapped)"
        )
        ng[f"{year_of.get(row.get('accident_guid'), '(no accident)')} {outcome}"] += 1
    sg = Counter()
    for victim in Victim.objects.filter(source_id__in=guids).select_related("accident"):
        sg[f"{victim.accident.occurred_on.year} {victim.outcome}"] += 1
    return [Total("casualties by year", k, ng[k], sg[k]) for k in sorted(ng)]


def tasks(run) -> list[Total]:
    """Tasks by NG status: NG's rows, SafeGround's tasks issued from them."""
    status_of = {
        row[schema.key("task")]: run.source.enum_value(row.get("status_guid")) or "(none)"
        for row in run.source.rows("task")
    }
    ng = Counter(status_of.values())
    sg = Counter(
        status_of[guid]
        for guid in Task.objects.filter(source_id__in=list(status_of)).values_list("source_id", flat=True)
    )
    return [Total("tasks by status", s, ng[s], sg[s]) for s in sorted(ng)]


def compare(run) -> list[Total]:
    return hazards(run) + devices(run) + casualties(run) + tasks(run)
