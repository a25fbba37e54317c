"""Build the synthetic demo dataset: `build(scale, seed)` replaces every synthetic record in one transaction.

Deterministic per seed: every random draw comes from `numpy.random.default_rng([seed, stage])`, inputs
are read sorted by code, and primary keys are UUID5s of the human codes, so a rebuild with the same
seed yields identical rows (codes, geometries, areas) on SpatiaLite and PostGIS alike.

Set-based throughout: geometry is vectorised Shapely, rows go in with `bulk_create` in batches, and
the "created" history rows are written in bulk too (simple_history's `bulk_history_create`).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.apps import apps
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection, connections, models, transaction
from django.db.models import Count, Sum
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from safeground.demo import evidence as evidence_mod
from safeground.demo import geography, hazards, organisations, release
from safeground.demo.profiles import AUTHORITY, SCALES
from safeground.hazards.models import Beneficiary, Evidence, Hazard
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, Product
from safeground.operations.models import Activity
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Asset, Organisation, Team

#: Namespace of the demo's UUID5 primary keys (uuid5(NAMESPACE, "<table>:<code>")).
NAMESPACE = uuid.UUID("5a7e6f0e-2d4b-5c1a-9e3f-0d3e1b5a6c00")
BATCH = 2000
#: Activities, products and devices are written (and their history) in chunks of this many rows, to bound memory.
CHUNK = 50_000
#: Whether devices get their "created" history rows (like every other domain record).
DEVICE_HISTORY = True
#: Activities, products and devices (a million at the national scale) go in with set-based INSERTs (values
#: prepared by each field's own get_db_prep_save, geometry as WKB; see _insert) instead of bulk_create, which
#: spends most of its time compiling SQL per object; the rows are the same (tests compare both paths).
FAST_INSERT = True
GEOM_FROM_WKB = {"sqlite": "GeomFromWKB(%s, {srid})", "postgresql": "ST_GeomFromWKB(%s, {srid})"}
CHANGE_REASON = "synthetic demo data (safeground demo)"

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
    hz = hazards.finish(_rng(seed, 20), geo, placed, _code_offsets(Hazard, "HAZ"))
    clock.lap("place hazards", f"{len(hz):,}")

    acts, products, last_piece = release.plan_release(
        _rng(seed, 30), hz, teams, geo, _code_offsets(Activity, *release.TYPE_CODES.values())
    )
    clock.lap("plan land release", f"{len(acts):,} activities, {len(products):,} products")
    devices = release.plan_devices(_rng(seed, 40), hz, acts, products, geo.inner)
    ev = evidence_mod.evidence(_rng(seed, 50), hz, last_piece)
    ben = evidence_mod.beneficiaries(_rng(seed, 60), hz)
    clock.lap("plan devices, evidence, beneficiaries", f"{len(devices):,} devices")

    writer = _Writer(_rng(seed, 70), report)
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


def _code_offsets(model, *kinds: str) -> dict:
    """Highest number per (prefix[, kind]) already used by real records, so demo codes never collide."""
    pattern = re.compile(r"^(.+)-(" + "|".join(map(re.escape, kinds)) + r")-(\d+)$")
    out: dict = {}
    for code in model.objects.filter(is_synthetic=False).values_list("code", flat=True).iterator():
        m = pattern.match(code)
        if m:
            key = m.group(1) if len(kinds) == 1 else (m.group(1), m.group(2))
            out[key] = max(out.get(key, 0), int(m.group(3)))
    return out


# ------------------------------------------------------------------------------------------------
# Deleting the previous synthetic dataset
# ------------------------------------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, field_name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field_name).column)


def _delete(cursor, model, where: str, params=()) -> int:
    cursor.execute(f"DELETE FROM {_table(model)} WHERE {where}", params)
    return max(cursor.rowcount, 0)


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic record and its history, children first (raw set-based DELETEs).

    The demo's own rows only: nothing real is touched. Rows are purged rather than marked deleted because
    they never described anything real. Rows of other tables that cascade from demo rows (the stored
    land release ledger, for one) go too; real records that PROTECT a demo row make this fail.
    """
    counts: dict[str, int] = {}
    syn = (True,)

    def synthetic(model) -> str:
        return f"{_col(model, 'is_synthetic')} = %s"

    def of_synthetic(model, fk: str, parent, parent_key: str = "id") -> str:
        return (
            f"{_col(model, fk)} IN (SELECT {_col(parent, parent_key)} FROM {_table(parent)} WHERE {synthetic(parent)})"
        )

    hist_activity = Activity.history.model
    with connection.cursor() as c:

        def delete_links(through, parent) -> None:
            fk = next(f for f in through._meta.fields if f.related_model is parent)
            key = f"{through._meta.db_table} ({fk.name})"
            counts[key] = counts.get(key, 0) + _delete(c, through, of_synthetic(through, fk.name, parent), syn)

        def dependents(parent) -> None:
            """Rows of other tables that cascade from (or are nulled by) synthetic `parent` rows."""
            for m2m in parent._meta.local_many_to_many:
                if m2m.remote_field.through._meta.auto_created:
                    delete_links(m2m.remote_field.through, parent)
            for rel in parent._meta.related_objects:
                model = rel.related_model
                if hasattr(model, "instance_type"):
                    continue  # simple_history's historical tables: purged explicitly
                if rel.many_to_many:
                    if rel.through._meta.auto_created:
                        delete_links(rel.through, parent)
                    continue
                where = of_synthetic(model, rel.field.name, parent)
                if rel.on_delete is models.CASCADE:
                    key = f"{model._meta.db_table} ({rel.field.name})"
                    counts[key] = counts.get(key, 0) + _delete(c, model, where, syn)
                elif rel.on_delete is models.SET_NULL:
                    c.execute(f"UPDATE {_table(model)} SET {_col(model, rel.field.name)} = NULL WHERE {where}", syn)

        for model in (Device, Product):
            dependents(model)
            counts[f"{model._meta.model_name} history"] = _delete(c, model.history.model, synthetic(model), syn)
            counts[model._meta.verbose_name_plural] = _delete(c, model, synthetic(model), syn)
        for field_name in ("teams", "hazards"):
            hist_through = _historical_m2m(field_name)
            where = of_synthetic(hist_through, "history", hist_activity, "history_id")
            counts[f"activity {field_name} history"] = _delete(c, hist_through, where, syn)
        dependents(Activity)
        counts["activity history"] = _delete(c, hist_activity, synthetic(hist_activity), syn)
        counts["activities"] = _delete(c, Activity, synthetic(Activity), syn)
        for model in (Evidence, Beneficiary):
            hist = model.history.model
            counts[f"{model._meta.model_name} history"] = _delete(c, hist, of_synthetic(hist, "hazard", Hazard), syn)
        dependents(Hazard)  # evidence, beneficiaries, the stored ledger, ...
        counts["hazard history"] = _delete(c, Hazard.history.model, synthetic(Hazard.history.model), syn)
        counts["hazards"] = _delete(c, Hazard, synthetic(Hazard), syn)
        for model in (Asset, Team, Organisation):
            dependents(model)
            counts[model._meta.verbose_name_plural] = _delete(c, model, synthetic(model), syn)
    return counts


def _historical_m2m(field_name: str):
    """simple_history's table of an activity's teams/hazards as they were at each historical version."""
    return apps.get_model("operations", f"HistoricalActivity_{field_name}")


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------


def _geos(geoms: np.ndarray) -> list[GEOSGeometry]:
    return [GEOSGeometry(memoryview(w), srid=4326) for w in shapely.to_wkb(geoms)]


class _Writer:
    def __init__(self, rng: np.random.Generator, report: Report):
        self.rng = rng
        self.report = report
        self.now = timezone.now()
        self.org_ids: dict[str, uuid.UUID] = {}
        self.team_ids: dict[str, uuid.UUID] = {}
        self.hazard_ids: list[uuid.UUID] = []
        self.activity_ids: list[uuid.UUID] = []
        self.product_ids: list[uuid.UUID] = []
        self.model_ids: dict[str, uuid.UUID] = {}
        self.missing_models: set[str] = set()

    def _history(self, model, objs) -> list:
        return model.history.bulk_history_create(
            objs, batch_size=BATCH, default_change_reason=CHANGE_REASON, default_date=self.now
        )

    def _create_with_history(self, model, objs) -> list:
        model.objects.bulk_create(objs, batch_size=BATCH)
        return self._history(model, objs)

    def organisations(self, orgs, teams, assets) -> None:
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
        Organisation.objects.bulk_create(new, batch_size=BATCH)
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
        Team.objects.bulk_create(new_teams, batch_size=BATCH)
        real_assets = set(Asset.objects.filter(is_synthetic=False).values_list("identifier", flat=True))
        Asset.objects.bulk_create(
            [
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
            ],
            batch_size=BATCH,
        )
        self.model_ids = dict(OrdnanceModel.objects.values_list("name", "id"))

    def _model(self, name: str | None):
        if name is None:
            return None
        found = self.model_ids.get(name)
        if found is None:
            self.missing_models.add(name)
        return found

    def hazards(self, hz) -> None:
        geoms = _geos(hz.geom)
        authority = self.rng.uniform(0, 1, len(hz)) < 0.2
        objs = []
        for i in range(len(hz)):
            reporter = AUTHORITY[hz.country[i]] if authority[i] else hz.operator[i]
            objs.append(
                Hazard(
                    id=uid("hazard", hz.code[i]),
                    code=hz.code[i],
                    is_synthetic=True,
                    name=hz.name[i],
                    hazard_class=hz.hazard_class[i],
                    status=hz.status[i],
                    contamination_type=hz.contamination[i],
                    geom=geoms[i],
                    benchmark=Point(hz.benchmark[i].x, hz.benchmark[i].y, srid=4326),
                    country=hz.country[i],
                    province_id=hz.province_id[i],
                    district_id=hz.district_id[i],
                    commune_id=hz.commune_id[i],
                    reporting_organisation_id=self.org_ids[reporter],
                    recorded_on=hz.recorded_on[i],
                    status_changed_on=hz.status_changed_on[i],
                    area_m2=float(hz.area_m2[i]),
                    utm_epsg=int(hz.utm_epsg[i]),
                )
            )
        self.hazard_ids = [o.id for o in objs]
        self._create_with_history(Hazard, objs)
        through = Hazard.suspected_models.through
        rows = []
        for i, names in enumerate(hz.suspected):
            for name in names:
                model_id = self._model(name)
                if model_id is not None:
                    rows.append(through(hazard_id=self.hazard_ids[i], ordnancemodel_id=model_id))
        through.objects.bulk_create(rows, batch_size=BATCH)

    def evidence(self, hz, ev, ben) -> None:
        objs = [
            Evidence(
                hazard_id=self.hazard_ids[h],
                kind=ev.kind[j],
                evidence_type=ev.evidence_type[j],
                point=Point(ev.point[j].x, ev.point[j].y, srid=4326) if ev.point[j] is not None else None,
                observed_on=ev.observed_on[j],
                description=ev.description[j],
            )
            for j, h in enumerate(ev.hazard)
        ]
        self._create_with_history(Evidence, objs)
        objs = [
            Beneficiary(
                hazard_id=self.hazard_ids[h], status=ben.status[j], people=ben.people[j], land_use=ben.land_use[j]
            )
            for j, h in enumerate(ben.hazard)
        ]
        self._create_with_history(Beneficiary, objs)

    def _fast(self) -> bool:
        return FAST_INSERT and connection.vendor in GEOM_FROM_WKB

    def _write(self, model, columns, n: int) -> None:
        """Rows and their "created" history, set-based (see _insert), in chunks of CHUNK rows.

        `columns`: field name -> list of n values or one value for all, or a function (start, stop) -> such a
        dict for rows start:stop (so that a million devices are never all converted at once).
        """
        history = {
            "history_date": self.now,
            "history_change_reason": CHANGE_REASON,
            "history_type": "+",
            "history_user": None,
        }
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            if callable(columns):
                part = columns(start, stop)
            else:
                part = {k: v[start:stop] if isinstance(v, list) else v for k, v in columns.items()}
            _insert(model, part, stop - start)
            if getattr(settings, "SIMPLE_HISTORY_ENABLED", True) and (model is not Device or DEVICE_HISTORY):
                _insert(model.history.model, {**part, **history}, stop - start)
            if n > CHUNK:
                self.report(f"    {model._meta.verbose_name_plural} {stop:,}/{n:,}")

    def _record_columns(self, kind: str, codes: list[str]) -> dict:
        return {
            "id": [uid(kind, code) for code in codes],
            "code": list(codes),
            "created_at": self.now,
            "updated_at": self.now,
            "is_synthetic": True,
        }

    def activities(self, hz, acts) -> None:
        if self._fast():
            self._activities_fast(acts)
        else:
            self._activities_orm(acts)

    def _activities_fast(self, acts) -> None:
        n = len(acts)
        columns = self._record_columns("activity", acts.code)
        self.activity_ids = columns["id"]
        ref = np.empty(n, dtype=object)
        ref[:] = acts.reference_point
        columns.update(
            activity_type=list(acts.activity_type),
            organisation=[self.org_ids[o] for o in acts.organisation],
            methods=list(acts.methods),
            reference_point=shapely.to_wkb(ref).tolist() if n else [],
            country=list(acts.country),
            start_date=list(acts.start),
            end_date=list(acts.end),
            status=list(acts.status),
        )
        self._write(Activity, columns, n)
        ids = self.activity_ids
        links = {
            "teams": ("team", [(ids[j], self.team_ids[t]) for j in range(n) for t in acts.teams[j]]),
            "hazards": ("hazard", [(ids[j], self.hazard_ids[acts.hazard[j]]) for j in range(n) if acts.hazard[j] >= 0]),
        }
        history_ids = dict(Activity.history.filter(is_synthetic=True).values_list("id", "history_id"))
        for field_name, (other, pairs) in links.items():
            through = getattr(Activity, field_name).through
            _insert(through, {"activity": [a for a, _o in pairs], other: [o for _a, o in pairs]}, len(pairs))
            rows = list(
                through.objects.filter(activity__is_synthetic=True).values_list("id", "activity_id", f"{other}_id")
            )
            _insert(
                _historical_m2m(field_name),
                {
                    "id": [r[0] for r in rows],
                    "activity": [r[1] for r in rows],
                    other: [r[2] for r in rows],
                    "history": [history_ids[r[1]] for r in rows],
                },
                len(rows),
            )

    def _activities_orm(self, acts) -> None:
        objs = []
        for j in range(len(acts)):
            p = acts.reference_point[j]
            objs.append(
                Activity(
                    id=uid("activity", acts.code[j]),
                    code=acts.code[j],
                    is_synthetic=True,
                    activity_type=acts.activity_type[j],
                    organisation_id=self.org_ids[acts.organisation[j]],
                    methods=acts.methods[j],
                    reference_point=Point(p.x, p.y, srid=4326),
                    country=acts.country[j],
                    start_date=acts.start[j],
                    end_date=acts.end[j],
                    status=acts.status[j],
                )
            )
        self.activity_ids = [o.id for o in objs]
        Activity.objects.bulk_create(objs, batch_size=BATCH)
        team_through = Activity.teams.through
        hazard_through = Activity.hazards.through
        team_rows = [
            team_through(activity_id=self.activity_ids[j], team_id=self.team_ids[t])
            for j in range(len(acts))
            for t in acts.teams[j]
        ]
        hazard_rows = [
            hazard_through(activity_id=self.activity_ids[j], hazard_id=self.hazard_ids[acts.hazard[j]])
            for j in range(len(acts))
            if acts.hazard[j] >= 0
        ]
        team_rows = team_through.objects.bulk_create(team_rows, batch_size=BATCH)
        hazard_rows = hazard_through.objects.bulk_create(hazard_rows, batch_size=BATCH)
        # "Created" history, with the teams and hazards each activity had (as simple_history records them).
        history = self._history(Activity, objs)
        by_activity = {h.id: h for h in history}
        for field_name, rows, other in (("teams", team_rows, "team_id"), ("hazards", hazard_rows, "hazard_id")):
            hist_model = _historical_m2m(field_name)
            hist_model.objects.bulk_create(
                [
                    hist_model(
                        id=r.id,
                        activity_id=r.activity_id,
                        history=by_activity[r.activity_id],
                        **{other: getattr(r, other)},
                    )
                    for r in rows
                ],
                batch_size=BATCH,
            )

    def products(self, hz, products) -> None:
        if not self._fast():
            return self._products_orm(products)
        n = len(products)
        columns = self._record_columns("product", products.code)
        self.product_ids = columns["id"]
        columns.update(
            activity=[self.activity_ids[a] for a in products.activity.tolist()],
            hazard=[self.hazard_ids[h] for h in products.hazard.tolist()],
            outcome=products.outcome.tolist(),
            geom=shapely.to_wkb(products.geom).tolist() if n else [],
            released_on=list(products.released_on),
            clearance_depth_cm=list(products.depth_cm),
            reported_area_m2=list(products.reported_area_m2),
            area_m2=[float(a) for a in products.area_m2],
        )
        self._write(Product, columns, n)

    def _products_orm(self, products) -> None:
        geoms = _geos(products.geom)
        objs = [
            Product(
                id=uid("product", products.code[j]),
                code=products.code[j],
                is_synthetic=True,
                activity_id=self.activity_ids[products.activity[j]],
                hazard_id=self.hazard_ids[products.hazard[j]],
                outcome=products.outcome[j],
                geom=geoms[j],
                released_on=products.released_on[j],
                clearance_depth_cm=products.depth_cm[j],
                reported_area_m2=products.reported_area_m2[j],
                area_m2=float(products.area_m2[j]),
            )
            for j in range(len(products))
        ]
        self.product_ids = [o.id for o in objs]
        self._create_with_history(Product, objs)

    def devices(self, d) -> None:
        if self._fast():
            self._devices_fast(d)
        else:
            self._devices_orm(d)

    def _devices_fast(self, d) -> None:
        def columns(start: int, stop: int) -> dict:
            part = self._record_columns("device", d.code[start:stop])
            part.update(
                product=[self.product_ids[p] if p >= 0 else None for p in d.product[start:stop].tolist()],
                activity=[self.activity_ids[a] for a in d.activity[start:stop].tolist()],
                point=shapely.to_wkb(shapely.points(d.x[start:stop], d.y[start:stop])).tolist(),
                category=d.category[start:stop].tolist(),
                model=[self._model(name) for name in d.model[start:stop]],
                condition=d.condition[start:stop].tolist(),
                depth_cm=d.depth_cm[start:stop].tolist(),
                disposal=d.disposal[start:stop].tolist(),
                found_on=d.found_on[start:stop],
                count=d.count[start:stop].tolist(),
            )
            return part

        self._write(Device, columns, len(d))

    def _devices_orm(self, d) -> None:
        n = len(d)
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            objs = [
                Device(
                    id=uid("device", d.code[j]),
                    code=d.code[j],
                    is_synthetic=True,
                    product_id=self.product_ids[d.product[j]] if d.product[j] >= 0 else None,
                    activity_id=self.activity_ids[d.activity[j]],
                    point=Point(float(d.x[j]), float(d.y[j]), srid=4326),
                    category=d.category[j],
                    model_id=self._model(d.model[j]),
                    condition=d.condition[j],
                    depth_cm=int(d.depth_cm[j]),
                    disposal=d.disposal[j],
                    found_on=d.found_on[j],
                    count=int(d.count[j]),
                )
                for j in range(start, stop)
            ]
            if DEVICE_HISTORY:
                self._create_with_history(Device, objs)
            else:
                Device.objects.bulk_create(objs, batch_size=BATCH)
            if n > CHUNK:
                self.report(f"    devices {stop:,}/{n:,}")


def _insert(model, columns: dict, n: int) -> None:
    """INSERT n rows into `model`'s table, set-based. `columns`: field name -> list of n values or one value for
    every row (geometry fields: WKB). Every concrete field but an auto primary key must be given.

    Values are prepared by each field's get_db_prep_save, as bulk_create would; constants once. PostgreSQL:
    executemany. SQLite: executemany into a temporary table, then one INSERT … SELECT: row-by-row statements
    on a SpatiaLite table (geometry triggers) slow down tenfold inside savepoints, after a rebuild's DELETEs.
    """
    conn = connections[model.objects.db]  # the backend itself (not the thread-local proxy): prepared per value
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    missing = [f.name for f in fields if f.name not in columns and not f.null]
    if missing:
        raise ValueError(f"{model.__name__}: no values for {', '.join(missing)}")
    names, expressions, values = [], [], []
    for f in fields:
        v = columns.get(f.name)
        names.append(conn.ops.quote_name(f.column))
        geom = GEOM_FROM_WKB[conn.vendor].format(srid=f.srid) if getattr(f, "geom_type", None) else None
        expressions.append(geom or "%s")
        if geom:
            values.append(v)
        elif isinstance(v, list):
            prep = f.get_db_prep_save
            values.append([None if x is None else prep(x, conn) for x in v])
        else:
            values.append([f.get_db_prep_save(v, conn)] * n)
    rows = list(zip(*values, strict=True))
    table = _table(model)
    with conn.cursor() as cursor:
        if conn.vendor != "sqlite":
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(expressions)})"
            for start in range(0, n, 10_000):
                cursor.executemany(sql, rows[start : start + 10_000])
            return
        stage = [f"c{k}" for k in range(len(fields))]
        cursor.execute("DROP TABLE IF EXISTS temp.safeground_demo_stage")
        cursor.execute(f"CREATE TEMP TABLE safeground_demo_stage ({', '.join(stage)})")
        cursor.executemany(f"INSERT INTO temp.safeground_demo_stage VALUES ({', '.join(['%s'] * len(stage))})", rows)
        select = ", ".join(e.replace("%s", c) for e, c in zip(expressions, stage, strict=True))
        cursor.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM temp.safeground_demo_stage")
        cursor.execute("DROP TABLE temp.safeground_demo_stage")


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
