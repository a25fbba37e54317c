"""The hazard list page (/hazards/): filters, search, sorting, paging, CSV export, htmx part, access."""

import datetime as dt

import pytest
import shapely
from django.urls import reverse

from safeground.core import listing
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.landrelease.tests.list_data import build_world, csv_of, html_of, listed_codes, query_count
from safeground.portal import hazard_list as list_views

pytestmark = pytest.mark.django_db
URL = "/hazards/"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def codes(viewer, query: str = "") -> list[str]:
    return listed_codes(html_of(viewer.get(f"{URL}?{query}")))


def test_url_name_and_sign_in_required(client, world):
    assert reverse("hazard-list") == URL
    response = client.get(URL + "?status=open")
    assert response.status_code == 302
    assert "next=/hazards/%3Fstatus%3Dopen" in response["Location"]


def test_lists_every_hazard_by_code_with_counts_and_links(viewer, world):
    html = html_of(viewer.get(URL))
    assert listed_codes(html) == sorted([world.rice.code, world.temple.code, world.fuzuli.code])
    assert "3 hazards" in html
    assert f'href="/hazards/{world.rice.code}/"' in html
    assert "Rice field north of the pagoda" in html
    assert 'href="/hazards/?format=csv"' in html
    assert 'hx-get="/hazards/"' in html and 'hx-push-url="true"' in html  # htmx on the form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=AZE", ["fuzuli"]),
        ("country=KHM", ["rice", "temple"]),
        ("hazard_class=SHA", ["temple"]),
        ("status=suspended", ["fuzuli"]),
        ("contamination_type=ap_mines", ["rice"]),
        ("organisation=ANAMA", ["fuzuli"]),
        ("date_from=2024-01-01", ["rice", "fuzuli"]),
        ("date_to=2023-12-31", ["temple"]),
        ("date_from=2024-01-15&date_to=2024-01-15", ["rice"]),
        ("q=pagoda", ["rice"]),
        ("q=TEMPLE+road", ["temple"]),
        ("country=KHM&hazard_class=CHA", ["rice"]),
        ("country=AZE&hazard_class=SHA", []),
    ],
)
def test_filters_and_search(viewer, world, query, expected):
    wanted = sorted(getattr(world, name).code for name in expected)
    assert codes(viewer, query) == wanted


def test_province_filter_uses_the_province_code(viewer, world):
    assert world.rice.province.code != world.temple.province.code
    assert codes(viewer, f"province={world.rice.province.code}") == [world.rice.code]
    assert codes(viewer, f"province={world.temple.province.code}") == [world.temple.code]


def test_date_range_backwards_and_unknown_choices_are_ignored_with_a_message(viewer, world):
    html = html_of(viewer.get(URL + "?date_from=2025-01-01&date_to=2024-01-01&status=bogus"))
    assert len(listed_codes(html)) == 3  # neither the broken range nor the unknown status filters
    assert "The end of the range is before its start: the dates are ignored." in html
    assert "Select a valid choice" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-area", ["rice", "fuzuli", "temple"]),
        ("area", ["temple", "fuzuli", "rice"]),
        ("-recorded", ["fuzuli", "rice", "temple"]),
        ("-devices", ["rice", "temple", "fuzuli"]),  # 4 items, 1 item, none
        ("-products", ["rice", "temple", "fuzuli"]),
        ("class", ["fuzuli", "rice", "temple"]),  # CHA, CHA (AZ… before KH… by code), SHA
        ("-class", ["temple", "fuzuli", "rice"]),  # the code stays ascending within a class
    ],
)
def test_sorting(viewer, world, sort, expected):
    assert codes(viewer, f"sort={sort}") == [getattr(world, name).code for name in expected]


def test_sorting_by_the_ledger_remaining_area(viewer, world):
    # Fuzuli has no product: all of it remains; the other two are released entirely.
    assert codes(viewer, "sort=-remaining")[0] == world.fuzuli.code
    assert codes(viewer, "sort=remaining")[-1] == world.fuzuli.code


@pytest.mark.parametrize("sort", ["geom", "-password", "province__geom", "__class__", "code;drop", "-", ""])
def test_unknown_sort_keys_fall_back_to_the_code(viewer, world, sort):
    assert codes(viewer, f"sort={sort}") == sorted([world.rice.code, world.temple.code, world.fuzuli.code])


def test_sort_headers_link_to_the_other_direction_and_keep_the_filters(viewer, world):
    html = html_of(viewer.get(URL + "?country=KHM&sort=-area"))
    assert 'aria-sort="descending"' in html
    assert 'href="/hazards/?country=KHM&amp;sort=area"' in html  # click again: ascending
    assert 'href="/hazards/?country=KHM&amp;sort=-devices"' in html  # numbers start largest first
    assert 'href="/hazards/?country=KHM&amp;sort=status"' in html  # text starts A→Z
    assert 'name="sort" value="-area" form="list-filters"' in html  # filtering keeps the order


def test_paging(viewer, world, monkeypatch):
    assert list_views.HAZARDS.per_page == listing.PER_PAGE == 50
    monkeypatch.setattr(list_views.HAZARDS, "per_page", 2)
    all_codes = sorted([world.rice.code, world.temple.code, world.fuzuli.code])
    first = html_of(viewer.get(URL))
    assert listed_codes(first) == all_codes[:2]
    assert "rows 1–2" in first and 'href="/hazards/?page=2"' in first
    assert codes(viewer, "page=2") == all_codes[2:]
    assert codes(viewer, "page=99") == all_codes[2:]  # past the end: the last page
    assert codes(viewer, "page=x") == all_codes[:2]
    assert codes(viewer, "sort=-area&page=2") == [world.temple.code]


def test_csv_export_has_every_matching_row_in_order(viewer, world, monkeypatch):
    monkeypatch.setattr(list_views.HAZARDS, "per_page", 1)  # the export is not paged
    rows = csv_of(viewer.get(URL + "?country=KHM&sort=-area&page=2&format=csv"))
    assert [r["code"] for r in rows] == [world.rice.code, world.temple.code]
    rice = rows[0]
    assert rice["hazard_class"] == "CHA" and rice["status"] == "open"
    assert rice["province_code"] == world.rice.province.code
    assert rice["reporting_organisation"] == "CMAC"
    assert rice["recorded_on"] == "2024-01-15"
    assert float(rice["area_m2"]) == pytest.approx(world.rice.area_m2, abs=0.01)
    assert rice["activities"] == "1" and rice["products"] == "2" and rice["device_items"] == "4"
    assert rice["is_synthetic"] == "false"
    everything = csv_of(viewer.get(URL + "?format=csv"))
    assert len(everything) == 3


def test_csv_cells_that_look_like_formulas_are_neutralised(viewer, world):
    Hazard.objects.filter(pk=world.temple.pk).update(name="=HYPERLINK(1)")
    rows = csv_of(viewer.get(URL + "?format=csv&hazard_class=SHA"))
    assert rows[0]["name"] == "'=HYPERLINK(1)"


def test_htmx_requests_get_the_results_part_only(viewer, world):
    response = viewer.get(URL + "?country=AZE", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results")
    html = html_of(response)
    assert "<html" not in html and "<form" not in html
    assert listed_codes(html) == [world.fuzuli.code]
    assert "HX-Request" in response["Vary"]
    # The address htmx shows leaves out the form's empty fields and the default sort.
    form_like = viewer.get(
        URL + "?q=&country=AZE&province=&status=&sort=code", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results"
    )
    assert form_like["HX-Push-Url"] == "/hazards/?country=AZE"
    sorted_page = viewer.get(URL + "?sort=-area&page=1&q=", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results")
    assert sorted_page["HX-Push-Url"] == "/hazards/?sort=-area"
    restore = viewer.get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in html_of(restore)  # htmx restoring history needs the whole page


def test_query_count_does_not_grow_with_rows(viewer, world, user):
    before = query_count(viewer, URL)
    for i in range(12):
        hazard_services.create_hazard(
            geometry=shapely.box(103.0 + i * 0.01, 13.0, 103.004 + i * 0.01, 13.004),
            hazard_class="SHA",
            contamination_type="uxo",
            recorded_on=dt.date(2022, 1, 1),
            reporting_organisation="CMAC",
            user=user,
        )
    assert len(listed_codes(html_of(viewer.get(URL)))) == 15
    assert query_count(viewer, URL) == before
    assert before <= 12, before


def test_hazard_page_links_to_its_activities_and_products(viewer, world):
    html = html_of(viewer.get(f"/hazards/{world.rice.code}/"))
    assert 'href="/activities/KH-T-CLR-001/"' in html
    assert 'href="/products/KH-T-LR-CLR/"' in html and 'href="/products/KH-T-LR-RED/"' in html


def test_clear_filters_link_keeps_the_sort(viewer, world):
    html = html_of(viewer.get(URL + "?country=AZE&sort=-area"))
    assert 'href="/hazards/?sort=-area">Clear filters</a>' in html
    assert "Clear filters" not in html_of(viewer.get(URL + "?sort=-area"))


@pytest.mark.parametrize("query", ["samana", "SAMANA", "Samaná", "peñas", "PENAS blanc"])
def test_search_ignores_accents_and_case(viewer, world, query):
    """A name typed without its accents, or in another case, finds the record (on both databases)."""
    Hazard.objects.filter(pk=world.temple.pk).update(name="SAMANÁ – Peñas Blancas")
    assert codes(viewer, f"q={query}") == [world.temple.code]


def test_search_keeps_other_scripts_and_like_characters_literal(viewer, world):
    Hazard.objects.filter(pk=world.temple.pk).update(name="ប្រាសាទ 100% Ağdam_1")
    assert codes(viewer, "q=ប្រាសាទ") == [world.temple.code]
    assert codes(viewer, "q=agdam_1") == [world.temple.code]
    assert codes(viewer, "q=100%25") == [world.temple.code]  # "%" is a character, not a wildcard
    assert codes(viewer, "q=10_%25") == []
    assert codes(viewer, "q=ប្រាស់") == []  # Khmer marks are kept, not dropped like Latin accents
