"""Settings of the example site: a small Wagtail site using wagtail-crm."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "example-site-not-secret")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "home",
    "wagtail_crm",
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "wagtail_crm.capture.utm.AttributionMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One writer at a time: later writers wait for the lock instead of failing
    # with "database is locked" when two form submissions arrive together.
    # WAL lets the web process read while the worker writes an import, and
    # synchronous=NORMAL is the durability level WAL is meant to run with.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )

AUTH_PASSWORD_VALIDATORS = []

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("sq", "Shqip")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
# Every web and worker process must see the same uploads (shared storage).
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))

WAGTAIL_SITE_NAME = "Example Co."
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Background work (imports, e-mails, webhooks, search indexing) runs in
# `manage.py db_worker`. TASKS_BACKEND names another backend (a dotted path),
# or "immediate" to run every task inside the request that enqueued it.
_TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
if _TASKS_BACKEND == "immediate":
    _TASKS_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
TASKS = {"default": {"BACKEND": _TASKS_BACKEND}}
if _TASKS_BACKEND == "django_tasks_rq.RQBackend":
    # Redis + RQ: run `manage.py rqworker --job-class django_tasks_rq.Job`.
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {
        "default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}
    }

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
if os.environ.get("EMAIL_FILE_PATH"):  # with the file-based e-mail backend
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = "crm@example.com"

WAGTAILCRM_PHONE_REGION = "RU"
WAGTAILCRM_PHONE_AREA_CODE = "495"
WAGTAILCRM_DEFAULT_CURRENCY = "RUB"

# Form capture (the benchmark lowers these through the environment).
WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS = float(
    os.environ.get("WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS", "3")
)
WAGTAILCRM_IMPORT_BATCH_SIZE = int(
    os.environ.get("WAGTAILCRM_IMPORT_BATCH_SIZE", "1000")
)
WAGTAILCRM_CAPTURE_RATE_LIMIT = os.environ.get("WAGTAILCRM_CAPTURE_RATE_LIMIT", "10/m")
# Read and parse an import in a second process beside the importing one
# ("0" imports in one process: one core per import, e.g. with many workers).
WAGTAILCRM_IMPORT_PARALLEL = os.environ.get("WAGTAILCRM_IMPORT_PARALLEL", "1") != "0"
