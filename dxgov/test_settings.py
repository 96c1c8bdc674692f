"""Test settings: production settings with a throwaway key and plain static storage."""

import os

os.environ.setdefault("DXGOV_SECRET_KEY", "test-only-secret-key-not-for-production")

from dxgov.settings import *  # noqa: F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files straight from the finders (no collectstatic) for live-server tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production, not Django's shared-cache in-memory database: there a second
    # writer fails at once ("database table is locked") instead of waiting its turn, so
    # tests of concurrent writers would test nothing real.
    # One file per test run, so two runs in the same checkout do not share (or delete) it.
    _test_db = VAR_DIR / f"test-{os.getpid()}.sqlite3"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405
# Live event streams end after a second in tests (the browser reconnects); the stream tests
# that wait for an event set their own duration.
DXGOV_SSE_SECONDS = 1.0
