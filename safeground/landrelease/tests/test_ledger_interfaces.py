"""The ledger through the CLI and the API: rows, aggregates, discrepancies, proposals confirmed by a person."""

import datetime as dt
import json
from io import StringIO

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from safeground.hazards.models import Evidence, Hazard
from safeground.landrelease import services
from safeground.landrelease.models import HazardLedger

pytestmark = pytest.mark.django_db


def clear_half_and_all(hazard, activity):
    """Clear the west half of the hazard (reported 10 % too large), then reduce the rest."""
    minx, miny, maxx, maxy = hazard.geom.extent
    mid = (minx + maxx) / 2
    west = services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=shapely.box(minx, miny, mid, maxy),
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=13,
    )
    services.update_product(west, reported_area_m2=west.area_m2 * 1.1)
    services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="reduced",
        geometry=shapely.box(mid, miny, maxx, maxy),
        released_on=dt.date(2025, 6, 1),
    )
    return west


def run(*args) -> str:
    out = StringIO()
    call_command("ledger", *args, stdout=out)
    return out.getvalue()


def test_cli_json_per_hazard_and_grouped(hazard, activity):
    clear_half_and_all(hazard, activity)
    (row,) = json.loads(run("--json"))  # one JSON array
    assert row["code"] == hazard.code
    assert row["cleared_m2"] == pytest.approx(hazard.area_m2 / 2, rel=1e-3)
    # Edges straight in lon/lat bend slightly in UTM: splitting the box leaves a sliver far under 1 m².
    assert row["cleared_m2"] + row["reduced_m2"] + row["remaining_m2"] == pytest.approx(row["estimated_m2"], rel=1e-9)
    assert row["remaining_m2"] < 1.0
    assert {"outside_m2", "overlap_m2", "cancelled_m2"} <= set(row)
    (province,) = [json.loads(line) for line in run("--by", "province", "--json-lines").splitlines()]
    assert province["group"] == "KH02" and province["hazards"] == 1 and province["remaining_cha"] == 0
    years = {r["group"]: r for r in json.loads(run("--by", "year", "--json"))}
    assert years["2024"]["cleared_m2"] == pytest.approx(row["cleared_m2"])
    assert years["2025"]["reduced_m2"] == pytest.approx(row["reduced_m2"])
    assert years["2024"]["new_contamination_m2"] == pytest.approx(row["estimated_m2"])  # recorded 2024-01-15
    orgs = json.loads(run("--by", "organisation", "--json"))
    assert orgs[0]["group"] == "CMAC"
    assert orgs[0]["released_m2"] == pytest.approx(row["cleared_m2"] + row["reduced_m2"], rel=1e-9)
    assert "ledger verified" in run("verify")


def test_verify_fails_loudly_and_recompute_repairs(hazard):
    HazardLedger.objects.filter(hazard=hazard).update(estimated_m2=5.0)
    with pytest.raises(CommandError, match="1 difference"):
        run("verify")
    assert "recomputed the ledger of 1 hazards" in run("recompute")
    assert "ledger verified" in run("verify")


def test_api_rows_summary_discrepancies(api, hazard, activity):
    west = clear_half_and_all(hazard, activity)
    body = api.get("/api/v1/ledger/hazards?country=KHM").json()
    assert body["count"] == 1 and body["items"][0]["code"] == hazard.code
    assert api.get("/api/v1/ledger/hazards?country=AZE").json()["count"] == 0
    one = api.get(f"/api/v1/ledger/hazards/{hazard.code}").json()
    assert one["properties"]["remaining_m2"] < 1.0
    summary = api.get("/api/v1/ledger/summary?group_by=province").json()
    assert summary["groups"][0]["group"] == "KH02"
    bad = api.get("/api/v1/ledger/summary?group_by=colour")
    assert bad.status_code == 422 and "group_by must be one of" in bad.json()["detail"]
    (d,) = api.get("/api/v1/ledger/discrepancies").json()
    assert d["code"] == west.code and d["difference_pct"] == pytest.approx(10.0)
    assert api.get("/api/v1/ledger/discrepancies?tolerance=0.2").json() == []


def test_proposals_are_confirmed_by_a_person_with_history(api, hazard, activity):
    assert api.get("/api/v1/ledger/proposals").json() == []
    clear_half_and_all(hazard, activity)
    (proposal,) = api.get("/api/v1/ledger/proposals").json()
    assert (
        proposal == {"code": hazard.code, "change": "status", "to": "closed", "reason": proposal["reason"]}
        and "under 1 m²" in proposal["reason"]
    )
    assert Hazard.objects.get(pk=hazard.pk).status == "open"  # not applied silently
    response = api.post(f"/api/v1/ledger/proposals/{hazard.code}/confirm")
    assert response.status_code == 200, response.content
    assert Hazard.objects.get(pk=hazard.pk).status == "closed"
    assert Hazard.objects.get(pk=hazard.pk).history.first().history_user.username == "im-officer"
    again = api.post(f"/api/v1/ledger/proposals/{hazard.code}/confirm")
    assert again.status_code == 422 and "nothing to confirm" in again.json()["detail"]


def test_sha_with_direct_evidence_is_proposed_as_cha(hazard):
    Hazard.objects.filter(pk=hazard.pk).update(hazard_class="SHA")
    Evidence.objects.create(hazard=hazard, kind="direct", evidence_type="device_seen", point=hazard.geom.centroid)
    assert "hazard_class → CHA" in run("confirm", hazard.code)
    assert Hazard.objects.get(pk=hazard.pk).hazard_class == "CHA"
