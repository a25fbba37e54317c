"""A dataset holding exactly one of each defect the checks look for, next to clean records.

The services refuse bad geometry and the models refuse some bad dates, so the defects are written
around them: `bulk_create` and `.update()` straight into the tables, as a legacy import or a script
with SQL access would. Every defect sits on its own ground in Battambang (Cambodia) so that no two
interfere, and every clean record is clean for every check.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import shapely
from django.core.cache import cache
from django.db import connection

from safeground.core.geojson import to_geos
from safeground.core.geometry import area_m2, as_multipolygon, utm_epsg_for

D = dt.date
RECORDED, RELEASED, FOUND = D(2024, 1, 15), D(2024, 3, 1), D(2024, 3, 1)
LOCAL = 32648  # WGS 84 / UTM 48N: Battambang


def box(lon: float, lat: float, w: float = 0.002, h: float = 0.002) -> shapely.Polygon:
    return shapely.box(lon, lat, lon + w, lat + h)


@dataclass
class Defects:
    """Codes of the records of the fixture, by role."""

    main: str = "KH02-HAZ-000001"
    bowtie: str = "KH02-HAZ-000002"
    few: str = "KH02-HAZ-000003"
    swapped: str = "KH02-HAZ-000004"
    thai: str = "KH02-HAZ-000005"
    dup_a: str = "KH02-HAZ-000006"
    dup_b: str = "KH02-HAZ-000007"
    lower: str = "kh02-haz-000001"
    long: str = "KH02-HAZ-000008"
    ov_a: str = "KH02-HAZ-000009"
    ov_b: str = "KH02-HAZ-000010"
    late: str = "KH02-HAZ-000011"
    stale: str = "KH02-HAZ-000012"
    clean: str = "KH02-HAZ-000013"
    future: str = "KH02-HAZ-000014"  # recorded a year from now
    foreign: str = "KH02-HAZ-000015"  # reported by an organisation of another country
    vast: str = "KH02-HAZ-000016"  # 121 km², above the limit for one hazard
    # products of `main` (and one of `late`)
    p_ok: str = "KH02-HAZ-000001-LR-001"
    p_early: str = "KH02-HAZ-000001-LR-002"
    p_area: str = "KH02-HAZ-000001-LR-003"
    p_ov_a: str = "KH02-HAZ-000001-LR-004"
    p_ov_b: str = "KH02-HAZ-000001-LR-005"
    p_out: str = "KH02-HAZ-000001-LR-006"
    p_late: str = "KH02-HAZ-000011-LR-001"
    p_unfiled: str = "KH-CLR-000001-LR-001"  # filed under no hazard, yet inside `main`
    # devices (all on p_ok) and activities
    d_ok: str = "KH02-DEV-000001"
    d_out: str = "KH02-DEV-000002"
    d_late: str = "KH02-DEV-000003"
    act: str = "KH-CLR-000001"
    act_bad: str = "KH-CLR-000002"


#: (check, record type, code, severity) of every finding the fixture must give, and no other.
EXPECTED = {
    ("invalid-geometry", "hazard", Defects.bowtie, "must_fix"),
    ("too-few-vertices", "hazard", Defects.few, "must_fix"),
    ("latlon-swap", "hazard", Defects.swapped, "must_fix"),
    ("outside-country", "hazard", Defects.thai, "must_fix"),
    ("duplicate-geometry", "hazard", Defects.dup_b, "must_fix"),
    ("duplicate-code", "hazard", Defects.lower, "must_fix"),
    ("vertex-gap", "hazard", Defects.long, "advisory"),
    ("hazard-overlap", "hazard", Defects.ov_b, "must_fix"),
    ("product-outside-hazard", "product", Defects.p_out, "must_fix"),
    ("product-without-hazard-overlaps", "product", Defects.p_unfiled, "must_fix"),
    ("product-overlap", "product", Defects.p_ov_b, "must_fix"),
    ("device-outside-product", "device", Defects.d_out, "must_fix"),
    ("date-order", "product", Defects.p_early, "must_fix"),
    ("date-order", "activity", Defects.act_bad, "must_fix"),
    ("date-order", "device", Defects.d_late, "must_fix"),
    ("date-order", "hazard", Defects.late, "must_fix"),
    ("area-mismatch", "product", Defects.p_area, "advisory"),
    ("stored-area", "hazard", Defects.stale, "must_fix"),
    ("future-date", "hazard", Defects.future, "must_fix"),
    ("organisation-country", "hazard", Defects.foreign, "must_fix"),
    ("implausible-area", "hazard", Defects.vast, "must_fix"),
}


@contextmanager
def check_constraints_off(table: str, name: str):
    """Let a row break a CHECK constraint, as data loaded before the constraint existed would.

    PostgreSQL: drop the constraint inside the test's transaction (DDL is transactional there, so
    the rollback at the end of the test restores it). SQLite: the connection's pragma, switched back.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows already written this transaction leave deferred FK checks pending, which ALTER refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield
        else:
            cursor.execute("PRAGMA ignore_check_constraints = 1")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = 0")


def _hazard(code: str, geom, *, recorded=RECORDED, area=None, country="KHM", organisation=None):
    from safeground.hazards.models import Hazard

    multi = as_multipolygon(geom)
    return Hazard(
        code=code,
        hazard_class="CHA",
        status="open",
        contamination_type="ap_mines",
        geom=to_geos(multi),
        country=country,
        recorded_on=recorded,
        area_m2=area if area is not None else area_m2(multi),
        utm_epsg=LOCAL,
        reporting_organisation=organisation,
    )


def _product(code: str, hazard, activity, geom, *, released=RELEASED, reported=None):
    from safeground.landrelease.models import Product

    multi = as_multipolygon(geom)
    return Product(
        code=code,
        hazard=hazard,
        activity=activity,
        outcome="cleared",
        clearance_depth_cm=30,
        geom=to_geos(multi),
        released_on=released,
        reported_area_m2=reported,
        area_m2=area_m2(multi),
    )


def _device(code: str, product, activity, lon: float, lat: float, found=FOUND):
    from safeground.landrelease.models import Device

    return Device(
        code=code,
        product=product,
        activity=activity,
        point=to_geos(shapely.Point(lon, lat)),
        category="ap_mine",
        disposal="destroyed_in_situ",
        found_on=found,
    )


def build_defects(organisation, codes: Defects | None = None) -> Defects:
    """Write the dataset (with other codes if given, e.g. next to demo data); returns the codes."""
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product
    from safeground.operations.models import Activity
    from safeground.organisations.models import Organisation

    c = codes or Defects()
    abroad = Organisation.objects.create(name="Operator abroad", acronym="ABROAD", kind="operator", country="AZE")
    # 0.1° square (121 km²) in Pursat, its edges split so that no two vertices are 5 km apart.
    vast = box(103.50, 12.30, 0.1, 0.1).segmentize(0.03)
    main_geom = box(103.045, 13.045, 0.01, 0.01)
    bowtie = shapely.Polygon([(103.10, 13.10), (103.102, 13.102), (103.102, 13.10), (103.10, 13.102), (103.10, 13.10)])
    few = shapely.Polygon([(103.15, 13.10), (103.152, 13.10), (103.15, 13.10), (103.15, 13.10)])
    swapped = shapely.transform(box(103.20, 13.10), lambda xy: xy[:, ::-1])
    thai = box(101.50, 13.50)  # Thailand, 80 km west of the border
    dup = box(103.10, 13.15)
    long = box(103.00, 13.20, 0.06, 0.001)  # 6.5 km long, 110 m wide: two edges over 5 km
    stale = box(103.25, 13.15)
    hazards = Hazard.objects.bulk_create(
        [
            _hazard(c.main, main_geom),
            _hazard(c.bowtie, bowtie, area=1.0),
            _hazard(c.few, few, area=1.0),
            _hazard(c.swapped, swapped, area=47_000.0),
            _hazard(c.thai, thai),
            _hazard(c.dup_a, dup),
            _hazard(c.dup_b, dup),
            _hazard(c.lower, box(103.15, 13.15)),
            _hazard(c.long, long),
            _hazard(c.ov_a, box(103.20, 13.15)),
            _hazard(c.ov_b, box(103.201, 13.15)),  # half of each covers the other
            _hazard(c.late, box(103.25, 13.10), recorded=D(2024, 5, 1)),
            _hazard(c.stale, stale, area=2 * area_m2(stale)),
            _hazard(c.clean, box(103.30, 13.10)),
            _hazard(c.future, box(103.35, 13.10), recorded=dt.date.today() + dt.timedelta(days=365)),
            _hazard(c.foreign, box(103.40, 13.10), organisation=abroad),
            _hazard(c.vast, vast),
        ]
    )
    by_code = {h.code: h for h in hazards}
    main = by_code[c.main]
    act = Activity.objects.create(
        code=c.act,
        activity_type="clearance",
        organisation=organisation,
        methods=["manual"],
        reference_point=to_geos(shapely.Point(103.05, 13.05)),
        country="KHM",
        start_date=D(2024, 2, 1),
        end_date=D(2024, 6, 30),
        status="completed",
    )
    act.hazards.add(main, by_code[c.late])
    with check_constraints_off("operations_activity", "activity_end_after_start"):
        Activity.objects.bulk_create(
            [
                Activity(
                    code=c.act_bad,
                    activity_type="nts",
                    organisation=organisation,
                    methods=["nts"],
                    reference_point=to_geos(shapely.Point(103.30, 13.10)),
                    country="KHM",
                    start_date=D(2024, 3, 1),
                    end_date=D(2024, 1, 1),
                    status="completed",
                )
            ]
        )
    p_ok_geom = box(103.045, 13.045)
    products = Product.objects.bulk_create(
        [
            _product(c.p_ok, main, act, p_ok_geom, reported=area_m2(p_ok_geom)),
            _product(c.p_early, main, act, box(103.048, 13.045), released=D(2024, 1, 20)),
            _product(c.p_area, main, act, box(103.051, 13.045), reported=1.10 * area_m2(box(103.051, 13.045))),
            _product(c.p_ov_a, main, act, box(103.045, 13.049)),
            _product(c.p_ov_b, main, act, box(103.046, 13.049)),
            _product(c.p_out, main, act, box(103.054, 13.049, 0.003)),  # 0.002° east of every hazard
            _product(c.p_late, by_code[c.late], act, box(103.2505, 13.1005, 0.001, 0.001), released=D(2024, 4, 1)),
            _product(c.p_unfiled, None, act, box(103.050, 13.049)),  # in `main`, clear of its products
        ]
    )
    p_ok = products[0]
    Device.objects.bulk_create(
        [
            _device(c.d_ok, p_ok, act, 103.046, 13.046),
            _device(c.d_out, p_ok, act, 103.050, 13.053),  # in the hazard, in no product
            _device(c.d_late, p_ok, act, 103.0465, 13.0465, found=D(2024, 8, 1)),
        ]
    )
    return c


@pytest.fixture
def defects(organisation) -> Defects:
    return build_defects(organisation)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The page and API keep a run in Django's cache: never carry one from another test."""
    cache.clear()
    yield
    cache.clear()


__all__ = ["EXPECTED", "Defects", "box", "build_defects", "check_constraints_off", "utm_epsg_for"]
