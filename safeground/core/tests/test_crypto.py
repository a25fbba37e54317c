"""Field encryption: authenticated, bound to its place, key from the environment or a file, clear errors."""

import base64
import os

import pytest

from safeground.core import crypto


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in (crypto.ENV_KEY, crypto.ENV_OLD_KEYS, crypto.ENV_KEY_FILE):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    crypto.reset()
    yield
    crypto.reset()


def test_round_trip_and_token_format(monkeypatch):
    k = key()
    monkeypatch.setenv(crypto.ENV_KEY, k)
    ring = crypto.keyring()
    token = ring.encrypt("Sok Dara", "victims.victim.name:1")
    prefix, kid, body = token.split(":")
    assert prefix == "sgf1" and kid == crypto.key_id(base64.b64decode(k)) == ring.current_id
    assert "Sok" not in token and "Dara" not in body
    assert ring.decrypt(token, "victims.victim.name:1") == "Sok Dara"
    assert ring.encrypt("Sok Dara", "victims.victim.name:1") != token  # fresh nonce each time
    assert ring.encrypt("", "x") == "" and ring.decrypt("", "x") == ""


def test_ciphertext_is_bound_to_its_row_and_field(monkeypatch):
    monkeypatch.setenv(crypto.ENV_KEY, key())
    ring = crypto.keyring()
    token = ring.encrypt("Sok Dara", "victims.victim.name:1")
    with pytest.raises(crypto.FieldKeyError, match="does not open"):
        ring.decrypt(token, "victims.victim.name:2")  # moved to another row
    with pytest.raises(crypto.FieldKeyError, match="does not open"):
        ring.decrypt(token, "victims.victim.address:1")  # moved to another field
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(crypto.FieldKeyError, match="altered"):
        ring.decrypt(tampered, "victims.victim.name:1")


def test_wrong_key_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(crypto.ENV_KEY, key())
    token = crypto.keyring().encrypt("Sok Dara", "ctx")
    monkeypatch.setenv(crypto.ENV_KEY, key())
    ring = crypto.keyring()
    with pytest.raises(
        crypto.FieldKeyError, match=f"encrypted with key {token.split(':')[1]}, which is not configured"
    ):
        ring.decrypt(token, "ctx")
    with pytest.raises(crypto.FieldKeyError, match="not a SafeGround field ciphertext"):
        ring.decrypt("Sok Dara", "ctx")


def test_missing_or_malformed_key(monkeypatch):
    with pytest.raises(crypto.FieldKeyError, match="no field encryption key is configured"):
        crypto.keyring()
    assert not crypto.dev_key_path().exists()  # never created outside DEBUG or a demo
    monkeypatch.setenv(crypto.ENV_KEY, base64.b64encode(b"short").decode())
    with pytest.raises(crypto.FieldKeyError, match="5 bytes, it must be 32"):
        crypto.keyring()
    monkeypatch.setenv(crypto.ENV_KEY, "not base64 !!")
    with pytest.raises(crypto.FieldKeyError, match="not valid base64"):
        crypto.keyring()


def test_key_file_with_previous_keys(monkeypatch, tmp_path):
    old, new = key(), key()
    path = tmp_path / "field.keys"
    crypto.write_key_file(path, [old])
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv(crypto.ENV_KEY_FILE, str(path))
    token = crypto.keyring().encrypt("Sok Dara", "ctx")
    crypto.write_key_file(path, [new, old])
    ring = crypto.keyring()  # the file changed: read again
    assert ring.current_id == crypto.key_id(base64.b64decode(new))
    assert ring.decrypt(token, "ctx") == "Sok Dara"  # the old key still opens old values
    rotated = ring.reencrypt(token, "ctx")
    assert rotated.split(":")[1] == ring.current_id and ring.reencrypt(rotated, "ctx") == rotated
    crypto.write_key_file(path, [old])
    with pytest.raises(crypto.FieldKeyError, match="not configured"):
        crypto.keyring().decrypt(rotated, "ctx")  # the old key no longer opens the rotated value
    path.write_text("# comment only\n")
    with pytest.raises(crypto.FieldKeyError, match="holds no key"):
        crypto.keyring()


def test_old_keys_from_the_environment(monkeypatch):
    old, new = key(), key()
    monkeypatch.setenv(crypto.ENV_KEY, old)
    token = crypto.keyring().encrypt("x", "ctx")
    monkeypatch.setenv(crypto.ENV_KEY, new)
    monkeypatch.setenv(crypto.ENV_OLD_KEYS, old)
    assert crypto.keyring().decrypt(token, "ctx") == "x"


def test_development_key_only_when_allowed(tmp_path):
    assert crypto.key_file_path() == tmp_path / "var" / "field.key"
    ring = crypto.keyring(allow_dev_key=True)
    path = tmp_path / "var" / "field.key"
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert crypto.keyring().current_id == ring.current_id  # used from then on, also without DEBUG
