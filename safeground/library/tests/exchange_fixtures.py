"""Two programmes' libraries for the exchange tests: ours (built here through the services) and theirs
(a file as another installation writes it), overlapping: the same model, a spelling variant, a local
name in Khmer script known here as an alias, and models only one side has."""

from __future__ import annotations

import copy

import pytest

from safeground.attachments.tests.photos import photo
from safeground.library import exchange

KHMER = "គ្រាប់មីនប្រភេទ៧២"  # a local name ("mine type 72"), an alias of our Type 91X
IMAGE = photo("PNG", colour="red")
OTHER_IMAGE = photo("PNG", colour="blue")


@pytest.fixture
def ours(db, user):
    """Our library (beside the seeded catalogue): TL-2 (no fill recorded), Type 91X (with its Khmer alias),
    TL-9M (only ours). Invented names, so the catalogue's models stay out of the way."""
    from safeground.ordnance import services

    tl2 = services.create_model(
        name="TL-2", category="ap_mine", user=user, diameter_mm=125, features="Cross-shaped rubber cover"
    )
    t91 = services.create_model(
        name="Type 91X", category="ap_mine", user=user, aliases=[(KHMER, "km")], metal_content="minimum"
    )
    tl9 = services.create_model(name="TL-9M", category="ap_mine", user=user, actuation=["tripwire"])
    return {"TL-2": tl2, "Type 91X": t91, "TL-9M": tl9}


def model(name: str, **fields) -> dict:
    out = {"name": name, "category": "ap_mine", "aliases": [], "similar": [], "images": []}
    out.update(fields)
    return out


def theirs_document() -> dict:
    """Their library: TL2 (our TL-2, spelt without the dash), a model they name in Khmer (our Type 91X),
    'TL-2 old stock' whose alias is TL-2 (resolves to the same model), XVS-5 and XOZ-7 (only theirs)."""
    return {
        "format": exchange.FORMAT,
        "version": exchange.VERSION,
        "programme": "Partner programme",
        "exported_at": "2026-12-01T00:00:00+00:00",
        "models": [
            model(
                "TL2",
                diameter_mm=999,  # ours says 125: ours stays
                fill="TNT",
                fill_mass_g=100,
                aliases=[{"name": "ТЛ-2", "language": "ru"}],
                images=[{"file": "images/tl-2/1.png", "caption": "TL-2 top", "sha256": ""}],
            ),
            model(KHMER, fill="Tetryl", aliases=[{"name": "T91X", "language": ""}]),
            model("TL-2 old stock", aliases=[{"name": "TL-2", "language": "en"}], weight_g=600),
            model(
                "XVS-5",
                category="ap_mine",
                metal_content="minimum",
                detectable_by=["detector", "mdd"],
                similar=["TL2"],
                texts={"km": {"features": "ម៉ីនមូល"}},
                images=[{"file": "images/xvs-5/1.png", "caption": "XVS-5", "sha256": ""}],
            ),
            model("XOZ-7", category="ap_mine", actuation=["tripwire"], aliases=[{"name": "ХОЗ-7", "language": "ru"}]),
        ],
    }


def theirs_zip() -> bytes:
    document = copy.deepcopy(theirs_document())
    return exchange.to_zip(
        {
            exchange.JSON_NAME: exchange.to_json(document),
            exchange.CSV_NAME: exchange.to_csv(document),
            "images/tl-2/1.png": IMAGE,
            "images/xvs-5/1.png": OTHER_IMAGE,
        }
    )
