"""HTTP Digest (RFC 2617, MD5, qop=auth) for ODK Collect over plain HTTP.

Collect sends Basic credentials only over HTTPS; over HTTP (a field office's laptop on its own network)
it answers only a Digest challenge. Digest needs HA1 = MD5(login:realm:secret) on the server, which
opens the account as well as the secret does, so it is stored encrypted with the field key
(core/crypto.py): a copied database alone opens nothing. Without a configured field key credentials
get no HA1 and only Basic (over HTTPS) works. Nonces are stateless: a time and its HMAC with the
SECRET_KEY, valid for NONCE_SECONDS; an older one is answered with `stale=true` and Collect retries.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from django.conf import settings

from safeground.core import crypto
from safeground.openrosa.protocol import REALM

NONCE_SECONDS = 300
_PARAM = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _context(credential) -> str:
    return f"openrosa.devicecredential.digest_ha1:{credential.pk}"


def sealed_ha1(credential, secret: str) -> str:
    """The credential's HA1 encrypted for storage; "" when no field key is configured."""
    try:
        ring = crypto.keyring()
    except crypto.FieldKeyError:
        return ""
    return ring.encrypt(_md5(f"{credential.login}:{REALM}:{secret}"), _context(credential))


def ha1_of(credential) -> str:
    if not credential.digest_ha1:
        return ""
    try:
        return crypto.keyring().decrypt(credential.digest_ha1, _context(credential))
    except crypto.FieldKeyError:
        return ""


def available() -> bool:
    try:
        crypto.keyring()
    except crypto.FieldKeyError:
        return False
    return True


def _sign(stamp: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"odk-nonce:{stamp}".encode(), hashlib.sha256).hexdigest()[:32]


def nonce(now: float | None = None) -> str:
    stamp = str(int(now if now is not None else time.time()))
    return f"{stamp}.{_sign(stamp)}"


def nonce_state(value: str, now: float | None = None) -> str:
    """ "ok", "stale" (ours, but older than NONCE_SECONDS) or "bad"."""
    stamp, _, signature = value.partition(".")
    if not stamp.isdigit() or not hmac.compare_digest(signature, _sign(stamp)):
        return "bad"
    age = (now if now is not None else time.time()) - int(stamp)
    return "ok" if -5 <= age <= NONCE_SECONDS else "stale"


def challenge(stale: bool = False) -> str:
    return f'Digest realm="{REALM}", qop="auth", algorithm=MD5, nonce="{nonce()}"' + (", stale=true" if stale else "")


def params(header: str) -> dict[str, str] | None:
    """The parameters of an `Authorization: Digest …` header; None for another scheme."""
    if header[:7].lower() != "digest ":
        return None
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _PARAM.finditer(header)}


def expected(ha1: str, method: str, p: dict[str, str]) -> str:
    ha2 = _md5(f"{method}:{p.get('uri', '')}")
    if p.get("qop"):
        return _md5(f"{ha1}:{p.get('nonce', '')}:{p.get('nc', '')}:{p.get('cnonce', '')}:{p['qop']}:{ha2}")
    return _md5(f"{ha1}:{p.get('nonce', '')}:{ha2}")


def verify(credential, method: str, path: str, p: dict[str, str]) -> str:
    """ "" when the Digest answer is right for this request, else why not ("stale" for an old nonce)."""
    ha1 = ha1_of(credential)
    if not ha1:
        return "this device credential has no Digest key: use HTTPS, or make a new credential"
    state = nonce_state(p.get("nonce", ""))
    if state == "bad":
        return "wrong device login or secret"
    if p.get("uri") != path or p.get("qop", "auth") != "auth":
        return "the Digest answer is for another address"
    if not hmac.compare_digest(expected(ha1, method, p), p.get("response", "")):
        return "wrong device login or secret"
    return "stale" if state == "stale" else ""
