"""Every ``WAGTAILCRM_*`` setting, read lazily, with its default.

Import ``crm_settings`` and read attributes: ``crm_settings.PHONE_REGION``.
Values are read once and kept until a ``WAGTAILCRM_*`` setting changes
(Django's ``setting_changed`` signal, which ``override_settings`` sends), as
Django REST framework does with its ``api_settings``: a form post reads a
dozen of them, and a setting a project leaves out costs an exception inside
``django.conf.settings`` on every read.
"""

from django.conf import settings
from django.core.signals import setting_changed

DEFAULTS = {
    # ISO 3166 country used for numbers written without "+" (None: only "+"/"00").
    "PHONE_REGION": None,
    # Area code prepended to short local numbers (5-7 digits), e.g. "495".
    "PHONE_AREA_CODE": "",
    # Default currency of new deals when the site settings do not name one.
    "DEFAULT_CURRENCY": "EUR",
    # Import limits.
    "IMPORT_MAX_FILE_SIZE": 50 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 1_000_000,
    "IMPORT_MAX_CELL_LENGTH": 10_000,
    "IMPORT_BATCH_SIZE": 1000,
    # Read and parse a file's rows in a second process while matching and
    # writing (only where forking is safe; see importing/parallel.py).
    "IMPORT_PARALLEL": True,
    # Form capture.
    "CAPTURE_MIN_FILL_SECONDS": 3,
    "CAPTURE_RATE_LIMIT": "10/m",
    "CAPTURE_STORE_IP": False,
    # Seconds a web process may keep the CRM site settings (stop phrases,
    # blocked domains, default owner) in Django's cache; 0: read every post.
    "CAPTURE_SETTINGS_CACHE": 10,
    # Telephony: token (or list of tokens, for rotation) of the call event endpoint.
    # Empty: the endpoint refuses every request.
    "TELEPHONY_TOKEN": "",
    # Seconds the first/last touch cookie lives (the "visit"): 30 days.
    "CAPTURE_TOUCH_MAX_AGE": 30 * 24 * 3600,
    # Optional captcha: {"CLASS": "dotted.path", "OPTIONS": {...}}.
    "CAPTURE_CAPTCHA": None,
    # Webhook deliveries: attempts before giving up, first retry delay (s), timeout.
    "WEBHOOK_MAX_ATTEMPTS": 5,
    "WEBHOOK_RETRY_DELAY": 60,
    "WEBHOOK_TIMEOUT": 10,
    # New-lead e-mails: attempts when the mail server fails, first retry delay (s).
    "NOTIFICATION_MAX_ATTEMPTS": 5,
    "NOTIFICATION_RETRY_DELAY": 60,
    # Privacy: unconverted leads older than this many days are purged (None: never).
    "LEAD_RETENTION_DAYS": None,
}


class CRMSettings:
    def __init__(self):
        self._values = {}

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            pass
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown wagtail-crm setting: {name}")
        value = getattr(settings, f"WAGTAILCRM_{name}", DEFAULTS[name])
        self._values[name] = value
        return value

    def reload(self):
        """Forget the values read so far."""
        self._values.clear()


crm_settings = CRMSettings()


def _reload(*, setting, **kwargs):
    if setting.startswith("WAGTAILCRM_"):
        crm_settings.reload()


setting_changed.connect(_reload, dispatch_uid="wagtailcrm_settings_changed")
