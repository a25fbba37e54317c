"""The land release ledger card shown on a hazard's page: its context here, its markup in
`landrelease/_ledger_panel.html`.

The hazard page lives in `portal` (it spans hazards, operations and land release); it calls
`ledger_panel()` and includes the partial, so `hazards` never imports `landrelease`
(docs/decisions/0018-layers.md).
"""

from __future__ import annotations

import json

from django.urls import get_script_prefix
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.models import HazardLedger, Product, ProductOverlap

API_PREFIX = "api/v1"  # config/urls.py mounts the Ninja API here
LEDGER_TOLERANCE_M2 = 1.0  # remaining area under which closing is proposed; smallest overlap listed
OVERLAP_LIMIT = 100  # most product overlap pairs listed on a hazard page


def ledger_row(hazard) -> HazardLedger | None:
    """The hazard's stored ledger, or None when it has not been computed (`safeground ledger recompute`)."""
    try:
        return hazard.ledger
    except HazardLedger.DoesNotExist:
        return None


def ledger_panel(hazard, evidence: list, products: list) -> dict:
    """The hazard's land release ledger for its page: figures, bar segments, overlaps and proposals.

    The ledger row comes with the hazard (select_related "ledger"); the overlap pairs cost one query,
    only when they add up to 1 m² or more; the proposals two (ledger_queries.proposals, filtered on the code).
    """
    row = ledger_row(hazard)
    present = {p.outcome for p in products}
    out = {
        "row": row,
        # Outcomes drawn on the map, in the order of the ledger bar (the map key lists them).
        "product_outcomes": [(k, _(label)) for k, label in Product.OUTCOME_CHOICES if k in present],
        "proposals": _proposals(hazard, row, evidence),
        "confirm_api": f"POST {get_script_prefix()}{API_PREFIX}/ledger/proposals/{hazard.code}/confirm",
        "confirm_cli": f"safeground ledger confirm {hazard.code}",
    }
    if row is None:
        return out
    estimated = row.estimated_m2

    def share(value: float) -> float | None:
        return 100 * value / estimated if estimated > 0 else None

    parts = [  # the order of the bar: the land release sequence, then what is left
        ("cancelled", _("Cancelled"), row.cancelled_m2),
        ("reduced", _("Reduced"), row.reduced_m2),
        ("cleared", _("Cleared"), row.cleared_m2),
        ("remaining", _("Remaining"), row.remaining_m2),
    ]
    figures = [{"key": "estimated", "label": _("Estimated"), "m2": estimated, "ha": estimated / 10_000, "pct": 100.0}]
    figures += [{"key": k, "label": label, "m2": v, "ha": v / 10_000, "pct": share(v)} for k, label, v in parts]
    overlaps = []
    if row.overlap_m2 >= LEDGER_TOLERANCE_M2:  # slivers from products sharing an edge are not listed
        overlaps = list(
            ProductOverlap.objects.filter(hazard=hazard, overlap_m2__gte=LEDGER_TOLERANCE_M2)
            .order_by("-overlap_m2", "first__code", "second__code")
            .values("first__code", "second__code", "overlap_m2")[:OVERLAP_LIMIT]
        )
    out.update(
        figures=figures,
        segments=[f for f in figures[1:] if f["pct"]],
        outside_ha=row.outside_m2 / 10_000,
        overlap_ha=row.overlap_m2 / 10_000,
        overlaps=overlaps,
        overlaps_truncated=len(overlaps) >= OVERLAP_LIMIT,
    )
    return out


def remaining_feature(hazard, row: HazardLedger | None) -> dict | None:
    """The hazard's remaining ground as a GeoJSON Feature for its map, or None when there is none to draw.

    Under the tolerance the remainder is slivers left by edges that bend in UTM: nothing to draw.
    """
    if row is None or not row.remaining_geom or row.remaining_m2 < LEDGER_TOLERANCE_M2:
        return None
    return {
        "type": "Feature",
        "geometry": json.loads(row.remaining_geom.geojson),
        "properties": {"code": hazard.code, "remaining_m2": row.remaining_m2},
    }


def _proposals(hazard, row: HazardLedger | None, evidence: list) -> list[dict]:
    """The ledger's proposals for this hazard, each with a translated title and reason."""
    out = []
    for p in ledger_queries.proposals(LEDGER_TOLERANCE_M2, country=hazard.country):
        if p["code"] != hazard.code:
            continue
        if p["change"] == "status" and p["to"] == "closed" and row is not None:
            title = _("Proposed: close this hazard")
            reason = _("remaining area %(remaining)s m² is under %(tolerance)s m²") % {
                "remaining": number_format(round(row.remaining_m2, 2), 2, force_grouping=True),
                "tolerance": number_format(LEDGER_TOLERANCE_M2, 0, force_grouping=True),
            }
        elif p["change"] == "hazard_class" and p["to"] == "CHA":
            direct = sum(1 for e in evidence if e.kind == "direct")
            title = _("Proposed: reclassify as a confirmed hazardous area (CHA)")
            reason = ngettext("%(n)s direct evidence item recorded", "%(n)s direct evidence items recorded", direct) % {
                "n": direct
            }
        else:
            title = _("Proposed: set %(field)s to %(value)s") % {"field": p["change"], "value": p["to"]}
            reason = p["reason"]
        out.append({**p, "title": title, "reason": reason})
    return out
