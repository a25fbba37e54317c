"""`--on-error quarantine`: valid rows written, bad rows held with their causes, fixed or discarded later."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyogrio.raw import write as ogr_write

from safeground.core.errors import StaleVersion
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards.models import Hazard
from safeground.interop import quarantine
from safeground.interop.models import QuarantinedRow
from safeground.interop.services import ImportFailed, import_file

pytestmark = pytest.mark.django_db


def square(x: float, y: float, d: float = 0.01):
    return shapely.box(x, y, x + d, y + d)


def bowtie(x: float, y: float, d: float = 0.01):
    return shapely.Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d)])


def hazards_file(path, geoms, **overrides) -> str:
    n = len(geoms)
    fields = {
        "name": [f"Campo {k}" for k in range(n)],
        "hazard_class": ["SHA"] * n,
        "contamination_type": ["ap_mines"] * n,
        "recorded_on": ["2024-03-01"] * n,
        **overrides,
    }
    ogr_write(
        str(path),
        np.array([None if g is None else shapely.to_wkb(g) for g in geoms], dtype=object),
        [np.array(v, dtype=object) for v in fields.values()],
        list(fields),
        geometry_type="Unknown",
        crs="EPSG:4326",
    )
    return str(path)


@pytest.fixture
def messy(tmp_path):
    """Eight rows: four good, then a null, an empty, a self-intersecting and an outside geometry."""
    build_testland()
    good = [square(-19.9 + 0.1 * k, -29.9) for k in range(4)]
    faults = [None, shapely.Polygon(), bowtie(-19.5, -29.5), square(-21.5, -29.5)]
    return hazards_file(tmp_path / "messy.gpkg", good + faults)


def test_all_or_nothing_stays_the_default(messy):
    result = import_file(messy, "hazards")
    assert not result.ok and result.written == 0 and result.quarantined == 0
    assert {e.row for e in result.errors} == {5, 6, 7, 8}
    assert not Hazard.objects.exists() and not QuarantinedRow.objects.exists()


def test_quarantine_writes_the_good_rows_and_holds_the_others_per_cause(messy, user):
    result = import_file(messy, "hazards", on_error="quarantine", user=user)
    assert result.ok and result.written == 4 and result.quarantined == 4
    assert result.quarantine_causes == {
        "geometry: Self-intersection": 1,
        "geometry: empty": 1,
        "geometry: no geometry": 1,
        "geometry: outside country": 1,
    }
    assert Hazard.objects.filter(country=ISO3).count() == 4
    held = {r.row: r for r in QuarantinedRow.objects.filter(import_id=result.import_id)}
    assert sorted(held) == [5, 6, 7, 8]  # nothing lost: 4 written + 4 held = 8 rows
    assert held[5].geometry == "" and held[6].geometry == "POLYGON EMPTY"
    assert shapely.from_wkt(held[7].geometry).equals(bowtie(-19.5, -29.5))
    assert held[8].attributes["name"] == "Campo 7" and held[8].attributes["recorded_on"] == "2024-03-01"
    assert "lon -21" in held[8].errors[0]["reason"]  # the position is named
    assert {r.status for r in held.values()} == {"held"} and held[5].created_by == user


def test_a_dry_run_counts_but_holds_nothing(messy):
    result = import_file(messy, "hazards", on_error="quarantine", dry_run=True)
    assert result.quarantined == 4 and result.written == 0
    assert not Hazard.objects.exists() and not QuarantinedRow.objects.exists()


def test_a_repeated_code_holds_the_repeat_even_when_the_first_is_held_too(tmp_path):
    """Which of two rows is right is the officer's call: row 1 (no geometry) and its repeat both wait."""
    build_testland()
    path = hazards_file(
        tmp_path / "dup.gpkg",
        [None, square(-19.9, -29.9), square(-19.8, -29.9), square(-19.7, -29.9)],
        code=["XTL-A", "XTL-A", "XTL-B", "XTL-B"],
    )
    result = import_file(path, "hazards", on_error="quarantine")
    assert result.quarantine_causes == {"code: duplicate": 2, "geometry: no geometry": 1}
    assert list(Hazard.objects.values_list("code", flat=True)) == ["XTL-B"]
    held = QuarantinedRow.objects.get(row=2)
    assert held.errors[0]["reason"] == "duplicate code (also on row 1)"


def test_a_fixed_row_is_written_and_its_history_names_the_file_and_row(messy, user, client_for):
    result = import_file(messy, "hazards", on_error="quarantine")
    row = QuarantinedRow.objects.get(import_id=result.import_id, row=7)  # the bow-tie

    # A fix that still fails keeps the edit, writes nothing and says why.
    still_bad, errors = quarantine.resubmit(
        row.pk, attributes={**row.attributes, "hazard_class": "XYZ"}, geometry=row.geometry, user=user
    )
    assert still_bad.status == "held" and still_bad.attributes["hazard_class"] == "XYZ"
    assert {e.field for e in errors} == {"hazard_class", "geometry"} and Hazard.objects.count() == 4
    with pytest.raises(StaleVersion):
        quarantine.resubmit(row.pk, attributes=row.attributes, geometry=row.geometry, user=user, expected_version=1)

    fixed = shapely.to_wkt(square(-19.5, -29.5))
    done, errors = quarantine.resubmit(
        row.pk, attributes={**row.attributes, "hazard_class": "CHA"}, geometry=fixed, user=user, expected_version=2
    )
    assert errors == [] and done.status == "approved" and done.resolved_by == user
    hazard = Hazard.objects.get(code=done.result_code)
    assert hazard.hazard_class == "CHA" and hazard.country == ISO3 and hazard.name == "Campo 6"
    assert hazard.batch.source == "messy.gpkg, row 7 (quarantine)"
    assert hazard.batch.reason == f"fixed in quarantine by {user.username}"
    page = client_for("im_officer").get(f"/hazards/{hazard.code}/").content.decode()
    assert "messy.gpkg, row 7 (quarantine)" in page
    with pytest.raises(quarantine.QuarantineRefused):
        quarantine.discard(row.pk, user=user)


def test_a_discarded_row_stays_with_its_status(messy, user):
    result = import_file(messy, "hazards", on_error="quarantine")
    row = QuarantinedRow.objects.get(import_id=result.import_id, row=5)
    quarantine.discard(row.pk, user=user, reason="a test feature")
    row.refresh_from_db()
    assert row.status == "discarded" and row.version == 2
    assert row.history.first().history_change_reason == "a test feature"


def test_repair_counts_each_kind_and_records_it_in_the_history(tmp_path, user):
    build_testland()
    path = hazards_file(tmp_path / "bowties.gpkg", [bowtie(-19.9, -29.9), bowtie(-19.7, -29.9), square(-19.5, -29.9)])
    result = import_file(path, "hazards", repair=True, user=user)
    assert result.ok and result.written == 3
    assert result.repaired == {"made valid (Self-intersection)": 2}
    repaired = Hazard.objects.get(name="Campo 1")
    reasons = list(repaired.history.values_list("history_change_reason", flat=True))
    assert reasons == ["repaired on import (bowties.gpkg row 2): made valid (Self-intersection)"]
    assert not Hazard.objects.get(name="Campo 2").history.exists()


def test_an_unknown_on_error_is_refused(messy):
    with pytest.raises(ImportFailed, match="unknown on_error skip; choose one of refuse, quarantine"):
        import_file(messy, "hazards", on_error="skip")
    assert not Hazard.objects.exists()
