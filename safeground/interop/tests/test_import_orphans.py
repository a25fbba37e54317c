"""`--orphans`: a cleared area whose hazard never survived in the records (most of a real national
layer of cleared polygons) is refused by default, kept outside every hazard, or given a closed hazard
rebuilt from its footprint."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from django.core.management import call_command

from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards.models import Hazard
from safeground.hazards.services import create_hazard
from safeground.interop.services import ImportFailed, import_file
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.models import Product
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleared(tmp_path):
    """Three cleared polygons: one inside a recorded hazard, two where no hazard was ever recorded."""
    build_testland()
    org = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    Activity.objects.create(
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
    create_hazard(
        geometry=shapely.box(-19.9, -29.9, -19.8, -29.8),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2019, 1, 1),
    )
    path = tmp_path / "cleared.csv"
    rows = [
        "POLYGON((-19.89 -29.89,-19.85 -29.89,-19.85 -29.85,-19.89 -29.85,-19.89 -29.89))",
        "POLYGON((-19.5 -29.5,-19.45 -29.5,-19.45 -29.45,-19.5 -29.45,-19.5 -29.5))",
        "POLYGON((-19.3 -29.3,-19.25 -29.3,-19.25 -29.25,-19.3 -29.25,-19.3 -29.3))",
    ]
    lines = ["WKT;outcome;activity_code;released_on;clearance_depth_cm"]
    lines += [f"{wkt};cleared;XTL-CLR-1;2020-05-0{k + 1};20" for k, wkt in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_products_that_overlap_no_hazard_are_refused_by_default(cleared):
    result = import_file(cleared, "products")
    assert [(e.row, e.field, e.kind) for e in result.errors] == [
        (2, "hazard_code", "orphan"),
        (3, "hazard_code", "orphan"),
    ]
    assert "--orphans outside or historical-hazard" in result.errors[0].reason
    assert not Product.objects.exists() and Hazard.objects.count() == 1


def test_historical_hazards_are_rebuilt_from_the_footprints(cleared, user):
    result = import_file(cleared, "products", orphans="historical-hazard", user=user)
    assert result.ok and result.written == 3, result.errors
    assert any("2 closed hazard(s) reconstructed" in note for note in result.notes)
    rebuilt = Hazard.objects.filter(is_reconstructed=True).order_by("recorded_on")
    assert rebuilt.count() == 2
    first = rebuilt[0]
    assert (first.status, first.hazard_class, first.country) == ("closed", "CHA", ISO3)
    assert first.recorded_on == dt.date(2020, 5, 2) and first.source_attributes == {
        "reconstructed_from": "cleared.csv row 2"
    }
    product = Product.objects.get(hazard=first)
    assert product.outcome == "cleared" and product.hazard.geom.equals_exact(product.geom, 1e-9)
    assert Hazard.objects.filter(is_reconstructed=False).count() == 1  # the recorded one took the first product


def test_a_dry_run_writes_no_reconstructed_hazard_and_unknown_policies_are_refused(cleared):
    result = import_file(cleared, "products", orphans="historical-hazard", dry_run=True)
    assert result.ok and not Product.objects.exists() and Hazard.objects.count() == 1
    with pytest.raises(ImportFailed, match="unknown orphans guess"):
        import_file(cleared, "products", orphans="guess")


def test_outside_keeps_them_with_no_hazard_and_the_ledger_counts_them_apart(cleared, user):
    result = import_file(cleared, "products", orphans="outside", user=user)
    assert result.ok and result.written == 3, result.errors
    assert any("2 product(s) overlap no hazard and were kept outside every hazard" in n for n in result.notes)
    kept = list(Product.objects.filter(hazard__isnull=True).order_by("released_on"))
    assert [p.released_on.day for p in kept] == [2, 3] and Hazard.objects.count() == 1  # no hazard invented
    figures = ledger_queries.outside_hazards(ISO3)
    assert figures["products"] == 2 and figures["cleared_m2"] == pytest.approx(sum(p.area_m2 for p in kept))
    inside = Product.objects.get(hazard__isnull=False)
    assert inside.hazard.ledger.cleared_m2 == pytest.approx(inside.area_m2)


def test_outside_from_the_command_line_and_the_import_page(cleared, client_for, capsys):
    call_command("import", str(cleared), "--kind", "products", "--orphans", "outside", "--no-progress")
    assert Product.objects.filter(hazard__isnull=True).count() == 2
    call_command("ledger", "--by", "country", "--json-lines")
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert '"outside_hazards_products": 2' in line
    Product.objects.all().delete()
    im = client_for("im_officer")
    with cleared.open("rb") as f:
        response = im.post("/interop/", {"file": f, "kind": "products", "orphans": "outside"})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Product.objects.filter(hazard__isnull=True).count() == 2
    assert 'value="outside" selected' in response.content.decode()
