"""Staff pages: the collection, an exhibit (provenance, certificate), forms; editors write, others get 403."""

from __future__ import annotations

import datetime as dt

import pytest

from safeground.museum.models import Exhibit, Loan, Movement, Visit

from .conftest import CERT


def test_collection_and_exhibit_pages(museum_world, exhibit, signed_in):
    html = signed_in.get("/museum/?status=display").content.decode()
    assert exhibit.code in html and "Room 1, case 2" in html
    assert exhibit.code not in signed_in.get("/museum/?overdue=1").content.decode()
    page = signed_in.get(f"/museum/exhibits/{exhibit.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert museum_world["device"].code in html and "DC-2024-001" in html and "TDO" in html
    assert "/devices/?q=" in html


def test_editor_adds_moves_lends_and_returns(museum_world, exhibit, signed_in):
    response = signed_in.post(
        "/museum/exhibits/new/",
        {
            "museum": museum_world["museum"].code,
            "inventory_number": "PM-002",
            "model": "tm-99",
            "demil_certificate": "DC-9",
            "demil_certified_on": "2024-05-01",
            "demil_certified_by": "TDO EOD",
            "condition": "good",
            "status": "store",
        },
    )
    assert response.status_code == 302 and Exhibit.objects.filter(inventory_number="PM-002").exists()
    refused = signed_in.post(
        "/museum/exhibits/new/",
        {"museum": museum_world["museum"].code, "inventory_number": "PM-003", "model": "tm-99", **{"status": "store"}},
    )
    assert refused.status_code == 400 and "certified free from explosive" in refused.content.decode()
    assert not Exhibit.objects.filter(inventory_number="PM-003").exists()
    signed_in.post(f"/museum/exhibits/{exhibit.code}/move/", {"moved_on": "2025-01-02", "to_location": "Room 3"})
    assert Movement.objects.get().to_location == "Room 3"
    signed_in.post(
        f"/museum/exhibits/{exhibit.code}/lend/",
        {"borrower": "TC", "borrower_kind": "training_centre", "lent_on": "2025-01-05", "due_on": "2025-02-05"},
    )
    loan = Loan.objects.get()
    assert "TC" in signed_in.get("/museum/loans/").content.decode()
    signed_in.post(f"/museum/loans/{loan.code}/return/", {"returned_on": "2025-02-01", "condition_back": "fair"})
    loan.refresh_from_db()
    assert loan.returned_on == dt.date(2025, 2, 1)


def test_edit_form_with_a_stale_version_is_refused(exhibit, signed_in):
    form = {
        "inventory_number": "PM-001",
        "model": "tm-99",
        "title": "Changed",
        "version": "99",
        **{k: str(v) for k, v in CERT.items()},
        "condition": "good",
        "status": "display",
    }
    response = signed_in.post(f"/museum/exhibits/{exhibit.code}/edit/", form)
    assert response.status_code == 400
    exhibit.refresh_from_db()
    assert exhibit.title != "Changed"
    form["version"] = str(exhibit.version)
    assert signed_in.post(f"/museum/exhibits/{exhibit.code}/edit/", form).status_code == 302
    exhibit.refresh_from_db()
    assert exhibit.title == "Changed"


def test_visit_form_records_an_eore_visit(museum_world, signed_in):
    response = signed_in.post(
        "/museum/visits/",
        {
            "museum": museum_world["museum"].code,
            "visited_on": "2025-03-04",
            "girls": "5",
            "boys": "6",
            "guided": "on",
            "is_eore": "on",
            "audience": "schoolchildren",
        },
    )
    assert response.status_code == 302
    session = Visit.objects.get().eore_session
    assert session is not None and session.method == "museum"
    refused = signed_in.post(
        "/museum/visits/",
        {"museum": museum_world["museum"].code, "visited_on": "2025-03-04", "girls": "5", "is_eore": "on"},
    )
    assert refused.status_code == 400 and Visit.objects.count() == 1
    html = signed_in.get("/museum/visits/").content.decode()
    assert "2025-03" in html


@pytest.mark.parametrize(
    "url",
    ["/museum/exhibits/new/", "EX/edit/", "EX/move/", "EX/lend/"],
)
def test_a_viewer_reads_but_may_not_write(museum_world, exhibit, client_for, url):
    viewer = client_for("viewer")
    assert viewer.get("/museum/").status_code == 200
    assert viewer.get(f"/museum/exhibits/{exhibit.code}/").status_code == 200
    target = url if url.startswith("/") else f"/museum/exhibits/{exhibit.code}/{url[3:]}"
    assert viewer.post(target, {"to_location": "x"}).status_code == 403
    assert viewer.post("/museum/visits/", {"museum": museum_world["museum"].code}).status_code == 403
    assert not Movement.objects.exists() and not Visit.objects.exists()
