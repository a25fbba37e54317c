"""Fixtures of the interop tests: a small dataset of every kind, snapshots, files to import."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from safeground.core.tests.fixtures import BATTAMBANG, FUZULI, square


@pytest.fixture
def dataset(user, organisation, accredited, hazard, activity):
    """Three hazards (two in Battambang, one in Fuzuli), two activities, three products, four devices.

    CMAC is accredited for manual clearance (the ongoing activity passes the import's accreditation gate)."""
    from safeground.hazards import services as hazard_services
    from safeground.landrelease import services as product_services
    from safeground.landrelease.models import Device
    from safeground.operations.models import Activity
    from safeground.ordnance.models import OrdnanceModel
    from safeground.organisations.models import Organisation, Team

    models = list(OrdnanceModel.objects.order_by("name").values_list("name", flat=True)[:2])
    anama = Organisation.objects.create(name="ANAMA", acronym="ANAMA", kind="authority", country="AZE")
    team = Team.objects.create(organisation=organisation, code="CMAC-DU4-T1", kind="manual", size=8)
    activity.teams.add(team)
    second = hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(BATTAMBANG[0] + 0.01, BATTAMBANG[1], half_deg=0.002)),
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2023, 6, 1),
        name="Rice field north of the pagoda",
        benchmark=shapely.Point(BATTAMBANG[0] + 0.0125, BATTAMBANG[1]),
        suspected_models=models,
        user=user,
    )
    azerbaijan = hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(*FUZULI, half_deg=0.002)),
        hazard_class="CHA",
        contamination_type="at_mines",
        recorded_on=dt.date(2022, 3, 10),
        reporting_organisation="ANAMA",
        user=user,
    )
    eod = Activity.objects.create(
        code="AZ-EOD-TEST-1",
        activity_type="eod",
        organisation=anama,
        methods=["eod"],
        reference_point=azerbaijan.geom.centroid,
        country="AZE",
        start_date=dt.date(2024, 5, 1),
        end_date=dt.date(2024, 5, 2),
        status="completed",
    )
    eod.hazards.add(azerbaijan)
    lon, lat = BATTAMBANG
    cleared = product_services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=shapely.box(lon - 0.002, lat - 0.002, lon, lat + 0.002),
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=20,
        reported_area_m2=19_000.0,
        user=user,
    )
    product_services.create_product(
        activity=activity.code,
        hazard=second.code,
        outcome="reduced",
        geometry=shapely.box(lon + 0.008, lat - 0.002, lon + 0.01, lat + 0.002),
        released_on=dt.date(2024, 3, 5),
        user=user,
    )
    product_services.create_product(
        activity=eod.code,
        hazard=azerbaijan.code,
        outcome="cancelled",
        geometry=shapely.geometry.shape(square(*FUZULI, half_deg=0.001)),
        released_on=dt.date(2024, 5, 2),
        user=user,
    )
    from django.contrib.gis.geos import Point

    for k, (dx, depth) in enumerate([(-0.0015, 10), (-0.001, 15), (-0.0005, None)]):
        Device.objects.create(
            code=f"{cleared.code}-EO-{k + 1:03d}",
            product=cleared,
            activity=activity,
            point=Point(lon + dx, lat + 0.001, srid=4326),
            category="ap_mine",
            condition="intact",
            depth_cm=depth,
            disposal="destroyed_in_situ",
            found_on=dt.date(2024, 2, 20 + k),
        )
    Device.objects.create(
        code="AZ-EOD-TEST-1-EO-001",
        activity=eod,
        point=Point(FUZULI[0] + 0.0005, FUZULI[1], srid=4326),
        category="uxo",
        disposal="removed_destroyed",
        found_on=dt.date(2024, 5, 1),
        count=3,
    )
    from safeground.landrelease.ledger import store as ledger_store

    ledger_store.recompute_all()
    return {"hazards": [hazard, second, azerbaijan], "activities": [activity, eod]}


def snapshot() -> dict:
    """Every record of the kinds we import, by code: attributes, links and exact geometry (WKB)."""
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product
    from safeground.operations.models import Activity

    def wkb(g):
        return None if g is None else bytes(g.wkb).hex()

    out = {}
    out["hazards"] = {
        h.code: (
            h.name,
            h.hazard_class,
            h.status,
            h.contamination_type,
            h.recorded_on,
            h.status_changed_on,
            h.reporting_organisation_id,
            sorted(h.suspected_models.values_list("name", flat=True)),
            wkb(h.geom),
            wkb(h.point),
            h.radius_m,
            wkb(h.benchmark),
            h.country,
            h.province_id,
            h.district_id,
            h.commune_id,
            h.area_m2,
            h.utm_epsg,
            h.is_synthetic,
        )
        for h in Hazard.objects.all()
    }
    out["activities"] = {
        a.code: (
            a.activity_type,
            a.status,
            a.organisation_id,
            sorted(a.teams.values_list("code", flat=True)),
            a.methods,
            sorted(a.hazards.values_list("code", flat=True)),
            wkb(a.reference_point),
            a.country,
            a.start_date,
            a.end_date,
            a.is_synthetic,
        )
        for a in Activity.objects.all()
    }
    out["products"] = {
        p.code: (
            p.activity.code,
            p.hazard.code,
            p.outcome,
            wkb(p.geom),
            p.released_on,
            p.clearance_depth_cm,
            p.reported_area_m2,
            p.area_m2,
            p.is_synthetic,
        )
        for p in Product.objects.select_related("activity", "hazard")
    }
    out["devices"] = {
        d.code: (
            d.product.code if d.product_id else None,
            d.activity.code if d.activity_id else None,
            wkb(d.point),
            d.category,
            d.model_id,
            d.condition,
            d.depth_cm,
            d.disposal,
            d.found_on,
            d.count,
            d.is_synthetic,
        )
        for d in Device.objects.select_related("product", "activity")
    }
    return out


def delete_records() -> None:
    """Empty the domain tables (children first), leaving the gazetteer, organisations and catalogue."""
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product
    from safeground.operations.models import Activity

    Device.objects.all().delete()
    Product.objects.all().delete()
    Activity.objects.all().delete()
    Hazard.objects.all().delete()


def counts() -> dict:
    from safeground.core.models import Batch
    from safeground.gazetteer.models import Place
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product
    from safeground.operations.models import Activity

    return {m.__name__: m.objects.count() for m in (Hazard, Activity, Product, Device, Place, Batch)} | {
        "history": sum(m.history.count() for m in (Hazard, Activity, Product, Device))
    }
