"""The reconciliation: per NG table what was read and what became of it, every problem found, the
value lists as mapped, and totals compared between NG and SafeGround.

Every row read ends in exactly one outcome (migrated, updated, unchanged, merged, refused), so
`read == migrated + updated + unchanged + merged + refused` holds per table: `balanced()` checks it and
the report shows it. report.py renders it as HTML and CSV.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

OUTCOMES = ("migrated", "updated", "unchanged", "merged", "refused")


@dataclass
class TableCount:
    read: int = 0
    migrated: int = 0  # created in SafeGround
    updated: int = 0  # migrated before, changed in NG since: updated (one history entry)
    unchanged: int = 0  # migrated before, same content: left alone
    merged: int = 0  # mapped onto a record SafeGround already had (an organisation, an area, a model)
    refused: int = 0  # not written; kept in the trace with its reasons
    causes: Counter = field(default_factory=Counter)  # refused per cause

    @property
    def balanced(self) -> bool:
        return self.read == sum(getattr(self, outcome) for outcome in OUTCOMES)


@dataclass
class Problem:
    """Something found on one NG record: a geometry repair, a refusal, a merge, a duplicate ID."""

    table: str
    guid: str
    localid: str
    cause: str  # stable key: 'self-intersection', 'too-few-vertices', 'unmapped-value', ...
    detail: str
    action: str  # 'repaired', 'refused', 'merged', 'reported'
    code: str = ""  # the SafeGround record it concerns, when there is one


@dataclass
class Total:
    """One figure computed on both sides: NG (from its tables) and SafeGround (after the migration)."""

    name: str  # e.g. 'hazards by status'
    key: str  # e.g. 'Active' or '2019'
    source: float
    target: float
    unit: str = ""

    @property
    def equal(self) -> bool:
        return abs(self.source - self.target) <= 1e-6 * max(1.0, abs(self.source))


@dataclass
class Reconciliation:
    source: str = ""
    country: str = ""
    dry_run: bool = False
    tables: dict[str, TableCount] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    enums: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (table, column, value) → use
    totals: list[Total] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, table: str) -> TableCount:
        return self.tables.setdefault(table, TableCount())

    def read(self, table: str, n: int = 1) -> None:
        self.table(table).read += n

    def outcome(self, table: str, outcome: str, n: int = 1) -> None:
        assert outcome in OUTCOMES, outcome
        setattr(self.table(table), outcome, getattr(self.table(table), outcome) + n)

    def refused(self, table: str, guid: str, localid: str, cause: str, detail: str) -> None:
        self.outcome(table, "refused")
        self.table(table).causes[cause] += 1
        self.problems.append(Problem(table, guid, localid, cause, detail, "refused"))

    def problem(self, table, guid, localid, cause, detail, action, code="") -> None:
        """A problem that did not stop the record (repaired, reported, merged)."""
        self.problems.append(Problem(table, guid, localid, cause, detail, action, code))

    def enum_used(self, table: str, column: str, value: str, target: str | None, kept: bool = False) -> None:
        use = self.enums.setdefault((table, column, value), {"target": target, "count": 0, "kept": kept})
        use["count"] += 1

    def balanced(self) -> bool:
        return all(count.balanced for count in self.tables.values())

    def causes(self, action: str | None = None) -> Counter:
        """Problems per (table, cause), of one action or all."""
        return Counter((p.table, p.cause) for p in self.problems if action is None or p.action == action)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "country": self.country,
            "dry_run": self.dry_run,
            "balanced": self.balanced(),
            "tables": {
                name: {**{k: v for k, v in asdict(c).items() if k != "causes"}, "causes": dict(c.causes)}
                for name, c in self.tables.items()
            },
            "problems": [asdict(p) for p in self.problems],
            "enums": [{"table": t, "column": c, "value": v, **use} for (t, c, v), use in sorted(self.enums.items())],
            "totals": [{**asdict(t), "equal": t.equal} for t in self.totals],
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Reconciliation:
        rec = cls(source=data.get("source", ""), country=data.get("country", ""), dry_run=data.get("dry_run", False))
        for name, c in (data.get("tables") or {}).items():
            counts = {k: v for k, v in c.items() if k not in ("causes", "balanced")}
            rec.tables[name] = TableCount(**counts, causes=Counter(c.get("causes") or {}))
        rec.problems = [Problem(**p) for p in data.get("problems") or []]
        for e in data.get("enums") or []:
            rec.enums[(e["table"], e["column"], e["value"])] = {
                "target": e.get("target"),
                "count": e.get("count", 0),
                "kept": e.get("kept", False),
            }
        rec.totals = [Total(**{k: v for k, v in t.items() if k != "equal"}) for t in data.get("totals") or []]
        rec.notes = list(data.get("notes") or [])
        return rec
