"""Real CSV files: Latin-1 text (detected or given), semicolons and decimal commas, in a country the test builds."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from safeground.gazetteer.models import Place
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.interop.reader import decimal_commas
from safeground.interop.services import ImportFailed, import_file

pytestmark = pytest.mark.django_db

ROWS = "code;name;kind;lon;lat\nXT-V1;Sámana;village;-19,5;-29,5\nXT-V2;Peñas Blancas;village;-19,25;-29,75\n"


def latin1_csv(tmp_path, text: str = ROWS):
    path = tmp_path / "lugares.csv"
    path.write_bytes(text.encode("latin-1"))
    return path


def test_a_latin1_csv_with_semicolons_and_decimal_commas_from_the_cli(tmp_path):
    build_testland()
    out = io.StringIO()
    call_command("import", str(latin1_csv(tmp_path)), "--kind", "places", "--decimal", ",", "--no-progress", stdout=out)
    said = out.getvalue()
    assert "note: read as Windows-1252 (Latin-1) text" in said
    assert "note: 4 value(s) read with a decimal comma" in said
    places = {p.code: p for p in Place.objects.filter(country=ISO3)}
    assert {c: p.name for c, p in places.items()} == {"XT-V1": "Sámana", "XT-V2": "Peñas Blancas"}
    assert (places["XT-V2"].point.x, places["XT-V2"].point.y) == (-19.25, -29.75)


def test_without_the_decimal_mark_the_positions_are_refused_and_nothing_is_written(tmp_path):
    build_testland()
    result = import_file(latin1_csv(tmp_path), "places")
    assert {(e.row, e.field) for e in result.errors} == {(1, "geometry"), (2, "geometry")}
    assert not result.written and not Place.objects.filter(country=ISO3).exists()


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("utf-8", "lugares.csv is not utf-8 text: byte 31 cannot be read"),
        ("klingon", "unknown text encoding klingon"),
    ],
)
def test_a_wrong_or_unknown_encoding_refuses_the_file(tmp_path, encoding, message):
    build_testland()
    with pytest.raises(ImportFailed, match=message):
        import_file(latin1_csv(tmp_path), "places", encoding=encoding, decimal=",")
    assert not Place.objects.filter(country=ISO3).exists()


def test_an_explicit_encoding_and_the_api(tmp_path, api):
    build_testland()
    cp = tmp_path / "cp.csv"
    cp.write_bytes(ROWS.replace("Sámana", "Sámana – “norte”").encode("cp1252"))
    with cp.open("rb") as fh:
        body = api.post("/api/v1/interop/import", {"file": fh, "kind": "places", "encoding": "cp1252", "decimal": ","})
    assert body.status_code == 201, body.content
    assert Place.objects.get(code="XT-V1").name == "Sámana – “norte”"
    with cp.open("rb") as fh:
        refused = api.post("/api/v1/interop/import", {"file": fh, "kind": "places", "decimal": ";"})
    assert refused.status_code == 422 and "decimal mark must be . or ," in refused.json()["detail"]


def test_cli_refuses_a_bad_file_naming_it(tmp_path):
    with pytest.raises(CommandError, match="unknown text encoding klingon"):
        call_command("import", str(latin1_csv(tmp_path)), "--kind", "places", "--encoding", "klingon", "--no-progress")


def test_only_numbers_written_with_a_decimal_comma_change():
    columns = {"a": ["4,5678", "-0,5", "1.234,5", "1.234", "A,1", "12,345,6", None, " 7,25 "], "b": ["XT-001"]}
    assert decimal_commas(columns) == 4
    assert list(columns["a"]) == ["4.5678", "-0.5", "1234.5", "1.234", "A,1", "12,345,6", None, "7.25"]
    assert columns["b"] == ["XT-001"]
