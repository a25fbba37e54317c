"""The pages for writes that were CLI/API only: the sampling rule, planning a QC sample and recording its
result, and recording a hand-over. Each goes through qm.services; refusals come back beside the field
with the input kept, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safeground.qm.models import Handover, SamplingPlan, SamplingRule

pytestmark = pytest.mark.django_db
TODAY = dt.date.today().isoformat()


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _rule(world, **extra):
    return {
        "country": world["iso3"],
        "version": "0",
        "enabled": "on",
        "unit_m2": "100",
        "acceptance_number": "0",
        "inspection_level": "II",
        "source": "Testland NMAS 09.10",
        **extra,
    }


def test_the_sampling_rule_form_is_for_national_roles_and_keeps_refused_input(qm_world):
    im = _client(qm_world["users"]["im"])
    assert _client(qm_world["users"]["qa"]).get("/qm/sampling-rules/").status_code == 403
    refused = im.post("/qm/sampling-rules/", _rule(qm_world, unit_m2="99999"))
    text = refused.content.decode()
    assert refused.status_code == 422 and 'id="error-unit_m2"' in text and 'value="99999"' in text
    assert not SamplingRule.objects.filter(country=qm_world["iso3"]).exists()
    saved = im.post("/qm/sampling-rules/", _rule(qm_world))
    assert saved.status_code == 302
    rule = SamplingRule.objects.get(country=qm_world["iso3"])
    assert rule.enabled and rule.version == 1 and rule.source == "Testland NMAS 09.10"
    stale = im.post("/qm/sampling-rules/", _rule(qm_world, unit_m2="50"))  # still the version 0 it showed
    assert stale.status_code == 412 and SamplingRule.objects.get(country=qm_world["iso3"]).unit_m2 == 100


def test_plan_a_sample_then_a_failed_result_proposes_a_hazard(qm_world):
    qa = _client(qm_world["users"]["qa"])
    code = qm_world["product"].code
    off = qa.post("/qm/samples/new/", {"product": code, "planned_on": TODAY})
    assert off.status_code == 422 and 'id="error-product"' in off.content.decode()
    assert "not enabled" in off.content.decode() and f'value="{code}"' in off.content.decode()
    assert SamplingPlan.objects.count() == 0
    _client(qm_world["users"]["im"]).post("/qm/sampling-rules/", _rule(qm_world))
    planned = qa.post("/qm/samples/new/", {"product": code, "planned_on": TODAY})
    plan = SamplingPlan.objects.get()
    assert planned.status_code == 302 and planned["Location"] == f"/qm/samples/{plan.code}/"
    assert plan.sample_units == 80 and plan.acceptance_number == 0
    page = qa.get(f"/qm/samples/{plan.code}/").content.decode()
    assert 'id="result-form"' in page and 'name="version" value="1"' in page
    too_many = qa.post(f"/qm/samples/{plan.code}/", {"failed_units": "81", "result_on": TODAY, "version": "1"})
    text = too_many.content.decode()
    assert too_many.status_code == 422 and 'id="error-failed_units"' in text and 'value="81"' in text
    plan.refresh_from_db()
    assert plan.result == "pending" and plan.version == 1
    viewer = _client(qm_world["users"]["view"])
    assert viewer.post(f"/qm/samples/{plan.code}/", {"failed_units": "0", "version": "1"}).status_code == 403
    assert 'id="result-form"' not in viewer.get(f"/qm/samples/{plan.code}/").content.decode()
    failed = qa.post(f"/qm/samples/{plan.code}/", {"failed_units": "2", "result_on": TODAY, "version": "1"})
    plan.refresh_from_db()
    assert failed.status_code == 302 and plan.result == "fail" and plan.proposal_code
    shown = qa.get(f"/qm/samples/{plan.code}/").content.decode()
    assert 'id="proposal"' in shown and f"/workbench/{plan.proposal_code}/" in shown
    stale = qa.post(f"/qm/samples/{plan.code}/", {"failed_units": "0", "version": "1"})
    assert stale.status_code == 412


def test_record_a_hand_over_from_the_page(qm_world):
    from safeground.qm import services

    qa = _client(qm_world["users"]["qa"])
    code = qm_world["product"].code
    body = {
        "products": code,
        "handed_over_on": TODAY,
        "received_by_name": "V. Chief",
        "received_by_role": "Village chief",
        "residual_risk": "The community carries the residual risk.",
    }
    assert _client(qm_world["users"]["view"]).get("/qm/handovers/new/").status_code == 403
    missing = qa.post("/qm/handovers/new/", {**body, "residual_risk": ""})
    assert missing.status_code == 422 and 'id="error-residual_risk"' in missing.content.decode()
    assert 'value="V. Chief"' in missing.content.decode()
    services.set_sampling_rule(qm_world["iso3"], expected_version=0, enabled=True)
    plan = services.plan_sample(code)
    blocked = qa.post("/qm/handovers/new/", body)
    text = blocked.content.decode()
    assert blocked.status_code == 422 and 'id="error-products"' in text and plan.code in text
    assert Handover.objects.count() == 0
    services.record_sample_result(plan, failed_units=0, user=qm_world["users"]["qa"])
    done = qa.post("/qm/handovers/new/", body)
    handover = Handover.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/qm/handovers/{handover.code}/certificate/"
    assert list(handover.products.values_list("code", flat=True)) == [code]
    assert handover.received_by_name == "V. Chief"
