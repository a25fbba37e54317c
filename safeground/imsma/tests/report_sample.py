"""A reconciliation built by hand, with known numbers, for the report, command and page tests."""

from __future__ import annotations

from safeground.imsma.reconcile import Reconciliation, Total


def sample() -> Reconciliation:
    rec = Reconciliation(source="postgresql://reader:***@ng-host/imsma", country="XTL", dry_run=False)
    rec.read("hazard", 12)
    rec.outcome("hazard", "migrated", 7)
    rec.outcome("hazard", "updated", 2)
    rec.outcome("hazard", "unchanged", 1)
    rec.refused("hazard", "g-h-1", "HAZ-0009", "self-intersection", "ring crosses itself near 104.91 11.55")
    rec.refused("hazard", "g-h-2", "HAZ-0010", "too-few-vertices", "2 distinct points")
    rec.problem(
        "hazard", "g-h-3", "HAZ-0003", "ring-not-closed", "first point repeated at the end", "repaired", "XTL-HZ-3"
    )
    rec.problem("hazard", "g-h-4", "HAZ-0004", "far-point", "point 7 is 9120 m from the others", "reported", "XTL-HZ-4")
    rec.read("organisation", 5)
    rec.outcome("organisation", "merged", 3)
    rec.outcome("organisation", "migrated", 2)
    rec.problem("organisation", "g-o-1", "ORG-1", "same-organisation", "acronym DMT already here", "merged", "DMT")
    rec.read("hazreduc", 4)
    rec.outcome("hazreduc", "migrated", 3)  # one row with no outcome: not balanced
    rec.enum_used("hazard", "status_guid", "Active", "open")
    rec.enum_used("hazard", "status_guid", "Active", "open")
    rec.enum_used("hazard", "status_guid", "Worked on (legacy)", None, kept=True)
    rec.totals = [
        Total("hazards by status", "open", 9, 9),
        Total("hazard area", "all", 125000.5, 124000.5, "m²"),
    ]
    rec.notes = ["hazreduc: 3 rows handled, 4 in NG"]
    return rec
