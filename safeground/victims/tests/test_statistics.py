"""Casualty statistics: no count from 1 to 4 is shown, nor can one be worked out from a total."""

import csv
import datetime as dt
import io
import itertools

import numpy as np
import pytest
import shapely

from safeground.core.tests.fixtures import FUZULI
from safeground.victims import disclosure, services
from safeground.victims.tests.conftest import add_victims

SHOWN = disclosure.THRESHOLD


def groups(table: disclosure.Table):
    """(total shown, parts shown) for every published total of the table."""
    if len(table.dims) == 1:
        yield table.total_shown, list(table.shown.values())
        return
    for axis in (0, 1):
        margin = table.margins_shown[axis]
        yield table.total_shown, list(margin.values())
        for value, total in margin.items():
            yield total, [v for k, v in table.shown.items() if k[axis] == value]


def assert_safe(table: disclosure.Table):
    figures = [table.total_shown, *table.shown.values()]
    figures += [v for m in table.margins_shown.values() for v in m.values()]
    assert not [f for f in figures if isinstance(f, int) and 0 < f < SHOWN], figures
    for total, parts in groups(table):
        if isinstance(total, int):
            hidden = [p for p in parts if not isinstance(p, int)]
            assert len(hidden) != 1, (total, parts)  # one hidden part = total minus the others


def test_small_cells_and_their_complement_are_hidden():
    table = disclosure.suppress(["province"], {("KH02",): 19, ("KH13",): 12, ("KH11",): 1, ("KH08",): 0})
    # 1 is hidden; 12 too, else 32 − 19 − 12 would give it.
    assert table.shown == {("KH02",): 19, ("KH13",): "x", ("KH11",): "<5"}
    assert table.total_shown == 32 and ("KH08",) not in table.shown
    assert_safe(table)


def test_random_tables_are_always_safe():
    rng = np.random.default_rng(7)
    for _ in range(300):
        rows, cols = rng.integers(1, 6), rng.integers(1, 4)
        counts = {
            (r, c): int(rng.choice([0, 1, 2, 3, 4, 5, 7, 12, 30]))
            for r, c in itertools.product(range(rows), range(cols))
        }
        table = disclosure.suppress(["a", "b"], counts)
        assert_safe(table)
        assert table.total == sum(counts.values())
        one = disclosure.suppress(["a"], {(r,): n for (r, c), n in counts.items() if c == 0})
        assert_safe(one)
        assert disclosure.is_safe(table) and disclosure.is_safe(one)


@pytest.mark.django_db
def test_statistics_api_suppresses_small_counts(signed_in, hazard):
    kh = services.create_accident(
        point=shapely.Point(103.05, 13.05), occurred_on=dt.date(2023, 5, 1), accident_type="mine_erw"
    )
    az = services.create_accident(
        point=shapely.Point(*FUZULI),
        occurred_on=dt.date(2023, 6, 1),
        accident_type="mine_erw",
        device_category="at_mine",
    )
    add_victims(kh, 9, sex="male")
    add_victims(kh, 2, sex="female", outcome="killed")
    add_victims(az, 6, sex="male", victim_type="military")
    response = signed_in.get("/api/v1/victims/statistics?by=country,sex")  # public: aggregated and suppressed
    assert response.status_code == 200
    body = response.json()
    rows = {(r["country"], r["sex"]): r["count"] for r in body["rows"]}
    assert rows == {("KHM", "male"): "x", ("KHM", "female"): "<5", ("AZE", "male"): "x"}
    assert body["total"] == 17 and body["threshold"] == 5
    # AZE's 6 men are AZE's only cell: AZE's total would give the hidden cell, so both country totals go.
    assert {m["country"]: m["count"] for m in body["margins"]["country"]} == {"KHM": "x", "AZE": "x"}
    # 15 men would give the 2 women as 17 − 15: withheld too.
    assert {m["sex"]: m["count"] for m in body["margins"]["sex"]} == {"male": "x", "female": "<5"}
    one = signed_in.get("/api/v1/victims/statistics?by=outcome&country=KHM").json()
    assert {r["outcome"]: r["count"] for r in one["rows"]} == {"injured": "x", "killed": "<5"}
    assert one["total"] == 11


@pytest.mark.django_db
def test_csv_export_has_no_small_count(signed_in, hazard):
    kh = services.create_accident(
        point=shapely.Point(103.05, 13.05), occurred_on=dt.date(2022, 5, 1), accident_type="mine_erw"
    )
    add_victims(kh, 7)
    add_victims(kh, 3, outcome="killed")
    response = signed_in.get("/api/v1/victims/statistics?by=year,outcome&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    cells = list(csv.reader(io.StringIO(response.content.decode())))
    assert cells[0] == ["year", "outcome", "casualties"]
    counts = [row[-1] for row in cells[1:]]
    assert counts == ["x", "<5", "10"]  # injured 7 withheld: 10 − 7 would give the 3 killed
    assert not [c for c in counts if c.isdigit() and 0 < int(c) < SHOWN]


@pytest.mark.django_db
def test_bad_dimension_is_refused(signed_in):
    response = signed_in.get("/api/v1/victims/statistics?by=name")
    assert response.status_code == 422
    assert response.json()["field"] == "by" and "one or two different dimensions" in response.json()["detail"]
    assert signed_in.get("/api/v1/victims/statistics?by=year,sex,outcome").status_code == 422
