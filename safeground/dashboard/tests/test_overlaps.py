"""Remaining contamination on the dashboard never counts ground twice: unique, with the sum and the overlap beside.

Two hazards of 10,000 m² sharing 5,000 m² (built in the landrelease overlap tests, in a test-made country).
"""

import re

from django.test import Client

from safeground.dashboard import queries
from safeground.landrelease.tests.test_hazard_overlaps import COUNTRY, overlapping, test_country  # noqa: F401 fixtures


def approx(value, expected, rel=1e-6):
    return abs(value - expected) <= rel * abs(expected)


def test_remaining_is_the_unique_figure_and_groups_add_up_to_it(overlapping):  # noqa: F811
    figures = queries.remaining()
    total = figures["total"]
    assert approx(total["remaining_m2"], 15_000) and approx(total["estimated_m2"], 15_000)
    assert approx(total["remaining_sum_m2"], 20_000) and approx(total["remaining_overlap_m2"], 5_000)
    assert approx(total["estimated_sum_m2"], 20_000) and approx(total["estimated_overlap_m2"], 5_000)
    assert approx(total["remaining_sha_m2"], 10_000) and approx(total["remaining_cha_m2"], 5_000)
    (country,) = figures["by_country"]
    assert country["country"] == COUNTRY and approx(country["remaining_m2"], 15_000)
    provinces = {p["province_code"]: p["remaining_m2"] for p in figures["by_province"]}
    assert approx(provinces["XT01"], 10_000) and approx(provinces["XT02"], 5_000)
    assert approx(sum(provinces.values()), total["remaining_m2"], rel=1e-9)
    assert approx(sum(c["remaining_m2"] for c in figures["by_class"]), total["remaining_m2"], rel=1e-9)


def test_public_api_and_page_show_unique_sum_and_overlap(overlapping):  # noqa: F811
    client = Client()
    total = client.get("/api/v1/dashboard/public").json()["remaining"]["total"]
    assert (total["remaining_ha"], total["remaining_sum_ha"], total["remaining_overlap_ha"]) == (1.5, 2.0, 0.5)
    assert (total["estimated_ha"], total["estimated_sum_ha"], total["estimated_overlap_ha"]) == (1.5, 2.0, 0.5)
    html = client.get("/public/").content.decode()
    summed = re.search(r'data-remaining-sum="([0-9.]+)" data-remaining-overlap="([0-9.]+)"', html)
    assert approx(float(summed[1]), 20_000) and approx(float(summed[2]), 5_000)
    assert "Counted once where hazards overlap" in html
