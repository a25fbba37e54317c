"""Who ODK Collect is: a device credential (login and secret from `odk credentials add` or the "ODK
devices" page) sent with HTTP Basic or Digest, or, for reading only, the browser's session.

Collect first asks without credentials, gets 401 with a `WWW-Authenticate` challenge, and asks again
with them. It sends Basic only over HTTPS, so over HTTPS the challenge is Basic and over plain HTTP it
is Digest (digest.py), when a field key is configured to keep Digest's HA1 encrypted. Either header is
accepted on any request. Failed secrets are counted per login and address in the cache, so guessing is
throttled like the sign-in page (django-axes) throttles passwords.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from functools import wraps

from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from safeground.core.access import Access
from safeground.core.ratelimit import client_address
from safeground.openrosa import digest, protocol
from safeground.openrosa.models import DeviceCredential

#: The permission that gets forms and may submit: the workbench's (operators, IM officers, administrators).
SUBMIT = "workbench.add_submission"
FAILURES_ALLOWED = 10
FAILURE_WINDOW_S = 15 * 60
LAST_USED_EVERY = dt.timedelta(minutes=5)
SAFE_METHODS = ("GET", "HEAD")


def _basic(header: str) -> tuple[str, str] | None:
    if not header[:6].lower() == "basic ":
        return None
    try:
        login, _, secret = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return login, secret


def _failures_key(request, login: str) -> str:
    return f"sg-odk-fail:{login}:{client_address(request) or 'unknown'}"


WRONG = "wrong device login or secret"


def credential_for(request) -> tuple[DeviceCredential | None, str]:
    """The active credential the request's Basic or Digest header names, or (None, why not); why is
    "stale" for a Digest answer to an expired nonce (challenged again, not counted as a failure)."""
    header = request.headers.get("Authorization", "")
    pair, answer = _basic(header), digest.params(header)
    if pair is None and answer is None:
        return None, ""
    login = pair[0] if pair else answer.get("username", "")
    key = _failures_key(request, login)
    if cache.get(key, 0) >= FAILURES_ALLOWED:
        return None, "too many wrong secrets for this login: wait 15 minutes"
    row = DeviceCredential.objects.select_related("user").filter(login=login).first()
    if row is None:
        why = WRONG
    elif pair is not None:
        why = "" if check_password(pair[1], row.secret_hash) else WRONG
    else:
        why = digest.verify(row, request.method, request.get_full_path(), answer)
    if why == WRONG:
        cache.set(key, cache.get(key, 0) + 1, FAILURE_WINDOW_S)
    if why:
        return None, why
    if not row.active:
        return None, "this device credential was revoked: make a new one"
    if not row.user.is_active:
        return None, "this account is disabled"
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        DeviceCredential.objects.filter(pk=row.pk).update(last_used_at=now)
    return row, ""


def _challenge(request, why: str):
    """Basic over HTTPS; Digest over HTTP (Collect sends Basic only over HTTPS) where it can be checked."""
    text = "the nonce expired: answer the new one" if why == "stale" else why or "Sign in with your device credentials"
    if request.is_secure() or not digest.available():
        return protocol.challenge(text)
    return protocol.challenge(text, digest.challenge(stale=why == "stale"))


def odk_view(view):
    """An OpenRosa endpoint: CSRF-exempt (no browser form posts here), authenticated by a device
    credential, or by the session for GET/HEAD only (a session could be ridden by another site's
    post, a Basic header cannot). 401 asks for credentials; 403 when the account may not submit."""

    @csrf_exempt
    @wraps(view)
    def guarded(request, *args, **kwargs):
        credential, why = credential_for(request)
        if credential is not None:
            request.user = credential.user
        elif why or request.method not in SAFE_METHODS or not request.user.is_authenticated:
            return _challenge(request, why)
        if not request.user.has_perm(SUBMIT):
            return protocol.error(
                f"{request.user.get_username()} may not send forms to the workbench: ask for the operator role",
                403,
            )
        request.odk_credential = credential
        return view(request, *args, **kwargs)

    guarded.access = Access(SUBMIT)  # for the role matrix and the access guard (core/access.py)
    return guarded
