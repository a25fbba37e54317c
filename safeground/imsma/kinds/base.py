"""What every kind of NG record shares on its way in: the run's context and the per-record driver.

A kind module (one per NG table) declares `TABLE`, `ENUMS` (its value-list columns → SafeGround field and
choices) and `migrate(run)`, which reads its rows and hands each to `Run.each` with three functions:
`build(row) -> values` (mapped values for the service; raises Refuse), `create(values, row) -> record`
and `update(record, values, row) -> record` (both through the app's services). `each` decides, from
the trace of earlier runs, whether the record is new, changed or unchanged, keeps every outcome in the
reconciliation, and runs each write in a savepoint so a refusal leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.core.geometry import as_multipolygon
from safeground.core.history import add_past_versions
from safeground.imsma import schema
from safeground.imsma.enums import EnumMapping
from safeground.imsma.models import MigratedRecord, MigrationRun
from safeground.imsma.reconcile import Reconciliation
from safeground.imsma.source import NgSource

#: Columns that hold a person's identity: never kept in clear outside the victims' sealed fields.
PERSONAL = {"firstname", "lastname", "birthdate", "name", "address", "phone", "contact", "description"}
#: victim_assistance: its description is free text about a person's needs (sealed as notes).
PERSONAL_TABLES = {"victim", "victim_assistance"}
#: Tables whose custom fields are kept by name only: programmes often keep people's names there.
WITHHELD_CUSTOM = PERSONAL_TABLES | {"accident"}


def _withheld(table: str, column: str) -> bool:
    """Whether a column of a person's record stays out of everything kept in clear: the personal ones,
    and, as a national NG may add any (an ID number, a father's name), every column our schema does not
    name (an allowlist)."""
    return table in PERSONAL_TABLES and (column in PERSONAL or column not in schema.RECORDS[table])


class Refuse(Exception):
    """This record can't come across: `cause` (stable key) and `detail` (readable) go on the report."""

    def __init__(self, cause: str, detail: str):
        super().__init__(detail)
        self.cause = cause
        self.detail = detail


class Merge(Exception):
    """This record is one SafeGround already has (`record`): it is linked, not written again."""

    def __init__(self, record, detail: str):
        super().__init__(detail)
        self.record = record
        self.detail = detail


def plain(value: Any) -> Any:
    """A value as JSON keeps it (dates as ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(plain(parts), sort_keys=True).encode()).hexdigest()


def required(value, table: str, column: str, what: str):
    """`value`, or Refuse naming the NG column when it is empty or maps to no SafeGround choice."""
    if value is None:
        raise Refuse("unmapped-value", f"{column}: no {what} (empty, or its value maps to none; see the mapping)")
    return value


def version_entries(table: str, localid: str, versions: list[dict], values: Callable[[dict], dict]) -> list[dict]:
    """NG infoversions as `add_past_versions` entries: NG's date and author, `values(version)` laid over."""
    from django.utils import timezone

    entries = []
    for i, version in enumerate(versions, start=1):
        when = version.get("dataentrydate")
        if when is None:
            continue
        if isinstance(when, dt.datetime) and timezone.is_naive(when):
            when = timezone.make_aware(when, dt.UTC)
        author = version.get("dataenterer") or "unknown"
        entries.append(
            {
                "date": when,
                "reason": f"IMSMA NG {table} {localid} version {i} of {len(versions)}, entered by {author}",
                "values": values(version),
            }
        )
    return entries


def day(value) -> dt.date | None:
    """An NG timestamp as a date."""
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass
class Run:
    """One migration run: the NG source, the mapping, the report, and what each NG record became."""

    source: NgSource
    mapping: EnumMapping
    report: Reconciliation
    run: MigrationRun
    country: str
    user: Any = None
    #: NG table → {guid: the SafeGround record it became (created or merged)}; later kinds link to it.
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: NG table → {guid: rebuilt Shape}
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    far_m: float = 5000.0

    # ------------------------------------------------------------------ value lists, attributes
    def enum(
        self, table: str, column: str, guid: str | None, choices, default: str | None = None, quiet: bool = False
    ) -> str | None:
        """The SafeGround choice for the NG value `guid` in `table.column` (None: unmapped, kept as read).
        `quiet`: not counted on the report (a past version's value, not a record's)."""
        value = self.source.enum_value(guid)
        if value is None:
            return default
        target, _how = self.mapping.lookup(table, column, value, choices)
        if not quiet:
            self.report.enum_used(table, column, value, target, kept=target is None)
        if target is None:
            return default
        return target

    def attributes(self, table: str, row: dict, used: Iterable[str]) -> dict:
        """`source_attributes`: every column not mapped to a field (value lists as their NG values),
        the custom defined fields, the NG key and local ID. Personal columns are never kept."""
        used = set(used) | {schema.key(table)}
        kept: dict[str, Any] = {"imsma_table": table, "imsma_guid": row[schema.key(table)]}
        withheld = []
        for column, value in row.items():
            if column in used or value is None:
                continue
            if _withheld(table, column):
                withheld.append(column)
                continue
            if column.endswith("_guid") and column not in schema.LINKS.get(table, {}):
                value = self.source.enum_value(value) or value
            kept[column] = plain(value)
        extra = sorted(c for c in withheld if c not in PERSONAL)
        if extra:
            kept["columns_withheld"] = extra
        custom = self.custom(table).get(row[schema.key(table)])
        if custom and table in WITHHELD_CUSTOM:
            kept["custom_fields_withheld"] = sorted(custom)
        elif custom:
            kept["custom_fields"] = plain(custom)
        return kept

    def custom(self, table: str) -> dict[str, dict]:
        cache = self.__dict__.setdefault("_custom", {})
        if table not in cache:
            cache[table] = self.source.custom_fields(table)
        return cache[table]

    def versions(self, table: str) -> dict[str, list[dict]]:
        cache = self.__dict__.setdefault("_versions", {})
        if table not in cache:
            cache[table] = self.source.versions(table)
        return cache[table]

    def shape(self, table: str, guid: str):
        """The record's geometry rebuilt from its geopoints (shapes.Shape)."""
        from safeground.imsma.shapes import rebuild  # geometry reconstruction (a module of its own)

        if table not in self.shapes:
            parts = self.geometry_rows(table)
            self.shapes[table] = {g: rebuild(p, self.source.enum_value, far_m=self.far_m) for g, p in parts.items()}
        found = self.shapes[table].get(guid)
        return found if found is not None else rebuild([], self.source.enum_value, far_m=self.far_m)

    def rows(self, table: str) -> list[dict]:
        """The NG table's rows in local ID order (the report lists them so)."""
        return self.source.rows(table, order_by=f"{schema.localid(table)}, {schema.key(table)}")

    def geometry(self, table: str, row: dict, *, points: bool = True, required: bool = True):
        """The record's rebuilt geometry, its repairs and findings put on the report; Refuse when it has
        none that SafeGround can take (`required`), or a point where only polygons are (`points`)."""
        guid, localid = row[schema.key(table)], str(row.get(schema.localid(table)) or "")
        shape = self.shape(table, guid)
        for note in shape.notes:
            if note is not shape.refused:
                self.report.problem(
                    table, guid, localid, note.cause, note.detail, "repaired" if note.repaired else "reported"
                )
        if shape.refused is not None:
            if shape.refused.cause == "no-geometry" and not required:
                self.report.problem(table, guid, localid, "no-geometry", shape.refused.detail, "reported")
                return None
            raise Refuse(shape.refused.cause, shape.refused.detail)
        if not points and shape.geometry is not None and shape.geometry.geom_type == "Point":
            raise Refuse("point-not-polygon", "recorded as a point; this kind needs a polygon")
        return shape.geometry

    def geometry_rows(self, table: str) -> dict[str, list]:
        """The raw geometry rows per record (part of what makes a record changed)."""
        cache = self.__dict__.setdefault("_parts", {})
        if table not in cache:
            cache[table] = self.source.geometry_parts(table) if table in schema.GEOMETRY_TABLES else {}
        return cache[table]

    def target(self, table: str, guid: str | None):
        """What an NG record of `table` became here (None if not migrated: refused or absent)."""
        if not guid:
            return None
        if table not in self.targets:
            self.targets[table] = resolve(MigratedRecord.objects.filter(table=table))
        return self.targets[table].get(guid)

    # ------------------------------------------------------------------ the per-record driver
    def each(
        self,
        table: str,
        rows: list[dict],
        *,
        build: Callable[[dict], dict],
        create: Callable[[dict, dict], Any],
        update: Callable[[Any, dict, dict], Any] | None = None,
        versions: Callable[[Any, list[dict]], list[dict]] | None = None,
        extra: Callable[[dict], Any] = lambda row: None,
    ) -> None:
        """Bring `rows` across, one outcome each (see the module docstring). `versions(record, rows)`
        turns the record's NG infoversions into `core.history.add_past_versions` entries; `extra(row)`
        adds what else makes a row changed (its geometry, its custom fields are added here)."""
        traces = {t.guid: t for t in MigratedRecord.objects.filter(table=table)}
        earlier = resolve(traces.values())
        all_versions = self.versions(table)
        holders: dict[str, list[str]] = {}
        for row in rows:
            holders.setdefault(str(row.get(schema.localid(table)) or ""), []).append(row[schema.key(table)])
        targets = self.targets.setdefault(table, {})
        for row in rows:
            guid, localid = row[schema.key(table)], str(row.get(schema.localid(table)) or "")
            self.report.read(table)
            others = [g for g in holders.get(localid, []) if g != guid] if localid else []
            if others:
                self.report.problem(
                    table,
                    guid,
                    localid,
                    "duplicate-localid",
                    f"local ID {localid} is also on {', '.join(others)}: kept, told apart by its GUID",
                    "reported",
                )
            ng_versions = all_versions.get(guid, [])
            digest = fingerprint(row, extra(row), self.custom(table).get(guid), self.geometry_rows(table).get(guid))
            trace = traces.get(guid)
            record = earlier.get(guid)
            if record is not None and trace.fingerprint == digest:
                targets[guid] = record
                self.report.outcome(table, "unchanged")
                continue
            try:
                with transaction.atomic():
                    values = build(row)
                    if record is not None:
                        if update is None:
                            raise Refuse("no-update", "changed in NG since the last run; this kind is not updated")
                        record = update(record, values, row)
                        outcome = "updated"
                    else:
                        record = create(values, row)
                        outcome = "migrated"
                        if versions is not None and ng_versions:
                            add_past_versions(record, versions(record, ng_versions))
            except Merge as merge:
                record, outcome = merge.record, "merged"
                self.report.problem(table, guid, localid, "merged", merge.detail, "merged", _code(record))
            except Refuse as refusal:
                self._refuse(table, row, trace, digest, refusal.cause, refusal.detail, record)
                continue
            except ValidationFailed as exc:
                self._refuse(
                    table, row, trace, digest, exc.reason or "refused", f"{exc.field or 'record'}: {exc}", record
                )
                continue
            except PermissionDenied as exc:
                self._refuse(table, row, trace, digest, "not-allowed", str(exc), record)
                continue
            except (DatabaseError, StaleVersion) as exc:
                # The savepoint undid this record's writes; the run goes on (a duplicate source_id, a
                # value too long for its column).
                self._refuse(table, row, trace, digest, "database", str(exc).strip()[:500], record)
                continue
            targets[guid] = record
            self.report.outcome(table, outcome)
            self._remember(
                table,
                row,
                trace,
                digest,
                "merged" if outcome == "merged" else "migrated",
                record,
                [v[f"{table}infoversion_guid"] for v in ng_versions],
            )

    def _refuse(self, table, row, trace, digest, cause, detail, record=None) -> None:
        guid, localid = row[schema.key(table)], str(row.get(schema.localid(table)) or "")
        self.report.refused(table, guid, localid, cause, detail)
        if record is not None:
            # A refused change of a record already here: the record stays linked (later kinds and runs
            # find it; a re-run tries the change again, never creates it twice), the refusal is noted.
            self.targets.setdefault(table, {})[guid] = record
            trace.reasons, trace.run = [{"cause": cause, "detail": detail}], self.run
            trace.save(update_fields=["reasons", "run", "updated_at"])
            return
        kept = {k: plain(v) for k, v in row.items() if not _withheld(table, k)}
        self._remember(table, row, trace, digest, "refused", None, [], [{"cause": cause, "detail": detail}], kept)

    def _remember(self, table, row, trace, digest, status, record, version_guids, reasons=(), kept=None) -> None:
        values = {
            "localid": str(row.get(schema.localid(table)) or "")[:100],
            "status": status,
            "target_type": ContentType.objects.get_for_model(record) if record is not None else None,
            "target_id": str(record.pk) if record is not None else "",
            "target_code": _code(record),
            "fingerprint": digest,
            "versions": sorted(set(version_guids) | set(trace.versions if trace else [])),
            "reasons": list(reasons),
            "kept": kept,
            "run": self.run,
        }
        MigratedRecord.objects.update_or_create(table=table, guid=row[schema.key(table)], defaults=values)


def resolve(traces: Iterable[MigratedRecord]) -> dict[str, Any]:
    """NG GUID → the SafeGround record each trace points at (refused ones point nowhere): one query per
    target model, not one per trace."""
    wanted: dict[int, dict[str, list[str]]] = {}  # several NG records may merge onto one record
    for trace in traces:
        if trace.status != "refused" and trace.target_type_id and trace.target_id:
            wanted.setdefault(trace.target_type_id, {}).setdefault(trace.target_id, []).append(trace.guid)
    found: dict[str, Any] = {}
    for type_id, guids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        ids = list(guids)
        for start in range(0, len(ids), 500):
            for record in model._default_manager.filter(pk__in=ids[start : start + 500]):
                found.update(dict.fromkeys(guids[str(record.pk)], record))
    return found


def same_shape(stored, geometry) -> bool:
    """Whether a stored (GEOS) geometry is the rebuilt one; a polygon compares as the multipolygon stored."""
    if stored is None:
        return False
    if geometry.geom_type != "Point":
        geometry = as_multipolygon(geometry)
    return shapely.from_wkb(bytes(stored.wkb)).equals_exact(geometry, 1e-9)


def _code(record) -> str:
    return str(getattr(record, "code", "") or "") if record is not None else ""
