"""The API (/api/v1/qm), the pages and the CLI over the Testland world. Run on both databases."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from safeground.qm.models import NonConformity, SamplingRule, Visit

pytestmark = pytest.mark.django_db
TODAY = dt.date.today().isoformat()


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _visit_body(world, **extra):
    return {
        "visit_type": "monitoring",
        "activity": world["planned"].code,
        "team": world["team"].code,
        "inspecting_organisation": "TNA",
        "visited_on": TODAY,
        "inspector": "A. Inspector",
        "answers": [{"item": "marking", "answer": "no", "remark": "lane 3 unmarked"}],
        **extra,
    }


def test_the_api_records_a_visit_and_a_critical_nc_that_blocks_the_team(qm_world):
    qa = _client(qm_world["users"]["qa"])
    made = qa.post("/api/v1/qm/visits", _visit_body(qm_world), content_type="application/json")
    assert made.status_code == 201, made.json()
    code = made.json()["code"]
    assert [a["answer"] for a in made.json()["checklist"]][:2] == [None, "no"]
    nc = qa.post(
        f"/api/v1/qm/visits/{code}/non-conformities",
        {"category": "marking", "severity": "critical", "description": "Lane 3 unmarked"},
        content_type="application/json",
    )
    assert nc.status_code == 201 and nc.json()["team"] == "TDO-MAN-1"
    im = _client(qm_world["users"]["im"])
    refused = im.post(
        f"/api/v1/activities/{qm_world['planned'].code}/teams",
        {"team": "TDO-MAN-1", "on": TODAY},
        content_type="application/json",
    )
    assert refused.status_code == 422 and nc.json()["code"] in refused.json()["detail"]
    got = qa.get(f"/api/v1/qm/non-conformities/{nc.json()['code']}")
    close = f"/api/v1/qm/non-conformities/{nc.json()['code']}/close"
    body = {"evidence": "Lane re-marked", "closed_by": "A. Inspector"}
    assert qa.post(close, body, content_type="application/json").status_code == 428
    stale = qa.post(close, body, content_type="application/json", headers={"If-Match": '"9"'})
    assert stale.status_code == 412 and NonConformity.objects.get().status == "open"
    closed = qa.post(close, body, content_type="application/json", headers={"If-Match": got["ETag"]})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    allowed = im.post(
        f"/api/v1/activities/{qm_world['planned'].code}/teams",
        {"team": "TDO-MAN-1", "on": TODAY},
        content_type="application/json",
    )
    assert allowed.status_code in (200, 201), allowed.json()


def test_the_api_refuses_bad_input_naming_the_field(qm_world):
    qa = _client(qm_world["users"]["qa"])
    bad = qa.post("/api/v1/qm/visits", _visit_body(qm_world, visit_type="picnic"), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "visit_type"
    im = _client(qm_world["users"]["im"])
    nan = im.patch(
        "/api/v1/qm/sampling-rules/XTL",
        '{"unit_m2": NaN}',
        content_type="application/json",
        headers={"If-Match": '"0"'},
    )
    assert nan.status_code in (400, 422) and not SamplingRule.objects.exists()
    assert not Visit.objects.exists()


def test_operators_read_their_own_visits_only_and_cannot_write(qm_world, monitoring_visit):
    own = _client(qm_world["users"]["op-tdo"])
    other = _client(qm_world["users"]["op-too"])
    assert own.get(f"/api/v1/qm/visits/{monitoring_visit.code}").status_code == 200
    assert other.get(f"/api/v1/qm/visits/{monitoring_visit.code}").status_code == 404
    assert other.get("/api/v1/qm/visits").json()["count"] == 0
    assert own.post("/api/v1/qm/visits", _visit_body(qm_world), content_type="application/json").status_code == 403
    assert own.get(f"/qm/visits/{monitoring_visit.code}/").status_code == 200
    assert other.get(f"/qm/visits/{monitoring_visit.code}/").status_code == 404
    page = own.get(f"/qm/visits/{monitoring_visit.code}/").content.decode()
    assert 'id="raise-form"' not in page


def test_sampling_rule_plan_and_failed_result_through_the_api(qm_world):
    im = _client(qm_world["users"]["im"])
    qa = _client(qm_world["users"]["qa"])
    assert (
        qa.patch(
            "/api/v1/qm/sampling-rules/XTL",
            {"enabled": True},
            content_type="application/json",
            headers={"If-Match": '"0"'},
        ).status_code
        == 403
    )
    rule = im.patch(
        "/api/v1/qm/sampling-rules/XTL", {"enabled": True}, content_type="application/json", headers={"If-Match": '"0"'}
    )
    assert rule.status_code == 200 and rule.json()["version"] == 1
    plan = qa.post("/api/v1/qm/sampling-plans", {"product": qm_world["product"].code}, content_type="application/json")
    assert plan.status_code == 201 and plan.json()["sample_units"] == 80
    result = qa.post(
        f"/api/v1/qm/sampling-plans/{plan.json()['code']}/result",
        {"failed_units": 2},
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert result.status_code == 200 and result.json()["result"] == "fail" and result.json()["proposal"]
    pending = im.get(f"/api/v1/workbench/submissions/{result.json()['proposal']}")
    assert pending.status_code == 200 and pending.json()["status"] == "pending"


def test_the_pages_record_a_visit_raise_and_close(qm_world):
    qa = _client(qm_world["users"]["qa"])
    form = qa.get("/qm/visits/new/")
    assert form.status_code == 200 and "answer-medical" in form.content.decode()
    bad = qa.post("/qm/visits/new/", {**_visit_body(qm_world), "inspector": "", "answers": ""})
    assert bad.status_code == 422 and "inspector" in bad.content.decode() and not Visit.objects.exists()
    body = {k: v for k, v in _visit_body(qm_world).items() if k != "answers"}
    made = qa.post("/qm/visits/new/", {**body, "answer-sop": "yes", "answer-medical": "no", "remark-medical": "none"})
    assert made.status_code == 302
    visit = Visit.objects.get()
    assert visit.answers.count() == 2
    raised = qa.post(
        f"/qm/visits/{visit.code}/",
        {"action": "raise", "category": "medical", "severity": "critical", "description": "No medic"},
    )
    assert raised.status_code == 302
    nc = NonConformity.objects.get()
    page = qa.get(f"/qm/visits/{visit.code}/").content.decode()
    assert nc.code in page and "TDO-MAN-1" in page
    no_evidence = qa.post(
        f"/qm/visits/{visit.code}/", {"action": "close", "nc": nc.code, "version": nc.version, "closed_by": "A"}
    )
    assert no_evidence.status_code == 422
    nc.refresh_from_db()
    assert nc.status == "open"
    closed = qa.post(
        f"/qm/visits/{visit.code}/",
        {"action": "close", "nc": nc.code, "version": nc.version, "evidence": "Medic posted", "closed_by": "A"},
    )
    assert closed.status_code == 302
    nc.refresh_from_db()
    assert nc.status == "closed"
    home = qa.get("/qm/").content.decode()
    assert visit.code in home and 'id="rates-organisation"' in home
    viewer = _client(qm_world["users"]["view"])
    assert viewer.get("/qm/visits/new/").status_code == 403
    assert viewer.post(f"/qm/visits/{visit.code}/", {"action": "raise"}).status_code == 403


def test_the_certificate_page_and_the_cli(qm_world):
    out = StringIO()
    call_command(
        "qm",
        "handover",
        "add",
        "--product",
        qm_world["product"].code,
        "--name",
        "V. Chief",
        "--role",
        "Village chief",
        "--risk",
        "The community carries the residual risk.",
        "--on",
        TODAY,
        stdout=out,
    )
    assert "XTL-HO-000001" in out.getvalue()
    page = _client(qm_world["users"]["view"]).get("/qm/handovers/XTL-HO-000001/certificate/")
    text = page.content.decode()
    assert (
        page.status_code == 200 and "V. Chief" in text and "residual risk" in text and qm_world["product"].code in text
    )
    # The date in the sentence stays whole in a right-to-left language (a left-to-right isolate around it).
    assert re.search("\u2066\\d{4}-\\d{2}-\\d{2}\u2069", text), "the hand-over date is not isolated"
    out = StringIO()
    call_command(
        "qm",
        "visit",
        "add",
        "--type",
        "monitoring",
        "--activity",
        qm_world["planned"].code,
        "--inspecting",
        "TNA",
        "--inspector",
        "B",
        "--answer",
        "sop=no:not followed",
        stdout=out,
    )
    code = out.getvalue().split()[2]
    call_command(
        "qm", "nc", "raise", code, "--category", "sop", "--severity", "critical", "--description", "x", stdout=out
    )
    assert "suspends method manual" in out.getvalue()
    call_command("qm", "stats", stdout=out)
    assert "per visit" in out.getvalue()


def test_a_visit_changes_with_if_match_and_keeps_its_history(qm_world, monitoring_visit):
    qa = _client(qm_world["users"]["qa"])
    url = f"/api/v1/qm/visits/{monitoring_visit.code}"
    etag = qa.get(url)["ETag"]
    body = {"findings": "Lanes re-marked", "answers": [{"item": "marking", "answer": "yes"}]}
    assert qa.patch(url, body, content_type="application/json").status_code == 428
    changed = qa.patch(url, body, content_type="application/json", headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json()["findings"] == "Lanes re-marked"
    assert changed.json()["version"] == 2
    stale = qa.patch(url, {"findings": "x"}, content_type="application/json", headers={"If-Match": etag})
    assert stale.status_code == 412
    monitoring_visit.refresh_from_db()
    assert monitoring_visit.findings == "Lanes re-marked"
    assert len(qa.get(url + "/history").json()) == 2
