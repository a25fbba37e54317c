"""Signed packages: the one container for what SafeGround sends to another installation.

A package (`.sgx`) is a ZIP archive written the same way every time (members stored, not compressed,
in a fixed order, with fixed timestamps and attributes) holding:

- `manifest.json`: what the package is (its `format`, `kind`, who made it and when, whatever its
  maker adds) and a `files` list giving each member's name, size and SHA-256;
- the members the manifest lists (a GeoPackage, JSON records...);
- `signature.json`: the Ed25519 signature of the manifest's exact bytes and the signing key's
  fingerprint.

Verification checks, in this order, and names the first failure: the archive reads; it holds exactly
the listed members; the signature is valid for a trusted key; every member's size and SHA-256 match;
and the archive is byte for byte what the writer makes of those members. The last check catches a
change to any byte of the container (a ZIP header, a timestamp, a comment) that the others would
not see, so "one byte changed" is always refused.

Keys are Ed25519 (`cryptography`): this installation's own key is at `$SAFEGROUND_SIGNING_KEY`
(default `./var/keys/signing-key.pem`, see `own_key`); a private key in a PKCS #8 PEM file readable by its owner only,
and a public key shared as one line, `ed25519:<base64 of the 32 raw bytes>`. A key's fingerprint is
the first 16 hex digits of the SHA-256 of its raw public bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import stat
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "safeground-package/1"
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
PUBLIC_PREFIX = "ed25519:"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_MAX_MEMBER_BYTES = 2 * 1024**3


class PackageRefused(Exception):
    """The package cannot be trusted or read; the message says why (nothing was loaded)."""


@dataclass(frozen=True)
class Package:
    """A verified package: its manifest, its members' bytes and the fingerprint of the key that signed it."""

    manifest: dict
    members: dict[str, bytes]
    signer: str

    def json(self, name: str):
        return json.loads(self.members[name].decode("utf-8"))


# --- keys --------------------------------------------------------------------------------------


def fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_text(public_key: Ed25519PublicKey) -> str:
    """The one-line form partners exchange: `ed25519:<base64>`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PUBLIC_PREFIX + base64.b64encode(raw).decode("ascii")


def read_public(text: str) -> Ed25519PublicKey:
    """A public key from its one-line form (or a PEM); ValueError names what is wrong."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    if not text.startswith(PUBLIC_PREFIX):
        raise ValueError(f"a public key starts with {PUBLIC_PREFIX!r}")
    try:
        raw = base64.b64decode(text[len(PUBLIC_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the public key is not valid base64") from exc
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key has 32 bytes, this one {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def generate_key(directory: Path, name: str = "signing-key") -> tuple[Path, Path, str]:
    """Write `<name>.pem` (private, mode 0600) and `<name>.pub` (one line) into `directory`.

    Refuses to overwrite an existing private key: losing it would orphan every partner's trust.
    Returns both paths and the fingerprint.
    """
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / f"{name}.pem", directory / f"{name}.pub"
    if private_path.exists():
        raise FileExistsError(f"{private_path} exists; move it away first to make a new key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public_path.write_text(public_text(key.public_key()) + "\n", encoding="ascii")
    return private_path, public_path, fingerprint(key.public_key())


#: This installation's own signing key (what `safeground exchange keygen` writes): exchange packages,
#: field-office sync packages and receipts are all signed with it.
KEY_ENV = "SAFEGROUND_SIGNING_KEY"


def own_key_path() -> Path:
    """Where this installation's private key lives: $SAFEGROUND_SIGNING_KEY, else ./var/keys/signing-key.pem."""
    return Path(os.environ.get(KEY_ENV) or Path.cwd() / "var" / "keys" / "signing-key.pem")


def own_key() -> Ed25519PrivateKey:
    """This installation's private key; ValueError says how to make one when there is none."""
    path = own_key_path()
    if not path.exists():
        raise ValueError(f"no signing key at {path}: make one with `safeground exchange keygen` (or set {KEY_ENV})")
    return load_private(path)


def load_private(path: Path) -> Ed25519PrivateKey:
    """The private key in `path`; ValueError names the file and the problem."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the signing key {path}: {exc.strerror}") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path} is not an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key


# --- writing -----------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest_bytes(manifest: Mapping) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


def _archive(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """The ZIP bytes of `entries`, identical for identical entries (stored, fixed times and modes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


def build(manifest: Mapping, members: Mapping[str, bytes], key: Ed25519PrivateKey) -> bytes:
    """The signed package of `members` (name → bytes) described by `manifest` (without `files`)."""
    for name in members:
        if name in (MANIFEST, SIGNATURE) or "/" in name or name.startswith("."):
            raise ValueError(f"a member may not be called {name!r}")
    full = dict(manifest)
    full.setdefault("format", FORMAT)
    full["files"] = [
        {"name": name, "bytes": len(data), "sha256": _digest(data)} for name, data in sorted(members.items())
    ]
    body = _manifest_bytes(full)
    signature = {
        "algorithm": "ed25519",
        "key": fingerprint(key.public_key()),
        "signature": base64.b64encode(key.sign(body)).decode("ascii"),
    }
    entries = [(MANIFEST, body), *sorted(members.items()), (SIGNATURE, _manifest_bytes(signature))]
    return _archive(entries)


def write(path: Path, manifest: Mapping, members: Mapping[str, bytes], key: Ed25519PrivateKey) -> str:
    """Write the signed package to `path` (atomically: a temporary file, then a rename); its SHA-256."""
    data = build(manifest, members, key)
    save(path, data)
    return _digest(data)


def save(path: Path, data: bytes) -> None:
    """Write a built package to `path` atomically: a temporary file, then a rename."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


# --- reading -----------------------------------------------------------------------------------


def package_id(data: bytes) -> str:
    """The package's identity: the SHA-256 of its bytes (re-importing the same file is recognised)."""
    return _digest(data)


def _read_members(data: bytes) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if any(i.file_size > _MAX_MEMBER_BYTES for i in infos):
                raise PackageRefused("a member of the package is too large")
            return [(i.filename, archive.read(i)) for i in infos]
    except PackageRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise PackageRefused(f"not a readable package: {exc}") from exc
    except Exception as exc:  # zlib and struct errors of a mangled archive
        raise PackageRefused(f"not a readable package: {type(exc).__name__}: {exc}") from exc


def _decode(name: str, data: bytes) -> dict:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageRefused(f"{name} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise PackageRefused(f"{name} is not a JSON object")
    return value


def verify(data: bytes, trusted: Mapping[str, Ed25519PublicKey], *, kind: str | None = None) -> Package:
    """The package, once every check passed; PackageRefused names the first that failed.

    `trusted` maps fingerprints to the public keys whose signatures are accepted; `kind`, when given,
    is the manifest kind the caller expects (a receipt is not a partner package).
    """
    entries = _read_members(data)
    names = [name for name, _ in entries]
    if len(set(names)) != len(names):
        raise PackageRefused("the package holds a member twice")
    members = dict(entries)
    if MANIFEST not in members:
        raise PackageRefused("the package has no manifest.json")
    if SIGNATURE not in members:
        raise PackageRefused("the package is not signed (no signature.json)")
    body = members[MANIFEST]
    signature = _decode(SIGNATURE, members[SIGNATURE])
    if signature.get("algorithm") != "ed25519":
        raise PackageRefused(f"unknown signature algorithm {signature.get('algorithm')!r}")
    signer = str(signature.get("key", ""))
    public = trusted.get(signer)
    if public is None:
        raise PackageRefused(f"signed by key {signer or '(none)'}, which is not a trusted key here")
    try:
        public.verify(base64.b64decode(str(signature.get("signature", "")), validate=True), body)
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise PackageRefused("the signature does not match the manifest: the package was altered") from exc
    manifest = _decode(MANIFEST, body)
    if manifest.get("format") != FORMAT:
        raise PackageRefused(f"unknown package format {manifest.get('format')!r} (this version reads {FORMAT})")
    if kind is not None and manifest.get("kind") != kind:
        raise PackageRefused(f"this is a {manifest.get('kind')!r} package, not a {kind!r} package")
    listed = {str(f.get("name")): f for f in manifest.get("files", []) if isinstance(f, dict)}
    present = set(members) - {MANIFEST, SIGNATURE}
    if present != set(listed):
        extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
        raise PackageRefused(f"the members differ from the manifest (unlisted: {extra}, missing: {missing})")
    for name, entry in listed.items():
        if len(members[name]) != entry.get("bytes") or _digest(members[name]) != entry.get("sha256"):
            raise PackageRefused(f"{name} does not match its checksum in the manifest: the package was altered")
    expected = [(MANIFEST, body), *sorted((n, members[n]) for n in listed), (SIGNATURE, members[SIGNATURE])]
    if _archive(expected) != data:
        raise PackageRefused("the archive around the signed members was altered")
    return Package(manifest=manifest, members={n: members[n] for n in listed}, signer=signer)
