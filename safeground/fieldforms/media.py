"""The gazetteer as external choice files: one CSV per admin level and one of villages.

National village lists are too big to sit in a form's choices sheet (every device would parse them
with the form), so they travel as media and the form picks rows with `select_one_from_file` and a
`choice_filter` (decision 0038). Every row carries its country and its parent's code; names are the
gazetteer's, in every language (place names are not translated).

| file | name | label | filter columns |
|---|---|---|---|
| provinces.csv | level-1 code | name | country |
| districts.csv | level-2 code | name | country, province |
| communes.csv | level-3 code | name | country, district |
| villages.csv | place code | name | country, province, district, commune (the areas it lies in) |

A village carries every level above it, so a country without communes (or a place linked to a district)
still offers its villages once the levels it has are chosen.
"""

from __future__ import annotations

import csv
import io

from safeground.gazetteer.models import AdminArea, Place

PARENT = {1: None, 2: "province", 3: "district"}
FILES = {1: "provinces.csv", 2: "districts.csv", 3: "communes.csv"}


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def gazetteer_files() -> dict[str, bytes]:
    """{file name: CSV bytes} for the cascade province → district → commune → village (one query each)."""
    files = {}
    for level, name in FILES.items():
        parent = PARENT[level]
        rows = AdminArea.objects.filter(level=level).order_by("country", "code")
        values = rows.values_list("code", "name", "country", "parent__code")
        header = ["name", "label", "country", *([parent] if parent else [])]
        files[name] = _csv(header, ([c, n, iso3, *([p or ""] if parent else [])] for c, n, iso3, p in values))
    areas = {
        pk: (level, code, parent)
        for pk, level, code, parent in AdminArea.objects.values_list("id", "level", "code", "parent_id")
    }
    places = Place.objects.filter(kind="village").order_by("country", "code")
    rows = []
    for code, name, iso3, area in places.values_list("code", "name", "country", "admin_area_id"):
        above = {1: "", 2: "", 3: ""}
        while area in areas:
            level, area_code, parent = areas[area]
            if level in above:
                above[level] = area_code
            area = parent
        rows.append([code, name, iso3, above[1], above[2], above[3]])
    files["villages.csv"] = _csv(["name", "label", "country", "province", "district", "commune"], rows)
    return files
