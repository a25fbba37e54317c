"""The museum tests' world: Testland (a third country the tests build), its operator with an EOD activity and
a device record of a catalogue model found in the east province, and a peace museum with a point."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import shapely
from django.contrib.gis.geos import Point

#: The find's position: digits the public pages must never show.
FIND = (-19.23456, -29.87654)
MUSEUM_POINT = (-19.71, -29.61)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def png(colour: str = "olive", gps: bool = False) -> bytes:
    """A small JPEG (with a GPS EXIF block when `gps`) or PNG image."""
    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), colour)
    if gps:
        exif = Image.Exif()
        gps_ifd = {1: "S", 2: (29.0, 52.0, 35.5), 3: "W", 4: (19.0, 14.0, 4.4)}
        exif[0x8825] = gps_ifd
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def museum_world(db, user):
    from safeground.gazetteer import programmes
    from safeground.gazetteer.tests.testland import ISO3, build_testland
    from safeground.landrelease import services as release
    from safeground.museum import services
    from safeground.operations.models import Activity
    from safeground.ordnance import services as ordnance
    from safeground.organisations.models import Organisation

    areas = build_testland()
    programmes.add_programme(ISO3, name="Testland")
    operator = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    authority = Organisation.objects.create(acronym="TNA", name="Testland Authority", kind="authority", country=ISO3)
    model = ordnance.create_model(
        name="TM-99",
        category="ap_mine",
        type="AP blast",
        features="A round green case with a rubber pressure plate.",
        colour_markings="Green; yellow stencil.",
        texts={"fr": {"features": "Boîtier rond vert."}},
        aliases=[("Mine ronde", "fr"), ("Round mine", "")],
        user=user,
    )
    activity = Activity.objects.create(
        code="XT02-EOD-1",
        activity_type="eod",
        organisation=operator,
        methods=["manual"],
        reference_point=Point(*FIND, srid=4326),
        country=ISO3,
        start_date=dt.date(2024, 2, 1),
        status="completed",
    )
    device = release.record_spot_devices(
        activity,
        [{"point": shapely.Point(*FIND), "category": "ap_mine", "disposal": "removed_stored", "model": "TM-99"}],
        found_on=dt.date(2024, 3, 5),
        user=user,
    )[0]
    museum = services.create_museum(
        name="Testland Peace Museum", organisation="TNA", point=shapely.Point(*MUSEUM_POINT), user=user
    )
    return {
        "iso3": ISO3,
        "areas": areas,
        "operator": operator,
        "authority": authority,
        "model": model,
        "activity": activity,
        "device": device,
        "museum": museum,
        "user": user,
    }


CERT: dict[str, Any] = {
    "demil_certificate": "DC-2024-001",
    "demil_certified_on": dt.date(2024, 4, 1),
    "demil_certified_by": "TDO EOD",
}


@pytest.fixture
def exhibit(museum_world):
    from safeground.museum import services

    return services.add_exhibit(
        museum=museum_world["museum"],
        inventory_number="PM-001",
        model="tm-99",
        device=museum_world["device"].code,
        title="A TM-99 from the east",
        description="Found by a farmer.",
        public=True,
        status="display",
        location="Room 1, case 2",
        user=museum_world["user"],
        **CERT,
    )
