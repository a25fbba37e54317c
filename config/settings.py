"""SafeGround settings: everything comes from environment variables with safe defaults.

SAFEGROUND_DATABASE_URL picks the database:
  spatialite:///absolute/path.sqlite         (default: ./var/safeground.sqlite)
  postgis://user:password@host:port/dbname
"""

import datetime as dt
import json
import os
import sqlite3
import sys
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO

from config.caches import cache_from_url

if not hasattr(sqlite3.Connection, "enable_load_extension"):
    # Some Python builds (pyenv's, for one) can't load SQLite extensions; SpatiaLite needs that.
    # pysqlite3-binary ships an SQLite that can, and Django's backend imports it as `sqlite3`.
    try:
        import pysqlite3

        sys.modules["sqlite3"] = pysqlite3
    except ImportError:  # pragma: no cover - the install step adds it where needed
        pass

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA_DIR = Path(os.environ.get("SAFEGROUND_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("SAFEGROUND_DEBUG", False)
#: The built-in key: fine for a laptop, refused by `safeground serve` and reported by `check --deploy`
#: (safeground.E001) when DEBUG is off, because anyone who reads the source could forge sessions with it.
INSECURE_DEFAULT_SECRET_KEY = "insecure-dev-key-set-SAFEGROUND_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SAFEGROUND_SECRET_KEY") or INSECURE_DEFAULT_SECRET_KEY
ALLOWED_HOSTS = os.environ.get("SAFEGROUND_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "simple_history",
    "safeground.core",
    "safeground.attachments",
    "safeground.gazetteer",
    "safeground.organisations",
    "safeground.ordnance",
    "safeground.hazards",
    "safeground.operations",
    "safeground.landrelease",
    "safeground.training",
    "safeground.quality",
    "safeground.interop",
    "safeground.victims",
    "safeground.eore",
    "safeground.library",
    "safeground.demo",
    "safeground.dashboard",
    "safeground.workbench",
    "safeground.qm",
    "safeground.forecast",
    "safeground.tasking",
    "safeground.museum",
    "safeground.reports",
    "safeground.cooperation",
    "safeground.exchange",
    "safeground.fieldsync",
    "safeground.fieldforms",
    "safeground.openrosa",
    "safeground.imsma",
    "safeground.portal",
    "config",  # for `safeground serve` (config/management/commands/serve.py)
]

MIDDLEWARE = [
    # First: it compresses what every middleware below has written (safeground/core/compression.py).
    "safeground.core.compression.CompressTextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "safeground.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeground.core.access.AccessGuardMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeground.portal.basemap.context",
                "safeground.portal.synthetic.context",  # the synthetic-data banner on every page
                "safeground.portal.map_locale.context",  # MapLibre's own words, translated
                "safeground.portal.numbers.context",  # how this language writes numbers, for the scripts
            ]
        },
    }
]


def database_from_url(url: str) -> dict:
    """Translate SAFEGROUND_DATABASE_URL into a Django DATABASES entry (GeoDjango backends only)."""
    if not url.startswith(("spatialite://", "postgis://")):
        raise ValueError(f"SAFEGROUND_DATABASE_URL must start with spatialite:// or postgis://, got {url!r}")
    # Connections stay open between requests (each server thread keeps its own for a minute): opening
    # one costs a PostgreSQL handshake, or on SpatiaLite about 10 ms of loading the extension and
    # Django's SQL functions, which was most of a small API request's time (docs/decisions/0043).
    config = dj_database_url.parse(url, conn_max_age=60)
    if url.startswith("spatialite://"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["ENGINE"] = "safeground.core.dbbackends.spatialite"
        # Writers queue for up to 30 s (core/dbbackends/spatialite); a write transaction takes the
        # write lock when it begins, so it never fails halfway on "database is locked" (decision 0022).
        config["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    return config


DATABASE_URL = os.environ.get(
    "SAFEGROUND_DATABASE_URL", f"spatialite:///{(Path.cwd() / 'var' / 'safeground.sqlite').as_posix()}"
)
DATABASES = {"default": database_from_url(DATABASE_URL)}
SPATIALITE_LIBRARY_PATH = os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
if os.environ.get("GDAL_LIBRARY_PATH"):
    GDAL_LIBRARY_PATH = os.environ["GDAL_LIBRARY_PATH"]
if os.environ.get("GEOS_LIBRARY_PATH"):
    GEOS_LIBRARY_PATH = os.environ["GEOS_LIBRARY_PATH"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
#: Languages served: English (the source) and every catalogue in locale/, so adding a language is
#: `make messages LANG_NEW=xx` and translating its catalogue (docs/translations.md). Names in the language itself.
LANGUAGE_NAMES = {
    "en": "English",
    "km": "ខ្មែរ",
    "az": "Azərbaycanca",
    "es": "Español",
    "fr": "Français",
    "ar": "العربية",
}
_CATALOGUES = sorted(p.parent.parent.name for p in (BASE_DIR / "locale").glob("*/LC_MESSAGES/django.po"))
LANGUAGES = [
    (code, LANGUAGE_NAMES.get(code) or LANG_INFO.get(code, {}).get("name_local", code))
    for code in [
        "en",
        *(c for c in LANGUAGE_NAMES if c in _CATALOGUES),
        *(c for c in _CATALOGUES if c not in LANGUAGE_NAMES),
    ]
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("SAFEGROUND_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start when it is missing

# Photos and documents on records (docs/attachments.md, decision 0037): files go to the "attachments"
# storage, the local filesystem under MEDIA_ROOT unless SAFEGROUND_ATTACHMENT_STORAGE names another
# Django storage backend as JSON, e.g. {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {...}}.
MEDIA_ROOT = Path(os.environ.get("SAFEGROUND_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"  # never served as static files: attachments go through their access-checked view
_ATTACHMENT_STORAGE = os.environ.get("SAFEGROUND_ATTACHMENT_STORAGE", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": json.loads(_ATTACHMENT_STORAGE)
    if _ATTACHMENT_STORAGE
    else {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}},
}
SAFEGROUND_ATTACHMENT_MAX_BYTES = int(os.environ.get("SAFEGROUND_ATTACHMENT_MAX_BYTES", str(10 * 1000 * 1000)))
SAFEGROUND_ATTACHMENT_FAR_M = float(os.environ.get("SAFEGROUND_ATTACHMENT_FAR_M", "1000"))

# Sign-in: Argon2 hashes (above), django-axes throttling, session and CSRF cookies that scripts can't read.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("SAFEGROUND_LOGIN_FAILURE_LIMIT", "5"))  # per account and address
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600  # a working day
SESSION_COOKIE_SECURE = _env_bool("SAFEGROUND_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "safeground.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# HTTPS-only deployments (SAFEGROUND_SECURE_COOKIES=1) also get HSTS: browsers then refuse plain HTTP
# to this host for a year. Off otherwise, so a site still reached over HTTP is not locked out.
SECURE_HSTS_SECONDS = int(os.environ.get("SAFEGROUND_HSTS_SECONDS", "31536000")) if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # other services on sibling hosts may not be on HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

#: Content-Security-Policy on every response (safeground.core.security.ContentSecurityPolicyMiddleware,
#: docs/decisions/0023-production-defaults.md): scripts, styles, fonts and images from this site only.
#: `style-src-attr 'unsafe-inline'` lets the bar charts set their widths in style attributes (they
#: cannot run code); MapLibre builds its tile workers from blob: URLs.
SAFEGROUND_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "child-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
#: An optional basemap under the maps (safeground/portal/basemap.py): a .pmtiles file served by this
#: site, or an online XYZ or style URL, whose origin (and only it) the CSP then allows.
SAFEGROUND_BASEMAP = os.environ.get("SAFEGROUND_BASEMAP", "").strip()
if SAFEGROUND_BASEMAP.startswith(("http://", "https://")):
    _basemap_origin = "/".join(SAFEGROUND_BASEMAP.split("/", 3)[:3])
    for _directive in ("img-src", "connect-src", "font-src"):
        SAFEGROUND_CSP[_directive].append(_basemap_origin)
#: How long a new API token lasts unless `--expires` says otherwise (days; 0 = never).
SAFEGROUND_TOKEN_DAYS = int(os.environ.get("SAFEGROUND_TOKEN_DAYS", "90"))

# Land release and geometry tolerances.
SAFEGROUND_BORDER_TOLERANCE_M = float(os.environ.get("SAFEGROUND_BORDER_TOLERANCE_M", "50"))
#: The largest area one hazard may have before it is a must-fix finding (data quality, workbench review).
SAFEGROUND_MAX_HAZARD_AREA_KM2 = float(os.environ.get("SAFEGROUND_MAX_HAZARD_AREA_KM2", "100"))

# GDAL < 3.9 can't block file/network access from spatial references; SafeGround only builds
# spatial references from EPSG codes it chooses itself, so the warning is silenced.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEGROUND_LOG_LEVEL", "WARNING")},
}

# Limits for heavy and anonymous work (docs/api.md, "Limits").
# Most legs in one traverse (API, pages, `safeground traverse`); more is refused with 422.
SAFEGROUND_TRAVERSE_MAX_LEGS = int(os.environ.get("SAFEGROUND_TRAVERSE_MAX_LEGS", "1000"))
# Rate limits per client (account when signed in, else address): requests per window, as
# (anonymous, signed in) per group; None = unlimited. Off with SAFEGROUND_RATE_LIMITS=0 (benchmarks).
SAFEGROUND_RATE_LIMITS_ENABLED = _env_bool("SAFEGROUND_RATE_LIMITS", True)
SAFEGROUND_RATE_LIMIT_WINDOW_S = int(os.environ.get("SAFEGROUND_RATE_LIMIT_WINDOW_S", "60"))
#: The cache (rate-limit counters, the anonymous gazetteer): this process's memory unless
#: SAFEGROUND_CACHE_URL names a shared one (redis://host:6379/0, file:///dir; config/caches.py).
CACHES = {
    "default": cache_from_url(os.environ.get("SAFEGROUND_CACHE_URL", "")),
    # The vector tiles' bytes, keyed by their ETag (the tables' change tokens: never stale), in each
    # process's memory (tiles are up to a megabyte; a shared backend here shares them).
    "tiles": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "safeground-tiles",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
#: Reverse proxies in front of the server (addresses, comma-separated): a request from one of them is
#: counted against the client address it forwards (the last X-Forwarded-For entry it did not add),
#: for the rate limits and the sign-in throttle. Empty: the connecting address is the client.
SAFEGROUND_TRUSTED_PROXIES = [
    a.strip() for a in os.environ.get("SAFEGROUND_TRUSTED_PROXIES", "").split(",") if a.strip()
]
AXES_CLIENT_IP_CALLABLE = "safeground.core.ratelimit.client_address"
SAFEGROUND_RATE_LIMITS: dict[str, tuple[int | None, int | None]] = {
    "gazetteer": (60, 600),  # admin areas, places (cached light form for anonymous clients)
    "catalogue": (120, None),  # the museum's public catalogue pages and images (anonymous visitors)
    "compute": (30, 300),  # traverse computation
    "transfer": (None, 30),  # import and export files (signed in only)
}
