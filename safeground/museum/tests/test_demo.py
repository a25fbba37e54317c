"""The museum demo: exhibits from device records (provenance linked), photos, loans (one overdue), visits with
EORE sessions; fast, repeatable and deleted with the synthetic data."""

from __future__ import annotations

import datetime as dt
import time

import shapely

from safeground.eore.models import Session
from safeground.museum import demo
from safeground.museum.models import Exhibit, Loan, Museum, Visit

from .conftest import FIND


def test_demo_builds_a_collection_and_deletes_it(museum_world, monkeypatch):
    from safeground.attachments import queries as attachment_queries
    from safeground.landrelease import services as release

    for i in range(3):
        release.record_spot_devices(
            museum_world["activity"],
            [
                {
                    "point": shapely.Point(FIND[0] + 0.01 * i, FIND[1]),
                    "category": "ap_mine",
                    "disposal": "removed_stored",
                }
            ],
            found_on=dt.date(2024, 3, 6),
        )
    from safeground.ordnance import services as ordnance

    for name in ("TM-98", "TM-97"):
        ordnance.create_model(name=name, category="ap_mine")
        release.record_spot_devices(
            museum_world["activity"],
            [{"point": shapely.Point(*FIND), "category": "ap_mine", "disposal": "removed_stored", "model": name}],
            found_on=dt.date(2024, 3, 7),
        )
    spec = {**demo.MUSEUMS[0], "country": "XTL", "organisation": "TDO", "point": (-19.7, -29.6), "prefix": "XM"}
    monkeypatch.setattr(demo, "MUSEUMS", [spec])
    today = dt.date(2026, 6, 1)
    started = time.perf_counter()
    counts = demo.build(seed=1, scale="tiny", today=today)
    took = time.perf_counter() - started
    assert took < 2.0, took
    assert counts["museums"] == 1 and counts["exhibits"] == 3  # one device per catalogue model
    exhibits = list(Exhibit.objects.filter(is_synthetic=True).select_related("device"))
    assert all(e.device is not None and e.device.model_id == e.model_id for e in exhibits)
    assert all(attachment_queries.of(e).filter(media_type="image/png").exists() for e in exhibits)
    loans = list(Loan.objects.all())
    assert len(loans) == 2 and sum(x.due_on < today for x in loans) == 1
    eore = Visit.objects.filter(eore_session__isnull=False).count()
    assert Visit.objects.count() == counts["visits"] and eore == counts["eore_visits"] > 0
    assert Session.objects.filter(method="museum", is_synthetic=True).count() == eore
    first = sorted(Visit.objects.values_list("visited_on", "girls", "boys", "women", "men"))
    demo.build(seed=1, scale="tiny", today=today)  # a rebuild replaces, repeatably
    assert sorted(Visit.objects.values_list("visited_on", "girls", "boys", "women", "men")) == first
    assert Museum.objects.filter(is_synthetic=True).count() == 1
    demo.delete_synthetic()
    assert (
        not Museum.objects.filter(is_synthetic=True).exists()
        and not Exhibit.objects.exists()
        and not Visit.objects.exists()
    )
    assert not Session.objects.filter(method="museum").exists()
