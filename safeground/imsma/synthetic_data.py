"""The rows of the synthetic NG database, generated in memory from one random.Random (synthetic.py writes
them). Names and places are invented; the value lists use English labels like NG's defaults."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from safeground.imsma import schema
from safeground.imsma import synthetic_shapes as sh
from safeground.imsma.synthetic_shapes import Vertex

#: (table, value-list column) → (enumcategory, values). Every value-list column of schema.expected() has one.
VALUE_LISTS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("organisation", "orgtypeenum_guid"): (
        "Organisation Type",
        ("NGO - International", "Commercial", "National Authority", "Military"),
    ),
    ("gazetteer", "gazetteerlevelenum_guid"): ("Gazetteer Level", ("Province", "District", "Commune", "Village")),
    ("place", "placetypeenum_guid"): ("Place Type", ("School", "Temple", "Health Centre", "Market")),
    ("ordnance", "ordcategoryenum_guid"): ("Ordnance Category", ("AP Mine", "AT Mine", "Submunition", "UXO")),
    ("hazard", "hazardtypeenum_guid"): ("Hazard Type", ("Suspected Hazardous Area", "Confirmed Hazardous Area")),
    ("hazard", "status_guid"): (
        "Hazard Status",
        ("Active", "Worked On", "Expired", "Closed", "Transferred (legacy)", "Under Local Review"),
    ),
    ("hazard", "dangerousareatype_guid"): (
        "Dangerous Area Type",
        ("Mined Area", "Battle Area", "Cluster Munition Area", "Mixed (legacy code 7)"),
    ),
    ("hazard", "confirmed_guid"): ("Confirmed", ("Yes", "No")),
    ("hazard", "priorityenum_guid"): ("Priority", ("High", "Medium", "Low")),
    ("hazreduc", "hazreductypeenum_guid"): (
        "Hazard Reduction Type",
        ("Technical Survey", "Clearance", "Non-Technical Survey"),
    ),
    ("hazreduc", "status_guid"): ("Hazard Reduction Status", ("Open", "Completed", "Suspended")),
    ("hazreducdeviceinfo", "devicestatusenum_guid"): ("Device Status", ("Destroyed", "Removed", "Rendered Safe")),
    ("accident", "accidenttypeenum_guid"): ("Accident Type", ("Mine Accident", "ERW Accident", "Demining Accident")),
    ("victim", "genderenum_guid"): ("Gender", ("Male", "Female")),
    ("victim", "killedorinjuredenum_guid"): ("Killed or Injured", ("Killed", "Injured")),
    ("victim", "activityataccenum_guid"): (
        "Activity at Time of Accident",
        ("Farming", "Collecting wood", "Herding", "Travelling", "Tampering"),
    ),
    ("victim_assistance", "assistancetypeenum_guid"): (
        "Assistance Type",
        ("Medical care", "Prosthetics", "Psychosocial support", "Economic inclusion"),
    ),
    ("victim_assistance", "status_guid"): ("Victim Assistance Status", ("Planned", "Ongoing", "Completed")),
    ("mre", "status_guid"): ("MRE Status", ("Completed", "Planned")),
    ("mre", "mineactiontype_guid"): ("Mine Action Type", ("MRE", "Community Liaison")),
    ("qa", "status_guid"): ("QA Status", ("Completed", "Open")),
    ("qa", "qaresultstatus_guid"): ("QA Result", ("Pass", "Fail", "Pass with observations")),
    ("qa", "activitytype_guid"): ("QA Activity Type", ("Quality Assurance", "Quality Control")),
    ("task", "tasktypeenum_guid"): ("Task Type", ("Clearance", "Technical Survey", "Non-Technical Survey", "EORE")),
    ("task", "status_guid"): ("Task Status", ("Open", "Closed", "Cancelled")),
    ("geospatialinfo", "shapeenum_guid"): ("Shape", ("Polygon", "Point", "Line")),
    ("geospatialinfo", "poly_prop_enum_guid"): ("Polygon Property", ("Perimeter", "Cleared Area")),
    ("geopoint", "pointtypeenum_guid"): (
        "Point Type",
        ("Start Point", "Turning Point", "Benchmark", "Reference Point"),
    ),
    ("geopoint", "fixedby_guid"): ("Fixed By", ("GPS", "Map", "Bearing/Distance")),
}
#: Values SafeGround has no equivalent for (the mapping file must say what to do with them).
UNMAPPED: tuple[tuple[str, str], ...] = (
    ("Hazard Status", "Transferred (legacy)"),
    ("Dangerous Area Type", "Mixed (legacy code 7)"),
)
#: A programme's own addition to a value list.
CUSTOM = ("Hazard Status", "Under Local Review")

ORGANISATIONS = (
    ("The HALO Trust", "HALO", "NGO - International"),
    ("Mines Advisory Group", "MAG", "NGO - International"),
    ("National Mine Action Authority", "NMAA", "National Authority"),
    ("Delta Demining Ltd", "DDL", "Commercial"),
)
ORDNANCE = (
    ("PMN-2", "AP Mine", "Blast anti-personnel mine"),
    ("PMN", "AP Mine", "Blast anti-personnel mine"),
    ("Type 72A", "AP Mine", "Blast anti-personnel mine, minimum metal"),
    ("M14", "AP Mine", "Blast anti-personnel mine, minimum metal"),
    ("MON-50", "AP Mine", "Directional fragmentation mine"),
    ("BLU-26", "Submunition", "Cluster submunition"),
    ("TM-62M", "AT Mine", "Anti-tank blast mine"),
)
PROVINCES = ("West", "East")  # the level-1 areas of the test country (conftest.ng_country): merged onto
SYLLABLES = ("ka", "lo", "mi", "ren", "sa", "tor", "vu", "da", "ne", "po", "li", "ban")
FIRST_NAMES = ("Amara", "Boris", "Chen", "Dara", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal", "Lina")
LAST_NAMES = ("Okafor", "Petrov", "Quispe", "Rahman", "Silva", "Tanaka", "Umarov", "Varga", "Weber", "Yilmaz")
ENTERERS = ("ng.entry1", "ng.entry2", "ng.supervisor")
#: Versioned tables → columns that an earlier version holds differently.
VARY = {
    "hazard": ("status_guid", "hazard_name"),
    "hazreduc": ("status_guid",),
    "accident": ("accidenttypeenum_guid",),
    "victim": ("activityataccenum_guid",),
    "mre": ("status_guid",),
    "qa": ("qaresultstatus_guid",),
}
CDFS = (
    (1, "Land use", "STRING"),
    (2, "Date of last incident", "DATE"),
    (3, "Estimated population affected", "NUMBER"),
    (4, "Reporting organisation", "ORGANISATION"),
    (5, "Nearest village", "GAZETTEER"),
)
#: Hazards / hazreducs carrying each problem, and the cause's rows.
HAZARD_PROBLEMS = (
    ("duplicate-consecutive-points", 2),
    ("ring-not-closed", 2),
    ("too-few-vertices", 2),
    ("self-intersection", 2),
    ("far-apart-points", 2),
    ("traverse-mismatch", 2),
    ("no-geometry", 2),
    ("point", 1),
    ("duplicate-localid", 2),
)
HAZREDUC_PROBLEMS = tuple((c, 2 if c == "duplicate-localid" else 1) for c, _ in HAZARD_PROBLEMS if c != "point")
FORMATS = ("DD", "DD", "UTM", "DD", "DMS", "BD", "DD")


class Generator:
    """Builds every table's rows; `problems`, `special`, `versions`... say what was put where."""

    def __init__(self, rng: random.Random, bbox: tuple[float, float, float, float], scale: int):
        self.rng = rng
        self.bbox = bbox
        self.scale = scale
        self.rows: dict[str, list[dict]] = {t: [] for t in schema.expected()}
        self.enum: dict[tuple[str, str, str], str] = {}  # (table, column, value) → guid
        self.problems: dict[str, list[tuple[str, str]]] = {}
        self.special: dict[str, list[tuple[str, str]]] = {"point": [], "utm": [], "dms": [], "bearing-distance": []}
        self.versions: dict[str, int] = {}
        self.victim_names: list[str] = []
        self.unmapped_values = list(UNMAPPED)
        self.custom_value = CUSTOM
        self._cells: set[tuple[int, int]] = set()
        self._shape_id = 0

    # -- helpers

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def when(self, year_from: int = 2012, year_to: int = 2023) -> dt.datetime:
        start = dt.datetime(year_from, 1, 1)
        days = (dt.datetime(year_to, 12, 31) - start).days
        return start + dt.timedelta(days=self.rng.randrange(days), minutes=self.rng.randrange(8 * 60, 17 * 60))

    def value(self, table: str, column: str, value: str | None = None) -> str:
        values = VALUE_LISTS[(table, column)][1]
        return self.enum[(table, column, value or self.rng.choice(values))]

    def audit(self, when: dt.datetime | None = None) -> dict:
        return {"dataentrydate": when or self.when(), "dataenterer": self.rng.choice(ENTERERS)}

    def site(self) -> tuple[float, float]:
        """A fresh spot in the middle 60% of the bbox, at least ~1 km from every other one."""
        west, south, east, north = self.bbox
        w, h = (east - west) * 0.6, (north - south) * 0.6
        cols, rows = max(int(w / 0.01), 1), max(int(h / 0.01), 1)
        for _ in range(10000):
            cell = (self.rng.randrange(cols), self.rng.randrange(rows))
            if cell not in self._cells:
                self._cells.add(cell)
                x0, y0 = west + (east - west) * 0.2, south + (north - south) * 0.2
                return x0 + (cell[0] + 0.5) * w / cols, y0 + (cell[1] + 0.5) * h / rows
        raise ValueError("bbox too small for this scale")

    def add(self, table: str, row: dict) -> dict:
        self.rows[table].append(row)
        return row

    def record(self, table: str, number: int, **values) -> dict:
        prefix = {"victim_assistance": "VA", "hazreducdeviceinfo": "HRD"}.get(table, table[:3].upper())
        row = {schema.key(table): self.guid(), schema.localid(table): f"{prefix}-{number:04d}", **values}
        row.setdefault("dataentrydate", self.when())
        row.setdefault("dataenterer", self.rng.choice(ENTERERS))
        return self.add(table, row)

    def geometry(self, table: str, row: dict, vertices: list[Vertex], shape: str = "Polygon") -> None:
        """geospatialinfo + link + geopoints in pointno order, as NG stores them."""
        gi = self.guid()
        self._shape_id += 1
        audit = {"dataentrydate": row["dataentrydate"], "dataenterer": row["dataenterer"]}
        self.add(
            "geospatialinfo",
            {
                "geospatialinfo_guid": gi,
                "shapeenum_guid": self.value("geospatialinfo", "shapeenum_guid", shape),
                "shape_id": self._shape_id,
                "isactive": True,
                "poly_prop_enum_guid": self.value("geospatialinfo", "poly_prop_enum_guid", "Perimeter")
                if shape == "Polygon"
                else None,
                **audit,
            },
        )
        self.add(schema.geometry_link(table), {schema.key(table): row[schema.key(table)], "geospatialinfo_guid": gi})
        previous = None
        for no, v in enumerate(vertices, start=1):
            point_guid = self.guid()
            fixed = {"BD": "Bearing/Distance", "DD": "GPS", "UTM": "GPS", "DMS": "Map"}[v.fmt]
            self.add(
                "geopoint",
                {
                    "geopoint_guid": point_guid,
                    "geospatialinfo_guid": gi,
                    "pointlocal_id": f"{row[schema.localid(table)]}-{no}",
                    "pointno": no,
                    "pointtypeenum_guid": self.value(
                        "geopoint", "pointtypeenum_guid", "Start Point" if no == 1 else "Turning Point"
                    ),
                    "latitude": v.lat,
                    "longitude": v.lon,
                    "coordrefsys": v.crs,
                    "fixedby_guid": self.value("geopoint", "fixedby_guid", fixed),
                    "bearing": v.bearing,
                    "distance": v.distance,
                    "frompoint_guid": previous[0] if v.from_previous and previous else None,
                    "frompointinput": previous[1] if v.from_previous and previous else None,
                    "userinputformat": v.fmt,
                    "coordformat": "DD" if v.fmt == "BD" else v.fmt,
                    "elevation": round(self.rng.uniform(5, 60), 1),
                    "user_entered_x": v.x,
                    "user_entered_y": v.y,
                    **audit,
                },
            )
            previous = (point_guid, f"{row[schema.localid(table)]}-{no}")

    def versioned(self, table: str, row: dict) -> None:
        """1-3 infoversions; the last equals the row, earlier ones differ in a VARY column."""
        n = self.rng.choice((1, 1, 2, 2, 3))
        current = row["dataentrydate"]
        dates = [current - dt.timedelta(days=self.rng.randint(30, 400) * k) for k in range(n - 1, 0, -1)]
        for k, date in enumerate([*dates, current]):
            version = {c: row.get(c) for c in schema.RECORDS[table]}
            if k < n - 1:
                column = VARY[table][k % len(VARY[table])]
                if column == "hazard_name":
                    version[column] = f"{row[column]} (draft)"
                else:
                    options = [
                        g for (t, c, _), g in self.enum.items() if (t, c) == (table, column) and g != row[column]
                    ]
                    version[column] = self.rng.choice(sorted(options))
                version["dataentrydate"] = date
                version["dataenterer"] = self.rng.choice(ENTERERS)
            self.add(schema.version_table(table), {f"{schema.version_table(table)}_guid": self.guid(), **version})
        self.versions[f"{table}/{row[schema.key(table)]}"] = n

    def custom(self, table: str, row: dict, cdf_id: int) -> None:
        cdf = {c[0]: c for c in CDFS}[cdf_id]
        value: dict = {"cdfvalue_guid": self.guid(), "cdf_id": cdf_id}
        kind = cdf[2]
        if kind == "STRING":
            value["stringvalue"] = self.rng.choice(("Rice fields", "Grazing", "Forest", "Village path"))
        elif kind == "DATE":
            value["datevalue"] = self.when(2005, 2020)
        elif kind == "NUMBER":
            value["numbervalue"] = float(self.rng.randint(20, 2000))
        elif kind == "ORGANISATION":
            value["organisation_value"] = self.rng.choice(self.rows["organisation"])[schema.key("organisation")]
        else:
            value["gazetteer_value"] = self.rng.choice(self.villages)["gazetteer_guid"]
        self.add("cdfvalue", value)
        self.add(
            schema.custom_link(table),
            {schema.key(table): row[schema.key(table)], "cdfvalue_guid": value["cdfvalue_guid"]},
        )

    def note(self, cause: str, table: str, row: dict) -> None:
        target = self.special if cause in self.special else self.problems
        target.setdefault(cause, []).append((table, row[schema.key(table)]))

    # -- the tables

    def generate(self) -> dict[str, list[dict]]:
        self.enums()
        self.organisations()
        self.gazetteer()
        self.places_and_locations()
        self.ordnance()
        hazards = self.hazards()
        hazreducs = self.hazreducs(hazards)
        self.devices(hazreducs)
        self.accidents(hazards)
        self.mre_qa_tasks(hazards, hazreducs)
        for cdf_id, name, kind in CDFS:
            self.add("customdefinedfield", {"cdf_id": cdf_id, "name": name, "cdf_datatype": kind})
        return self.rows

    def enums(self) -> None:
        for (table, column), (category, values) in VALUE_LISTS.items():
            for value in values:
                guid = self.guid()
                self.enum[(table, column, value)] = guid
                self.add(
                    "imsmaenum",
                    {"imsmaenum_guid": guid, "enumcategory": category, "enumvalue": value, "isactive": True},
                )

    def organisations(self) -> None:
        for i, (name, acronym, kind) in enumerate(ORGANISATIONS, start=1):
            self.record(
                "organisation",
                i,
                name=name,
                acronym=acronym,
                isactive=True,
                orgtypeenum_guid=self.value("organisation", "orgtypeenum_guid", kind),
            )

    def _name(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))).capitalize()

    def gazetteer(self) -> None:
        """Province > district > commune > village, linked by parent_guid, level by enum."""
        self.villages: list[dict] = []
        number = 0

        def add(name: str, level: str, parent: dict | None) -> dict:
            nonlocal number
            number += 1
            return self.record(
                "gazetteer",
                number,
                name=name,
                parent_guid=parent["gazetteer_guid"] if parent else None,
                gazetteerlevelenum_guid=self.value("gazetteer", "gazetteerlevelenum_guid", level),
            )

        for province_name in PROVINCES:
            province = add(province_name, "Province", None)
            for _ in range(2):
                district = add(self._name(), "District", province)
                commune = add(self._name(), "Commune", district)
                for _ in range(2):
                    self.villages.append(add(self._name(), "Village", commune))

    def places_and_locations(self) -> None:
        for i in range(1, 5):
            village = self.villages[i % len(self.villages)]
            place = self.record(
                "place",
                i,
                name=f"{village['name']} {self.rng.choice(('school', 'temple', 'market'))}",
                gazetteer_guid=village["gazetteer_guid"],
                placetypeenum_guid=self.value("place", "placetypeenum_guid"),
            )
            self.geometry("place", place, sh.point(*self.site()), "Point")
        self.locations = []
        for i in range(1, 8 * self.scale + 1):
            village = self.rng.choice(self.villages)
            place = self.rng.choice([None, *self.rows["place"]])  # type: ignore[list-item]
            location = self.record(
                "location",
                i,
                locationname=f"{village['name']} {i}",
                gazetteer_guid=village["gazetteer_guid"],
                place_guid=place["place_guid"] if place else None,
            )
            self.geometry("location", location, sh.point(*self.site()), "Point")
            self.locations.append(location)

    def ordnance(self) -> None:
        for i, (model, category, description) in enumerate(ORDNANCE, start=1):
            self.record(
                "ordnance",
                i,
                model=model,
                description=description,
                ordcategoryenum_guid=self.value("ordnance", "ordcategoryenum_guid", category),
            )

    def _problem_plan(self, table: str, total: int) -> list[str]:
        problems = HAZARD_PROBLEMS if table == "hazard" else HAZREDUC_PROBLEMS
        plan = [cause for cause, n in problems for _ in range(n)]
        if len(plan) > total:
            raise ValueError(f"scale too small for {table}")
        plan += [FORMATS[i % len(FORMATS)] for i in range(total - len(plan))]
        self.rng.shuffle(plan)
        return plan

    def _shape(self, table: str, row: dict, plan: str, lon: float, lat: float, radius: float, index: int) -> None:
        points = sh.ring(lon, lat, radius, self.rng.randint(5, 8), self.rng)
        west, south, east, north = self.bbox
        middle = sh.GEOD.inv(lon, lat, (west + east) / 2, (south + north) / 2)[0] % 360
        shapes = {
            "duplicate-consecutive-points": lambda: sh.duplicate_consecutive(points),
            "ring-not-closed": lambda: sh.not_closed(points),
            "too-few-vertices": lambda: sh.too_few(points, index),
            "self-intersection": lambda: sh.bow_tie(lon, lat, radius * 0.8),
            "far-apart-points": lambda: sh.far_apart(points, lon, lat, middle),
            "traverse-mismatch": lambda: sh.as_traverse(points, mismatch_at=2),
            "duplicate-localid": lambda: sh.encode(points, "DD"),
        }
        if plan == "no-geometry":
            pass
        elif plan == "point":
            self.geometry(table, row, sh.point(lon, lat), "Point")
        elif plan in shapes:
            self.geometry(table, row, shapes[plan]())
        else:
            self.geometry(table, row, sh.encode(points, plan))
            label = {"UTM": "utm", "DMS": "dms", "BD": "bearing-distance"}.get(plan)
            if label:
                self.note(label, table, row)
        if plan not in ("DD", "UTM", "DMS", "BD"):
            self.note(plan, table, row)
        row["_ring"] = (lon, lat, points, plan)

    def hazards(self) -> list[dict]:
        plan = self._problem_plan("hazard", 40 * self.scale)
        statuses = ("Active", "Active", "Active", "Worked On", "Expired", "Closed", "Transferred (legacy)")
        out = []
        for i, item in enumerate(plan, start=1):
            lon, lat = self.site()
            location = self.rng.choice(self.locations)
            status = CUSTOM[1] if i == 3 else self.rng.choice(statuses)
            row = self.record(
                "hazard",
                i,
                hazard_name=f"{location['locationname']} field {i}",
                location_guid=location["location_guid"],
                organisation_guid=self.rng.choice(self.rows["organisation"])[schema.key("organisation")],
                hazardtypeenum_guid=self.value("hazard", "hazardtypeenum_guid"),
                status_guid=self.value("hazard", "status_guid", status),
                dangerousareatype_guid=self.value("hazard", "dangerousareatype_guid"),
                confirmed_guid=self.value("hazard", "confirmed_guid"),
                priorityenum_guid=self.value("hazard", "priorityenum_guid"),
                date_of_report=self.when(2010, 2020),
                **self.audit(self.when(2020, 2023)),
            )
            self._shape("hazard", row, item, lon, lat, self.rng.uniform(90, 140), i)
            out.append(row)
        self._duplicate_localids("hazard", out)
        return out

    def _duplicate_localids(self, table: str, rows: list[dict]) -> None:
        pair = [r for r in rows if r["_ring"][3] == "duplicate-localid"]
        for a, b in zip(pair[::2], pair[1::2], strict=True):
            b[schema.localid(table)] = a[schema.localid(table)]

    def hazreducs(self, hazards: list[dict]) -> list[dict]:
        plan = self._problem_plan("hazreduc", 20 * self.scale)
        with_shape = [h for h in hazards if h["_ring"][3] in ("DD", "UTM", "DMS", "BD")]
        out = []
        for i, item in enumerate(plan, start=1):
            hazard = with_shape[(i - 1) % len(with_shape)]
            lon, lat, ring, _ = hazard["_ring"]
            start = hazard["dataentrydate"] + dt.timedelta(days=self.rng.randint(30, 300))
            status = self.rng.choice(("Open", "Completed", "Completed", "Suspended"))
            row = self.record(
                "hazreduc",
                i,
                hazard_guid=hazard["hazard_guid"],
                organisation_guid=hazard["organisation_guid"],
                location_guid=hazard["location_guid"],
                hazreductypeenum_guid=self.value("hazreduc", "hazreductypeenum_guid"),
                status_guid=self.value("hazreduc", "status_guid", status),
                startdate=start,
                enddate=start + dt.timedelta(days=self.rng.randint(10, 90)) if status == "Completed" else None,
                # Clearance depth (cm); every fourth record leaves it empty, as real NG data does.
                clearancedepth=(13, 20, 30, None)[i % 4],
                **self.audit(start + dt.timedelta(days=120)),
            )
            if item in ("DD", "UTM", "DMS", "BD"):
                part = sh.shrink(ring, lon, lat, self.rng.uniform(0.5, 0.8))
                self.geometry("hazreduc", row, sh.encode(part, item))
                label = {"UTM": "utm", "DMS": "dms", "BD": "bearing-distance"}.get(item)
                if label:
                    self.note(label, "hazreduc", row)
                row["_ring"] = (lon, lat, part, item)
            else:
                self._shape("hazreduc", row, item, lon, lat, 70.0, i)
            out.append(row)
        self._duplicate_localids("hazreduc", out)
        return out

    def devices(self, hazreducs: list[dict]) -> None:
        number = 0
        completed = self.enum[("hazreduc", "status_guid", "Completed")]
        for hr in hazreducs:
            if hr["status_guid"] != completed:
                continue
            for _ in range(self.rng.randint(1, 3)):
                number += 1
                self.record(
                    "hazreducdeviceinfo",
                    number,
                    hazreduc_guid=hr["hazreduc_guid"],
                    ordnance_guid=self.rng.choice(self.rows["ordnance"])["ordnance_guid"],
                    quantity=self.rng.randint(1, 12),
                    devicestatusenum_guid=self.value("hazreducdeviceinfo", "devicestatusenum_guid"),
                    **self.audit(hr["enddate"]),
                )

    def accidents(self, hazards: list[dict]) -> None:
        victims = 0
        for i in range(1, 8 * self.scale + 1):
            hazard = hazards[(i * 3) % len(hazards)]
            lon, lat = sh.move(hazard["_ring"][0], hazard["_ring"][1], self.rng.uniform(0, 360), 40)
            date = self.when(2015, 2023)
            accident = self.record(
                "accident",
                i,
                accidentdate=date,
                accidenttypeenum_guid=self.value("accident", "accidenttypeenum_guid"),
                location_guid=hazard["location_guid"],
                hazard_guid=hazard["hazard_guid"],
                ordnance_guid=self.rng.choice(self.rows["ordnance"])["ordnance_guid"],
                **self.audit(date + dt.timedelta(days=self.rng.randint(3, 60))),
            )
            self.geometry("accident", accident, sh.point(lon, lat), "Point")
            self.versioned("accident", accident)
            if i % 3 == 1:
                self.custom("accident", accident, 1)
            for _ in range(self.rng.randint(1, 3)):
                victims += 1
                self.victim(accident, victims)

    def victim(self, accident: dict, number: int) -> None:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        born = accident["accidentdate"] - dt.timedelta(days=self.rng.randint(8 * 365, 60 * 365))
        age = (
            accident["accidentdate"].year
            - born.year
            - ((accident["accidentdate"].month, accident["accidentdate"].day) < (born.month, born.day))
        )
        state = self.rng.choice(("Killed", "Injured", "Injured"))
        row = self.record(
            "victim",
            number,
            accident_guid=accident["accident_guid"],
            firstname=first,
            lastname=last,
            birthdate=dt.datetime(born.year, born.month, born.day),
            age=age,
            genderenum_guid=self.value("victim", "genderenum_guid"),
            killedorinjuredenum_guid=self.value("victim", "killedorinjuredenum_guid", state),
            activityataccenum_guid=self.value("victim", "activityataccenum_guid"),
            **self.audit(accident["dataentrydate"]),
        )
        self.victim_names.append(f"{first} {last}")
        self.versioned("victim", row)
        if state == "Injured" and number % 2:
            start = accident["accidentdate"] + dt.timedelta(days=self.rng.randint(1, 30))
            self.record(
                "victim_assistance",
                len(self.rows["victim_assistance"]) + 1,
                victim_guid=row["victim_guid"],
                organisation_guid=self.rng.choice(self.rows["organisation"])[schema.key("organisation")],
                assistancetypeenum_guid=self.value("victim_assistance", "assistancetypeenum_guid"),
                status_guid=self.value("victim_assistance", "status_guid"),
                startdate=start,
                description="Referred by the accident survey team",
                **self.audit(start),
            )

    def mre_qa_tasks(self, hazards: list[dict], hazreducs: list[dict]) -> None:
        for i in range(1, 6 * self.scale + 1):
            location = self.rng.choice(self.locations)
            start = self.when(2016, 2023)
            boys, girls = self.rng.randint(5, 60), self.rng.randint(5, 60)
            row = self.record(
                "mre",
                i,
                organisation_guid=self.rng.choice(self.rows["organisation"])[schema.key("organisation")],
                location_guid=location["location_guid"],
                startdate=start,
                enddate=start + dt.timedelta(hours=3),
                status_guid=self.value("mre", "status_guid"),
                mineactiontype_guid=self.value("mre", "mineactiontype_guid"),
                no_of_males=self.rng.randint(5, 40),
                no_of_females=self.rng.randint(5, 40),
                no_of_boys=boys,
                no_of_girls=girls,
                **self.audit(start + dt.timedelta(days=5)),
            )
            self.geometry("mre", row, sh.point(*self.site()), "Point")
            self.versioned("mre", row)
        for i, hr in enumerate(hazreducs[: 8 * self.scale], start=1):
            when = hr["startdate"] + dt.timedelta(days=self.rng.randint(5, 40))
            row = self.record(
                "qa",
                i,
                hazreduc_guid=hr["hazreduc_guid"],
                organisation_guid=self.rows["organisation"][2][schema.key("organisation")],
                qadate=when,
                status_guid=self.value("qa", "status_guid"),
                qaresultstatus_guid=self.value("qa", "qaresultstatus_guid"),
                activitytype_guid=self.value("qa", "activitytype_guid"),
                **self.audit(when + dt.timedelta(days=2)),
            )
            lon, lat = hr["_ring"][0], hr["_ring"][1]
            self.geometry("qa", row, sh.point(lon, lat), "Point")
            self.versioned("qa", row)
        for i, hazard in enumerate(hazards[: 10 * self.scale], start=1):
            start = hazard["dataentrydate"] + dt.timedelta(days=self.rng.randint(10, 200))
            self.record(
                "task",
                i,
                taskname=f"Task {i}: {hazard['hazard_name']}",
                organisation_guid=hazard["organisation_guid"],
                hazard_guid=hazard["hazard_guid"],
                tasktypeenum_guid=self.value("task", "tasktypeenum_guid"),
                status_guid=self.value("task", "status_guid"),
                startdate=start,
                enddate=start + dt.timedelta(days=self.rng.randint(10, 120)),
                **self.audit(start),
            )
        for k, hazard in enumerate(hazards):
            self.versioned("hazard", hazard)
            if k % 3 == 0:
                self.custom("hazard", hazard, 1 + k % 5)
                if k % 2 == 0 and k % 5 != 2:
                    self.custom("hazard", hazard, 3)
        for hr in hazreducs:
            self.versioned("hazreduc", hr)
