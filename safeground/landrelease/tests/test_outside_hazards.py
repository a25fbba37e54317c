"""Products filed under no hazard: ground released outside every recorded hazard (`--orphans outside`).

The services keep them honest (a product with no hazard must overlap none), the ledger counts their
ground apart from the hazards' figures, and every read (API, pages, export, quality checks) shows them.
"""

from __future__ import annotations

import datetime as dt

import pyogrio
import pytest
import shapely

from safeground.core.errors import BulkValidationFailed, ValidationFailed
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards.services import create_hazard
from safeground.interop.exporter import export
from safeground.landrelease import services
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import HazardLedger, Product
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation
from safeground.quality import queries as quality

pytestmark = pytest.mark.django_db

HAZARD_BOX = (-19.9, -29.9, -19.8, -29.8)
OUTSIDE_BOX = (-19.5, -29.5, -19.49, -29.49)  # about 0.97 km × 1.1 km, far from the hazard


@pytest.fixture
def testland():
    """Testland with an operator's clearance activity and one recorded hazard."""
    build_testland()
    org = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    activity = Activity.objects.create(
        code="XTL-CLR-1",
        activity_type="clearance",
        organisation=org,
        methods=["manual"],
        reference_point="POINT(-19.5 -29.5)",
        country=ISO3,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 6, 1),
        status="completed",
    )
    hazard = create_hazard(
        geometry=shapely.box(*HAZARD_BOX),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2019, 1, 1),
    )
    return activity, hazard


def _outside(activity, box=OUTSIDE_BOX, outcome="cleared", **extra):
    return services.create_product(
        activity=activity.code,
        hazard=None,
        outcome=outcome,
        geometry=shapely.box(*box),
        released_on=dt.date(2020, 5, 1),
        clearance_depth_cm=20 if outcome == "cleared" else None,
        **extra,
    )


def test_a_product_with_no_hazard_is_kept_and_counted_apart(testland, user):
    activity, hazard = testland
    product = _outside(activity, user=user)
    assert product.hazard is None and product.code == "XTL-CLR-1-LR-001"
    assert product.area_m2 == pytest.approx(shapely.box(*OUTSIDE_BOX).area * 111_320**2 * 0.87, rel=0.1)
    # Apart from the hazards' figures: the hazard's ledger and the release credits are untouched …
    assert HazardLedger.objects.get(hazard=hazard).cleared_m2 == 0
    assert not product.releases.exists()
    # … and the national figures say how much ground was released outside every hazard.
    assert ledger_queries.outside_hazards(ISO3) == {
        "products": 1,
        "cancelled_m2": 0.0,
        "reduced_m2": 0.0,
        "cleared_m2": pytest.approx(product.area_m2),
        "released_m2": pytest.approx(product.area_m2),
    }
    (by_country,) = ledger_queries.summary("country", ISO3)
    assert by_country["outside_hazards_products"] == 1
    assert by_country["outside_hazards_m2"] == pytest.approx(product.area_m2)
    assert by_country["cleared_m2"] == 0  # the hazards' figure
    by_year = {r["group"]: r for r in ledger_queries.summary("year", ISO3)}
    assert by_year["2020"]["outside_hazards_m2"] == pytest.approx(product.area_m2)
    assert by_year["2020"]["released_m2"] == 0 and by_year["2020"]["products"] == 0
    by_org = {r["group"]: r for r in ledger_queries.summary("organisation", ISO3)}
    assert by_org["TDO"]["outside_hazards_products"] == 1
    assert ledger_store.verify() == []
    # Another country's figures hold none of it.
    assert ledger_queries.outside_hazards("XXX")["products"] == 0


def test_a_product_with_no_hazard_that_overlaps_one_is_refused(testland):
    activity, hazard = testland
    inside = (-19.85, -29.85, -19.84, -29.84)
    with pytest.raises(ValidationFailed, match=f"overlaps {hazard.code}; give its hazard") as exc:
        _outside(activity, box=inside)
    assert exc.value.field == "hazard"
    # The bulk service says the same, naming the row; nothing is written.
    checked = services.check_products(
        {
            "activity_code": [activity.code, activity.code],
            "hazard_code": [None, None],
            "outcome": ["reduced", "reduced"],
            "geom": [shapely.box(*OUTSIDE_BOX), shapely.box(*inside)],
            "released_on": [dt.date(2020, 5, 1)] * 2,
        }
    )
    assert [(e.row, e.field) for e in checked.errors] == [(2, "hazard_code")]
    assert hazard.code in checked.errors[0].reason
    with pytest.raises(BulkValidationFailed):
        services.bulk_create_products(checked)
    assert not Product.objects.exists()


def test_its_geometry_cannot_be_moved_into_a_hazard(testland):
    activity, hazard = testland
    product = _outside(activity)
    with pytest.raises(ValidationFailed, match=hazard.code):
        services.update_product(product, geometry=shapely.box(-19.86, -29.86, -19.84, -29.84))
    product.refresh_from_db()
    assert product.geom.extent == pytest.approx(OUTSIDE_BOX)
    moved = services.update_product(product, geometry=shapely.box(-19.4, -29.4, -19.39, -29.39), outcome="reduced")
    assert moved.outcome == "reduced" and ledger_queries.outside_hazards()["reduced_m2"] == pytest.approx(moved.area_m2)


def test_bulk_products_with_no_hazard_are_numbered_on_their_activity(testland):
    activity, _hazard = testland
    result = services.bulk_create_products(
        {
            "activity_code": [activity.code, activity.code],
            "outcome": ["cancelled", "reduced"],
            "geom": [shapely.box(*OUTSIDE_BOX), shapely.box(-19.3, -29.3, -19.29, -29.29)],
            "released_on": [dt.date(2020, 5, 1)] * 2,
        }
    )
    assert result.codes == ["XTL-CLR-1-LR-001", "XTL-CLR-1-LR-002"]
    assert ledger_queries.outside_hazards(ISO3)["products"] == 2


def test_devices_on_it_are_recorded_and_counted(testland):
    activity, _hazard = testland
    product = _outside(activity)
    (device,) = services.record_devices(
        product, [{"point": shapely.Point(-19.495, -29.495), "category": "ap_mine", "disposal": "destroyed_in_situ"}]
    )
    assert device.activity == activity and device.code == f"{product.code}-EO-001"
    by_year = {r["group"]: r for r in ledger_queries.summary("year", ISO3)}
    assert by_year["2020"]["devices"]["area_clearance"] == {"ap_mine": 1}


def test_a_hazard_recorded_over_it_later_is_credited_and_the_check_says_so(testland):
    activity, _hazard = testland
    product = _outside(activity)
    later = create_hazard(
        geometry=shapely.box(-19.6, -29.6, -19.495, -29.4),
        hazard_class="SHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2021, 1, 1),
    )
    ledger = HazardLedger.objects.get(hazard=later)
    assert ledger.cleared_m2 == pytest.approx(product.releases.get().released_m2) and ledger.cleared_m2 > 0
    report = quality.run(country=ISO3, only=["product-without-hazard-overlaps", "product-outside-hazard"])
    assert [(f.check, f.code, f.related) for f in report.findings] == [
        ("product-without-hazard-overlaps", product.code, [later.code])
    ]
    assert report.findings[0].country == ISO3


def test_api_pages_and_export_show_it(testland, api, client_for, tmp_path):
    activity, hazard = testland
    response = api.post(
        "/api/v1/products",
        {
            "activity": activity.code,
            "outcome": "cleared",
            "clearance_depth_cm": 20,
            "released_on": "2020-05-01",
            "geometry": shapely.geometry.mapping(shapely.box(*OUTSIDE_BOX)),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["hazard_code"] is None and props["country"] == ISO3
    refused = api.post(
        "/api/v1/products",
        {
            "activity": activity.code,
            "outcome": "reduced",
            "released_on": "2020-05-01",
            "geometry": shapely.geometry.mapping(shapely.box(-19.86, -29.86, -19.84, -29.84)),
        },
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["field"] == "hazard"
    assert hazard.code in refused.json()["detail"] and Product.objects.count() == 1
    listed = api.get(f"/api/v1/products?country={ISO3}&outside_hazards=true").json()
    assert [f["id"] for f in listed["features"]] == [props["code"]]
    assert api.get("/api/v1/products?outside_hazards=false").json()["features"] == []
    summary = api.get(f"/api/v1/ledger/summary?group_by=country&country={ISO3}").json()["groups"]
    assert summary[0]["outside_hazards_products"] == 1

    viewer = client_for("viewer")
    page = viewer.get(f"/products/{props['code']}/").content.decode()
    assert 'id="outside-hazards"' in page and "released outside every hazard" in page
    listing = viewer.get(f"/products/?country={ISO3}").content.decode()
    assert props["code"] in listing and "outside every hazard" in listing
    ledger_page = viewer.get("/ledger/?by=year").content.decode()
    assert 'id="released-outside"' in ledger_page and 'data-outside-products="1"' in ledger_page
    assert viewer.get(f"/activities/{activity.code}/").status_code == 200

    out = tmp_path / "out.gpkg"
    export("gpkg", out, ["products"])
    table = pyogrio.raw.read(out, layer="products")
    names = list(table[0]["fields"])
    values = {name: table[3][names.index(name)][0] for name in ("code", "hazard_code", "country")}
    assert values == {"code": props["code"], "hazard_code": None, "country": ISO3}
