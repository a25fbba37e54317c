"""The review is as strict as the data quality report and the importer, in Testland (XTL), a country the
test builds: an organisation drawing in another country, a date after today, an implausible area and a
product outside its hazard each give a must-fix finding, and none is approved without an override
reason, which is then recorded with the findings it overrode."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from django.urls import reverse

from safeground.core.errors import ValidationFailed
from safeground.core.tests.fixtures import BATTAMBANG, square
from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Product
from safeground.workbench import services
from safeground.workbench.models import Submission

pytestmark = pytest.mark.django_db

HERE = (-19.25, -29.6)  # in Testland's east province


@pytest.fixture
def testland():
    from safeground.organisations.models import Organisation

    build_testland()
    programmes.add_programme(ISO3, name="Testland")
    return Organisation.objects.create(name="Testland Demining", acronym="TLD", kind="operator", country=ISO3)


@pytest.fixture
def operator(client_for, testland):
    return client_for("operator", organisation=testland)


@pytest.fixture
def officer(client_for):
    return client_for("im_officer", username="im-testland")


def payload(lon=HERE[0], lat=HERE[1], half_deg=0.001, **extra) -> dict:
    return {
        "geometry": square(lon, lat, half_deg=half_deg),
        "hazard_class": "SHA",
        "contamination_type": "ap_mines",
        "recorded_on": "2025-03-02",
        "name": "Behind the school",
        **extra,
    }


def must_fix(submission: Submission) -> dict[str, str]:
    return {f["check"]: f["message"] for f in submission.findings if f["severity"] == "must_fix"}


def refused_then_overridden(submission: Submission, officer, check: str) -> Submission:
    """Approval without a reason is refused (nothing written, the reason kept); with one, it is applied
    and the reason recorded with the overridden findings."""
    hazards, products = Hazard.objects.count(), Product.objects.count()
    with pytest.raises(ValidationFailed, match="must-fix finding") as refused:
        services.approve(submission, user=officer.user, revision=submission.revision)
    assert refused.value.field == "override_reason"
    assert (Hazard.objects.count(), Product.objects.count()) == (hazards, products)
    submission.refresh_from_db()
    assert submission.status == "pending" and "must-fix" in submission.last_error
    with pytest.raises(ValidationFailed):  # a blank reason is no reason
        services.approve(submission, user=officer.user, revision=submission.revision, override_reason="  ")
    with pytest.raises(ValidationFailed, match="characters long; at most 10000") as long:
        services.approve(submission, user=officer.user, revision=submission.revision, override_reason="x" * 10_001)
    assert long.value.field == "override_reason"
    assert (Hazard.objects.count(), Product.objects.count()) == (hazards, products)
    approved = services.approve(
        submission, user=officer.user, revision=submission.revision, override_reason="Checked with the team leader"
    )
    assert approved.status == "approved" and approved.override_reason == "Checked with the team leader"
    assert check in {f["check"] for f in approved.overridden}
    return approved


def test_an_organisation_drawing_in_another_country(testland, operator, officer):
    """A Testland operator draws a hazard in another programme's country: must fix."""
    s = services.submit(kind="hazard", payload=payload(*BATTAMBANG), user=operator.user)
    assert s.organisation == testland
    assert "TLD works in XTL, but the geometry lies in KHM" in must_fix(s)["organisation-country"]
    page = officer.get(reverse("workbench-detail", args=[s.code])).content.decode()
    assert "Cambodia (KHM)" in page and 'data-check="organisation-country"' in page
    assert 'id="id_override_reason"' in page
    from django.conf import settings
    from django.utils import translation

    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    with translation.override("fr"):
        label = translation.gettext("Reporting organisation")
    assert label != "Reporting organisation"
    assert f">{label}</th>" in officer.get(reverse("workbench-detail", args=[s.code])).content.decode()
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate(settings.LANGUAGE_CODE)  # a request leaves its language active in this thread
    refused_then_overridden(s, officer, "organisation-country")


def test_a_date_after_today(operator, officer, testland):
    """Refused at submission, as the API and the importer refuse it (nothing queued). A submission queued
    before that rule (written straight to the table here) shows it as must-fix, and is never applied."""
    later = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    with pytest.raises(ValidationFailed, match=r"recorded_on: .*must lie between 1900-01-01 and today"):
        services.submit(kind="hazard", payload=payload(recorded_on=later), user=operator.user)
    assert not Submission.objects.exists()
    legacy = Submission.objects.create(
        code="WB-TLD-HAZ-00001",
        kind="hazard",
        payload={**payload(), "recorded_on": later, "reporting_organisation": "TLD"},
        organisation=testland,
        country=ISO3,
        submitted_by=operator.user,
    )
    page = officer.get(reverse("workbench-detail", args=[legacy.code])).content.decode()
    assert f"recorded on {later} is in the future" in page and 'data-severity="must_fix"' in page
    with pytest.raises(ValidationFailed, match="must-fix finding"):
        services.approve(legacy, user=officer.user, revision=legacy.revision)
    with pytest.raises(ValidationFailed, match="recorded_on"):  # overriding cannot make the date true
        services.approve(legacy, user=officer.user, revision=legacy.revision, override_reason="The date is right")
    assert not Hazard.objects.filter(name="Behind the school").exists()


def test_an_implausible_area_lists_few_overlaps_and_the_map_page_says_where(operator, officer, testland):
    """A 0.5° square (about 2,700 km²) over a dozen recorded hazards: one must-fix for the area, ten
    overlaps listed and the rest counted; the page shows the country, province and area in km²."""
    for k in range(14):
        hazard_services.create_hazard(
            geometry=shapely.geometry.shape(square(-19.45 + 0.02 * k, -29.6, half_deg=0.002)),
            hazard_class="CHA",
            contamination_type="ap_mines",
            recorded_on=dt.date(2024, 1, 15),
            reporting_organisation="TLD",
        )
    s = services.submit(kind="hazard", payload=payload(-19.3, -29.6, half_deg=0.25), user=operator.user)
    assert "above the limit of 100.00 km² for one hazard" in must_fix(s)["implausible-area"]
    overlaps = [f for f in s.findings if f["check"] == "hazard-overlap"]
    assert len(overlaps) == 11 and "other recorded hazards overlapping it: 4" in overlaps[-1]["message"]
    page = officer.get(reverse("workbench-detail", args=[s.code])).content.decode()
    assert "Testland (XTL)" in page and ">East<" in page and "km²" in page
    refused_then_overridden(s, officer, "implausible-area")


def test_a_product_outside_its_hazard_and_a_device_outside_its_product(operator, officer, testland):
    from safeground.operations.models import Activity

    hazard = hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(*HERE, half_deg=0.002)),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        reporting_organisation="TLD",
    )
    activity = Activity.objects.create(
        code="XT-CLR-1",
        activity_type="clearance",
        organisation=testland,
        methods=["manual"],
        reference_point=hazard.geom.centroid,
        country=ISO3,
        start_date=dt.date(2024, 2, 1),
        status="ongoing",
    )
    activity.hazards.add(hazard)
    away = (HERE[0] + 0.01, HERE[1])  # 1 km east: outside the hazard, and every other
    product = {
        "activity": activity.code,
        "hazard": hazard.code,
        "outcome": "cleared",
        "geometry": square(*away, half_deg=0.0005),
        "released_on": "2024-03-01",
        "clearance_depth_cm": 13,
        "devices": [
            {
                "point": {"type": "Point", "coordinates": list(HERE)},
                "category": "ap_mine",
                "disposal": "destroyed_in_situ",
            }
        ],
    }
    s = services.submit(kind="product", payload=product, user=operator.user)
    found = must_fix(s)
    assert f"outside {hazard.code} and outside every other hazard" in found["product-outside-hazard"]
    assert "device 1 lies outside the product's polygon" in found["device-outside-product"]
    approved = refused_then_overridden(s, officer, "product-outside-hazard")
    assert Product.objects.filter(code=approved.result_code).exists()


def test_propose_a_change_is_offered_only_on_the_operators_own_hazards(operator, client_for, testland):
    from safeground.organisations.models import Organisation

    other = Organisation.objects.create(name="Other operator", acronym="OTH", kind="operator", country=ISO3)
    theirs = hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(*HERE, half_deg=0.002)),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        reporting_organisation=other.acronym,
    )
    mine = hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(HERE[0] + 0.02, HERE[1], half_deg=0.002)),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        reporting_organisation="TLD",
    )
    assert 'id="propose-change"' not in operator.get(reverse("hazard-detail", args=[theirs.code])).content.decode()
    assert 'id="propose-change"' in operator.get(reverse("hazard-detail", args=[mine.code])).content.decode()
    officer = client_for("im_officer", username="im-any")
    assert 'id="propose-change"' in officer.get(reverse("hazard-detail", args=[theirs.code])).content.decode()


def test_the_api_asks_for_the_override_reason_and_reports_it(operator, officer):
    s = services.submit(kind="hazard", payload=payload(*BATTAMBANG), user=operator.user)
    url = f"/api/v1/workbench/submissions/{s.code}/approve"
    refused = officer.post(url, {"revision": s.revision}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "override_reason"
    assert "works in XTL" in refused.json()["detail"]
    body = {"revision": s.revision, "override_reason": "Seconded team, agreed with both authorities"}
    approved = officer.post(url, body, content_type="application/json")
    assert approved.status_code == 200, approved.content
    doc = approved.json()
    assert doc["status"] == "approved" and doc["override_reason"] == body["override_reason"]
    assert [f["check"] for f in doc["overridden"]] == ["organisation-country"]
