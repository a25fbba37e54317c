"""The museum's writes: provenance from the device record, the certificate rule, inventory numbers, movements,
loan rules, and guided EORE visits counted once as EORE sessions."""

from __future__ import annotations

import datetime as dt

import pytest

from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.museum import queries, services
from safeground.museum.models import Exhibit, Loan, Movement, Visit

from .conftest import CERT


def test_provenance_is_copied_from_the_device(museum_world, exhibit):
    device = museum_world["device"]
    assert exhibit.code == f"{museum_world['museum'].code}-EX-0001"
    assert exhibit.found_on == dt.date(2024, 3, 5)
    assert (exhibit.found_point.x, exhibit.found_point.y) == (device.point.x, device.point.y)
    assert exhibit.found_province.code == "XT02"  # east of the middle line
    assert exhibit.operator == museum_world["operator"]  # the device's activity's organisation
    assert exhibit.history.first().history_user == museum_world["user"]


def test_without_a_device_the_provenance_is_given(museum_world):
    e = services.add_exhibit(
        museum=museum_world["museum"],
        inventory_number="PM-002",
        model=museum_world["model"],
        found_on=dt.date(2020, 1, 2),
        found_point=(-19.8, -29.5),
        found_place="a village",
        operator="TDO",
        **CERT,
    )
    assert e.device is None and e.found_province is not None and e.operator is not None
    assert (e.found_province.code, e.operator.acronym) == ("XT01", "TDO")


def test_inventory_number_unique_per_museum(museum_world, exhibit):
    with pytest.raises(ValidationFailed) as err:
        services.add_exhibit(museum=museum_world["museum"], inventory_number="PM-001", model="tm-99", **CERT)
    assert err.value.field == "inventory_number"
    assert "already has an exhibit with inventory number 'PM-001'" in str(err.value)
    assert Exhibit.objects.count() == 1
    other = services.create_museum(name="Training collection", organisation="TDO", country="XTL")
    assert services.add_exhibit(museum=other, inventory_number="PM-001", model="tm-99", **CERT).pk


@pytest.mark.parametrize("missing", ["demil_certificate", "demil_certified_on", "demil_certified_by"])
def test_no_exhibit_without_its_certificate(museum_world, missing):
    cert = {**CERT, missing: None}
    with pytest.raises(ValidationFailed) as err:
        services.add_exhibit(museum=museum_world["museum"], inventory_number="PM-9", model="tm-99", **cert)
    assert err.value.field == missing and "certified free from explosive" in str(err.value)
    assert not Exhibit.objects.exists()


def test_unknown_model_and_device_refused(museum_world):
    with pytest.raises(ValidationFailed, match="unknown model 'nope'"):
        services.add_exhibit(museum=museum_world["museum"], inventory_number="X", model="nope", **CERT)
    with pytest.raises(ValidationFailed, match="unknown device 'XT-NONE'"):
        services.add_exhibit(
            museum=museum_world["museum"], inventory_number="X", model="tm-99", device="XT-NONE", **CERT
        )
    assert not Exhibit.objects.exists()


def test_update_needs_the_current_version_and_keeps_history(exhibit, user):
    services.update_exhibit(exhibit, expected_version=1, title="New label", user=user, reason="typo")
    exhibit.refresh_from_db()
    assert exhibit.title == "New label" and exhibit.version == 2
    assert exhibit.history.first().history_change_reason == "typo"
    with pytest.raises(StaleVersion):
        services.update_exhibit(exhibit, expected_version=1, title="Lost update")
    exhibit.refresh_from_db()
    assert exhibit.title == "New label"
    with pytest.raises(ValidationFailed, match="device cannot be changed"):
        services.update_exhibit(exhibit, device=None)


def test_move_records_a_movement(exhibit, user):
    m = services.move_exhibit(
        exhibit, moved_on=dt.date(2025, 1, 3), to_location="Store B", condition="fair", note="cleaning", user=user
    )
    exhibit.refresh_from_db()
    assert (m.from_location, m.to_location) == ("Room 1, case 2", "Store B")
    assert (exhibit.location, exhibit.condition) == ("Store B", "fair")
    assert exhibit.history.first().history_change_reason == "moved: cleaning"


def test_loan_rules(exhibit, user):
    with pytest.raises(ValidationFailed) as err:
        services.lend(
            exhibit,
            borrower="TC",
            borrower_kind="training_centre",
            lent_on=dt.date(2025, 2, 1),
            due_on=dt.date(2025, 1, 1),
        )
    assert err.value.field == "due_on" and not Loan.objects.exists()
    loan = services.lend(
        exhibit,
        borrower="Testland Training Centre",
        borrower_kind="training_centre",
        lent_on=dt.date(2025, 2, 1),
        due_on=dt.date(2025, 3, 1),
        user=user,
    )
    exhibit.refresh_from_db()
    assert exhibit.status == "loan" and loan.condition_out == "good"
    with pytest.raises(ValidationFailed, match="already on loan"):
        services.lend(
            exhibit, borrower="Other", borrower_kind="museum", lent_on=dt.date(2025, 2, 2), due_on=dt.date(2025, 3, 1)
        )
    with pytest.raises(ValidationFailed, match="(?i)is on loan"):
        services.move_exhibit(exhibit, moved_on=dt.date(2025, 2, 3), to_location="Room 2")
    assert Loan.objects.count() == 1 and not Movement.objects.exists()
    assert list(queries.exhibits(overdue=True, today=dt.date(2025, 3, 2))) == [exhibit]
    assert list(queries.exhibits(overdue=True, today=dt.date(2025, 2, 20))) == []
    with pytest.raises(ValidationFailed, match="before lent_on"):
        services.return_loan(loan, returned_on=dt.date(2025, 1, 1), condition_back="fair")
    services.return_loan(loan, returned_on=dt.date(2025, 2, 20), condition_back="fair", status="display", user=user)
    exhibit.refresh_from_db()
    loan.refresh_from_db()
    assert (exhibit.status, exhibit.condition, loan.condition_back) == ("display", "fair", "fair")
    assert list(queries.exhibits(on_loan=True)) == []


def test_a_guided_eore_visit_is_an_eore_session(museum_world, user):
    museum = museum_world["museum"]
    visit = services.record_visit(
        museum,
        visited_on=dt.date(2025, 5, 6),
        group="Grade 5",
        guided=True,
        is_eore=True,
        girls=11,
        boys=12,
        women=1,
        men=2,
        audience="schoolchildren",
        user=user,
    )
    s = visit.eore_session
    assert s is not None and s.point is not None and museum.point is not None
    assert (s.method, s.held_on, s.organisation.acronym, s.audience) == (
        "museum",
        dt.date(2025, 5, 6),
        "TNA",
        "schoolchildren",
    )
    assert (s.girls, s.boys, s.women, s.men) == (11, 12, 1, 2)
    assert (s.point.x, s.point.y) == (museum.point.x, museum.point.y)
    services.update_visit(visit, girls=20, user=user, reason="recounted")
    s.refresh_from_db()
    assert s.girls == 20 and s.beneficiaries == 35


def test_eore_that_is_not_guided_is_refused(museum_world):
    with pytest.raises(ValidationFailed) as err:
        services.record_visit(museum_world["museum"], visited_on=dt.date(2025, 5, 6), is_eore=True, girls=3)
    assert err.value.field == "is_eore" and "only when it was guided" in str(err.value)
    assert not Visit.objects.exists()
    from safeground.eore.models import Session

    assert not Session.objects.exists()


def test_visit_totals_equal_the_eore_counts(museum_world):
    from safeground.eore import queries as eore_queries

    museum = museum_world["museum"]
    services.record_visit(museum, visited_on=dt.date(2025, 4, 1), women=30, men=20)
    services.record_visit(museum, visited_on=dt.date(2025, 4, 9), guided=True, is_eore=True, girls=8, boys=9)
    services.record_visit(museum, visited_on=dt.date(2025, 6, 9), guided=True, is_eore=True, women=4, men=5)
    services.record_visit(museum, visited_on=dt.date(2025, 6, 10), guided=True, boys=7)
    months = queries.visit_totals("month")
    assert [r["period"] for r in months["rows"]] == ["2025-04", "2025-06"]
    assert months["rows"][0]["visitors"] == 67 and months["rows"][0]["eore_sessions"] == 1
    assert months["total"]["guided"] == 3
    by_method = eore_queries.beneficiaries("method")
    museum_row = next(r for r in by_method["rows"] if r["group"] == "museum")
    for by in ("month", "year"):
        total = queries.visit_totals(by)["total"]
        assert (total["eore_sessions"], total["eore_beneficiaries"]) == (museum_row["sessions"], museum_row["total"])
    assert museum_row["sessions"] == 2 and museum_row["total"] == 26
