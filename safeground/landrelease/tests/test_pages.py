"""The land release pages: the national summary (/ledger/) and the ledger card on the hazard page.

Products are created through the services, so the stored ledger is the one the pages read.
"""

import datetime as dt
import json
import re

import pytest
import shapely
from django.urls import reverse

from safeground.core.geometry import area_m2
from safeground.hazards.models import Evidence, Hazard
from safeground.landrelease import services
from safeground.landrelease.models import HazardLedger, Product
from safeground.landrelease.views import GROUPINGS

pytestmark = pytest.mark.django_db


#: The page's own queries (≈ 10, the country's name from its programme profile included) plus the
#: signed-in account's session, user and permissions, its roles (whether to offer "Propose a change"), and
#: one for the photos of the hazard and its evidence.
PAGE_QUERIES = 19


def release_parts(hazard, activity, *, whole: bool = False) -> list[Product]:
    """Clear the west half (reported 10 % too large) in 2024, reduce the north-east quarter in 2025.

    Leaves the south-east quarter remaining, unless `whole`: then the rest is reduced too.
    """
    minx, miny, maxx, maxy = hazard.geom.extent
    midx, midy = (minx + maxx) / 2, (miny + maxy) / 2
    west = services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=shapely.box(minx, miny, midx, maxy),
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=13,
    )
    west = services.update_product(west, reported_area_m2=west.area_m2 * 1.1)
    east = services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="reduced",
        geometry=shapely.box(midx, miny if whole else midy, maxx, maxy),
        released_on=dt.date(2025, 6, 1),
    )
    return [west, east]


def html_of(response) -> str:
    assert response.status_code == 200, response.content[:2000]
    return response.content.decode()


def map_data(html: str) -> dict:
    return json.loads(re.search(r'<script id="hazard-map-data" type="application/json">(.*?)</script>', html, re.S)[1])


# ---------------------------------------------------------------- /ledger/


def test_summary_by_province_has_the_row_the_chart_and_the_checks(
    signed_in, hazard, activity, django_assert_max_num_queries
):
    west, _east = release_parts(hazard, activity)
    ledger = HazardLedger.objects.get(hazard=hazard)
    # One reads the programmes (the country links); each of the three summaries one more, for the
    # point hazards counted apart; the summaries by country and by year one more each, for the
    # products released outside every hazard.
    with django_assert_max_num_queries(21):
        html = html_of(signed_in.get("/ledger/"))
    assert reverse("ledger-summary") == "/ledger/"
    # The province row, with its name, code and figures (one unit for the table, with separators).
    row = re.search(r'<tr data-group="KH02">(.*?)</tr>', html, re.S)[1]
    assert "Battambang" in row and "KH02" in row
    assert f'title="{ledger.estimated_m2:,.0f} m²"' in row
    assert f'title="{ledger.remaining_m2:,.0f} m²"' in row
    assert "Areas in ha" in html  # a ~19 ha hazard: hectares read best
    assert f">{ledger.estimated_m2 / 10_000:,.2f}<" in row
    # The chart: inline SVG with an accessible title and a title per bar segment.
    svg = re.search(r'<svg class="chart".*?</svg>', html, re.S)[0]
    assert 'role="img"' in svg and '<title id="chart-title">' in svg
    assert svg.count('class="bar-') == 3  # reduced, cleared, remaining (nothing cancelled)
    assert "Battambang (KH02): " in svg
    # Headline: one open CHA still to release.
    assert re.search(r'Remaining CHA</p>\s*<p class="stat-value" data-count="1">', html)
    # Discrepancy (reported 10 % over) links to the hazard page; no proposal yet.
    assert west.code in html and f'href="/hazards/{hazard.code}/"' in html and "+10.0 %" in html
    assert "No pending proposals." in html
    # Nav link to the page, marked current.
    assert re.search(r'<a href="/ledger/" aria-current="page">Land release</a>', html)


def test_discrepancies_are_paginated_keeping_the_page_s_other_choices(signed_in, hazard, activity, monkeypatch):
    from safeground.landrelease import views

    west, east = release_parts(hazard, activity)
    services.update_product(east, reported_area_m2=east.area_m2 * 1.2)  # two discrepancies now
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = html_of(signed_in.get("/ledger/?by=year"))
    listed = first[first.index('id="discrepancies-h"') : first.index('id="proposals-h"')]
    shown = [code for code in (west.code, east.code) if f"<code>{code}</code>" in listed]
    following = re.search(r'rel="next" href="([^"]+)"', listed)[1].replace("&amp;", "&")
    assert len(shown) == 1 and "by=year" in following and "discrepancies_page=2" in following
    second = html_of(signed_in.get("/ledger/" + following.split("#")[0]))
    listed = second[second.index('id="discrepancies-h"') : second.index('id="proposals-h"')]
    assert [code for code in (west.code, east.code) if f"<code>{code}</code>" in listed] == [
        c for c in (west.code, east.code) if c not in shown
    ]


def test_summary_by_year_shows_release_and_new_contamination(signed_in, hazard, activity):
    release_parts(hazard, activity)
    ledger = HazardLedger.objects.get(hazard=hazard)
    html = html_of(signed_in.get("/ledger/", {"by": "year"}))
    y2024 = re.search(r'<tr data-group="2024">(.*?)</tr>', html, re.S)[1]
    y2025 = re.search(r'<tr data-group="2025">(.*?)</tr>', html, re.S)[1]
    assert f'title="{ledger.cleared_m2:,.0f} m²"' in y2024
    assert f'title="{ledger.reduced_m2:,.0f} m²"' in y2025
    assert f'title="{ledger.estimated_m2:,.0f} m²"' in y2024  # new contamination recorded 2024-01-15
    assert '<svg class="chart"' in html and "released" in html
    assert 'aria-current="true">Year</a>' in html


def test_summary_for_azerbaijan_leaves_cambodia_out(signed_in, hazard, activity):
    release_parts(hazard, activity)
    html = html_of(signed_in.get("/ledger/", {"country": "AZE"}))
    assert "KH02" not in html and "Battambang" not in html
    assert 'aria-current="true">Azerbaijan</a>' in html
    assert "Nothing to chart" in html
    # The country choice is kept when switching grouping, and vice versa.
    assert 'href="/ledger/?by=year&amp;country=AZE"' in html
    html = html_of(signed_in.get("/ledger/", {"country": "khm", "by": "year"}))
    assert 'data-group="2024"' in html and 'href="/ledger/?by=year"' in html


@pytest.mark.parametrize("by", list(GROUPINGS))
def test_every_grouping_renders(signed_in, hazard, activity, by):
    release_parts(hazard, activity)
    html = html_of(signed_in.get("/ledger/", {"by": by}))
    assert '<svg class="chart"' in html and "Total" in html


def test_summary_with_no_data_renders(signed_in):
    html = html_of(signed_in.get("/ledger/"))
    assert "Nothing to chart" in html and "No land release recorded for this selection." in html


@pytest.mark.parametrize(
    ("params", "message"),
    [({"by": "colour"}, "Unknown grouping “colour”"), ({"country": "FRA"}, "Unknown country “FRA”")],
)
def test_bad_choice_is_a_400_with_a_message(signed_in, hazard, params, message):
    response = signed_in.get("/ledger/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Choose one of:" in html
    assert '<svg class="chart"' not in html
    # The selectors are still there, every one pointing at a valid page.
    links = re.findall(r'<a class="btn" href="(/ledger/[^"]*)"', html)
    assert len(links) == 3 + len(GROUPINGS) and "/ledger/?by=year" in links
    bad = next(iter(params.values()))
    assert not [link for link in links if bad in link]


def test_pending_proposal_is_listed_with_a_link(signed_in, hazard, activity):
    release_parts(hazard, activity, whole=True)
    html = html_of(signed_in.get("/ledger/"))
    proposals = html[html.index('id="proposals-h"') :]
    assert f'<a href="/hazards/{hazard.code}/"><code>{hazard.code}</code></a>' in proposals
    assert "Close the hazard" in proposals


# ---------------------------------------------------------------- hazard page


def test_hazard_page_shows_the_ledger_and_draws_the_remaining_ground(signed_in, hazard, activity):
    release_parts(hazard, activity)
    ledger = HazardLedger.objects.get(hazard=hazard)
    html = html_of(signed_in.get(reverse("hazard-detail", args=[hazard.code])))
    card = html[html.index('id="ledger-h"') : html.index('id="evidence-h"')]
    assert "Land release ledger" in card
    for name in ["estimated", "cancelled", "reduced", "cleared", "remaining"]:
        value = getattr(ledger, f"{name}_m2")
        row = re.search(rf'<tr class="fig-{name}">(.*?)</tr>', card, re.S)[1]
        assert f">{value:,.0f}<" in row and f">{value / 10_000:,.2f}<" in row, name
    assert ledger.remaining_m2 == pytest.approx(ledger.estimated_m2 / 4, rel=1e-2)
    assert "25.0 %" in card and "50.0 %" in card  # remaining, cleared: % of the estimate
    # The stacked bar: reduced, cleared, remaining (nothing cancelled), widths in unlocalised %.
    assert re.findall(r'class="seg seg-(\w+)"', card) == ["reduced", "cleared", "remaining"]
    assert re.search(r'class="seg seg-cleared" style="width: 50\.\d+%"', card)
    assert "Outside every hazard" in card and "Devices outside their product" in card
    assert "Product overlaps" not in card and "Proposed:" not in card
    # The remaining geometry is embedded for the map, with its legend entry.
    data = map_data(html)
    remaining = shapely.geometry.shape(data["remaining"]["geometry"])
    assert remaining.geom_type in ("Polygon", "MultiPolygon")
    assert area_m2(remaining) == pytest.approx(ledger.remaining_m2, rel=1e-3)
    assert "Remaining (ledger)" in html
    assert [f["properties"]["outcome"] for f in data["products"]["features"]] == ["cleared", "reduced"]


def test_hazard_page_lists_overlaps_and_the_proposal(signed_in, hazard, activity, django_assert_max_num_queries):
    west, east = release_parts(hazard, activity, whole=True)
    minx, miny, maxx, maxy = hazard.geom.extent
    overlap = services.create_product(  # straddles the two halves: overlaps both
        activity=activity.code,
        hazard=hazard.code,
        outcome="cancelled",
        geometry=shapely.box(minx + (maxx - minx) * 0.4, miny, minx + (maxx - minx) * 0.6, maxy),
        released_on=dt.date(2025, 7, 1),
    )
    Evidence.objects.create(hazard=hazard, kind="direct", evidence_type="device_seen", point=hazard.geom.centroid)
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = html_of(signed_in.get(reverse("hazard-detail", args=[hazard.code])))
    card = html[html.index('id="ledger-h"') : html.index('id="evidence-h"')]
    assert "Product overlaps" in card
    pairs = re.findall(r"<tr><td><code>([^<]+)</code></td><td><code>([^<]+)</code></td>", card)
    assert {frozenset(p) for p in pairs} == {frozenset((west.code, overlap.code)), frozenset((east.code, overlap.code))}
    # Remaining under 1 m²: closing is proposed, with how to confirm it; nothing is applied.
    assert "Proposed: close this hazard" in card and "is under 1 m²" in card
    assert f"POST /api/v1/ledger/proposals/{hazard.code}/confirm" in card
    assert f"safeground ledger confirm {hazard.code}" in card
    assert Hazard.objects.get(pk=hazard.pk).status == "open"
    assert "Proposed: reclassify" not in card  # already a CHA
    assert map_data(html)["remaining"] is None  # slivers under 1 m² are not drawn
    assert "Remaining (ledger)" not in html


def test_sha_page_proposes_reclassification(signed_in, hazard):
    Hazard.objects.filter(pk=hazard.pk).update(hazard_class="SHA")
    Evidence.objects.create(hazard=hazard, kind="direct", evidence_type="device_seen", point=hazard.geom.centroid)
    html = html_of(signed_in.get(reverse("hazard-detail", args=[hazard.code])))
    assert "Proposed: reclassify as a confirmed hazardous area (CHA)" in html
    assert "1 direct evidence item recorded" in html
    # Nothing released: the whole hazard is remaining.
    assert re.findall(r'class="seg seg-(\w+)"', html) == ["remaining"]


def test_hazard_page_without_a_ledger_says_so(signed_in, hazard):
    HazardLedger.objects.filter(hazard=hazard).delete()
    html = html_of(signed_in.get(reverse("hazard-detail", args=[hazard.code])))
    assert "has not been computed yet" in html
    assert map_data(html)["remaining"] is None
