"""Who may open which tile layers, remembered per session until a table that decides it changes.

A map view asks for some 80 tiles. Reading the session, the account and its permissions for each
one is four queries, about 2 ms of the 3 ms a cached tile costs (bench/tiles.py). So the answer for
a session (the tile layers its account may see) is kept in the cache, keyed by the session and by
the change tokens (`core.table_versions`) of every table that can change it: sessions, accounts,
groups and permissions. Signing out, a role or permission changed, a deactivated account or a new
password writes one of them, which changes the key: the next tile asks the database again. The
tokens come in the same query as the layer's own (its ETag), so a remembered answer costs no query.

An entry never outlives its session's expiry. Bearer tokens (QGIS) are not remembered: they are
checked on every request, as the API does.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.http import HttpRequest

from safeground.core import table_versions
from safeground.core.auth import ACCOUNT_TABLES

#: The tables whose writes can change what a session may see.
AUTH_TABLES = ("django_session", *ACCOUNT_TABLES)
#: The longest an answer is kept even when nothing changes (cache hygiene, not correctness).
MAX_SECONDS = 600


def _key(session_key: str, versions: dict[str, str]) -> str:
    stamp = "|".join(f"{t}={versions.get(t, '0')}" for t in AUTH_TABLES)
    return "tile-access:" + hashlib.sha256(f"{session_key}|{stamp}".encode()).hexdigest()


def session_key(request: HttpRequest) -> str | None:
    return request.COOKIES.get(settings.SESSION_COOKIE_NAME) or None


def remembered(request: HttpRequest, versions: dict[str, str]) -> frozenset[str] | None:
    """The tile layers this request's session may see, if known under the current tokens; else None."""
    key = session_key(request)
    if key is None:
        return None
    entry = caches["tiles"].get(_key(key, versions))
    if entry is None or entry["until"] <= time.time():
        return None
    return frozenset(entry["layers"])


def remember(request: HttpRequest, versions: dict[str, str], layers: set[str]) -> None:
    """Keep what the session's account may see (only for a signed-in session, never a bearer token)."""
    key = session_key(request)
    session = getattr(request, "session", None)
    if key is None or session is None or session.session_key != key or not request.user.is_authenticated:
        return
    if str(session.get(SESSION_KEY)) != str(request.user.pk):  # signed in by a bearer token, not this session
        return
    until = session.get_expiry_date().timestamp()
    seconds = min(MAX_SECONDS, int(until - time.time()))
    if seconds > 0:
        caches["tiles"].set(_key(key, versions), {"layers": sorted(layers), "until": until}, seconds)


def tokens(tables: tuple[str, ...]) -> dict[str, str]:
    """The layer's tables' tokens and the access tables', in one query."""
    return table_versions.tokens((*tables, *AUTH_TABLES))
