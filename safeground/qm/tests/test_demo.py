"""The demo's quality records: written through the services, marked synthetic, rebuilt and removed cleanly."""

from __future__ import annotations

import pytest

from safeground.organisations.models import Suspension
from safeground.qm import demo
from safeground.qm.models import NonConformity, Visit

pytestmark = pytest.mark.django_db


def test_the_demo_builds_rebuilds_and_deletes_its_records(qm_world):
    accounts = {"qa-officer": qm_world["users"]["qa"]}
    first = demo.build(1, "tiny", report=lambda m: None, accounts=accounts)
    assert first["visits"] == Visit.objects.count() == 2  # both Testland activities
    assert not Visit.objects.filter(is_synthetic=False).exists()
    assert not NonConformity.objects.filter(is_synthetic=False).exists()
    assert not Suspension.objects.filter(is_synthetic=False).exists()
    again = demo.build(1, "tiny", report=lambda m: None, accounts=accounts)
    assert again == first and Visit.objects.count() == 2
    demo.delete_synthetic()
    assert not Visit.objects.exists() and not NonConformity.objects.exists() and not Suspension.objects.exists()
    assert not Visit.history.exists()
