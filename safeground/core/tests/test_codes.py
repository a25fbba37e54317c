"""The one code rule: `<stem>-<KIND>-<n>`, numbered on per stem from the highest number used."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeground.core.codes import allocate_codes, highest_numbers, next_code
from safeground.organisations.models import Organisation, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    org = Organisation.objects.create(name="Test operator", acronym="TOP", kind="operator", country="KHM")

    def make(*codes: str) -> None:
        for code in codes:
            Team.objects.create(organisation=org, code=code, kind="manual", size=8)

    return make


def test_next_code_follows_the_highest_number_of_its_stem(teams):
    assert next_code(Team, "KH02", "TM") == "KH02-TM-000001"
    teams("KH02-TM-000007", "KH02-TM-000003", "KH020-TM-000050", "KH03-TM-000009")
    assert next_code(Team, "KH02", "TM") == "KH02-TM-000008", "KH020 and KH03 are other stems"
    assert next_code(Team, "KH02", "XX") == "KH02-XX-000001", "another kind counts apart"


def test_allocate_codes_numbers_each_stem_in_the_order_given(teams):
    teams("KH02-TM-000124", "AZ-FUZULI-TM-007")
    codes = allocate_codes(Team, "TM", ["KH02", "KH05", "KH02", "AZ-FUZULI", "KH05"])
    assert codes == ["KH02-TM-000125", "KH05-TM-000001", "KH02-TM-000126", "AZ-FUZULI-TM-000008", "KH05-TM-000002"]
    assert allocate_codes(Team, "TM", ["KH09", "KH09"], width=3) == ["KH09-TM-001", "KH09-TM-002"]
    assert allocate_codes(Team, "TM", []) == []


def test_taken_codes_and_odd_codes(teams):
    # A code chosen earlier in the same write counts; a suffixed code (a split piece) does not; a number
    # wider than the width (past 999999) is read as a number, not as text.
    teams("KH02-TM-000005-2", "KH07-TM-999999", "KH07-TM-1000000")
    assert allocate_codes(Team, "TM", ["KH02", "KH02"], taken=["KH02-TM-000010"]) == [
        "KH02-TM-000011",
        "KH02-TM-000012",
    ]
    assert next_code(Team, "KH07", "TM") == "KH07-TM-1000001"
    assert highest_numbers(Team, "TM", ["KH02", "KH07", "KH99"]) == {"KH02": 0, "KH07": 1000000, "KH99": 0}


@pytest.mark.parametrize("n", [300, 900])
def test_many_stems_take_one_query(teams, n):
    """Index ranges per stem up to STEMS_PER_QUERY stems; beyond, one ordered read between the first and last."""
    teams(*[f"S{k:03d}-TM-000002" for k in range(0, n, 3)], "S-TM-000050", "T000-TM-000009", "S001X-TM-000004")
    stems = [f"S{k:03d}" for k in range(n)]
    with CaptureQueriesContext(connection) as queries:
        codes = allocate_codes(Team, "TM", stems)
    locks = [q for q in queries if "pg_advisory_xact_lock" in q["sql"]]
    assert len(queries) - len(locks) == 1  # one read of the codes
    # PostgreSQL: a bulk numbering locks the table's numbering until commit (concurrent writers wait).
    assert len(locks) == (1 if connection.vendor == "postgresql" else 0)
    assert codes[0] == "S000-TM-000003" and codes[1] == "S001-TM-000001" and codes[3] == "S003-TM-000003"
    assert len(set(codes)) == n
