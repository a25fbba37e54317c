"""The /imsma/ pages and the API: the administrator and the IM officer open them; no other role does."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from safeground.imsma.models import MigrationRun
from safeground.imsma.tests.report_sample import sample

OTHERS = ["operator", "qa_officer", "viewer", "va_officer"]


@pytest.fixture
def run(db, user):
    return MigrationRun.objects.create(
        source="postgresql://reader:***@ng-host/imsma",
        country="XTL",
        status="done",
        user=user,
        report=sample().as_dict(),
    )


@pytest.fixture
def clients(client_for, organisation):
    made = {role: client_for(role) for role in ("administrator", "im_officer", "qa_officer", "viewer", "va_officer")}
    made["operator"] = client_for("operator", organisation=organisation)
    return made


def _pages(run) -> list[str]:
    return ["/imsma/", f"/imsma/{run.pk}/", f"/imsma/{run.pk}/report.csv", f"/imsma/{run.pk}/report.html"]


@pytest.mark.parametrize("role", ["administrator", "im_officer"])
def test_people_who_run_imports_open_every_page(clients, run, role):
    for url in _pages(run):
        assert clients[role].get(url).status_code == 200, url


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused(clients, run, role):
    for url in [*_pages(run), "/api/v1/imsma/runs", f"/api/v1/imsma/runs/{run.pk}"]:
        assert clients[role].get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client, run):
    for url in _pages(run):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/imsma/runs").status_code == 401


def test_unknown_run_is_404(clients, db):
    missing = uuid.uuid4()
    for url in (f"/imsma/{missing}/", f"/imsma/{missing}/report.csv", f"/api/v1/imsma/runs/{missing}"):
        assert clients["im_officer"].get(url).status_code == 404, url


def test_list_shows_each_run_with_its_counts(clients, run):
    MigrationRun.objects.create(
        source="postgresql://ng/other", country="XTL", status="dry-run", report={"dry_run": True}
    )
    page = clients["im_officer"].get("/imsma/").content.decode()
    assert f'href="/imsma/{run.pk}/"' in page
    assert "postgresql://reader:***@ng-host/imsma" in page and "postgresql://ng/other" in page
    assert "Dry run" in page
    assert '<td class="num">21</td>' in page  # read: 12 + 5 + 4
    assert '<td class="num">2</td>' in page  # refused


def test_run_page_shows_the_report_in_the_site_layout(clients, run):
    page = clients["im_officer"].get(f"/imsma/{run.pk}/").content.decode()
    assert 'class="site-header"' in page and "css/imsma.css" in page
    assert "<style>" not in page  # the site's CSP allows no inline style element
    assert "self-intersection" in page and "HAZ-0009" in page and "kept as read" in page
    assert 'class="unbalanced"' in page
    assert "im-officer" in page  # who ran it
    # a problem naming a SafeGround hazard links to its page; an organisation has no such link
    assert 'href="/hazards/XTL-HZ-3/"' in page
    assert 'href="/organisations/DMT/"' not in page
    assert f'href="/imsma/{run.pk}/report.csv"' in page and f'href="/imsma/{run.pk}/report.html"' in page


def test_downloads(clients, run):
    csv_response = clients["administrator"].get(f"/imsma/{run.pk}/report.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert sum(r["section"] == "problem" for r in rows) == 5
    html = clients["administrator"].get(f"/imsma/{run.pk}/report.html")
    assert "attachment" in html["Content-Disposition"] and html.content.decode().startswith("<!DOCTYPE html>")
    assert "HAZ-0009" in html.content.decode()


def test_import_page_links_the_runs_for_those_who_may_open_them(clients, db):
    assert 'href="/imsma/"' in clients["im_officer"].get("/interop/").content.decode()
    assert 'href="/imsma/"' not in clients["viewer"].get("/interop/").content.decode()


def test_api(clients, run):
    listed = clients["im_officer"].get("/api/v1/imsma/runs").json()["items"]
    assert [item["id"] for item in listed] == [str(run.pk)]
    assert listed[0]["counts"] == {"read": 21, "migrated": 12, "updated": 2, "unchanged": 1, "merged": 3, "refused": 2}
    assert listed[0]["balanced"] is False and listed[0]["user"] == "im-officer" and listed[0]["problems"] == 5
    one = clients["administrator"].get(f"/api/v1/imsma/runs/{run.pk}").json()
    assert one["report"]["tables"]["hazard"]["refused"] == 2
    assert one["report"]["problems"][0]["localid"] == "HAZ-0009"
