"""Changes to land release products through the workbench, and a submission's origin (a field office's
package) with the conflict it shows: the version the office started from against the record's now."""

import pytest

from safeground.core.errors import ValidationFailed
from safeground.landrelease import services as release
from safeground.workbench import queries, services

pytestmark = pytest.mark.django_db


def test_a_product_change_applies_on_approval_with_the_version_check(qm_world):
    product, users = qm_world["product"], qm_world["users"]
    s = services.submit(
        kind="product", action="update", target_code=product.code, payload={"clearance_depth_cm": 35},
        user=users["op-tdo"],
    )  # fmt: skip
    assert s.organisation.acronym == "TDO" and s.base_version == 1
    product.refresh_from_db()
    assert product.clearance_depth_cm == 20  # waiting for review: not applied
    done = services.approve(s, user=users["im"], revision=s.revision)
    product.refresh_from_db()
    assert done.result_code == product.code and product.clearance_depth_cm == 35 and product.version == 2


def test_a_product_change_is_refused_when_the_product_changed_since(qm_world):
    product, users = qm_world["product"], qm_world["users"]
    s = services.submit(kind="product", action="update", target_code=product.code,
                        payload={"reported_area_m2": 95000.0}, user=users["op-tdo"])  # fmt: skip
    release.update_product(product, clearance_depth_cm=25)
    with pytest.raises(services.ReviewRefused, match="was changed after"):
        services.approve(s, user=users["im"], revision=s.revision)
    product.refresh_from_db()
    assert product.reported_area_m2 is None and product.clearance_depth_cm == 25
    assert s.__class__.objects.get(pk=s.pk).status == "pending"


def test_a_product_change_is_checked_at_submission(qm_world):
    users = qm_world["users"]
    with pytest.raises(ValidationFailed, match="no product"):
        services.submit(kind="product", action="update", target_code="NOPE", payload={"clearance_depth_cm": 3},
                        user=users["op-tdo"])  # fmt: skip
    with pytest.raises(ValidationFailed, match="not TDO"):
        services.submit(kind="product", action="update", target_code=qm_world["product"].code,
                        payload={"clearance_depth_cm": 3}, user=users["op-too"])  # fmt: skip
    with pytest.raises(ValidationFailed, match="outcome"):
        services.submit(kind="product", action="update", target_code=qm_world["product"].code,
                        payload={"outcome": "vanished"}, user=users["op-tdo"])  # fmt: skip


def test_origin_shows_the_base_version_and_flags_a_conflict(qm_world, client_for):
    product, users = qm_world["product"], qm_world["users"]
    origin = {"office": "FO-1", "package": "ab" * 32, "item": "FO-1:1:1", "local_code": product.code, "base_version": 1}
    s = services.submit(kind="product", action="update", target_code=product.code,
                        payload={"clearance_depth_cm": 40}, user=users["op-tdo"], origin=origin)  # fmt: skip
    shown = queries.origin(s)
    assert (shown["base_version"], shown["current_version"], shown["conflict"]) == (1, 1, False)
    release.update_product(product, clearance_depth_cm=22)
    shown = queries.origin(s)
    assert (shown["current_version"], shown["conflict"]) == (2, True)
    officer = client_for("im_officer", username="im-two")
    page = officer.get(f"/workbench/{s.code}/").content.decode()
    assert 'data-conflict="1"' in page and "Based on version 1; the server's record is now at version 2" in page
    api = officer.get(f"/api/v1/workbench/submissions/{s.code}").json()
    assert api["origin"]["conflict"] is True and api["origin"]["office"] == "FO-1"
