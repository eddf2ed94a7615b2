"""Settings for the test suite: the real settings, with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = RESPONSE_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False  # the test client and the live server speak plain HTTP
SECURE_HSTS_SECONDS = 0
RESPONSE_START_LIMIT = 0  # tests start many responses from one address; the limit has its own tests
WHITENOISE_USE_FINDERS = True  # static files straight from static/, no collectstatic
WHITENOISE_AUTOREFRESH = True
STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# A test database in a file, not in memory: an in-memory SQLite database is one connection that
# the live server's request threads would share, and two requests at once (a page's two chart
# images) deadlock on it. With a file, every thread has its own connection.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # SQLITE_TEST_DB lets two test runs share a checkout without sharing a database.
    test_db = os.environ.get("SQLITE_TEST_DB", ".test-db.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / test_db)}  # noqa: F405
