"""Overlapping hazards: sum, unique (union) and overlap, exact on known geometry and kept current on saves.

The geometry is built in metres in UTM and unprojected, as in test_ledger.py. The country is one the
test builds itself (a made-up ISO code with two provinces), so nothing depends on the demo's programmes.
"""

import datetime as dt

import pytest
import shapely

from safeground.core.geometry import unproject
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import clear_caches
from safeground.hazards import services as hazard_services
from safeground.landrelease import services as product_services
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.ledger.overlaps import counted_before
from safeground.landrelease.models import HazardLedger

EPSG = 32634  # UTM 34N
E0, N0 = 390_000.0, 160_000.0  # the test country lies around here (about 20.0° E, 1.45° N)
COUNTRY = "XTS"  # user-assigned ISO range: no real country


def rect(x0, y0, x1, y1):
    return unproject(shapely.box(E0 + x0, N0 + y0, E0 + x1, N0 + y1), EPSG)


def multi(geom):
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(memoryview(shapely.to_wkb(shapely.MultiPolygon([geom]))), srid=4326)


# ---------------------------------------------------------------- the pure computation


def test_two_overlapping_squares_sum_union_and_overlap():
    a, b = rect(0, 0, 100, 100), rect(50, 0, 150, 100)  # 10,000 m² each, sharing 5,000 m²
    before = counted_before(["A", "B"], [a, b], [(dt.date(2020, 1, 1), "A"), (dt.date(2021, 1, 1), "B")], [EPSG] * 2)
    assert before["A"] == 0.0
    assert before["B"] == pytest.approx(5_000, rel=1e-6)
    areas = {"A": 10_000.0, "B": 10_000.0}
    assert sum(areas.values()) - sum(before.values()) == pytest.approx(15_000, rel=1e-6)  # the union
    # The earlier hazard gets the credit: swap the order and A carries the overlap instead.
    swapped = counted_before(["A", "B"], [a, b], [(2,), (1,)], [EPSG] * 2)
    assert swapped["B"] == 0.0 and swapped["A"] == pytest.approx(5_000, rel=1e-6)


def test_ground_shared_by_three_hazards_counts_once():
    # C overlaps A and B where they overlap each other too: C's counted part is C ∩ (A ∪ B), once.
    geoms = [rect(0, 0, 100, 100), rect(50, 0, 150, 100), rect(25, 25, 125, 75)]
    before = counted_before(["A", "B", "C"], geoms, [(1,), (2,), (3,)], [EPSG] * 3)
    assert before["B"] == pytest.approx(5_000, rel=1e-6)
    assert before["C"] == pytest.approx(100 * 50, rel=1e-6)  # all of C lies in A ∪ B
    union = 150 * 100  # A ∪ B ∪ C
    assert 10_000 + 10_000 + 5_000 - sum(before.values()) == pytest.approx(union, rel=1e-6)


def test_touching_missing_and_separate_hazards_share_nothing():
    geoms = [rect(0, 0, 100, 100), rect(100, 0, 200, 100), None, shapely.Polygon(), rect(500, 0, 600, 100)]
    before = counted_before(list("ABCDE"), geoms, [(i,) for i in range(5)], [EPSG] * 5)
    assert before == {"A": 0.0, "B": 0.0, "C": 0.0, "D": 0.0, "E": 0.0}


def test_only_measures_the_hazards_asked_for():
    geoms = [rect(0, 0, 100, 100), rect(50, 0, 150, 100), rect(60, 0, 160, 100)]
    before = counted_before(["A", "B", "C"], geoms, [(1,), (2,), (3,)], [EPSG] * 3, only={"C"})
    assert before["B"] == 0.0  # not asked for
    assert before["C"] == pytest.approx(90 * 100, rel=1e-6)  # A ∪ B still count as earlier ground


# ---------------------------------------------------------------- stored, aggregated, kept current


@pytest.fixture
def test_country(db):
    """A country with two provinces split at x = 75 m: XT01 to the west, XT02 to the east."""
    outline = rect(-5_000, -5_000, 5_000, 5_000)
    west, east = rect(-5_000, -5_000, 75, 5_000), rect(75, -5_000, 5_000, 5_000)
    country = AdminArea.objects.create(country=COUNTRY, level=0, code=COUNTRY, name="Testland", geom=multi(outline))
    for code, geom in (("XT01", west), ("XT02", east)):
        AdminArea.objects.create(country=COUNTRY, level=1, code=code, name=code, parent=country, geom=multi(geom))
    clear_caches()
    yield COUNTRY
    clear_caches()


@pytest.fixture
def overlapping(test_country, user):
    """A (mostly in XT01, recorded 2020) and B (mostly in XT02, recorded 2021) sharing 5,000 m²."""
    make = hazard_services.create_hazard
    a = make(geometry=rect(0, 0, 100, 100), hazard_class="SHA", contamination_type="ap_mines",
             recorded_on=dt.date(2020, 3, 1), user=user)  # fmt: skip
    b = make(geometry=rect(50, 0, 150, 100), hazard_class="CHA", contamination_type="ap_mines",
             recorded_on=dt.date(2021, 3, 1), user=user)  # fmt: skip
    assert (a.country, a.province.code, b.province.code) == (COUNTRY, "XT01", "XT02")
    return a, b


def ledger_of(hazard) -> HazardLedger:
    return HazardLedger.objects.get(hazard=hazard)


def test_stored_figures_and_every_grouping_add_up_to_the_union(overlapping):
    a, b = overlapping
    assert ledger_of(a).estimated_overlap_m2 == 0.0
    assert ledger_of(b).estimated_overlap_m2 == pytest.approx(5_000, rel=1e-6)
    assert ledger_of(b).remaining_overlap_m2 == pytest.approx(5_000, rel=1e-6)
    assert ledger_store.verify() == []

    (country,) = ledger_queries.summary("country", country=COUNTRY)
    assert country["estimated_m2"] == pytest.approx(20_000, rel=1e-6)
    assert country["estimated_unique_m2"] == pytest.approx(15_000, rel=1e-6)
    assert country["estimated_overlap_m2"] == pytest.approx(5_000, rel=1e-6)
    assert country["remaining_m2"] == pytest.approx(20_000, rel=1e-6)
    assert country["remaining_unique_m2"] == pytest.approx(15_000, rel=1e-6)
    assert country["remaining_overlap_m2"] == pytest.approx(5_000, rel=1e-6)
    for group_by in ("province", "class", "type", "reporting_organisation"):
        groups = ledger_queries.summary(group_by, country=COUNTRY)
        for key in ("estimated", "remaining"):
            assert sum(g[f"{key}_unique_m2"] for g in groups) == pytest.approx(country[f"{key}_unique_m2"], rel=1e-9)
            assert sum(g[f"{key}_m2"] for g in groups) == pytest.approx(country[f"{key}_m2"], rel=1e-9)
    provinces = {g["group"]: g for g in ledger_queries.summary("province", country=COUNTRY)}
    assert provinces["XT01"]["estimated_unique_m2"] == pytest.approx(10_000, rel=1e-6)  # recorded first: all of it
    assert provinces["XT02"]["estimated_unique_m2"] == pytest.approx(5_000, rel=1e-6)
    classes = {g["group"]: g for g in ledger_queries.summary("class", country=COUNTRY)}
    assert classes["CHA"]["remaining_cha_m2"] == pytest.approx(10_000, rel=1e-6)
    assert classes["CHA"]["remaining_cha_unique_m2"] == pytest.approx(5_000, rel=1e-6)
    years = {g["group"]: g for g in ledger_queries.summary("year", country=COUNTRY)}
    assert years["2020"]["new_contamination_unique_m2"] == pytest.approx(10_000, rel=1e-6)
    assert years["2021"]["new_contamination_m2"] == pytest.approx(10_000, rel=1e-6)
    assert years["2021"]["new_contamination_unique_m2"] == pytest.approx(5_000, rel=1e-6)
    assert years["2021"]["new_contamination_overlap_m2"] == pytest.approx(5_000, rel=1e-6)
    # The national figures (no country filter) hold this country's group with the same numbers.
    national = {g["group"]: g for g in ledger_queries.summary("country")}
    assert national[COUNTRY]["estimated_unique_m2"] == pytest.approx(15_000, rel=1e-6)


def test_a_release_on_the_earlier_hazard_changes_the_later_ones_remaining_overlap(overlapping, organisation):
    from safeground.operations.models import Activity

    a, b = overlapping
    activity = Activity.objects.create(
        code="XT-CLR-1", activity_type="clearance", organisation=organisation, methods=["manual"],
        reference_point=a.geom.centroid, country=COUNTRY, start_date=dt.date(2022, 1, 1),
    )  # fmt: skip
    # Clear x 60–100 of A: ground both hazards hold, so B's remaining loses it too.
    product = product_services.create_product(
        activity=activity.code, hazard=a.code, outcome="cleared", geometry=rect(60, 0, 100, 100),
        released_on=dt.date(2022, 6, 1), clearance_depth_cm=20,
    )  # fmt: skip
    assert ledger_of(a).remaining_m2 == pytest.approx(6_000, rel=1e-6)
    assert ledger_of(b).remaining_m2 == pytest.approx(6_000, rel=1e-6)
    assert ledger_of(b).estimated_overlap_m2 == pytest.approx(5_000, rel=1e-6)  # the polygons did not move
    assert ledger_of(b).remaining_overlap_m2 == pytest.approx(1_000, rel=1e-6)  # x 50–60 is all they still share
    assert ledger_store.verify() == []
    (country,) = ledger_queries.summary("country", country=COUNTRY)
    assert country["remaining_unique_m2"] == pytest.approx(150 * 100 - 40 * 100, rel=1e-6)

    # Move the product off the shared ground: the later hazard's figure follows.
    product_services.update_product(product, geometry=rect(0, 0, 40, 100))
    assert ledger_of(b).remaining_overlap_m2 == pytest.approx(5_000, rel=1e-6)
    assert ledger_store.verify() == []

    # Record A after B: the credit for the shared ground moves to B.
    hazard_services.update_hazard(a, recorded_on=dt.date(2023, 1, 1))
    assert ledger_of(b).estimated_overlap_m2 == 0.0 and ledger_of(b).remaining_overlap_m2 == 0.0
    assert ledger_of(a).estimated_overlap_m2 == pytest.approx(5_000, rel=1e-6)
    assert ledger_of(a).remaining_overlap_m2 == pytest.approx(5_000, rel=1e-6)
    assert ledger_store.verify() == []

    # Move B away: nothing is shared any more.
    hazard_services.update_hazard(b, geometry=rect(300, 0, 400, 100))
    assert ledger_of(a).estimated_overlap_m2 == 0.0 and ledger_of(a).remaining_overlap_m2 == 0.0
    assert ledger_store.verify() == []


def test_verify_reports_a_tampered_overlap_and_recompute_repairs_it(overlapping):
    _a, b = overlapping
    HazardLedger.objects.filter(hazard=b).update(remaining_overlap_m2=0.0)
    (problem,) = ledger_store.verify()
    head, recomputed = problem.rsplit(" ", 1)
    assert head == f"{b.code}: remaining_overlap_m2 stored 0.0, recomputed"
    assert float(recomputed) == pytest.approx(5_000, rel=1e-6)
    ledger_store.recompute_all()
    assert ledger_store.verify() == []
    assert ledger_of(b).remaining_overlap_m2 == pytest.approx(5_000, rel=1e-6)


def test_nearly_coincident_edges_do_not_invent_shared_ground():
    """Two remaining geometries GEOS intersects wrongly in lon/lat (10,755 m²); in metres they share 0.003 m²."""
    import json
    from pathlib import Path

    from safeground.core.geometry import project

    pair = json.loads((Path(__file__).parent / "data" / "sliver_pair.json").read_text())
    earlier, later = shapely.from_wkt(pair["earlier"]), shapely.from_wkt(pair["later"])
    kept = float(shapely.area(project(later.difference(earlier), 32648)))
    assert float(shapely.area(project(later, 32648))) - kept < 1.0  # the earlier one covers (almost) nothing of it
    before = counted_before(["E", "L"], [earlier, later], [(1,), (2,)], [32648, 32648])
    assert before["E"] == 0.0 and before["L"] < 1.0


def test_ledger_page_shows_the_counted_once_figures_and_the_shared_ground(overlapping, client_for):
    import re

    html = client_for("viewer").get("/ledger/?by=province").content.decode()
    assert "Estimated, counted once" in html and "Remaining, counted once" in html
    row = re.search(r'<tr data-group="XT02">(.*?)</tr>', html, re.S)[1]
    # Estimated 1.00 ha summed; counted once 0.50 ha, 0.50 ha shared with XT01's earlier hazard.
    cell = r'class="num unique"[^>]*>([^<]*)<br><span class="muted small overlap">− ([^<]*)</span>'
    assert re.findall(cell, row) == [("0.50", "0.50"), ("0.50", "0.50")]
    first = re.search(r'<tr data-group="XT01">(.*?)</tr>', html, re.S)[1]
    assert 'class="muted small overlap"' not in first  # the earlier hazard shares nothing already counted
