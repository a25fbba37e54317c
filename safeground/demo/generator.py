"""Build the synthetic demo dataset: `build(scale, seed)` replaces every synthetic record in one transaction.

Deterministic per seed: every random draw comes from `numpy.random.default_rng([seed, stage])`, inputs
are read sorted by code, and primary keys are UUID5s of the human codes, so a rebuild with the same
seed yields identical rows (codes, geometries, areas) on SpatiaLite and PostGIS alike.

Set-based throughout: geometry is vectorised Shapely; organisations, teams and assets are written by
`organisations.services.bulk_create_organisation_structure`; hazards, activities, products and devices
by their apps' bulk services (`bulk_create_hazards`, `bulk_create_activities`, `bulk_create_products`,
`bulk_create_devices`: the single writes' checks, codes from `core.codes`, country and admin areas from
the gazetteer's rule, one `core.Batch` per write and no per-row history, decision 0015).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from safeground.core.models import Batch
from safeground.core.purge import delete_unused_batches
from safeground.demo import evidence as evidence_mod
from safeground.demo import geography, hazards, organisations, release
from safeground.demo.profiles import AUTHORITY, SCALES
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.landrelease import services as release_services
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, Product
from safeground.operations import services as operation_services
from safeground.operations.models import Activity
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations import services as organisation_services
from safeground.organisations.models import Asset, Organisation, Team

#: Namespace of the demo's UUID5 primary keys (uuid5(NAMESPACE, "<table>:<code>")).
NAMESPACE = uuid.UUID("5a7e6f0e-2d4b-5c1a-9e3f-0d3e1b5a6c00")
#: Devices are written in chunks of this many rows, to bound memory.
CHUNK = 50_000
CHANGE_REASON = "synthetic demo data (safeground demo)"
#: The source of the demo's batches (core.Batch); a rebuild deletes the previous ones.
BATCH_SOURCE = "safeground demo"

Report = Callable[[str], None]


def uid(kind: str, code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{code}")


@dataclass
class BuildResult:
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    missing_models: list[str] = field(default_factory=list)
    short: int = 0  # hazards that couldn't be placed (none expected)


def _rng(seed: int, stage: int) -> np.random.Generator:
    return np.random.default_rng([seed, stage])


def _noop(message: str) -> None:
    pass


@transaction.atomic(savepoint=False)
def build(scale: str = "small", seed: int = 1, report: Report = _noop) -> BuildResult:
    """Delete every synthetic record and generate a new dataset, all in one transaction.

    Inside a caller's transaction no savepoint is made: the bundled SQLite keeps temporary files in memory
    (TEMP_STORE=3), and a savepoint copies every page the transaction had already changed, that it changes
    again, into an in-memory sub-journal (gigabytes on a national rebuild). A failure rolls the caller back.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    result = BuildResult(scale, seed)
    clock = _Clock(result, report)

    deleted = delete_synthetic()
    clock.lap("delete previous synthetic records", f"{sum(deleted.values()):,} rows")

    geo = geography.load()
    if geo.missing:
        report(f"  note: no province matches {', '.join(geo.missing)} in the gazetteer; skipped")
    clock.lap("read the gazetteer")

    orgs, teams, assets = organisations.build(_rng(seed, 1))
    n = SCALES[scale].hazards
    placed = []
    for stage, (country, k) in enumerate(hazards.countries_of(n).items()):
        placed.append(hazards.place(_rng(seed, 10 + stage), geo, country, k))
    result.short = sum(p["short"] for p in placed)
    hz = hazards.finish(_rng(seed, 20), geo, placed)
    clock.lap("place hazards", f"{len(hz):,}")

    acts, products, last_piece = release.plan_release(_rng(seed, 30), hz, teams, geo)
    clock.lap("plan land release", f"{len(acts):,} activities, {len(products):,} products")
    devices = release.plan_devices(_rng(seed, 40), hz, acts, products, geo.inner)
    ev = evidence_mod.evidence(_rng(seed, 50), hz, last_piece)
    ben = evidence_mod.beneficiaries(_rng(seed, 60), hz)
    clock.lap("plan devices, evidence, beneficiaries", f"{len(devices):,} devices")

    writer = _Writer(_rng(seed, 70), report, f"{BATCH_SOURCE} --scale {scale} --seed {seed}")
    writer.organisations(orgs, teams, assets)
    writer.hazards(hz)
    writer.evidence(hz, ev, ben)
    clock.lap("write hazards")
    writer.activities(hz, acts)
    writer.products(hz, products)
    clock.lap("write activities and products")
    writer.devices(devices)
    clock.lap("write devices")
    result.missing_models = sorted(writer.missing_models)
    result.counts = {
        "organisations": len(orgs),
        "teams": len(teams),
        "assets": len(assets),
        "hazards": len(hz),
        "evidence": len(ev.hazard),
        "beneficiaries": len(ben.hazard),
        "activities": len(acts),
        "products": len(products),
        "devices": len(devices),
    }
    # The plan is written (about 1 GB at the national scale): free it before the ledger reads everything back.
    del placed, hz, acts, products, last_piece, devices, ev, ben, writer
    # The stored land release ledger is derived data the services keep current; rows written in bulk
    # bypass them, so rebuild it here, in the same transaction.
    ledger_store.recompute_all()
    clock.lap("recompute the land release ledger")
    return result


class _Clock:
    def __init__(self, result: BuildResult, report: Report):
        self.result, self.report = result, report
        self.start = self.last = time.perf_counter()

    def lap(self, what: str, detail: str = "") -> None:
        now = time.perf_counter()
        self.result.timings[what] = now - self.last
        self.report(f"  {what}: {now - self.last:.1f} s" + (f" ({detail})" if detail else ""))
        self.last = now


# ------------------------------------------------------------------------------------------------
# Deleting the previous synthetic dataset
# ------------------------------------------------------------------------------------------------


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic record and its history through the owning apps' services, higher apps
    first since their rows point at the lower ones': land release (devices, products, the stored ledger),
    operations (activities), hazards, then the organisations, teams and assets.

    The demo's own rows only: nothing real is touched. Rows are purged rather than marked deleted because
    they never described anything real; a real record that depends on a demo row makes this fail
    (`core.purge.PurgeRefused`) before anything is deleted.
    """
    counts: dict[str, int] = {}
    for delete in (
        release_services.delete_synthetic,
        operation_services.delete_synthetic,
        hazard_services.delete_synthetic,
        organisation_services.delete_synthetic_structure,
    ):
        for table, n in delete().items():
            counts[table] = counts.get(table, 0) + n
    # The batches the demo's bulk writes recorded that no row points at any more (organisations, credentials).
    counts["core_batch"] = counts.get("core_batch", 0) + delete_unused_batches(
        Batch.objects.filter(source__startswith=BATCH_SOURCE)
    )
    return counts


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, rng: np.random.Generator, report: Report, source: str = BATCH_SOURCE):
        self.rng = rng
        self.report = report
        self.source = source
        self.now = timezone.now()
        self.org_ids: dict[str, uuid.UUID] = {}
        self.team_ids: dict[str, uuid.UUID] = {}
        self.hazard_ids: list[uuid.UUID] = []
        self.activity_ids: list[uuid.UUID] = []
        self.product_ids: list[uuid.UUID] = []
        self.model_ids: dict[str, uuid.UUID] = {}
        self.missing_models: set[str] = set()

    def organisations(self, orgs, teams, assets) -> None:
        """Through organisations.services.bulk_create_organisation_structure (its checks); a real
        organisation, team or asset with the demo's acronym, code or identifier is used instead."""
        real_orgs = dict(Organisation.objects.filter(is_synthetic=False).values_list("acronym", "id"))
        new = []
        for o in orgs:
            if o.acronym in real_orgs:  # a real organisation with that acronym: the demo uses it
                self.org_ids[o.acronym] = real_orgs[o.acronym]
                continue
            self.org_ids[o.acronym] = uid("organisation", o.acronym)
            new.append(
                Organisation(
                    id=self.org_ids[o.acronym],
                    name=o.name,
                    acronym=o.acronym,
                    kind=o.kind,
                    country=o.country,
                    is_synthetic=True,
                )
            )
        real_teams = dict(Team.objects.filter(is_synthetic=False).values_list("code", "id"))
        new_teams = []
        for t in teams:
            if t.code in real_teams:
                self.team_ids[t.code] = real_teams[t.code]
                continue
            self.team_ids[t.code] = uid("team", t.code)
            new_teams.append(
                Team(
                    id=self.team_ids[t.code],
                    organisation_id=self.org_ids[t.organisation],
                    code=t.code,
                    kind=t.kind,
                    size=t.size,
                    is_synthetic=True,
                )
            )
        real_assets = set(Asset.objects.filter(is_synthetic=False).values_list("identifier", flat=True))
        new_assets = [
            Asset(
                id=uid("asset", a.identifier),
                kind=a.kind,
                identifier=a.identifier,
                name=a.name,
                team_id=self.team_ids[a.team],
                is_synthetic=True,
            )
            for a in assets
            if a.identifier not in real_assets
        ]
        organisation_services.bulk_create_organisation_structure(new, new_teams, new_assets)
        self.model_ids = dict(OrdnanceModel.objects.values_list("name", "id"))

    def _model(self, name: str | None):
        if name is None:
            return None
        found = self.model_ids.get(name)
        if found is None:
            self.missing_models.add(name)
        return found

    def hazards(self, hz) -> None:
        """Through hazards.services.bulk_create_hazards: its checks, its derived fields, one batch."""
        authority = self.rng.uniform(0, 1, len(hz)) < 0.2
        reporters = [AUTHORITY[hz.country[i]] if authority[i] else hz.operator[i] for i in range(len(hz))]
        models = [[name for name in names if self._model(name) is not None] for names in hz.suspected]
        result = hazard_services.bulk_create_hazards(
            {
                "id": [uid("hazard", code) for code in hz.code],
                "code": list(hz.code),
                "is_synthetic": True,
                "name": list(hz.name),
                "hazard_class": list(hz.hazard_class),
                "status": list(hz.status),
                "contamination_type": list(hz.contamination),
                "geometry": list(hz.geom),
                "benchmark": list(hz.benchmark),
                "country": list(hz.country),
                "reporting_organisation": reporters,
                "suspected_models": models,
                "recorded_on": list(hz.recorded_on),
                "status_changed_on": list(hz.status_changed_on),
            },
            source=self.source,
            reason=CHANGE_REASON,
        )
        self.hazard_ids = result.ids

    def evidence(self, hz, ev, ben) -> None:
        hazard_services.bulk_add_evidence(
            {
                "hazard": [self.hazard_ids[h] for h in ev.hazard],
                "kind": list(ev.kind),
                "evidence_type": list(ev.evidence_type),
                "point": list(ev.point),
                "observed_on": list(ev.observed_on),
                "description": list(ev.description),
            },
            reason=CHANGE_REASON,
        )
        hazard_services.bulk_add_beneficiaries(
            {
                "hazard": [self.hazard_ids[h] for h in ben.hazard],
                "status": list(ben.status),
                "people": [int(p) for p in ben.people],
                "land_use": list(ben.land_use),
            },
            reason=CHANGE_REASON,
        )

    def activities(self, hz, acts) -> None:
        """Through operations.services: its checks and codes rule, one batch, teams and hazards linked.

        The accreditation gate is checked after the build instead (`gate=False`): the demo's accreditations
        are generated from its activities (training demo), in the same transaction; a test checks that
        every planned and ongoing demo activity passes the gate then.
        """
        checked = operation_services.check_activities(
            {
                "id": [uid("activity", code) for code in acts.code],
                "code": list(acts.code),
                "is_synthetic": True,
                "activity_type": list(acts.activity_type),
                "organisation": list(acts.organisation),
                "teams": list(acts.teams),
                "methods": list(acts.methods),
                "hazards": [[hz.code[h]] if h >= 0 else [] for h in acts.hazard],
                "reference_point": list(acts.reference_point),
                "country": list(acts.country),
                "start_date": list(acts.start),
                "end_date": list(acts.end),
                "status": list(acts.status),
            },
            gate=False,
        )
        result = operation_services.bulk_create_activities(checked, source=self.source, reason=CHANGE_REASON)
        self.activity_ids = result.ids

    def products(self, hz, products) -> None:
        """Through landrelease.services.bulk_create_products: its checks, codes and areas, one batch."""
        result = release_services.bulk_create_products(
            {
                "id": [uid("product", code) for code in products.code],
                "code": list(products.code),
                "is_synthetic": [True] * len(products),
                "activity_id": [self.activity_ids[a] for a in products.activity.tolist()],
                "hazard_id": [self.hazard_ids[h] for h in products.hazard.tolist()],
                "outcome": products.outcome.tolist(),
                "geom": list(products.geom),
                "released_on": list(products.released_on),
                "clearance_depth_cm": list(products.depth_cm),
                "reported_area_m2": list(products.reported_area_m2),
            },
            source=self.source,
            reason=CHANGE_REASON,
        )
        self.product_ids = [uid("product", code) for code in result.codes]

    def devices(self, d) -> None:
        """Through landrelease.services.bulk_create_devices, in chunks of CHUNK rows (bounded memory)."""
        n = len(d)
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            release_services.bulk_create_devices(
                {
                    "id": [uid("device", code) for code in d.code[start:stop]],
                    "code": d.code[start:stop],
                    "is_synthetic": [True] * (stop - start),
                    "product_id": [self.product_ids[p] if p >= 0 else None for p in d.product[start:stop].tolist()],
                    "activity_id": [self.activity_ids[a] for a in d.activity[start:stop].tolist()],
                    "point": list(shapely.points(d.x[start:stop], d.y[start:stop])),
                    "category": d.category[start:stop].tolist(),
                    "model": [m if self._model(m) is not None else None for m in d.model[start:stop]],
                    "condition": d.condition[start:stop].tolist(),
                    "depth_cm": d.depth_cm[start:stop].tolist(),
                    "disposal": d.disposal[start:stop].tolist(),
                    "found_on": list(d.found_on[start:stop]),
                    "count": d.count[start:stop].tolist(),
                },
                source=self.source,
                reason=CHANGE_REASON,
            )
            if n > CHUNK:
                self.report(f"    devices {stop:,}/{n:,}")


# ------------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------------


def summary() -> list[str]:
    """What the database now holds (synthetic records), per country, as printable lines."""
    lines = []
    hz = Hazard.objects.filter(is_synthetic=True)
    products = Product.objects.filter(is_synthetic=True)
    for country in ("KHM", "AZE"):
        h = hz.filter(country=country)
        by_class = dict(h.values_list("hazard_class").annotate(n=Count("id")).values_list("hazard_class", "n"))
        by_status = dict(h.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        area = (h.aggregate(a=Sum("area_m2"))["a"] or 0) / 1e6
        p = products.filter(hazard__country=country)
        released = dict(p.values_list("outcome").annotate(a=Sum("area_m2")).values_list("outcome", "a"))
        total = sum(released.values()) or 1.0
        mix = " / ".join(
            f"{k} {released.get(k, 0) / 1e6:,.1f} km² ({released.get(k, 0) / total:.0%})"
            for k in ("cancelled", "reduced", "cleared")
        )
        acts = Activity.objects.filter(is_synthetic=True, country=country).count()
        devices = Device.objects.filter(is_synthetic=True, activity__country=country)
        items = devices.aggregate(n=Count("id"), items=Sum("count"))
        lines.append(
            f"{country}: {h.count():,} hazards ({by_class.get('SHA', 0):,} SHA, {by_class.get('CHA', 0):,} CHA; "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(by_status.items()))
            + f"), {area:,.1f} km²"
        )
        lines.append(f"     released: {mix}; remaining {area - total / 1e6 if released else area:,.1f} km²")
        lines.append(
            f"     {acts:,} activities, {p.count():,} products, {items['n'] or 0:,} device records "
            f"({items['items'] or 0:,} items)"
        )
    cats = (
        Device.objects.filter(is_synthetic=True)
        .values_list("category")
        .annotate(n=Count("id"), items=Sum("count"))
        .order_by("category")
    )
    lines.append("devices by category: " + ", ".join(f"{c} {n:,} ({items:,} items)" for c, n, items in cats))
    return lines
