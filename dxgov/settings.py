"""Django settings for dxgov, read only from environment variables (see dxgov.env)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from dxgov.env import (
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DXGOV_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DXGOV_DEBUG", False)
# A fixed development key is only acceptable when debugging on one machine.
SECRET_KEY = env_secret("DXGOV_SECRET_KEY", "dev-only-insecure-key" if DEBUG else None)
ALLOWED_HOSTS = env_list("DXGOV_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
_LOCAL_ONLY = all(host in {"127.0.0.1", "localhost", "::1", "testserver"} for host in ALLOWED_HOSTS)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "dxgov.core",
    "dxgov.audit",
    "dxgov.orgunits",
    "dxgov.accounts",
    "dxgov.directives",
    "dxgov.notifications",
    "dxgov.indicators",
    "dxgov.reporting",
    "dxgov.dashboard",
    "dxgov.forecasting",
    "dxgov.dossiers",
    "dxgov.scoring",
    "dxgov.indices",
    "dxgov.investments",
    "dxgov.programmes",
    # Above the domain apps: committees read them all (sessions, reports, ballots).
    "dxgov.committees",
    # Above the domain apps: running the platform (the daily run, backup and restore).
    "dxgov.operations",
    # Above every domain app: demo data, generators and benchmarks (their commands).
    "dxgov.demo",
    "dxgov.bench",
]

MIDDLEWARE = [
    "dxgov.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "dxgov.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dxgov.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Query strings and form fields in NFC before anything reads them (core.text).
    "dxgov.core.text.NormalizeTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dxgov.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dxgov.urls"
WSGI_APPLICATION = "dxgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dxgov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dxgov.core.context_processors.site",
                "dxgov.notifications.context_processors.unread",
            ],
            # The one formatting layer's filters (num, pct, money, vdate, period, …) everywhere.
            "builtins": ["dxgov.core.templatetags.dxformat"],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'dxgov.sqlite3'}"
DATABASES = {"default": env_database("DXGOV_DATABASE_URL", _default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while a writer commits; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after N failures for a username from one address, locked for a while.
AXES_FAILURE_LIMIT = env_int("DXGOV_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DXGOV_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Administrators, coordinators and leaders sign in with a second factor (TOTP).
DXGOV_REQUIRE_2FA = env_bool("DXGOV_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "dxgov"
# API tokens: requests per minute each token may make (counted per server process).
DXGOV_TOKEN_RATE_PER_MINUTE = env_int("DXGOV_TOKEN_RATE_PER_MINUTE", 600, minimum=1)
# The /audit/ page verifies the ledger on each view up to this many events; beyond, it shows
# the last `dxgov audit verify` run (schedule it nightly).
DXGOV_AUDIT_PAGE_VERIFY_LIMIT = env_int("DXGOV_AUDIT_PAGE_VERIFY_LIMIT", 200_000, minimum=0)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = env_int("DXGOV_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Cookies travel only over HTTPS unless the install is explicitly local.
SESSION_COOKIE_SECURE = env_bool("DXGOV_SECURE_COOKIES", not (DEBUG or _LOCAL_ONLY))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DXGOV_CSRF_TRUSTED_ORIGINS", [])

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dxgov" / "locale"]
USE_I18N = True
TIME_ZONE = env_time_zone("DXGOV_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "dxgov" / "static",
    # Front-end libraries come from npm (package-lock.json) and are served as our own files.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    # ECharts' own Vietnamese words (langVI.js: month names, chart type names for screen readers).
    ("vendor/echarts-i18n", BASE_DIR / "node_modules" / "echarts" / "i18n"),
    # The typeface (Be Vietnam Pro, SIL OFL): app.css names its .woff2 files.
    (
        "vendor/be-vietnam-pro",
        BASE_DIR / "node_modules" / "@fontsource" / "be-vietnam-pro" / "files",
    ),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "DXGOV_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

_email = env_email("DXGOV_EMAIL_URL", "console://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DXGOV_FROM_EMAIL", "dxgov <no-reply@dxgov.local>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Caches. "dashboard" keeps rendered command-centre blocks, keyed by what they show: the
# user's scope, the language and the change feed's heads (dxgov/dashboard/cache.py, ADR 13,
# ADR 24); "dashboard_pages" whole pages per session. With DXGOV_CACHE_URL (a Redis server,
# redis://host:port/db) every app process and host shares them, so the block one official's
# request built serves every official with the same scope; without it (a single machine, the
# SQLite demo) each process keeps its own in memory, as before.
# DXGOV_CACHE_PREFIX keeps two sites (or two test runs) on one Redis apart.
DXGOV_CACHE_URL = env_str("DXGOV_CACHE_URL", "")
DXGOV_CACHE_PREFIX = env_str("DXGOV_CACHE_PREFIX", "dxgov")
if DXGOV_CACHE_URL:
    from dxgov.core.sharedcache import shared_caches

    CACHES = shared_caches(DXGOV_CACHE_URL, DXGOV_CACHE_PREFIX)
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "dashboard": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dxgov-dashboard",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
        # Whole command-centre pages per session (about 200 KB each at national scale).
        "dashboard_pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dxgov-dashboard-pages",
            "OPTIONS": {"MAX_ENTRIES": 300},
        },
    }
# Longest time a dashboard block may be shown from the cache (seconds; 0 turns it off).
DXGOV_DASHBOARD_CACHE_SECONDS = env_int("DXGOV_DASHBOARD_CACHE_SECONDS", 60, minimum=0)
# Decision 766 scores are re-scored in rounds at most this often after dossier batches (the
# counts themselves change with each batch); 0: a round as soon as a worker takes the task.
DXGOV_RESCORE_SECONDS = env_int("DXGOV_RESCORE_SECONDS", 2, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "dxgov.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("DXGOV_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines come from our middleware; Django's own would duplicate them.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# API tokens expire; a system token is renewed deliberately, not kept forever.
DXGOV_TOKEN_DAYS = env_int("DXGOV_TOKEN_DAYS", 365, minimum=1)

# The Ed25519 key that signs audit checkpoints; empty means var/audit_ed25519.pem (created once).
DXGOV_AUDIT_KEY_FILE = env_str("DXGOV_AUDIT_KEY_FILE", "")

# The key that encrypts committee members' signing keys kept by the platform: derived from the
# bytes of this file when named (so DXGOV_SECRET_KEY can be rotated without losing them), else
# from DXGOV_SECRET_KEY (dxgov.committees.keys).
DXGOV_MEMBER_KEY_FILE = env_str("DXGOV_MEMBER_KEY_FILE", "")

# In development, serve static files from the source folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded documents and evidence: judged by content (dxgov.core.uploads), capped in size.
DXGOV_UPLOAD_MAX_BYTES = env_int("DXGOV_UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = DXGOV_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Content-Security-Policy: no inline script or style anywhere, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HSTS once served over HTTPS (any non-local install); browsers then refuse plain HTTP.
SECURE_HSTS_SECONDS = env_int("DXGOV_HSTS_SECONDS", 0 if (DEBUG or _LOCAL_ONLY) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
