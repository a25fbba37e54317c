"""Where imported hazards came from: the source's own columns kept per record, and a `source_id` that
makes re-importing the same national file idempotent (unchanged rows skipped, changed rows updated
with history)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from django.utils import translation
from pyogrio.raw import read as ogr_read
from pyogrio.raw import write as ogr_write

from safeground.gazetteer.tests.testland import build_testland
from safeground.hazards.models import Hazard
from safeground.interop.exporter import export
from safeground.interop.services import import_file

pytestmark = pytest.mark.django_db


def national(path, names=("Campo A", "Campo B", "Campo C"), shift=0.0, source_ids=None) -> str:
    geoms = [shapely.box(-19.9 + 0.1 * k + shift, -29.9, -19.85 + 0.1 * k + shift, -29.85) for k in range(len(names))]
    fields = {
        "source_id": list(source_ids or [f"SRC-{k}" for k in range(len(names))]),
        "name": list(names),
        "hazard_class": ["SHA"] * len(names),
        "contamination_type": ["ap_mines"] * len(names),
        "recorded_on": ["2019-05-01"] * len(names),
        "municipio": [["San Miguel", "Samaná", "El Carmen"][k % 3] for k in range(len(names))],
        "tipo_area": ["CHA vieja"] * len(names),
    }
    ogr_write(
        str(path),
        np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
        [np.array(v, dtype=object) for v in fields.values()],
        list(fields),
        geometry_type="Polygon",
        crs="EPSG:4326",
        layer="hazards",
    )
    return str(path)


def test_unmapped_columns_are_kept_per_record_shown_and_exported(tmp_path, user, client_for):
    build_testland()
    result = import_file(national(tmp_path / "sha.gpkg"), "hazards", user=user)
    assert result.ok and result.written == 3
    assert "column(s) kept with each record as source attributes: municipio, tipo_area" in result.notes
    hazard = Hazard.objects.get(source_id="SRC-1")
    assert hazard.source_attributes == {"municipio": "Samaná", "tipo_area": "CHA vieja"}
    page = client_for("viewer").get(f"/hazards/{hazard.code}/").content.decode()
    assert '<code id="source-id">SRC-1</code>' in page and "<dt><code>municipio</code></dt><dd>Samaná</dd>" in page

    out = tmp_path / "export.gpkg"
    export("gpkg", out, ["hazards"])
    meta, _fids, _geoms, values = ogr_read(out, layer="hazards")
    fields = dict(zip(meta["fields"], values, strict=True))
    exported = dict(zip(fields["source_id"], fields["source_attributes"], strict=True))
    assert exported["SRC-1"] == '{"municipio": "Samaná", "tipo_area": "CHA vieja"}'

    # The export re-imports into the same attributes (its JSON column is unpacked, not nested).
    Hazard.objects.all().delete()
    again = import_file(out, "hazards", user=user)
    assert again.ok, again.errors
    assert Hazard.objects.get(source_id="SRC-1").source_attributes == {"municipio": "Samaná", "tipo_area": "CHA vieja"}


def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_is_updated_with_history(tmp_path, user):
    build_testland()
    first = national(tmp_path / "v1.gpkg")
    assert import_file(first, "hazards", user=user).written == 3
    codes = dict(Hazard.objects.values_list("source_id", "code"))

    again = import_file(first, "hazards", user=user)
    assert again.ok and "3 row(s) skipped: recorded under their source_id with the same values" in again.notes
    assert Hazard.objects.count() == 3 and dict(Hazard.objects.values_list("source_id", "code")) == codes

    second = national(tmp_path / "v2.gpkg", names=("Campo A", "Campo B renamed", "Campo C", "Campo D"))
    result = import_file(second, "hazards", user=user)
    assert result.ok, result.errors
    assert "1 hazard(s) already recorded under their source_id were updated" in result.notes
    assert "2 row(s) skipped: recorded under their source_id with the same values" in result.notes
    assert Hazard.objects.count() == 4 and Hazard.objects.get(source_id="SRC-3").name == "Campo D"
    renamed = Hazard.objects.get(source_id="SRC-1")
    assert renamed.code == codes["SRC-1"] and renamed.name == "Campo B renamed"
    latest = renamed.history.order_by("-history_date").first()
    assert latest.history_change_reason == "import v2.gpkg: name" and latest.history_user == user


def test_a_moved_polygon_is_updated_and_a_repeated_source_id_is_refused(tmp_path, user):
    build_testland()
    import_file(national(tmp_path / "v1.gpkg"), "hazards", user=user)
    before = Hazard.objects.get(source_id="SRC-0").area_m2
    moved = import_file(national(tmp_path / "moved.gpkg", shift=0.01), "hazards", user=user)
    assert "3 hazard(s) already recorded under their source_id were updated" in moved.notes
    hazard = Hazard.objects.get(source_id="SRC-0")
    assert hazard.geom.extent[0] == pytest.approx(-19.89) and hazard.area_m2 == pytest.approx(before, rel=1e-3)

    twice = national(tmp_path / "twice.gpkg", names=("Campo A", "Campo B"), source_ids=("SRC-9", "SRC-9"))
    refused = import_file(twice, "hazards")
    assert [(e.row, e.field, e.reason) for e in refused.errors] == [
        (2, "source_id", "duplicate source_id (also on row 1)")
    ]


def test_hazards_recorded_only_to_the_year_keep_their_precision_in_the_reports(tmp_path, user, client_for):
    """A national layer whose survey dates are years: no 1 January invented, by month they count apart."""
    from safeground.interop.exporter import export
    from safeground.landrelease.ledger import queries as ledger_queries
    from safeground.landrelease.ledger import store

    build_testland()
    path = tmp_path / "years.csv"
    path.write_text(
        "WKT;hazard_class;contamination_type;recorded_on;name\n"
        "POLYGON((-19.9 -29.9,-19.85 -29.9,-19.85 -29.85,-19.9 -29.85,-19.9 -29.9));SHA;ap_mines;2018;Year only\n"
        "POLYGON((-19.7 -29.9,-19.65 -29.9,-19.65 -29.85,-19.7 -29.85,-19.7 -29.9));SHA;ap_mines;2018-03;Month only\n"
        "POLYGON((-19.5 -29.9,-19.45 -29.9,-19.45 -29.85,-19.5 -29.85,-19.5 -29.9));CHA;ap_mines;2018-01-15;Full date\n"
    )
    assert import_file(path, "hazards", user=user).written == 3
    store.recompute_all()
    got = {h.name: (h.recorded_on.isoformat(), h.recorded_on_precision) for h in Hazard.objects.all()}
    assert got == {
        "Year only": ("2018-01-01", "year"),
        "Month only": ("2018-03-01", "month"),
        "Full date": ("2018-01-15", "day"),
    }
    with translation.override("en"):  # the period of year-only records is a translated label
        by_month = {g["group"]: g["new_hazards"] for g in ledger_queries.summary("month")}
    assert by_month == {"2018 (year only)": 1, "2018-01": 1, "2018-03": 1}  # not two hazards in January
    assert {g["group"]: g["new_hazards"] for g in ledger_queries.summary("year")} == {"2018": 3}
    year_only = Hazard.objects.get(name="Year only")
    page = client_for("viewer").get(f"/hazards/{year_only.code}/").content.decode()
    assert "<dd>2018</dd>" in page

    out = tmp_path / "out.gpkg"
    export("gpkg", out, ["hazards"])
    Hazard.objects.all().delete()
    assert import_file(out, "hazards", user=user).written == 3
    assert Hazard.objects.get(name="Year only").recorded_on_precision == "year"  # the round trip keeps it


def test_other_kinds_keep_their_source_columns_and_refuse_a_known_source_id(tmp_path, user):
    """Accidents (row by row) and the same for every kind: attributes kept, exported, source IDs unique."""
    from pyogrio.raw import read as ogr_read

    from safeground.interop.exporter import export
    from safeground.victims.models import Accident

    build_testland()
    path = tmp_path / "eventos.csv"
    path.write_text(
        "source_id;occurred_on;accident_type;lon;lat;killed_men;municipio;fuente\n"
        "EV-1;2019;mine_erw;-19.5;-29.5;1;Samaná;Policía\n"
        "EV-2;2020-03;mine_erw;-19.4;-29.5;0;El Carmen;\n",
        encoding="utf-8",
    )
    result = import_file(path, "accidents", user=user)
    assert result.ok and result.written == 2, result.errors
    first = Accident.objects.get(source_id="EV-1")
    assert first.source_attributes == {"municipio": "Samaná", "fuente": "Policía"}
    assert Accident.objects.get(source_id="EV-2").source_attributes == {"municipio": "El Carmen"}

    again = import_file(path, "accidents", user=user)
    assert not again.ok and {(e.row, e.field, e.kind) for e in again.errors} == {
        (1, "source_id", "exists"),
        (2, "source_id", "exists"),
    }
    assert Accident.objects.count() == 2

    out = tmp_path / "out.gpkg"
    export("gpkg", out, ["accidents"])
    meta, _fids, _geoms, values = ogr_read(out, layer="accidents")
    fields = dict(zip(meta["fields"], values, strict=True))
    assert dict(zip(fields["source_id"], fields["source_attributes"], strict=True))["EV-1"] == (
        '{"fuente": "Policía", "municipio": "Samaná"}'
    )


def test_the_ledger_page_groups_by_month_with_year_only_records_apart(tmp_path, user, client_for):
    build_testland()
    path = tmp_path / "years.csv"
    path.write_text(
        "WKT;hazard_class;contamination_type;recorded_on\n"
        "POLYGON((-19.9 -29.9,-19.85 -29.9,-19.85 -29.85,-19.9 -29.85,-19.9 -29.9));SHA;ap_mines;2018\n"
        "POLYGON((-19.5 -29.9,-19.45 -29.9,-19.45 -29.85,-19.5 -29.85,-19.5 -29.9));CHA;ap_mines;2018-01-15\n"
    )
    assert import_file(path, "hazards", user=user).written == 2
    from safeground.landrelease.ledger import store

    store.recompute_all()
    page = client_for("viewer").get("/ledger/", {"by": "month"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2018 (year only)" in html and "2018-01" in html
