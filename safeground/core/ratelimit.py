"""Rate limits per client for anonymous and expensive API operations (docs/api.md, "Limits").

A fixed window counted in the Django cache: each (group, client, window) has one counter, and a
request past the group's allowance for its kind of client is refused with 429, `Retry-After` (the
seconds left in the window) and the API's error body. Clients are the account when signed in (a
session or a bearer token the operation reads), else the client's address (`client_address`: behind
a reverse proxy named in `SAFEGROUND_TRUSTED_PROXIES`, the address it forwards; the sign-in throttle
uses the same). Groups and their allowances are settings (`SAFEGROUND_RATE_LIMITS`), so a deployment
or a benchmark can raise them, and `SAFEGROUND_RATE_LIMITS_ENABLED = False` turns them off. With the
default local-memory cache each server process counts on its own; `SAFEGROUND_CACHE_URL` names a
shared cache for one count per deployment (config/caches.py).
"""

from __future__ import annotations

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache

KEY_PREFIX = "sg-rate"


class RateLimited(Exception):
    """The client has used up its allowance for this group; `retry_after` seconds until the next window."""

    def __init__(self, group: str, allowance: int, window: int, retry_after: int):
        super().__init__(
            f"too many requests to this part of the API: at most {allowance:,} in {window:,} s per client; "
            f"try again in {retry_after} s"
        )
        self.group = group
        self.retry_after = retry_after

    def as_dict(self) -> dict:
        return {"detail": str(self), "field": None, "reason": "rate limited"}


def now() -> float:
    """The clock the windows are cut from (tests move it)."""
    return time.time()


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address: the connecting one, unless that is a trusted reverse proxy; then the
    nearest X-Forwarded-For entry that no trusted proxy added (entries a client writes itself sit
    further left and are never believed). None when there is no valid address (a request built in
    code); django-axes stores the answer in an address column, so it is never anything else."""
    address = _address(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(settings.SAFEGROUND_TRUSTED_PROXIES)
    if address is None or address not in trusted:
        return address
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        forwarded = _address(hop)
        if forwarded is None:
            return address  # a hop that is no address: stop believing the header there
        if forwarded not in trusted:
            return forwarded
    return address


def client_of(request) -> tuple[str, bool]:
    """(the client's key, whether it is a signed-in account): the account's id, else the remote address."""
    user = getattr(request, "auth", None)
    if not getattr(user, "is_authenticated", False):
        user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}", True
    return f"ip:{client_address(request) or 'unknown'}", False


def check(request, group: str) -> None:
    """Count this request against the client's allowance in `group`; raise RateLimited past it."""
    if not settings.SAFEGROUND_RATE_LIMITS_ENABLED:
        return
    anonymous_allowance, signed_in_allowance = settings.SAFEGROUND_RATE_LIMITS[group]
    client, signed_in = client_of(request)
    allowance = signed_in_allowance if signed_in else anonymous_allowance
    if allowance is None:
        return
    window = int(settings.SAFEGROUND_RATE_LIMIT_WINDOW_S)
    moment = now()
    number = int(moment // window)
    key = f"{KEY_PREFIX}:{group}:{client}:{window}:{number}"
    # add() is atomic where the cache is shared (Redis, Memcached, database); incr() then counts.
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window + 1)
            count = 1
    if count > allowance:
        retry_after = max(1, math.ceil((number + 1) * window - moment))
        raise RateLimited(group, allowance, window, retry_after)
