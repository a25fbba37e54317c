"""Tasking pages: the operator answers on the task page, form errors name the field and write nothing,
the IM officer issues tasks and records development requests; viewers read only."""

import pytest
from django.urls import reverse

from safeground.tasking.models import DevelopmentRequest, Task

pytestmark = pytest.mark.django_db


def test_the_operator_accepts_on_the_task_page(land, issued, client_for):
    mine = client_for("operator", organisation=land["xop"])
    url = reverse("task-detail", args=[issued.code])
    page = mine.get(url).content.decode()
    assert "Accept" in page and "Decline" in page and "Cancel the task" not in page
    refused = mine.post(url, {"action": "status", "status": "declined", "reason": "", "version": "1"})
    assert refused.status_code == 422 and "reason" in refused.content.decode()
    stale = mine.post(url, {"action": "status", "status": "accepted", "version": "0"})
    assert stale.status_code == 409
    issued.refresh_from_db()
    assert (issued.status, issued.version) == ("issued", 1)
    assert mine.post(url, {"action": "status", "status": "accepted", "version": "1"}).status_code == 302
    issued.refresh_from_db()
    assert issued.status == "accepted"
    page = mine.get(url).content.decode()
    assert "Start work" in page and "Accept</button>" not in page


def test_other_operators_and_viewers(land, issued, client_for):
    other = client_for("operator", organisation=land["xot"])
    assert other.get(reverse("task-detail", args=[issued.code])).status_code == 404
    assert issued.code not in other.get(reverse("task-list")).content.decode()
    viewer = client_for("viewer")
    page = viewer.get(reverse("task-detail", args=[issued.code])).content.decode()
    assert issued.code in page and "Accept" not in page and "Change the plan" not in page
    assert (
        viewer.post(reverse("task-detail", args=[issued.code]), {"action": "status", "status": "accepted"}).status_code
        == 403
    )
    listing = viewer.get(reverse("task-list") + "?country=XTL").content.decode()
    assert issued.code in listing and "Plan against actual by province" in listing and "West" in listing
    assert viewer.get(reverse("task-new")).status_code == 403


def test_issue_form_refuses_naming_the_field(land, client_for):
    im = client_for("im_officer")
    form = {
        "hazards": land["hazards"]["A"].code,
        "organisation": "XOP",
        "methods": ["manual"],
        "priority": "high",
        "planned_start": "2026-02-01",
        "planned_end": "2026-01-01",
    }
    refused = im.post(reverse("task-new"), form)
    assert refused.status_code == 422 and "planned_end is before planned_start" in refused.content.decode()
    assert Task.objects.count() == 0
    done = im.post(
        reverse("task-new"), {**form, "planned_end": "2026-05-01", "budget_amount": "9000", "budget_currency": "USD"}
    )
    assert done.status_code == 302
    task = Task.objects.get()
    page = im.get(done["Location"]).content.decode()
    assert task.code in page and "Change the plan" in page and "Cancel the task" in page
    changed = im.post(
        done["Location"],
        {
            "action": "plan",
            "priority": "low",
            "planned_start": "2026-02-01",
            "planned_end": "2026-06-30",
            "planned_area_m2": "100",
            "version": "1",
        },
    )
    assert changed.status_code == 302
    task.refresh_from_db()
    assert (task.priority, task.planned_area_m2, task.version) == ("low", 100.0, 2)


def test_development_request_form(land, client_for):
    im = client_for("im_officer")
    url = reverse("devrequest-list")
    refused = im.post(
        url, {"requester": "Ministry", "project": "Road", "purpose": "road", "requested_on": "2025-01-01"}
    )
    assert refused.status_code == 422 and "hazards" in refused.content.decode()
    assert DevelopmentRequest.objects.count() == 0
    done = im.post(
        url,
        {
            "requester": "Ministry",
            "project": "Road",
            "purpose": "road",
            "requested_on": "2025-01-01",
            "hazards": land["hazards"]["C"].code,
        },
    )
    assert done.status_code == 302 and DevelopmentRequest.objects.count() == 1
    assert "Road" in im.get(url + "?country=XTL").content.decode()
    viewer = client_for("viewer")
    assert "Record a request" not in viewer.get(url).content.decode()
    assert viewer.post(url, {"requester": "x"}).status_code == 403


def test_development_request_page_changes_the_status_with_its_version(land, client_for):
    from safeground.tasking import services

    im = client_for("im_officer")
    hazard = land["hazards"]["C"]
    r = services.add_development_request(
        requester="Ministry", project="Road", purpose="road", requested_on="2025-01-01", hazards=[hazard.code]
    )
    url = reverse("devrequest-detail", args=[r.code])
    page = im.get(url).content.decode()
    assert hazard.code in page and 'id="status-form"' in page and f'name="version" value="{r.version}"' in page
    refused = im.post(url, {"status": "finished", "version": str(r.version)})
    text = refused.content.decode()
    assert refused.status_code == 422 and 'id="error-status"' in text
    r.refresh_from_db()
    assert r.status == "received" and r.version == 1
    done = im.post(url, {"status": "planned", "version": "1"})
    r.refresh_from_db()
    assert done.status_code == 302 and r.status == "planned" and r.version == 2
    stale = im.post(url, {"status": "fulfilled", "version": "1"})
    r.refresh_from_db()
    assert stale.status_code == 409 and r.status == "planned"
    history = im.get(url).content.decode().split('id="history"')[1]
    assert history.index("Received") < history.index("Planned")
    viewer = client_for("viewer")
    assert 'id="status-form"' not in viewer.get(url).content.decode()
    assert viewer.post(url, {"status": "rejected", "version": "2"}).status_code == 403
    assert f'href="{url}"' in im.get(reverse("devrequest-list")).content.decode()
