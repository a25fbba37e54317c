"""Field-level authenticated encryption for personal data, with the key kept outside the database.

Victims' names, dates of birth, addresses and medical notes are stored as tokens
`sgf1:<key id>:<base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)>`. The key never touches the
database, so a copied database file or backup reveals nothing; GCM's tag means a wrong key or an
altered ciphertext is refused, never silently decrypted to garbage. Each token is bound to its
place (`context`, e.g. "victims.victim.name:<uuid>") as associated data, so a ciphertext moved to
another row or field does not open either.

Where the key comes from, first match wins:

1. `SAFEGROUND_FIELD_KEY`: base64 of 32 random bytes; `SAFEGROUND_FIELD_OLD_KEYS` (comma-separated)
   lists earlier keys that still open old tokens while a rotation runs.
2. `SAFEGROUND_FIELD_KEY_FILE`: a file whose first key line is the current key and whose further
   lines are earlier keys (blank lines and `#` comments ignored).
3. `./var/field.key`: a development key, created on first use when DEBUG is on or a demo asks for it
   (`allow_dev_key=True`); used if it exists. Production sets 1 or 2.

Rotation (`safeground victims rotate-key`) re-encrypts every token under the current key; the key
id in each token tells which key opened it, so old tokens keep opening until the rotation is done.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "sgf1"
KEY_BYTES = 32
NONCE_BYTES = 12
ENV_KEY = "SAFEGROUND_FIELD_KEY"
ENV_OLD_KEYS = "SAFEGROUND_FIELD_OLD_KEYS"
ENV_KEY_FILE = "SAFEGROUND_FIELD_KEY_FILE"
HELP = (
    f"set {ENV_KEY} (base64 of 32 random bytes) or {ENV_KEY_FILE}; "
    "`safeground victims generate-key` prints a new key (see docs/victims-and-privacy.md)"
)


class FieldKeyError(RuntimeError):
    """The field key is missing, malformed, or does not open a stored ciphertext. Nothing was written."""


def dev_key_path() -> Path:
    """The development key file, next to the default SpatiaLite database (./var/)."""
    return Path.cwd() / "var" / "field.key"


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key, stored in each token so rotation knows which key opens it."""
    return hashlib.sha256(b"safeground field key id\0" + key).hexdigest()[:12]


def generate_key() -> str:
    """A new random key, base64-encoded (what SAFEGROUND_FIELD_KEY and key files hold)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_key(text: str, where: str) -> bytes:
    """Decode one base64 key (standard or URL-safe alphabet); a clear error unless it is 32 bytes."""
    value = text.strip()
    try:
        raw = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FieldKeyError(f"{where}: not valid base64 ({exc}); {HELP}") from exc
    if len(raw) != KEY_BYTES:
        raise FieldKeyError(f"{where}: the key is {len(raw)} bytes, it must be {KEY_BYTES} (AES-256); {HELP}")
    return raw


@dataclass(frozen=True)
class Keyring:
    """The current key (encrypts) and earlier keys (still decrypt during a rotation)."""

    current: bytes
    previous: tuple[bytes, ...] = ()
    source: str = ""
    _by_id: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key in (self.current, *self.previous):
            self._by_id.setdefault(key_id(key), key)

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def encrypt(self, plaintext: str | None, context: str) -> str:
        """A token for `plaintext` bound to `context`; "" stays "" (nothing recorded, nothing to hide)."""
        if plaintext is None or plaintext == "":
            return ""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.current).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{PREFIX}:{self.current_id}:{body}"

    def decrypt(self, token: str | None, context: str) -> str:
        """The plaintext of a token; FieldKeyError when no configured key opens it."""
        if not token:
            return ""
        kid, body = split_token(token, context)
        key = self._by_id.get(kid)
        if key is None:
            raise FieldKeyError(
                f"{context}: encrypted with key {kid}, which is not configured (configured: "
                f"{', '.join(self.ids)} from {self.source}); {HELP}"
            )
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8")).decode("utf-8")
        except InvalidTag as exc:
            raise FieldKeyError(
                f"{context}: key {kid} does not open this ciphertext (the key file holds a different key "
                "with the same id, or the stored value was altered or moved)"
            ) from exc

    def reencrypt(self, token: str, context: str) -> str:
        """The token under the current key (unchanged when it already is)."""
        if not token or split_token(token, context)[0] == self.current_id:
            return token
        return self.encrypt(self.decrypt(token, context), context)


def split_token(token: str, context: str = "value") -> tuple[str, str]:
    """(key id, body) of a token; FieldKeyError for anything that is not one (e.g. plaintext)."""
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        raise FieldKeyError(f"{context}: stored value is not a SafeGround field ciphertext ({PREFIX}:…)")
    return parts[1], parts[2]


def token_key_id(token: str) -> str | None:
    return split_token(token)[0] if token else None


def _read_key_file(path: Path, where: str) -> list[bytes]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise FieldKeyError(f"{where}: cannot read {path}: {exc.strerror}; {HELP}") from exc
    keys = []
    for n, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if text:
            keys.append(parse_key(text, f"{path}, line {n}"))
    if not keys:
        raise FieldKeyError(f"{path} holds no key; {HELP}")
    return keys


def write_key_file(path: Path, keys: list[str], comment: str = "") -> None:
    """Write a key file atomically, readable by its owner only (current key first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    header = "# SafeGround field encryption keys: the first is current, the others only decrypt.\n"
    if comment:
        header += f"# {comment}\n"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as fh:
        fh.write(header + "".join(k.strip() + "\n" for k in keys))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def key_file_path() -> Path | None:
    """The key file in use (SAFEGROUND_FIELD_KEY_FILE or the development file), None for the env key."""
    if os.environ.get(ENV_KEY):
        return None
    if os.environ.get(ENV_KEY_FILE):
        return Path(os.environ[ENV_KEY_FILE])
    return dev_key_path()


def _debug() -> bool:
    try:
        from django.conf import settings

        return bool(settings.DEBUG)
    except Exception:  # noqa: BLE001 - settings not configured: no DEBUG
        return False


_cache: dict[tuple, Keyring] = {}


def _cache_key() -> tuple:
    env_key, env_old, env_file = (os.environ.get(n, "") for n in (ENV_KEY, ENV_OLD_KEYS, ENV_KEY_FILE))
    if env_key:
        return ("env", env_key, env_old)
    path = Path(env_file) if env_file else dev_key_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    return ("file", str(path), mtime, env_file)


def keyring(*, allow_dev_key: bool = False) -> Keyring:
    """The configured keyring (read again when the environment or the key file changes)."""
    cache_key = _cache_key()
    if cache_key in _cache:
        return _cache[cache_key]
    ring = _load(
        os.environ.get(ENV_KEY, ""),
        os.environ.get(ENV_OLD_KEYS, ""),
        os.environ.get(ENV_KEY_FILE, ""),
        allow_dev_key or _debug(),
    )
    _cache.clear()
    _cache[_cache_key()] = ring
    return ring


def _load(env_key: str, env_old: str, env_file: str, may_create: bool) -> Keyring:
    if env_key:
        current = parse_key(env_key, ENV_KEY)
        old = [parse_key(k, f"{ENV_OLD_KEYS} item {i}") for i, k in enumerate(env_old.split(","), 1) if k.strip()]
        return Keyring(current, tuple(old), source=ENV_KEY)
    if env_file:
        keys = _read_key_file(Path(env_file), ENV_KEY_FILE)
        return Keyring(keys[0], tuple(keys[1:]), source=env_file)
    path = dev_key_path()
    if path.exists():
        keys = _read_key_file(path, "development key file")
        return Keyring(keys[0], tuple(keys[1:]), source=str(path))
    if not may_create:
        raise FieldKeyError(f"no field encryption key is configured; {HELP}")
    write_key_file(path, [generate_key()], comment="development key created automatically; not for production")
    keys = _read_key_file(path, "development key file")
    return Keyring(keys[0], (), source=str(path))


def reset() -> None:
    """Forget the cached keyring (tests, and after a rotation rewrites the key file)."""
    _cache.clear()
