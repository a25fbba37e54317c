"""create_model/update_model refuse bad fields by name, and write nothing then."""

import pytest

from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.ordnance import services
from safeground.ordnance.models import OrdnanceAlias, OrdnanceModel

pytestmark = pytest.mark.django_db


def _counts():
    return OrdnanceModel.objects.count(), OrdnanceAlias.objects.count()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"metal_content": "plenty"}, "metal_content", "unknown code 'plenty'"),
        ({"detectable_by": ["detector", "sonar"]}, "detectable_by", "unknown code 'sonar'"),
        ({"detectable_by": "mdd"}, "detectable_by", "must be a list"),
        ({"actuation": ["squeeze"]}, "actuation", "unknown code 'squeeze'"),
        ({"length_mm": -3}, "length_mm", "must be positive"),
        ({"weight_g": 0}, "weight_g", "must be positive"),
        ({"diameter_mm": 12.5}, "diameter_mm", "whole number"),
        ({"height_mm": "56"}, "height_mm", "whole number"),
        ({"length_mm": 90_000}, "length_mm", "check the unit"),
        ({"fill_mass_g": 500, "weight_g": 100}, "fill_mass_g", "weighs more than the whole item"),
        ({"texts": {"en": {"features": "x"}}}, "texts", "'en' is not a translation language"),
        ({"texts": {"xx": {"features": "x"}}}, "texts", "'xx' is not a translation language"),
        ({"texts": {"km": {"colour": "x"}}}, "texts", "'colour' is not a translatable text"),
        ({"texts": {"km": {"features": 3}}}, "texts", "must be text"),
        ({"texts": ["km"]}, "texts", "must be an object"),
        ({"category": "rock"}, "category", "unknown code 'rock'"),
        ({"fuze": "x" * 200}, "fuze", "at most 120 characters"),
        ({"calibre": 3}, "calibre", "not a field"),
        ({"aliases": [("x" * 121, "km")]}, "aliases[0]", "at most 120 characters"),
        ({"aliases": [("Local name", "k1")]}, "aliases[0]", "'k1' is not a language code"),
        ({"aliases": [("  ", "")]}, "aliases[0]", "needs a name"),
        ({"aliases": [("--", "")]}, "aliases[0]", "no letters or digits"),
    ],
)
def test_create_refuses_bad_fields_and_writes_nothing(fields, field, words):
    before = _counts()
    args = {"name": "Test mine X-1", "category": "ap_mine", **fields}
    with pytest.raises(ValidationFailed) as refused:
        services.create_model(**args)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert _counts() == before
    assert not OrdnanceModel.objects.filter(name="Test mine X-1").exists()


def test_create_cleans_and_stores_everything():
    other = OrdnanceModel.objects.get(name="PMN")
    model = services.create_model(
        name="Test mine X-1",
        category="ap_mine",
        length_mm=None,
        diameter_mm=80,
        weight_g=300,
        fill_mass_g=90,
        metal_content="low",
        detectable_by=["detector", "mdd", "detector"],
        actuation=["pressure"],
        texts={"km": {"features": "ក្រុមហ៊ុន", "deminer_hazards": "  "}},
        aliases=[("X1", ""), ("X-1 local", "km"), ("X1", "")],
        similar=[other],
    )
    model.refresh_from_db()
    assert model.slug == "test-mine-x-1"
    assert model.detectable_by == ["detector", "mdd"]
    assert model.texts == {"km": {"features": "ក្រុមហ៊ុន"}}
    assert sorted(model.aliases.values_list("name", "language", "folded")) == [
        ("X-1 local", "km", "x1local"),
        ("X1", "", "x1"),
    ]
    assert list(model.similar_models.all()) == [other] and model in other.similar_models.all()  # symmetrical


def test_update_refuses_itself_as_similar_and_keeps_the_model():
    model = OrdnanceModel.objects.get(name="PMN-2")
    version, similar = model.version, set(model.similar_models.all())
    with pytest.raises(ValidationFailed) as refused:
        services.update_model(model, similar=[model], features="changed")
    assert refused.value.field == "similar[0]" and "not similar to itself" in str(refused.value)
    model.refresh_from_db()
    assert model.version == version and model.features != "changed" and set(model.similar_models.all()) == similar


def test_update_checks_fill_against_the_stored_weight():
    model = OrdnanceModel.objects.get(name="PMN-2")  # 420 g
    with pytest.raises(ValidationFailed, match="weighs more"):
        services.update_model(model, fill_mass_g=1000)
    assert OrdnanceModel.objects.get(name="PMN-2").fill_mass_g == 100


def test_update_raises_the_version_and_refuses_a_stale_one():
    model = OrdnanceModel.objects.get(name="PMN-2")
    version = model.version
    services.update_model(model, expected_version=version, fuze="MUV-2", aliases=[("PMN 2", "")])
    model.refresh_from_db()
    assert model.version == version + 1 and model.fuze == "MUV-2"
    with pytest.raises(StaleVersion):
        services.update_model(model, expected_version=version, fuze="other")
    assert OrdnanceModel.objects.get(name="PMN-2").fuze == "MUV-2"


def test_add_and_remove_aliases():
    model = OrdnanceModel.objects.get(name="PMN-2")
    assert services.add_aliases(model, [("Local PMN", "km"), ("Local PMN", "km")]) == 1
    assert services.add_aliases(model, [("Local PMN", "km")]) == 0
    assert services.remove_aliases([("PMN-2", "Local PMN")]) == 1
    assert not model.aliases.filter(name="Local PMN").exists()
