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
