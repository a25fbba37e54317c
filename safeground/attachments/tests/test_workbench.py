"""A field submission's photos follow approval to what it created (Testland, a third country)."""

from __future__ import annotations

import pytest

from safeground.attachments import queries, services
from safeground.attachments.tests.photos import photo
from safeground.landrelease.models import Device, Product
from safeground.workbench import services as workbench
from safeground.workbench.tests.test_field_kinds import (  # their Testland (TOP's operator, a reviewer)
    SPOT,
    eod_payload,
    eore_payload,
    land,  # noqa: F401 - a fixture
    people,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.django_db

BOX = (-19.85, -29.85, -19.848, -29.848)  # inside the world's hazard, apart from its product
DEVICES = [(-19.8495, -29.8495), (-19.8485, -29.8485)]


def product_payload(qm_world) -> dict:
    west, south, east, north = BOX
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "activity": qm_world["done"].code,
        "hazard": qm_world["hazard"].code,
        "outcome": "cleared",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "released_on": "2020-05-20",
        "clearance_depth_cm": 20,
        "devices": [
            {"point": {"type": "Point", "coordinates": list(p)}, "category": "ap_mine", "disposal": "destroyed_in_situ"}
            for p in DEVICES
        ],
    }


@pytest.fixture
def submitted(qm_world):
    operator = qm_world["users"]["op-tdo"]
    submission = workbench.submit(kind="product", payload=product_payload(qm_world), user=operator)
    rows = {
        "site": services.attach(submission, name="site.jpg", content=photo(lonlat=(-19.849, -29.849)), user=operator),
        "device": services.attach(
            submission, name="pmn.jpg", content=photo(lonlat=DEVICES[1]), path="devices[1]", user=operator, source="odk"
        ),
        "lost": services.attach(submission, name="x.jpg", content=photo(), path="devices[7]", user=operator),
    }
    return submission, rows


def test_review_page_shows_the_photos_and_the_far_flag_against_the_proposed_geometry(qm_world, submitted, client):
    submission, rows = submitted
    assert rows["site"].distance_m == 0 and not rows["site"].is_far()
    far = services.attach(
        submission, name="elsewhere.jpg", content=photo(lonlat=(-19.5, -29.5)), user=qm_world["users"]["op-tdo"]
    )
    assert far.is_far() and far.distance_m > 40_000
    client.force_login(qm_world["users"]["im"])
    html = client.get(f"/workbench/{submission.code}/").content.decode()
    assert f"/attachments/{rows['device'].pk}/thumbnail" in html and "Device 2" in html and "devices[1]" not in html
    assert html.count("gallery-item is-far") == 1 and "Taken 51.2 km from the record (more than 1 km)" in html


def test_approval_moves_each_photo_to_what_it_shows(qm_world, submitted):
    submission, rows = submitted
    done = workbench.approve(submission, user=qm_world["users"]["im"], revision=submission.revision)
    product = Product.objects.get(code=done.result_code)
    devices = list(Device.objects.filter(product=product).order_by("code"))
    assert len(devices) == 2 and not queries.of(submission).exists()
    assert [a.name for a in queries.of(devices[1])] == ["pmn.jpg"]  # the second device's photo on the second device
    assert not queries.of(devices[0]).exists()
    assert sorted(a.name for a in queries.of(product)) == ["site.jpg", "x.jpg"]  # no devices[7]: on the product
    moved = queries.of(devices[1]).get()
    assert moved.path == "" and moved.source == "odk" and moved.distance_m == pytest.approx(0, abs=0.01)


def test_returned_and_withdrawn_submissions_keep_their_photos(qm_world, submitted):
    submission, _rows = submitted
    returned = workbench.return_for_changes(
        submission, user=qm_world["users"]["im"], comment="wrong date", revision=submission.revision
    )
    assert queries.of(returned).count() == 3
    withdrawn = workbench.withdraw(returned, user=qm_world["users"]["op-tdo"], revision=returned.revision)
    assert queries.of(withdrawn).count() == 3


def test_a_failed_approval_moves_nothing(qm_world, submitted, monkeypatch):
    from safeground.core.errors import ValidationFailed
    from safeground.landrelease import services as release_services

    submission, _rows = submitted

    def broken(*args, **kwargs):
        raise ValidationFailed("devices[0].model: the catalogue is being updated", field="devices[0].model")

    monkeypatch.setattr(release_services, "record_devices", broken)
    with pytest.raises(ValidationFailed):
        workbench.approve(submission, user=qm_world["users"]["im"], revision=submission.revision)
    assert queries.of(submission).count() == 3


def test_another_operator_cannot_see_a_submissions_photos(qm_world, submitted, client):
    _submission, rows = submitted
    client.force_login(qm_world["users"]["op-too"])
    assert client.get(f"/attachments/{rows['site'].pk}/").status_code == 404
    client.force_login(qm_world["users"]["op-tdo"])
    assert client.get(f"/attachments/{rows['site'].pk}/").status_code == 200


# ---- field kinds (decision 0039): an EOD task's photos reach its hazard and devices; an EORE session's its record


def test_eod_task_photos_reach_its_hazard_and_the_device_they_show(request):
    from safeground.operations.models import Activity

    field_people = request.getfixturevalue("people")
    operator = field_people["operator"].user
    s = workbench.submit(kind="eod", payload=eod_payload(), user=operator)
    services.attach(s, name="spot.jpg", content=photo(lonlat=SPOT), user=operator, source="odk")
    services.attach(s, name="uxo.jpg", content=photo(), path="devices[1]", user=operator, source="odk")
    assert services.attach(s, name="x.jpg", content=photo(lonlat=SPOT), user=operator).distance_m == 0
    done = workbench.approve(s, user=field_people["reviewer"].user, revision=s.revision)
    activity = Activity.objects.get(code=done.result_code)
    hazard, devices = activity.hazards.get(), list(Device.objects.filter(activity=activity).order_by("code"))
    assert sorted(a.name for a in queries.of(hazard)) == ["spot.jpg", "x.jpg"]
    assert [a.name for a in queries.of(devices[1])] == ["uxo.jpg"] and not queries.of(s).exists()


def test_eore_session_photo_reaches_the_session_found_by_its_code(request):
    from safeground.eore.models import Session

    field_people = request.getfixturevalue("people")
    operator = field_people["operator"].user
    s = workbench.submit(kind="eore", payload=eore_payload(), user=operator)
    services.attach(s, name="session.jpg", content=photo(lonlat=SPOT), user=operator)
    done = workbench.approve(s, user=field_people["reviewer"].user, revision=s.revision)
    session = Session.objects.get(code=done.result_code)
    assert [a.name for a in queries.of(session)] == ["session.jpg"] and queries.of(session).get().distance_m == 0
