"""NG `gazetteer`, `place` and `location` → the gazetteer's admin areas and places.

- `gazetteer` (NG's admin hierarchy) is never written: each entry merges onto the admin area of the run's
  country with the same name (case, accents, punctuation and a level word such as "Province" aside) at its
  level (`gazetteerlevelenum_guid`: the programme's own level names, else the mapping), under the area its
  parent merged onto when names repeat. One that matches none is refused ('no-boundary'): an admin area
  can't be made without its boundary polygon. The records that name it still migrate, placed by their
  own geometry.
- `place` (a named point): merged onto a SafeGround place of the same name within 2 km, else created
  through `gazetteer.services.create_place` (kind from `placetypeenum_guid`; village when NG's type has no
  SafeGround kind, NG's type then kept in the place's `source`: places have no source_attributes).
- `location` (NG's location record): SafeGround has no such table, so a location becomes the place it
  stands for: the place it references (`place_guid`) when that migrated, else a place of the same name
  within 2 km of its own point (a polygon's centroid, or a point inside it when the centroid is not),
  else a new village made from its name and that point. Later kinds link to it: run.target('location', g).

Places have no history, so a place or location created here and changed in NG since is not updated
('no-update', the driver's default); merged ones are merged again.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Q

from safeground.core.contracts import safe_code
from safeground.gazetteer import services
from safeground.gazetteer.models import AdminArea, Place, Programme
from safeground.imsma import schema
from safeground.imsma.enums import _norm
from safeground.imsma.kinds import matching
from safeground.imsma.kinds.base import Merge, Refuse, Run, required

#: Admin levels as NG names them most often; a programme's own level names are tried first.
LEVELS = [("0", "Country"), ("1", "Province"), ("2", "District"), ("3", "Commune")]
ENUMS = {
    ("gazetteer", "gazetteerlevelenum_guid"): ("level", LEVELS),
    ("place", "placetypeenum_guid"): ("kind", Place.KIND_CHOICES),
}
#: A place of the same name closer than this is the same place.
SAME_PLACE_M = 2000.0
#: Words that name a level rather than the area ("Kandal Province" is Kandal).
LEVEL_WORDS = {"country", "province", "district", "commune", "region", "municipality", "village", "level"}
CODE_MAX = 20


def migrate(run: Run, table: str) -> None:
    {"gazetteer": _gazetteer, "place": _places, "location": _locations}[table](run, table)


# ---------------------------------------------------------------------------------------------- gazetteer
def _gazetteer(run: Run, table: str) -> None:
    programme = Programme.objects.get(iso3=run.country)
    level_names = {_norm(name): i for i, name in enumerate(programme.admin_levels or [], start=1)}
    words = LEVEL_WORDS | {w for name in level_names for w in name.split()}

    def bare(name: str | None) -> str:
        kept = [w for w in _norm(name or "").split() if w not in words]
        return "".join(kept) or matching.norm(name)

    areas: dict[str, list[AdminArea]] = defaultdict(list)
    for area in AdminArea.objects.filter(country=run.country).defer("geom").order_by("level", "code"):
        areas[bare(area.name)].append(area)

    def level_of(row: dict) -> int | None:
        column, guid = "gazetteerlevelenum_guid", row.get("gazetteerlevelenum_guid")
        value = run.source.enum_value(guid)
        if value is None:
            return None
        in_file = value in (run.mapping.entries.get(f"{table}.{column}") or {}).get("values", {})
        if not in_file and _norm(value) in level_names:
            run.report.enum_used(table, column, value, str(level_names[_norm(value)]))
            return level_names[_norm(value)]
        found = run.enum(table, column, guid, LEVELS)
        return int(found) if found is not None else None

    def build(row: dict) -> dict:
        name = required((row.get("name") or "").strip() or None, table, "name", "name")
        level = level_of(row)
        candidates = [a for a in areas.get(bare(name), []) if level is None or a.level == level]
        parent = run.target(table, row.get("parent_guid"))
        if len(candidates) > 1 and isinstance(parent, AdminArea):
            candidates = [a for a in candidates if a.parent_id == parent.pk] or candidates
        at = f"level {level}" if level is not None else "any level"
        if len(candidates) == 1:
            area = candidates[0]
            raise Merge(area, f"admin area {area.code} {area.name} (level {area.level}) of {run.country}")
        if candidates:
            codes = ", ".join(a.code for a in candidates[:5])
            raise Refuse("ambiguous-area", f"{name!r} ({at}) is the name of several admin areas: {codes}")
        raise Refuse(
            "no-boundary",
            f"{name!r} ({at}) is no admin area of {run.country}, and one can't be made without its boundary "
            "polygon; the records that name it still migrate, placed by their own geometry",
        )

    def create(values: dict, row: dict):
        raise AssertionError("a gazetteer entry is merged or refused, never created")  # build always raises

    run.each(
        table,
        _parents_first(run.rows(table)),
        build=build,
        create=create,
    )


def _parents_first(rows: list[dict]) -> list[dict]:
    """Rows with every parent before its children (the order otherwise kept); cycles end where they loop."""
    by_guid = {r["gazetteer_guid"]: r for r in rows}
    done: set[str] = set()
    out: list[dict] = []

    def visit(row: dict, path: set[str]) -> None:
        guid = row["gazetteer_guid"]
        if guid in done or guid in path:
            return
        parent = by_guid.get(row.get("parent_guid") or "")
        if parent is not None:
            visit(parent, path | {guid})
        done.add(guid)
        out.append(row)

    for row in rows:
        visit(row, set())
    return out


# ---------------------------------------------------------------------------------------------- places
class _Places:
    """The run's country's places by name, to find the same place within 2 km; new ones join."""

    def __init__(self, country: str):
        self.by_name: dict[str, list[Place]] = defaultdict(list)
        for place in Place.objects.filter(country=country).order_by("code"):
            self.add(place)

    def add(self, place: Place) -> None:
        self.by_name[matching.norm(place.name)].append(place)

    def near(self, name: str, point, exclude: str | None) -> tuple[Place, float] | None:
        found = [
            (matching.metres(point.x, point.y, p.point.x, p.point.y), p)
            for p in self.by_name.get(matching.norm(name), [])
            if str(p.pk) != exclude
        ]
        found = [(d, p) for d, p in found if d <= SAME_PLACE_M]
        if not found:
            return None
        d, place = min(found, key=lambda dp: (dp[0], dp[1].code))
        return place, d


def _point(geometry):
    """A point for a place: the point itself, or a polygon's centroid (a point inside it when not)."""
    if geometry.geom_type == "Point":
        return geometry
    centroid = geometry.centroid
    return centroid if geometry.contains(centroid) else geometry.representative_point()


def _code(localid: str | None, guid: str, country: str, kind: str) -> str:
    """The NG local ID when it makes a free place code, else one made from the GUID."""
    wanted = re.sub(r"\s+", "-", (localid or "").strip())
    if wanted and len(wanted) <= CODE_MAX and safe_code(wanted):
        if not Place.objects.filter(country=country, kind=kind, code=wanted).exists():
            return wanted
    return f"NG-{guid.replace('-', '')[:16]}"


def _merge_or_values(run: Run, places: _Places, table: str, row: dict, name: str, kind: str, mine) -> dict:
    """Merge onto the same place within 2 km, or the values of a new one."""
    point = _point(run.geometry(table, row))
    near = places.near(name, point, mine)
    if near is not None:
        place, d = near
        raise Merge(place, f"same name as SafeGround's place {place.code} {place.name}, {d:.0f} m away")
    return {"name": name[:200], "kind": kind, "point": point}


def _creator(run: Run, places: _Places, table: str):
    def create(values: dict, row: dict) -> Place:
        guid, localid = row[schema.key(table)], row.get(schema.localid(table))
        base = f"IMSMA NG {table} {localid or guid}"
        made = Place.objects.filter(Q(source=base) | Q(source__startswith=f"{base};"), country=run.country).first()
        if made is not None:  # its trace lost it when a change was refused: never a second place
            raise Refuse("no-update", f"created as place {made.code} by an earlier run; places are not updated")
        place = services.create_place(
            code=_code(localid, guid, run.country, values["kind"]),
            name=values["name"],
            kind=values["kind"],
            point=values["point"],
            country=run.country,
            source=f"{base}; NG type: {values['ng_type']}"[:200] if values.get("ng_type") else base[:200],
        )
        places.add(place)
        return place

    return create


def _places(run: Run, table: str) -> None:
    earlier, places = matching.earlier(table), _Places(run.country)

    def build(row: dict) -> dict:
        name = required((row.get("name") or "").strip() or None, table, "name", "name")
        kind = run.enum(table, "placetypeenum_guid", row.get("placetypeenum_guid"), Place.KIND_CHOICES)
        mine = matching.created_by(earlier.get(row["place_guid"]))
        values = _merge_or_values(run, places, table, row, name, kind or "village", mine)
        if kind is None:  # a type SafeGround has no kind for (a school, a temple): kept in the place's source
            values["ng_type"] = run.source.enum_value(row.get("placetypeenum_guid"))
        return values

    run.each(
        table,
        run.rows(table),
        build=build,
        create=_creator(run, places, table),
    )


def _locations(run: Run, table: str) -> None:
    earlier, places = matching.earlier(table), _Places(run.country)

    def build(row: dict) -> dict:
        referenced = run.target("place", row.get("place_guid"))
        if isinstance(referenced, Place):
            raise Merge(referenced, f"the place it references, {referenced.code} {referenced.name}")
        given = (row.get("locationname") or row.get("location_localid") or "").strip()
        name: str = required(given or None, table, "locationname", "name")
        mine = matching.created_by(earlier.get(row["location_guid"]))
        return _merge_or_values(run, places, table, row, name, "village", mine)

    run.each(
        table,
        run.rows(table),
        build=build,
        create=_creator(run, places, table),
    )
