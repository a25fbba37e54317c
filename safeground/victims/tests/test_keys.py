"""The field key: rotation re-encrypts everything, old values open during a rotation, a wrong or
missing key is a clear error and nothing is lost or overwritten."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from safeground.core import crypto
from safeground.victims import services
from safeground.victims.access import Actor
from safeground.victims.models import VICTIM_ENCRYPTED, Assessment, Victim
from safeground.victims.tests.conftest import NAME, add_victims, new_key

pytestmark = pytest.mark.django_db
SYSTEM = Actor.for_system("test")
CHECK = Actor.for_system("checking the key works")


def tokens() -> list[str]:
    rows = list(Victim.objects.order_by("code").values_list(*[f"{f}_enc" for f in VICTIM_ENCRYPTED]))
    rows += [(n,) for n in Assessment.objects.order_by("id").values_list("notes_enc", flat=True)]
    return [t for row in rows for t in row if t]


@pytest.fixture
def key_file(monkeypatch, tmp_path, field_key):
    """The test's key moved into a key file (SAFEGROUND_FIELD_KEY_FILE)."""
    path = tmp_path / "field.keys"
    crypto.write_key_file(path, [field_key])
    monkeypatch.delenv(crypto.ENV_KEY)
    monkeypatch.setenv(crypto.ENV_KEY_FILE, str(path))
    crypto.reset()
    return path


def test_rotation_reencrypts_everything_and_retires_the_old_key(key_file, victim, accident, field_key, capsys):
    add_victims(accident, 3)
    services.add_assessment(victim, SYSTEM, assessed_on=dt.date(2024, 3, 10), needs=["medical"], notes="wound care")
    old_id = crypto.keyring().current_id
    before = tokens()
    assert {t.split(":")[1] for t in before} == {old_id}

    call_command("victims", "rotate-key", "--generate")

    ring = crypto.keyring()
    after = tokens()
    assert ring.current_id != old_id and ring.previous == ()  # the key file holds the new key only
    assert len(after) == len(before) and {t.split(":")[1] for t in after} == {ring.current_id}
    assert services.key_status() == {ring.current_id: len(after)}
    assert services.reveal(victim, CHECK)["name"] == NAME
    assert services.reveal(victim, CHECK)["assessments"][0]["notes"] == "wound care"
    assert "old keys removed" in capsys.readouterr().out
    # The old key no longer opens anything stored.
    crypto.write_key_file(key_file, [field_key])
    crypto.reset()
    with pytest.raises(crypto.FieldKeyError, match="not configured"):
        services.reveal(victim, CHECK)


def test_old_values_open_while_a_rotation_is_under_way(monkeypatch, victim, accident, field_key):
    """Environment keys: the new key current, the old one in SAFEGROUND_FIELD_OLD_KEYS."""
    add_victims(accident, 2)
    monkeypatch.setenv(crypto.ENV_KEY, new_key())
    monkeypatch.setenv(crypto.ENV_OLD_KEYS, field_key)
    # Half-way: values under both keys are readable (new records use the new key).
    newer = add_victims(accident, 1)[0]
    assert services.reveal(victim, CHECK)["name"] == NAME
    assert services.reveal(newer, CHECK)["name"] == "Person 0"
    ring = crypto.keyring()
    assert set(services.key_status()) == {ring.current_id, crypto.key_id(crypto.parse_key(field_key, "old"))}
    call_command("victims", "rotate-key")
    assert set(services.key_status()) == {ring.current_id}
    monkeypatch.delenv(crypto.ENV_OLD_KEYS)
    assert services.reveal(victim, CHECK)["name"] == NAME


def test_wrong_key_refuses_reads_and_writes_and_changes_nothing(monkeypatch, client_as, victim, accident):
    before = tokens()
    count = Victim.objects.count()
    monkeypatch.setenv(crypto.ENV_KEY, new_key())  # someone deployed the wrong key
    response = client_as("va-officer").post(
        f"/api/v1/victims/{victim.code}/personal-data",
        {"purpose": "follow-up visit next week"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert "not configured" in response.json()["detail"] and NAME not in response.content.decode()
    with pytest.raises(crypto.FieldKeyError):
        add_victims(accident, 1)  # a new record under the wrong key would mix keys: refused
    with pytest.raises(crypto.FieldKeyError):
        services.rectify(victim, Actor.for_system("request of the person"), name="Someone Else")
    with pytest.raises(CommandError, match="field encryption key"):
        call_command("victims", "rotate-key")
    assert Victim.objects.count() == count and tokens() == before


def test_missing_key_is_a_clear_error(monkeypatch, client_as, victim):
    monkeypatch.delenv(crypto.ENV_KEY)
    response = client_as("va-officer").post(
        f"/api/v1/victims/{victim.code}/personal-data",
        {"purpose": "follow-up visit next week"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert "no field encryption key is configured" in response.json()["detail"]
    assert not crypto.dev_key_path().exists()
    # Pseudonymised data and statistics don't need the key.
    assert client_as("im-officer").get(f"/api/v1/victims/{victim.code}").status_code == 200
    with pytest.raises(CommandError, match="no field encryption key"):
        call_command("victims", "key-status")


def test_rotation_stops_on_a_value_no_key_opens(key_file, victim, accident):
    """A value written under a lost key: the rotation refuses and rewrites nothing; every value the
    configured keys open still opens."""
    lost = add_victims(accident, 1)[0]
    stray = crypto.Keyring(crypto.parse_key(new_key(), "stray"))
    Victim.objects.filter(pk=lost.pk).update(name_enc=stray.encrypt("Lost Name", services.context(lost, "name")))
    before = tokens()
    with pytest.raises(CommandError, match="not configured"):
        call_command("victims", "rotate-key", "--generate")
    assert tokens() == before
    assert services.reveal(victim, CHECK)["name"] == NAME
