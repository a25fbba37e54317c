"""Migration 0005 filled the catalogue's structured fields and linked its similar models."""

import importlib

import pytest
from django.apps import apps as django_apps

from safeground.ordnance.catalogue import CATALOGUE_NAMES, SIMILAR, STRUCTURED
from safeground.ordnance.models import ACTUATION_CHOICES, DETECTION_CHOICES, METAL_CONTENT_CHOICES, OrdnanceModel

pytestmark = pytest.mark.django_db


def test_structured_data_is_for_catalogue_names_and_valid():
    from safeground.ordnance import services

    assert set(STRUCTURED) <= set(CATALOGUE_NAMES)
    assert {n for pair in SIMILAR for n in pair} <= set(CATALOGUE_NAMES)
    for name, values in STRUCTURED.items():
        assert services.check_fields(values) == {k: v for k, v in values.items()}, name
        assert set(values.get("detectable_by", [])) <= {c for c, _ in DETECTION_CHOICES}
        assert set(values.get("actuation", [])) <= {c for c, _ in ACTUATION_CHOICES}
        assert values.get("metal_content", "unknown") in {c for c, _ in METAL_CONTENT_CHOICES}


def test_seeded_values_are_present():
    pmn2 = OrdnanceModel.objects.get(name="PMN-2")
    assert (pmn2.fill_mass_g, pmn2.metal_content, pmn2.weight_g) == (100, "low", 420)
    assert pmn2.detectable_by == ["detector", "mdd", "mdr"] and pmn2.actuation == ["pressure"]
    t72 = OrdnanceModel.objects.get(name="Type 72A")
    assert (t72.diameter_mm, t72.height_mm, t72.metal_content, t72.detectable_by) == (78, 38, "minimum", ["mdd", "mdr"])
    assert OrdnanceModel.objects.get(name="TM-62M").fuze == "MVP-62"
    assert "(unverified)" in OrdnanceModel.objects.get(name="Type 58").main_charge  # the marker stays in the words


def test_similar_models_are_linked_both_ways():
    pmn = OrdnanceModel.objects.get(name="PMN")
    t58 = OrdnanceModel.objects.get(name="Type 58")
    assert t58 in pmn.similar_models.all() and pmn in t58.similar_models.all()
    mon100 = OrdnanceModel.objects.get(name="MON-100")
    assert OrdnanceModel.objects.get(name="MON-50") in mon100.similar_models.all()


def test_the_migration_never_overwrites_a_programmes_edit():
    from django.db import connection

    from safeground.ordnance import services

    pmn2 = OrdnanceModel.objects.get(name="PMN-2")
    services.update_model(pmn2, fill_mass_g=110, colour_markings="Ours", metal_content="minimum")
    services.update_model(OrdnanceModel.objects.get(name="PMN"), fill_mass_g=None)
    migration = importlib.import_module("safeground.ordnance.migrations.0005_structured_catalogue")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.fill(django_apps, editor)
    pmn2.refresh_from_db()
    assert (pmn2.fill_mass_g, pmn2.colour_markings, pmn2.metal_content) == (110, "Ours", "minimum")
    assert OrdnanceModel.objects.get(name="PMN").fill_mass_g == 200  # a blank field is filled again
