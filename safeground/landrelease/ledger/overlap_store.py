"""Keeping the stored hazard-overlap figures current (see ledger/overlaps.py for what they mean).

- `fill`: on rows computed for every hazard at once (the full recompute and `ledger verify`);
- `refresh`: after the incremental update stored new rows for some hazards. A hazard's figures
  depend on the hazards overlapping it, so a change to one hazard (its polygon, its remaining
  ground, its recorded_on or code) also changes the figures of the LATER hazards overlapping it:
  those are refreshed too.
"""

from __future__ import annotations

from collections.abc import Iterable

import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models import Q

from safeground.hazards.models import Hazard
from safeground.landrelease.ledger.compute import HazardInput, LedgerRow
from safeground.landrelease.ledger.overlaps import counted_before
from safeground.landrelease.models import HazardLedger

FIELDS = ("estimated_overlap_m2", "remaining_overlap_m2")
#: Above this many changed hazards the refresh measures every hazard again (one read) rather than
#: asking the database for the neighbours of each.
FULL_REFRESH_ABOVE = 500


def order_keys() -> dict:
    """{hazard id: (recorded_on, code)}: earlier hazards get the credit for shared ground."""
    return {i: (on, code) for i, on, code in Hazard.objects.values_list("id", "recorded_on", "code")}


def _capped(est: float, rem: float, estimated_m2: float, remaining_m2: float) -> tuple[float, float]:
    """(estimated_overlap_m2, remaining_overlap_m2), never more than the hazard's own figure."""
    return min(est, estimated_m2), min(rem, remaining_m2) if remaining_m2 > 0 else 0.0


def _figures(ids, geoms, remaining, order, epsg, estimated_m2, remaining_m2, only=None) -> dict:
    """{id: (estimated_overlap_m2, remaining_overlap_m2)} of `only` (all when None)."""
    est = counted_before(ids, geoms, order, epsg, only=only)
    rem = counted_before(ids, remaining, order, epsg, only=only)
    wanted = ids if only is None else [i for i in ids if i in only]
    return {i: _capped(est[i], rem[i], estimated_m2[i], remaining_m2[i]) for i in wanted}


def estimated_before(hazards: list[HazardInput], order: dict) -> dict:
    """{hazard id: m² of its polygon already counted by earlier hazards}: needs no ledger row, so a full
    recompute measures it while the ledger is computed."""
    return counted_before(
        [h.id for h in hazards],
        [h.geom for h in hazards],
        [order.get(h.id, (None, "")) for h in hazards],
        [h.utm_epsg for h in hazards],
    )


def fill(rows: list[LedgerRow], hazards: list[HazardInput], order: dict, estimated: dict) -> None:
    """Set both figures on `rows`, for every hazard in `hazards` (rows need their remaining_geom);
    `estimated` is `estimated_before(hazards, order)`."""
    by_id = {r.hazard_id: r for r in rows}
    here = [h for h in hazards if h.id in by_id]
    remaining = counted_before(
        [h.id for h in here],
        [by_id[h.id].remaining_geom for h in here],
        [order.get(h.id, (None, "")) for h in here],
        [h.utm_epsg for h in here],
    )
    for h in here:
        row = by_id[h.id]
        row.estimated_overlap_m2, row.remaining_overlap_m2 = _capped(
            estimated[h.id], remaining[h.id], row.estimated_m2, row.remaining_m2
        )


def _intersecting(geoms: list) -> Q:
    q = Q(pk__in=[])
    for g in geoms:
        if g is not None:
            q |= Q(geom__intersects=g)
    return q


def refresh(hazard_ids: Iterable, extra_geoms: Iterable = ()) -> set:
    """Recompute and store the figures of the given hazards and of every hazard overlapping them.

    Call after their ledger rows (remaining geometries) are stored. `extra_geoms`: old polygons of
    what changed (hazards that overlapped a hazard's old polygon lose that overlap). Returns the ids
    whose stored figures were rewritten.
    """
    ids = {i for i in hazard_ids if i is not None}
    old = [g for g in extra_geoms if g is not None]
    if not ids and not old:
        return set()
    if len(ids) > FULL_REFRESH_ABOVE:
        return _store(_read(Q()), None)
    base = list(Hazard.objects.filter(id__in=ids).values_list("geom", flat=True)) + old
    affected = ids | set(Hazard.objects.filter(_intersecting(base)).values_list("id", flat=True))
    # Every hazard overlapping an affected one, so that each affected hazard sees all its earlier neighbours.
    # Ids first, then one read by primary key: an OR with a spatial subquery made the planner scan the ledger.
    near = list(Hazard.objects.filter(id__in=affected).values_list("geom", flat=True))
    neighbours = set(Hazard.objects.filter(_intersecting(near)).values_list("id", flat=True))
    return _store(_read(Q(hazard_id__in=affected | neighbours)), affected)


def _read(where: Q) -> list[tuple]:
    return list(
        HazardLedger.objects.filter(where)
        .annotate(hazard_wkb=AsWKB("hazard__geom"), remaining_wkb=AsWKB("remaining_geom"))
        .values_list(
            "hazard_id",
            "hazard__recorded_on",
            "hazard__code",
            "hazard__utm_epsg",
            "estimated_m2",
            "remaining_m2",
            "hazard_wkb",
            "remaining_wkb",
            *FIELDS,
        )
    )


def _store(rows: list[tuple], only: set | None) -> set:
    """Measure the figures of `only` (all when None) among `rows` and write those that changed."""
    if not rows:
        return set()
    ids = [r[0] for r in rows]
    geoms = shapely.from_wkb([bytes(r[6]) for r in rows])
    remaining = [shapely.from_wkb(bytes(r[7])) if r[7] is not None else None for r in rows]
    figures = _figures(
        ids,
        list(geoms),
        remaining,
        [(r[1], r[2]) for r in rows],
        [r[3] for r in rows],
        {r[0]: r[4] for r in rows},
        {r[0]: r[5] for r in rows},
        only=only,
    )
    stored = {r[0]: (r[8], r[9]) for r in rows}
    changed = [
        HazardLedger(hazard_id=i, estimated_overlap_m2=est, remaining_overlap_m2=rem)
        for i, (est, rem) in figures.items()
        if stored[i] != (est, rem)
    ]
    HazardLedger.objects.bulk_update(changed, FIELDS, batch_size=1000)
    return set(figures)
