"""Signed packages (core/packages.py): what is accepted, and that every altered byte is refused."""

import json

import pytest

from safeground.core import packages


@pytest.fixture
def key(tmp_path):
    private, public, fp = packages.generate_key(tmp_path)
    return packages.load_private(private), packages.read_public(public.read_text()), fp


def _package(private):
    return packages.build(
        {"kind": "test", "programme": "ZZ"}, {"data.json": b'{"a": 1}', "layer.bin": bytes(range(256))}, private
    )


def test_round_trip_names_the_signer_and_members(key):
    private, public, fp = key
    package = packages.verify(_package(private), {fp: public}, kind="test")
    assert package.signer == fp
    assert package.json("data.json") == {"a": 1}
    assert package.manifest["programme"] == "ZZ"
    assert [f["name"] for f in package.manifest["files"]] == ["data.json", "layer.bin"]


def test_the_same_members_give_the_same_bytes(key):
    private, _, _ = key
    assert _package(private) == _package(private)


def test_every_single_changed_byte_is_refused(key):
    private, public, fp = key
    data = _package(private)
    accepted = []
    for i in range(len(data)):
        altered = bytearray(data)
        altered[i] ^= 0x01
        try:
            packages.verify(bytes(altered), {fp: public})
        except packages.PackageRefused:
            continue
        accepted.append(i)
    assert accepted == []


def test_a_truncated_package_or_other_file_is_refused(key):
    private, public, fp = key
    data = _package(private)
    with pytest.raises(packages.PackageRefused, match="not a readable package"):
        packages.verify(data[: len(data) // 2], {fp: public})
    with pytest.raises(packages.PackageRefused, match="not a readable package"):
        packages.verify(b"hello", {fp: public})


def test_an_unknown_key_or_kind_is_refused(key, tmp_path):
    private, public, fp = key
    other_private, other_public, other_fp = packages.generate_key(tmp_path / "other")
    data = _package(private)
    with pytest.raises(packages.PackageRefused, match=f"signed by key {fp}, which is not a trusted key"):
        packages.verify(data, {other_fp: packages.read_public(other_public.read_text())})
    with pytest.raises(packages.PackageRefused, match="not a 'receipt' package"):
        packages.verify(data, {fp: public}, kind="receipt")


def test_a_package_re_signed_with_changed_members_is_refused(key):
    """An attacker who swaps a member but keeps the signed manifest is caught by the checksum."""
    private, public, fp = key
    data = _package(private)
    package = packages.verify(data, {fp: public})
    signature = packages._manifest_bytes(
        json.loads(packages._read_members(data)[-1][1].decode())  # the original signature.json
    )
    body = packages._manifest_bytes(package.manifest)
    forged = packages._archive(
        [
            ("manifest.json", body),
            ("data.json", b'{"a": 2}'),
            ("layer.bin", bytes(range(256))),
            ("signature.json", signature),
        ]
    )
    with pytest.raises(packages.PackageRefused, match="data.json does not match its checksum"):
        packages.verify(forged, {fp: public})


def test_an_unsigned_package_is_refused(key):
    private, public, fp = key
    unsigned = packages._archive([("manifest.json", b"{}")])
    with pytest.raises(packages.PackageRefused, match="not signed"):
        packages.verify(unsigned, {fp: public})


def test_keys_are_not_overwritten_and_public_keys_are_checked(tmp_path):
    packages.generate_key(tmp_path)
    with pytest.raises(FileExistsError):
        packages.generate_key(tmp_path)
    assert (tmp_path / "signing-key.pem").stat().st_mode & 0o077 == 0
    with pytest.raises(ValueError, match="starts with"):
        packages.read_public("ssh-ed25519 AAAA")
    with pytest.raises(ValueError, match="32 bytes"):
        packages.read_public("ed25519:AAAA")


def test_own_key_comes_from_the_environment_or_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv(packages.KEY_ENV, str(tmp_path / "none.pem"))
    with pytest.raises(ValueError, match="safeground exchange keygen"):
        packages.own_key()
    private, public, fp = packages.generate_key(tmp_path)
    monkeypatch.setenv(packages.KEY_ENV, str(private))
    assert packages.fingerprint(packages.own_key().public_key()) == fp
