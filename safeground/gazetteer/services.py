"""Writes to the gazetteer's places (villages, towns, landmarks): checked and placed set-based.

The reference-data loader (`gazetteer.loaders`) builds the gazetteer itself; imports of further places
come here. A place's country comes from the one country rule (`queries.settle_countries`, border rule
included) and its admin area is the deepest one holding it (commune, else district, else province).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from safeground.core import bulk, columns
from safeground.core.errors import BulkError, BulkValidationFailed
from safeground.core.geometry import GeometryError, validate_point
from safeground.gazetteer.models import Place
from safeground.gazetteer.queries import _admin_index, clear_caches, settle_countries


def check_places(rows: Mapping[str, Any]) -> columns.Checked:
    """Check places given column by column: code, name, kind (village/town), point (Shapely), country.

    Codes are unique per country and kind, in the input and in the gazetteer. Raises BulkValidationFailed
    naming every bad row; nothing is written.
    """
    n = columns.row_count(rows, ["point"])
    codes, names, kinds = (columns.column(rows, k, n) for k in ("code", "name", "kind"))
    points = columns.column(rows, "point", n)
    errors = [
        *columns.required("code", codes),
        *columns.required("name", names),
        *columns.choices("kind", kinds, Place.KIND_CHOICES),
    ]
    for i, p in enumerate(points):
        try:
            validate_point(p, "place")
        except GeometryError as exc:
            errors.append(BulkError(i + 1, "point", exc.reason, str(exc), exc.reason, exc.location))
            points[i] = None
    settled, more = settle_countries(points, columns.column(rows, "country", n), "place")
    errors += more
    seen: dict = {}
    for i, key in enumerate(zip(settled, kinds, codes, strict=True)):
        if None in key:
            continue
        if key in seen:
            errors.append(
                BulkError(i + 1, "code", key[2], f"duplicate code (also on row {seen[key] + 1})", "duplicate")
            )
        else:
            seen[key] = i
    wanted = sorted({k[2] for k in seen})
    stored = {
        row
        for start in range(0, len(wanted), columns.CHUNK)
        for row in Place.objects.filter(code__in=wanted[start : start + columns.CHUNK]).values_list(
            "country", "kind", "code"
        )
    }
    for key, i in seen.items():
        if key in stored:
            message = "a place with this country, kind and code already exists"
            errors.append(BulkError(i + 1, "code", key[2], message, "exists"))
    columns.refuse(errors)
    data = {
        "code": codes,
        "name": names,
        "kind": kinds,
        "country": settled,
        "point": points,
        "admin_area": _deepest_areas(points, settled),
        "source": [s or "" for s in columns.column(rows, "source", n, "")],
    }
    return columns.Checked("places", n, data)


def _deepest_areas(points: list, countries: list) -> list:
    """The deepest admin area holding each point (commune, else district, else province), set-based."""
    out = [None] * len(points)
    for country in sorted({c for c in countries if c}):
        idx = [i for i, c in enumerate(countries) if c == country]
        pts = np.array([points[i] for i in idx], dtype=object)
        for level in (1, 2, 3):
            ids, _geoms, tree = _admin_index(country, level)
            if not ids:
                continue
            pairs = tree.query(pts, predicate="within")
            for p, a in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
                out[idx[p]] = ids[a]
    return out


def bulk_create_places(rows: Mapping[str, Any] | columns.Checked) -> int:
    """Check and write many places (columns as in `check_places`, or its result) in one set-based insert."""
    checked = rows if isinstance(rows, columns.Checked) else check_places(rows)
    data: dict[str, Sequence[Any]] = dict(checked.data)
    data["id"] = bulk.sequential_uuids(checked.n)
    written = bulk.insert(Place, data)
    clear_caches()  # cached answers of /places no longer hold
    return written


def create_place(*, code: str, name: str, kind: str, point, country: str | None = None, source: str = "") -> Place:
    """One place (a migrated record's, say), with the bulk write's checks: a refusal raises the
    ValidationFailed of its first problem, naming the field; nothing is written."""
    rows = {"code": [code], "name": [name], "kind": [kind], "point": [point], "country": [country], "source": [source]}
    try:
        checked = check_places(rows)
    except BulkValidationFailed as exc:
        raise exc.errors[0].as_error() from exc
    bulk_create_places(checked)
    return Place.objects.get(country=checked.data["country"][0], kind=kind, code=code)
