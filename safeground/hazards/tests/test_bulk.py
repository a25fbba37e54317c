"""bulk_create_hazards: the single write's rules over whole columns, one batch, no per-row history."""

import datetime as dt

import pytest
import shapely
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeground.core.errors import BulkValidationFailed, ValidationFailed
from safeground.core.history import history_entries
from safeground.core.models import Batch
from safeground.core.tests.fixtures import BATTAMBANG, FUZULI
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards import services
from safeground.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def box(lon: float, lat: float, half: float = 0.002) -> shapely.Polygon:
    return shapely.box(lon - half, lat - half, lon + half, lat + half)


def rows(geoms, **more) -> dict:
    n = len(geoms)
    return {
        "geometry": geoms,
        "hazard_class": ["CHA"] * n,
        "contamination_type": ["ap_mines"] * n,
        "recorded_on": [dt.date(2024, 1, 15)] * n,
        **more,
    }


def test_bulk_derives_what_the_single_write_derives(organisation, user):
    lon, lat = BATTAMBANG
    single = services.create_hazard(
        geometry=box(lon, lat), hazard_class="CHA", contamination_type="ap_mines", recorded_on=dt.date(2024, 1, 15)
    )
    result = services.bulk_create_hazards(
        rows(
            [box(lon + 0.01, lat), box(lon + 0.02, lat), box(*FUZULI)],
            reporting_organisation=["CMAC", None, None],
            suspected_models=[[], [], []],
            name=["one", "two", "three"],
        ),
        user=user,
        source="test.gpkg",
    )
    made = {h.code: h for h in Hazard.objects.filter(id__in=result.ids)}
    assert len(made) == 3 and sorted(made) == sorted(result.codes)
    province = single.code.rsplit("-HAZ-", 1)[0]
    number = int(single.code.rsplit("-", 1)[1])
    assert result.codes[:2] == [f"{province}-HAZ-{number + 1:06d}", f"{province}-HAZ-{number + 2:06d}"]
    first = made[result.codes[0]]
    assert (first.country, first.province_id, first.district_id) == ("KHM", single.province_id, single.district_id)
    assert first.utm_epsg == single.utm_epsg == 32648
    assert first.area_m2 == pytest.approx(single.area_m2, rel=1e-3)
    assert first.reporting_organisation == organisation and first.status == "open"
    assert first.status_changed_on == dt.date(2024, 1, 15)
    aze = made[result.codes[2]]
    assert aze.country == "AZE" and aze.code.startswith(aze.province.code + "-HAZ-") and aze.utm_epsg == 32638
    # One batch, stamped on every row; no per-row history, the "created" entry comes from the batch.
    batch = Batch.objects.get()
    assert (batch.kind, batch.rows, batch.source, batch.user) == ("hazards", 3, "test.gpkg", user)
    assert {h.batch_id for h in made.values()} == {batch.id}
    assert Hazard.history.filter(id__in=result.ids).count() == 0
    created = history_entries(first)
    assert [e["history_type"] for e in created] == ["created"] and created[0]["batch"]["id"] == str(batch.id)


def test_bad_rows_are_all_named_and_nothing_is_written():
    lon, lat = BATTAMBANG
    before = Hazard.objects.count()
    with pytest.raises(BulkValidationFailed) as caught:
        services.bulk_create_hazards(
            rows(
                [box(lon, lat), box(lon + 0.01, lat), box(lon + 0.02, lat), box(*FUZULI), box(0, 0)],
                hazard_class=["CHA", "XXX", "SHA", "SHA", "SHA"],
                recorded_on=[dt.date(2024, 1, 1)] * 4 + [None],
                status_changed_on=[None, None, dt.date(2023, 1, 1), None, None],
                country=[None, None, None, "KHM", None],
                reporting_organisation=["NOBODY", None, None, None, None],
            )
        )
    found = {(e.row, e.field) for e in caught.value.errors}
    assert found == {
        (1, "reporting_organisation"),
        (2, "hazard_class"),
        (3, "status_changed_on"),
        (4, "geometry"),
        (5, "recorded_on"),
        (5, "geometry"),
    }
    reasons = {(e.row, e.field): e.reason for e in caught.value.errors}
    assert reasons[(2, "hazard_class")] == "hazard_class must be one of SHA, CHA; got 'XXX'"
    assert "not in Cambodia (KHM)" in reasons[(4, "geometry")]
    assert Hazard.objects.count() == before and not Batch.objects.exists()


def test_single_write_refuses_as_before():
    with pytest.raises(ValidationFailed) as caught:
        services.create_hazard(
            geometry=box(*BATTAMBANG),
            hazard_class="XXX",
            contamination_type="ap_mines",
            recorded_on=dt.date(2024, 1, 1),
        )
    assert not isinstance(caught.value, BulkValidationFailed)
    assert (caught.value.field, str(caught.value)) == (
        "hazard_class",
        "hazard_class must be one of SHA, CHA; got 'XXX'",
    )
    assert not Hazard.objects.exists()


def test_duplicate_and_existing_codes_are_refused():
    services.create_hazard(
        geometry=box(*BATTAMBANG),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 1),
        code="KH02-HAZ-000900",
    )
    lon, lat = BATTAMBANG
    with pytest.raises(BulkValidationFailed) as caught:
        services.bulk_create_hazards(
            rows(
                [box(lon + 0.01, lat), box(lon + 0.02, lat), box(lon + 0.03, lat)],
                code=["A-1", "A-1", "KH02-HAZ-000900"],
            )
        )
    assert [(e.row, e.field, e.kind) for e in caught.value.errors] == [(2, "code", "duplicate"), (3, "code", "exists")]


def test_a_third_country_built_from_data_alone():
    areas = build_testland()
    result = services.bulk_create_hazards(
        rows([box(-19.3, -29.6), box(-19.7, -29.6), box(-19.5, -29.1), box(-19.3, -29.5)])
    )
    assert result.codes == ["XT02-HAZ-000001", "XT01-HAZ-000001", "XT-HAZ-000001", "XT02-HAZ-000002"]
    made = Hazard.objects.in_bulk(result.ids)
    assert {h.country for h in made.values()} == {ISO3}
    assert made[result.ids[0]].district_id == areas["XT0201"].id
    assert made[result.ids[2]].province_id is None
    assert {h.utm_epsg for h in made.values()} == {32727}


def test_queries_do_not_grow_with_the_rows():
    from safeground.ordnance.models import OrdnanceModel

    OrdnanceModel.objects.get_or_create(name="PMN-2", defaults={"category": "ap_mine"})
    lon, lat = BATTAMBANG

    def count(n: int, shift: float) -> int:
        geoms = [box(lon + 0.01 * k, lat + shift, half=0.001) for k in range(n)]
        with CaptureQueriesContext(connection) as queries:
            result = services.bulk_create_hazards(rows(geoms, suspected_models=[["PMN-2"]] * n))
        assert Hazard.suspected_models.through.objects.filter(hazard_id__in=result.ids).count() == n
        return len(queries)

    count(1, 0.02)  # the gazetteer's caches fill on the first write
    assert count(3, 0.05) == count(40, 0.1)


def test_the_page_history_of_a_bulk_hazard_is_its_batch_then_its_edits(user):
    from safeground.core.record_pages import history_rows

    lon, lat = BATTAMBANG
    result = services.bulk_create_hazards(rows([box(lon + 0.03, lat)]), user=user, source="national.gpkg")
    hazard = Hazard.objects.get(id=result.ids[0])
    [created] = history_rows(hazard)
    assert created["record"].history_type == "+" and created["record"].history_user == user
    assert "national.gpkg" in created["record"].history_change_reason
    services.update_hazard(hazard, name="renamed", user=user)
    changed, created = history_rows(Hazard.objects.get(id=hazard.id))
    assert changed["record"].history_type == "~" and created["record"].history_type == "+"
