"""Ledger lists: plain columns only (no boundary per row), a streamed JSON array, a quiet closed pipe, a page limit."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.ledger.api import MAX_LIMIT

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_a_list_reads_one_query_and_no_geometry(hazard):
    with CaptureQueriesContext(connection) as queries:
        (row,) = list(ledger_queries.as_dicts(ledger_queries.hazard_rows()))
    (query,) = queries.captured_queries
    assert "geom" not in query["sql"].lower()  # neither the hazard's polygon nor its province's boundary
    assert row["code"] == hazard.code and row["province_code"] == "KH02"
    assert row["estimated_m2"] == pytest.approx(hazard.area_m2, rel=1e-12)
    assert row["estimated_overlap_m2"] == 0.0 and row["remaining_overlap_m2"] == 0.0


@pytest.mark.django_db
def test_cli_json_is_one_valid_array(hazard):
    out = StringIO()
    call_command("ledger", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert row["code"] == hazard.code
    lines = StringIO()
    call_command("ledger", "--json-lines", stdout=lines)
    assert [json.loads(line)["code"] for line in lines.getvalue().splitlines()] == [hazard.code]


@pytest.mark.django_db
def test_cli_json_with_nothing_is_an_empty_array():
    out = StringIO()
    call_command("ledger", "--json", stdout=out)
    assert json.loads(out.getvalue()) == []


# The command with 200,000 rows (far more than a pipe holds), read from a stand-in for the database.
MANY_ROWS = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from safeground.landrelease.ledger import queries
queries.hazard_rows = lambda **filters: None
queries.as_dicts = lambda rows: ({"code": f"XT-HAZ-{i:06d}", "estimated_m2": 1.5 * i} for i in range(200_000))
from safeground.core.cli import main
main(["safeground", "ledger", "--json"])
"""


def test_cli_json_streams_and_exits_quietly_when_the_reader_goes_away():
    """`safeground ledger --json | head -1`: the first row arrives, then exit 0 and no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-c", MANY_ROWS],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does once it has its line
    _out, err = proc.communicate(timeout=120)
    assert first.startswith(b'[{"code": "XT-HAZ-000000"')
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"BrokenPipe" not in err


@pytest.mark.django_db
def test_api_list_limit_up_to_the_documented_maximum(api, hazard):
    body = api.get(f"/api/v1/ledger/hazards?limit={MAX_LIMIT}").json()
    assert body["count"] == 1 and body["items"][0]["code"] == hazard.code
    assert {"estimated_overlap_m2", "remaining_overlap_m2"} <= set(body["items"][0])
    for limit in (MAX_LIMIT + 1, 0):
        refused = api.get(f"/api/v1/ledger/hazards?limit={limit}")
        assert refused.status_code == 422
        # The input contracts' shape (docs/api.md): the field named, the bound it broke in the detail.
        assert refused.json()["field"] == "limit"
        assert str(MAX_LIMIT if limit else 1) in refused.json()["detail"]
    assert api.get("/api/v1/ledger/hazards?offset=-1").status_code == 422
    assert api.get("/api/v1/ledger/hazards?offset=1").json() == {"count": 1, "items": []}


@pytest.mark.django_db
def test_api_one_hazard_with_its_remaining_geometry(api, hazard):
    one = api.get(f"/api/v1/ledger/hazards/{hazard.code}").json()
    assert one["id"] == hazard.code and one["geometry"]["type"] == "MultiPolygon"
    assert one["properties"]["code"] == hazard.code and "g" not in one["properties"]
    missing = api.get("/api/v1/ledger/hazards/XX-HAZ-000000")
    assert missing.status_code == 404
