"""The bulk loader under the services (`core.bulk`): rows go in exactly as given, on both databases.

On PostGIS rows travel in COPY's binary form (`core.copy_binary`), and a large load drops and
re-creates the table's keys, indexes and foreign keys (decision 0017); these tests read every value
back and check that the constraints still refuse what they must, with nothing written.
"""

import datetime as dt
import uuid

import pytest
import shapely
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from safeground.core import bulk, copy_binary
from safeground.landrelease.models import Device
from safeground.landrelease.tests.test_bulk import LAT, LON, product  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def rows(of, n: int, **extra) -> dict:
    now = timezone.now()
    data = {
        "id": bulk.sequential_ids(n),
        "code": [f"LOAD-{k:04d}" for k in range(n)],
        "product": [of.id] * n,
        "activity": [of.activity_id] * n,
        "point": [shapely.Point(LON - 0.001 + k * 1e-7, LAT + 1 / 3) for k in range(n)],
        "category": ["uxo"] * n,
        "condition": ["intact"] * n,
        "disposal": ["destroyed_in_situ"] * n,
        "depth_cm": [k % 40 for k in range(n)],
        "found_on": [dt.date(2024, 1, 1) + dt.timedelta(days=k % 50) for k in range(n)],
        "count": [1] * n,
        "is_synthetic": [k % 2 == 0 for k in range(n)],
        "created_at": [now] * n,
        "updated_at": [now] * n,
    }
    data.update(extra)
    return data


def test_every_value_comes_back_exactly(product):  # noqa: F811
    when = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    data = rows(product, 4)
    data.update(
        id=[bulk.sequential_ids(1)[0], uuid.uuid4(), uuid.uuid4(), str(uuid.uuid4())],  # text and UUID objects
        code=["TAB\tCODE", "NEW\nLINE", "BACK\\SLASH", "ខ្មែរ-ÁZƏ"],
        activity=[product.activity_id, None, product.activity_id, None],  # NULLs between values
        point=[shapely.Point(103.123456789012, 13.987654321098), *data["point"][1:]],
        depth_cm=[None, 0, 32767, 7],
        found_on=[dt.date(1900, 1, 1), dt.date(2000, 1, 1), dt.date(1999, 12, 31), dt.date(2024, 2, 29)],
        count=[1, 2**31 - 1, 3, 4],
        is_synthetic=[True, False, True, False],
        created_at=[when, when, when - dt.timedelta(days=9000), when],
    )

    assert bulk.insert(Device, data) == 4

    stored = {d.code: d for d in Device.objects.filter(code__in=data["code"])}
    for k, code in enumerate(data["code"]):
        d = stored[code]
        assert str(d.id) == str(data["id"][k])
        assert d.activity_id == data["activity"][k] and d.product_id == product.id
        assert (d.point.x, d.point.y) == (data["point"][k].x, data["point"][k].y)
        assert d.point.srid == 4326
        assert d.depth_cm == data["depth_cm"][k] and d.count == data["count"][k]
        assert d.found_on == data["found_on"][k] and d.is_synthetic is data["is_synthetic"][k]
        assert d.created_at == data["created_at"][k]


def test_a_large_load_rebuilds_the_keys_and_still_refuses_a_duplicate_writing_nothing(product):  # noqa: F811
    before = Device.objects.count()
    data = rows(product, 50)
    data["code"][49] = data["code"][3]  # the same code twice: the unique constraint, added back, refuses it

    with pytest.raises(IntegrityError), transaction.atomic(), bulk.loading(Device, 50):
        bulk.insert(Device, data)

    assert Device.objects.count() == before
    with transaction.atomic(), bulk.loading(Device, 50):  # the same load without the duplicate goes in
        data["code"][49] = "LOAD-LAST"
        bulk.insert(Device, data)
    assert Device.objects.count() == before + 50
    if connection.vendor == "postgresql":  # every key, index and foreign key is back
        with connection.cursor() as c:
            c.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'landrelease_device'::regclass "
                "AND contype IN ('p', 'u', 'f')"
            )
            assert c.fetchone()[0] == 7  # primary key, unique code and source_id, product, activity, model, batch
            c.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'landrelease_device'")
            assert c.fetchone()[0] == 9  # and source_id: its unique index and the one for LIKE


def test_a_refused_row_writes_nothing(product):  # noqa: F811
    before = Device.objects.count()
    data = rows(product, 3, count=[1, 0, 1])  # count ≥ 1 is a CHECK constraint

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert(Device, data)

    assert Device.objects.count() == before


@pytest.mark.parametrize(
    ("values", "dtype", "message"),
    [([40000], ">i2", "16-bit"), ([2**40], ">i4", "32-bit"), ([1.5], ">i4", "fraction"), ([2**70], ">i8", "range")],
)
def test_the_binary_form_refuses_a_number_its_column_cannot_hold(values, dtype, message):
    """The server refuses such a value in COPY's text form; the binary form must never wrap it."""
    with pytest.raises(DataError, match=message):
        copy_binary._number(values, dtype)


@pytest.mark.parametrize("at_most", [2, 1, 10_000])
def test_existing_codes_found_by_range_or_by_lookup(product, monkeypatch, at_most):  # noqa: F811
    """The range shortcut and the full lookup find the same stored codes, in code-point order ("Z" < "a")."""
    stored = ["B-1", "B-5", "Z-9", "a-1", "ខ-1"]
    assert bulk.insert(Device, rows(product, len(stored), code=stored)) == len(stored)
    monkeypatch.setattr(bulk, "IN_RANGE_AT_MOST", at_most)
    looked_up = []
    lookup_rows = bulk.lookup_rows
    monkeypatch.setattr(bulk, "lookup_rows", lambda *a, **k: looked_up.append(a) or lookup_rows(*a, **k))
    given = ["B-0", "B-5", "B-9", "C-1", None]
    assert bulk.existing_values(Device, "code", given) == {"B-5"}  # 2 stored in the range: by range when at_most ≥ 2
    assert bulk.existing_values(Device, "code", ["Y-0", "Z-9", "a-1", "a-2"]) == {"Z-9", "a-1"}
    assert bulk.existing_values(Device, "code", ["ក-0", "ខ-1", "ខ-2"]) == {"ខ-1"}
    assert bulk.existing_values(Device, "code", ["C-0", "C-1", "C-2"]) == set()
    assert bool(looked_up) == (at_most != 2)  # the shortcut answered every call only when it could
