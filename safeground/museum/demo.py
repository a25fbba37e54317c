"""The demo's museums: CMAC's Peace Museum of Mine Action (Siem Reap) in the first programme and ANAMA's
training centre reference collection (Goygol) in the second, each with exhibits taken from the demo's own
device records of catalogue models (provenance linked), some public, a couple of loans (one overdue) and
visits over the last months, some of them guided risk education sessions.

The places are approximate (the towns' centres); the exhibits, loans and visits are synthetic ([D]). Written
only through `museum.services` (and `attachments.services` for the photos); deterministic per seed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import Min
from PIL import Image, ImageDraw, ImageFont

from safeground.attachments import queries as attachment_queries
from safeground.attachments import services as attachment_services
from safeground.landrelease.models import Device
from safeground.museum import services
from safeground.museum.public import PUBLIC_PART
from safeground.organisations.models import Organisation

MUSEUMS: list[dict[str, Any]] = [
    {
        "country": "KHM",
        "organisation": "CMAC",
        "name": "CMAC Peace Museum of Mine Action",
        "address": "Bakong district, Siem Reap",
        "point": (103.97, 13.33),
        "prefix": "PM",
    },
    {
        "country": "AZE",
        "organisation": "ANAMA",
        "name": "ANAMA Training Centre reference collection",
        "address": "Goygol",
        "point": (46.32, 40.59),
        "prefix": "TC",
    },
]
EXHIBITS_PER_MUSEUM = {"tiny": 6, "small": 8, "national": 12}
VISITS_PER_MUSEUM = {"tiny": 14, "small": 30, "national": 60}
GROUPS = ["Primary school", "Secondary school", "University students", "Community group", "Delegation", "Tourists"]
COLOURS = ["#6b7a3a", "#4b5d3a", "#7a6a4f", "#5b6770", "#8a7d5a", "#3f4f3f"]


def delete_synthetic() -> dict[str, int]:
    return services.delete_synthetic()


def _photo(label: str, colour: str) -> bytes:
    """A plain stand-in photo labelled 'Photo (demo)' (PNG)."""
    image = Image.new("RGB", (640, 480), "#e8e4da")
    draw = ImageDraw.Draw(image)
    draw.ellipse((170, 110, 470, 370), fill=colour, outline="#2b2b2b", width=6)
    draw.ellipse((270, 200, 370, 280), fill="#2b2b2b")
    font = ImageFont.load_default(size=28)
    draw.text((24, 20), label, fill="#1f2937", font=font)
    draw.text((24, 436), "Photo (demo)", fill="#7f1d1d", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _model_images(model) -> list:
    return list(attachment_queries.of(model).filter(media_type__startswith="image/")[:1])


@transaction.atomic
def build(seed: int = 1, scale: str = "small", report: Callable[[str], None] = lambda m: None, today=None) -> dict:
    """Replace the synthetic museums: one per programme that has its organisation and devices of catalogue
    models; returns counts."""
    today = today or dt.date.today()
    delete_synthetic()
    rng = np.random.default_rng([seed, 9100])
    counts = {"museums": 0, "exhibits": 0, "loans": 0, "visits": 0, "eore_visits": 0}
    for spec in MUSEUMS:
        if not Organisation.objects.filter(acronym=spec["organisation"]).exists():
            report(f"  museum: no {spec['organisation']}; {spec['name']} skipped")
            continue
        devices = _devices(spec["country"], EXHIBITS_PER_MUSEUM.get(scale, 6))
        museum = services.create_museum(
            name=spec["name"],
            organisation=spec["organisation"],
            country=spec["country"],
            point=shapely.Point(*spec["point"]),
            address=spec["address"],
            is_synthetic=True,
        )
        counts["museums"] += 1
        exhibits = []
        for i, device in enumerate(devices):
            assert device.model is not None  # _devices takes catalogue models only
            certified = min(device.found_on + dt.timedelta(days=int(rng.integers(20, 120))), today)
            exhibit = services.add_exhibit(
                museum=museum,
                inventory_number=f"{spec['prefix']}-{certified.year}-{i + 1:03d}",
                model=device.model,
                device=device,
                title=f"{device.model.name}",
                description="Found during clearance, made safe by the EOD team and given to the collection.",
                demil_certificate=f"DC-{certified.year}-{spec['prefix']}{i + 1:03d}",
                demil_certified_on=certified,
                demil_certified_by=f"{spec['organisation']} EOD officer",
                acquired_on=certified,
                status="display" if i % 3 != 2 else "store",
                location=f"Room {1 + i % 2}, case {1 + i // 2}" if i % 3 != 2 else "Store, shelf A",
                public=i % 3 != 2,
                is_synthetic=True,
            )
            exhibits.append(exhibit)
            reused = _model_images(device.model)
            if reused:
                with reused[0].file.open("rb") as f:
                    content, name = f.read(), reused[0].name
            else:
                content, name = _photo(device.model.name, COLOURS[i % len(COLOURS)]), f"{exhibit.code}.png"
            attachment_services.attach(
                exhibit, name=name, content=content, user=None, caption="Photo (demo)", path=PUBLIC_PART
            )
        counts["exhibits"] += len(exhibits)
        on_display = [e for e in exhibits if e.status == "display"]
        if len(on_display) >= 2:
            services.lend(
                on_display[0],
                borrower="Training centre (demo)" if spec["prefix"] == "PM" else "Regional museum (demo)",
                borrower_kind="training_centre" if spec["prefix"] == "PM" else "museum",
                purpose="Recognition training",
                lent_on=today - dt.timedelta(days=75),
                due_on=today - dt.timedelta(days=15),  # overdue
                is_synthetic=True,
            )
            services.lend(
                on_display[1],
                borrower="School exhibition (demo)",
                borrower_kind="other",
                purpose="Risk education week",
                lent_on=today - dt.timedelta(days=10),
                due_on=today + dt.timedelta(days=20),
                is_synthetic=True,
            )
            counts["loans"] += 2
        for _ in range(VISITS_PER_MUSEUM.get(scale, 14)):
            day = today - dt.timedelta(days=int(rng.integers(1, 180)))
            guided = bool(rng.random() < 0.5)
            eore = guided and bool(rng.random() < 0.7)
            school = bool(rng.random() < 0.5)
            size = int(rng.integers(8, 60))
            children = int(size * (0.85 if school else 0.3))
            girls = int(rng.binomial(children, 0.5))
            women = int(rng.binomial(size - children, 0.5))
            services.record_visit(
                museum,
                visited_on=day,
                group=str(rng.choice(GROUPS[:2] if school else GROUPS[2:])),
                guided=guided,
                is_eore=eore,
                guide="Museum guide (demo)" if guided else "",
                audience="schoolchildren" if school else "general",
                girls=girls,
                boys=children - girls,
                women=women,
                men=size - children - women,
                is_synthetic=True,
            )
            counts["visits"] += 1
            counts["eore_visits"] += int(eore)
    report(
        f"  museum: {counts['museums']} museums, {counts['exhibits']} exhibits, {counts['loans']} loans, "
        f"{counts['visits']} visits ({counts['eore_visits']} EORE sessions)"
    )
    return counts


def _devices(country: str, n: int) -> list[Device]:
    """The first device record (by code) of each of up to `n` catalogue models found in `country` (models by
    name): one grouped query for the codes, one for the rows."""
    firsts = (
        Device.objects.filter(model__isnull=False, activity__country=country)
        .exclude(model__category__in=["ied", "booby_trap"])  # a museum shows what people may find
        .values("model__name")
        .annotate(first=Min("code"))
        .order_by("model__name")[:n]
    )
    codes = [row["first"] for row in firsts]
    rows = Device.objects.filter(code__in=codes).select_related("model", "activity", "product__activity")
    return sorted(rows, key=lambda d: codes.index(d.code))
