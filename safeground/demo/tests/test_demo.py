"""The synthetic demo dataset: placed on the real geography, measured right, consistent, deterministic.

One `tiny` build (seed 1) is shared by the module inside an outer transaction that is rolled back at the
end; each test runs in a savepoint of it, so the rebuild test can't disturb the others.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from pyproj import Transformer

from safeground.core.history import history_entries
from safeground.core.models import Batch
from safeground.demo import generator
from safeground.gazetteer.queries import check_inside_country
from safeground.hazards.models import Evidence, Hazard
from safeground.landrelease.models import Device, Product
from safeground.operations import services as operation_services
from safeground.operations.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            result = generator.build("tiny", 1)
            yield result, digest()
            transaction.set_rollback(True)


def shp(geom) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geom.wkb))


def digest() -> str:
    """(code, WKB hex, area) of every synthetic hazard, product and device, in code order."""
    h = hashlib.sha256()
    for model, field in ((Hazard, "geom"), (Product, "geom"), (Device, "point")):
        for code, geom, area in (
            model.objects.filter(is_synthetic=True)
            .order_by("code")
            .values_list("code", field, "area_m2" if model is not Device else "count")
        ):
            h.update(f"{code}|{geom.wkb.hex()}|{area!r}\n".encode())
    return h.hexdigest()


def utm_area(geom: shapely.Geometry, epsg: int | None = None) -> tuple[float, int]:
    """Independent check: area in the WGS 84 / UTM zone of the centroid (or `epsg`), from scratch."""
    if geom.is_empty:
        return 0.0, epsg
    if epsg is None:
        c = geom.centroid
        epsg = (32600 if c.y >= 0 else 32700) + int(math.floor((c.x + 180) / 6)) + 1
    t = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1]))).area, epsg


def test_counts_in_both_countries(tiny):
    result, _ = tiny
    n = Hazard.objects.filter(is_synthetic=True).count()
    assert 180 <= n <= 220
    by_country = dict(Hazard.objects.filter(is_synthetic=True).values_list("country").annotate(n=Count("id")))
    assert set(by_country) == {"KHM", "AZE"}
    assert 0.5 < by_country["KHM"] / n < 0.7
    assert result.counts["hazards"] == n
    assert result.short == 0
    for model in (Activity, Product, Device, Evidence):
        assert model.objects.exists()
    assert set(Hazard.objects.filter(is_synthetic=True).values_list("hazard_class", flat=True)) == {"SHA", "CHA"}
    assert {"closed", "open"} <= set(Hazard.objects.values_list("status", flat=True))


def test_every_hazard_inside_its_country_with_a_province(tiny):
    for h in Hazard.objects.filter(is_synthetic=True):
        geom = shp(h.geom)
        assert geom.is_valid, h.code
        check_inside_country(geom, h.country, h.code)
        assert h.province_id is not None, h.code
        assert h.code.startswith(h.province.code + "-HAZ-")
        assert not shapely.intersects(geom, shp(h.benchmark)), f"{h.code}: benchmark inside the hazard"
    khm = Hazard.objects.filter(is_synthetic=True, country="KHM")
    assert khm.filter(district__isnull=False, commune__isnull=False).count() == khm.count()


def test_area_is_the_utm_area_of_the_stored_geometry(tiny):
    zones = {"KHM": set(), "AZE": set()}
    for h in Hazard.objects.filter(is_synthetic=True):
        expected, epsg = utm_area(shp(h.geom))
        assert h.area_m2 == pytest.approx(expected, rel=1e-4), h.code
        assert h.utm_epsg == epsg, h.code
        zones[h.country].add(epsg)
    assert zones["KHM"] == {32648}
    assert {32638, 32639} <= zones["AZE"], "Azerbaijani hazards on both sides of 48°E"


def test_no_two_hazards_overlap(tiny):
    geoms = np.array([shp(g) for g in Hazard.objects.filter(is_synthetic=True).values_list("geom", flat=True)])
    pairs = shapely.STRtree(geoms).query(geoms, predicate="overlaps")
    assert pairs.shape[1] == 0


def test_products_partition_part_of_their_hazard(tiny):
    by_hazard: dict[str, list] = {}
    for p in Product.objects.filter(is_synthetic=True).select_related("hazard", "activity"):
        geom, hazard = shp(p.geom), shp(p.hazard.geom)
        assert geom.is_valid, p.code
        assert p.code.startswith(p.hazard.code + "-LR-")
        outside, _ = utm_area(geom.difference(hazard), p.hazard.utm_epsg)
        assert outside < 1.0, f"{p.code}: {outside:.2f} m² outside its hazard"
        assert p.area_m2 == pytest.approx(utm_area(geom)[0], rel=1e-9), p.code
        assert p.activity.start_date <= p.released_on
        assert p.hazard.recorded_on <= p.activity.start_date
        if p.outcome == "cleared":
            assert p.clearance_depth_cm is not None and 10 <= p.clearance_depth_cm <= 30, p.code
        by_hazard.setdefault(p.hazard.code, []).append((p, geom))
    assert {"cancelled", "reduced", "cleared"} == set(Product.objects.values_list("outcome", flat=True))
    for code, items in by_hazard.items():
        hazard = Hazard.objects.get(code=code)
        released = sum(p.area_m2 for p, _ in items)
        # Cut points add vertices on the hazard's edges; projected vertex by vertex, those follow the
        # (slightly curved in UTM) lon/lat edge more closely, so pieces may add up to a few ppm more.
        assert released <= hazard.area_m2 * (1 + 1e-4), code
        union = shapely.union_all([g for _, g in items])
        assert utm_area(union)[0] == pytest.approx(released, rel=1e-6), f"{code}: products overlap"
        if hazard.status in ("closed", "handed_over"):
            assert released == pytest.approx(hazard.area_m2, rel=1e-3), code
    off = [p for p in Product.objects.filter(reported_area_m2__isnull=False)]
    assert off, "some products carry an operator-reported area"


def test_devices_inside_their_product_on_activity_dates(tiny):
    devices = Device.objects.filter(is_synthetic=True).select_related("product", "activity")
    assert devices.filter(product__isnull=False).exists()
    assert devices.filter(product__isnull=True, activity__activity_type="eod").exists()
    for d in devices:
        point = shp(d.point)
        if d.product_id:
            assert shapely.intersects(shp(d.product.geom), point), d.code
            assert d.product.outcome in ("cleared", "reduced")
            assert d.found_on <= d.product.released_on
        assert d.activity.start_date <= d.found_on
        assert d.activity.end_date is None or d.found_on <= d.activity.end_date
        assert d.count >= 1
    assert devices.filter(category="submunition", count__gt=1).exists(), "grouped submunition finds"
    assert devices.filter(model__isnull=False).exists()


def test_eod_spot_task_devices_belong_to_their_activity_only(tiny):
    """Spot-task finds have an EOD activity and no product; finds with a product lie inside it."""
    devices = Device.objects.filter(is_synthetic=True)
    assert 5_000 <= devices.count() <= 10_000, "tiny holds 5-10k device records"
    no_product = devices.filter(product__isnull=True)
    assert no_product.count() > devices.count() / 3, "most device records come from spot tasks"
    assert not no_product.exclude(activity__activity_type="eod").exists()
    assert not devices.filter(activity__activity_type="eod", product__isnull=False).exists()
    eod = Activity.objects.filter(is_synthetic=True, activity_type="eod")
    assert not eod.filter(hazards__isnull=False).exists(), "spot tasks are not linked to a hazard"
    assert not eod.exclude(methods=["eod"]).exists()
    assert eod.filter(teams__kind="eod").distinct().count() == eod.count()
    for a in eod.filter(country="KHM").order_by("code")[:200]:
        check_inside_country(shp(a.reference_point), a.country, a.code)
    rows = list(no_product.values_list("code", "activity__code", "category", "count"))
    assert all(code.startswith(f"{act}-EO-") and len(code) <= 40 for code, act, _c, _n in rows)
    categories = {c for _code, _a, c, _n in rows}
    assert {"uxo", "axo", "ap_mine", "submunition"} <= categories
    assert max(n for *_rest, n in rows) >= 10, "caches and collections: grouped counts"
    # Finds with a product: strictly inside it (vectorised over all of them).
    found = list(devices.filter(product__isnull=False).values_list("point", "product__geom"))
    points = np.array([shp(p) for p, _g in found])
    products = np.array([shp(g) for _p, g in found])
    assert shapely.contains(products, points).all()
    # Cleared areas of UXO/CMR hazards yield ERW in battle area clearance.
    assert devices.filter(activity__activity_type="bac", category__in=["uxo", "submunition", "axo"]).exists()


def test_cha_have_direct_evidence_inside(tiny):
    for h in Hazard.objects.filter(is_synthetic=True, hazard_class="CHA").prefetch_related("evidence"):
        direct = [e for e in h.evidence.all() if e.kind == "direct"]
        assert direct, h.code
        assert shapely.intersects(shp(h.geom), shp(direct[0].point)), h.code
    for h in Hazard.objects.filter(is_synthetic=True, hazard_class="SHA").prefetch_related("evidence"):
        assert {e.kind for e in h.evidence.all()} == {"indirect"}, h.code


def test_created_history_rows(tiny):
    """Hazards, activities, products and devices are written by their bulk services: batches stamped on
    every row and no per-row history (decision 0015); the "created" entry comes from the batch."""
    for model, kind in ((Hazard, "hazards"), (Activity, "activities"), (Product, "products"), (Device, "devices")):
        batches = Batch.objects.filter(kind=kind, source__startswith=generator.BATCH_SOURCE)
        rows = model.objects.filter(is_synthetic=True)
        assert sum(b.rows for b in batches) == rows.count() == rows.filter(batch__in=batches).count() > 0
        assert not model.history.filter(is_synthetic=True).exists()
    entries = history_entries(Hazard.objects.filter(is_synthetic=True).first())
    assert [e["history_type"] for e in entries] == ["created"] and entries[0]["batch"]["kind"] == "hazards"


def test_planned_and_ongoing_activities_pass_the_accreditation_gate(tiny):
    """The demo writes activities with the gate deferred (its accreditations are generated from them); once
    the whole demo is built, every planned or ongoing one passes the gate the single write applies."""
    from safeground.demo import dependents

    dependents.build(1, "tiny", report=lambda message: None)
    gated = list(
        Activity.objects.filter(is_synthetic=True, status__in=operation_services.GATED_STATUSES).prefetch_related(
            "teams"
        )
    )
    assert gated
    errors = operation_services.accreditation_errors(
        [a.organisation_id for a in gated],
        [a.methods for a in gated],
        [a.start_date for a in gated],
        [[t.id for t in a.teams.all()] for a in gated],
        list(range(len(gated))),
    )
    assert errors == []


def test_same_seed_same_rows_other_seed_differs(tiny):
    _, first = tiny
    generator.build("tiny", 1)
    assert digest() == first
    assert not Hazard.history.exists(), "a rebuild leaves no stale history"
    assert Batch.objects.filter(kind="hazards").count() == 1, "a rebuild replaces its batches"
    generator.build("tiny", 2)
    assert digest() != first


def test_demo_command_builds_and_creates_the_admin(django_user_model, capsys):
    call_command("demo", "--scale", "tiny", "--seed", "3", "--no-serve")
    out = capsys.readouterr().out
    assert "Synthetic dataset ready (tiny, seed 3)" in out
    assert "KHM:" in out and "AZE:" in out
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("safeground-demo")
