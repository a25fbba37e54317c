"""Redaction policies: the built-in ones are valid; a bad file is refused naming the field; a policy
can only take away (victims and EORE stay aggregates, k >= 3); a custom policy gets versions."""

import pytest

from safeground.core.errors import ValidationFailed
from safeground.exchange import policies


def test_builtin_policies_are_valid():
    for name, rules in policies.BUILTIN.items():
        assert policies.validate(rules) == rules, name


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("name: x\nlayers: [unclosed", "policy", "not valid YAML"),
        ("- a list", "policy", "mapping"),
        ("name: x\nlayers: {roads: {geometry: keep}}", "layers.roads", "unknown layer roads"),
        ("name: x\nlayers: {victims: {geometry: keep}}", "layers.victims", "only as aggregates"),
        ("name: x\nk: 2\nlayers: {hazards: {geometry: keep}}", "k", "at least 3"),
        ("name: x\nk: 'five'\nlayers: {hazards: {}}", "k", "whole number"),
        ("name: x\nlayers: {hazards: {geometry: blur}}", "layers.hazards.geometry", "one of keep, admin, grid"),
        ("name: x\nlayers: {hazards: {geometry: grid}}", "layers.hazards.cell_km", "number"),
        ("name: x\nlayers: {hazards: {geometry: grid, cell_km: 0}}", "layers.hazards.cell_km", "between"),
        ("name: x\nlayers: {hazards: {geometry: admin, level: 7}}", "layers.hazards.level", "between"),
        ("name: x\nlayers: {hazards: {drop: [victim_name]}}", "layers.hazards.drop", "no field 'victim_name'"),
        ("name: x\nlayers: {hazards: {keep: [name]}}", "layers.hazards.keep", "unknown rule"),
        ("name: 'bad name!'\nlayers: {hazards: {}}", "name", "letters"),
        ("name: x\nextra: 1\nlayers: {hazards: {}}", "extra", "unknown policy key"),
    ],
)
def test_bad_policies_are_refused_naming_the_field(text, field, words):
    with pytest.raises(ValidationFailed) as refused:
        policies.parse(text)
    assert refused.value.field == field
    assert words in str(refused.value)


def test_json_policy_and_limits_in_words():
    rules = policies.parse(
        '{"name": "Grid-5km", "k": 4, "layers": {"hazards": {"geometry": "grid", "cell_km": 5, "drop": ["status"]},'
        ' "devices": {"geometry": "admin", "level": 2}}}'
    )
    assert rules["name"] == "grid-5km" and rules["k"] == 4
    assert rules["layers"]["hazards"] == {"geometry": "grid", "cell_km": 5, "write": "centre", "drop": ["status"]}
    words = policies.limits(rules)
    assert "hazards: coordinates generalised to 5 km cells; fields dropped: status" in words
    assert "devices: positions generalised to admin level 2" in words
    assert words[-1] == "victims and EORE as aggregates only; cells under 4 suppressed"


@pytest.mark.django_db
def test_custom_policy_versions_and_refusals_write_nothing():
    from safeground.exchange import queries, services
    from safeground.exchange.models import RedactionPolicy

    with pytest.raises(ValidationFailed) as refused:
        services.add_policy("name: tight\nk: 1\nlayers: {hazards: {geometry: keep}}")
    assert refused.value.field == "k"
    with pytest.raises(ValidationFailed) as refused:
        services.add_policy("name: open\nlayers: {hazards: {geometry: keep}}")
    assert refused.value.field == "name" and "built-in" in str(refused.value)
    assert RedactionPolicy.objects.count() == 0
    first = services.add_policy("name: tight\nk: 10\nlayers: {hazards: {geometry: admin, level: 1}}")
    second = services.add_policy("name: tight\nk: 12\nlayers: {hazards: {geometry: admin, level: 1}}")
    assert (first.version, second.version, RedactionPolicy.objects.count()) == (1, 2, 1)
    rules, version = queries.policy_rules("tight")
    assert rules["k"] == 12 and version == 2
    with pytest.raises(ValidationFailed) as refused:
        queries.policy_rules("nothing")
    assert refused.value.field == "policy" and "grid-10km" in str(refused.value)
