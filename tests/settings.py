"""Test settings: the example site's apps plus the test app."""

import os

import dj_database_url

from example_site.settings import *  # noqa: F403
from example_site.settings import INSTALLED_APPS

INSTALLED_APPS = ["tests.testapp", *INSTALLED_APPS]

DATABASES = {
    "default": dj_database_url.config(default="sqlite://:memory:", conn_max_age=0)
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "TEST_DB_NAME", "test_wagtail_crm"
    )

ROOT_URLCONF = "tests.urls"
DEBUG = False
SECRET_KEY = "tests-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/wagtail_crm_test_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"

# Tests run background tasks inline on purpose (the immediate backend).
SILENCED_SYSTEM_CHECKS = ["wagtail_crm.W002"]
