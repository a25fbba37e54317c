"""The cache setting from one URL (`SAFEGROUND_CACHE_URL`), as the database comes from one URL.

The cache holds the rate-limit counters and the anonymous gazetteer. Each server process's own
memory is the default: nothing to run, but with several processes each counts on its own. A shared
cache makes one count per deployment: `redis://host:6379/0` (Django's Redis backend; `pip install
redis`), or `file:///var/cache/safeground` (one directory on the machine; its counts are
approximate under contention).
"""

from __future__ import annotations

from urllib.parse import urlparse


def cache_from_url(url: str) -> dict:
    """Django's CACHES["default"] for `url` (empty or `locmem://`: this process's memory)."""
    url = (url or "").strip()
    scheme = urlparse(url).scheme if url else "locmem"
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "safeground"}
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "file":
        path = urlparse(url).path
        if not path or path == "/":
            raise ValueError(f"SAFEGROUND_CACHE_URL {url!r}: give a directory, e.g. file:///var/cache/safeground")
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": path}
    raise ValueError(f"SAFEGROUND_CACHE_URL {url!r}: use locmem://, redis://host:port/db or file:///directory")
