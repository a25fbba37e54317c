"""The device catalogue is seeded by migration 0002 and stays consistent with the model."""

import pytest

from safeground.ordnance.catalogue import CATALOGUE, CATALOGUE_NAMES, GENERIC_MARKER, GENERIC_NAMES
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel
from safeground.ordnance.services import create_model

VALID_CATEGORIES = {value for value, _label in CATEGORY_CHOICES}


def test_catalogue_names_are_unique():
    assert len(CATALOGUE_NAMES) == len(set(CATALOGUE_NAMES))


def test_catalogue_keys_are_model_fields_and_fit_their_lengths():
    fields = {field.name: field for field in OrdnanceModel._meta.concrete_fields}
    for entry in CATALOGUE:
        assert set(entry) <= set(fields) - {"id"}, entry["name"]
        for key, value in entry.items():
            assert isinstance(value, str), (entry["name"], key)
            max_length = fields[key].max_length
            if max_length:
                assert len(value) <= max_length, (entry["name"], key, len(value))


def test_catalogue_keeps_fact_sheet_markers_in_words():
    text = "\n".join(value for entry in CATALOGUE for value in entry.values())
    assert "[U]" not in text and "[C]" not in text and "**" not in text
    assert "(unverified)" in text
    assert "(sources conflict)" in text


@pytest.mark.django_db
def test_catalogue_rows_exist_after_migrations():
    assert OrdnanceModel.objects.count() == len(CATALOGUE)
    assert set(OrdnanceModel.objects.values_list("name", flat=True)) == set(CATALOGUE_NAMES)


@pytest.mark.django_db
def test_key_models():
    pmn2 = OrdnanceModel.objects.get(name="PMN-2")
    assert pmn2.category == "ap_mine"
    assert pmn2.origin == "USSR"
    assert OrdnanceModel.objects.get(name="TM-62M").category == "at_mine"
    assert OrdnanceModel.objects.get(name="BLU-26").category == "submunition"
    assert "(sources conflict)" in OrdnanceModel.objects.get(name="OZM-72").notes


@pytest.mark.django_db
def test_every_row_has_a_valid_category_and_non_generic_rows_cite_a_source():
    rows = list(OrdnanceModel.objects.all())
    assert rows
    for row in rows:
        assert row.category in VALID_CATEGORIES, row.name
        lines = [line.strip() for line in row.sources.splitlines() if line.strip()]
        assert all(line.startswith(("http://", "https://")) for line in lines), row.name
        if row.name in GENERIC_NAMES:
            assert row.notes.startswith(GENERIC_MARKER), row.name
        else:
            assert lines, f"{row.name} has no source"


@pytest.mark.django_db
def test_seed_is_idempotent_and_reverse_deletes_only_catalogue_names():
    import importlib

    from django.apps import apps as global_apps
    from django.db import connection

    seed = importlib.import_module("safeground.ordnance.migrations.0002_seed_catalogue")
    OrdnanceModel.objects.filter(name="PMN-2").update(origin="changed", notes="")
    create_model(name="Local test model", category="other")

    seed.seed_catalogue(global_apps, connection.schema_editor())
    assert OrdnanceModel.objects.count() == len(CATALOGUE) + 1
    assert OrdnanceModel.objects.get(name="PMN-2").origin == "USSR"

    seed.unseed_catalogue(global_apps, connection.schema_editor())
    assert list(OrdnanceModel.objects.values_list("name", flat=True)) == ["Local test model"]
