"""Spam checks shared by every web entry point.

Request checks (before anything is saved):

* honeypot — a field people never see; filled in means a bot, dropped quietly;
* minimum fill time — the form carries a signed timestamp of when it was shown;
  sent faster than ``WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS``, it is refused with
  a message and a fresh form (a hurried human just sends it again);
* rate limit per IP address (Django's cache), ``WAGTAILCRM_CAPTURE_RATE_LIMIT``;
* a captcha, when ``WAGTAILCRM_CAPTURE_CAPTCHA`` names one.

Content checks (stop phrases, blocked e-mail domains, from the CRM site
settings) never drop anything: the submission goes to the quarantine.
"""

import functools
import logging
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from ..conf import crm_settings
from ..dedup import email_key
from ..models import CRMSettings
from . import site_settings

logger = logging.getLogger(__name__)
HONEYPOT_FIELD = "crm_website"
TIMESTAMP_FIELD = "crm_ts"
TIMESTAMP_SALT = "wagtail_crm.capture.form-shown"
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

OK = "ok"
DROP = "drop"  # a bot: pretend success, save nothing
REFUSE = "refuse"  # tell the visitor, save nothing


@dataclass(frozen=True)
class Verdict:
    action: str = OK
    reason: str = ""
    message: str = ""

    @property
    def ok(self):
        return self.action == OK


def sign_timestamp(when=None):
    return signing.dumps(time.time() if when is None else when, salt=TIMESTAMP_SALT)


def seconds_since_shown(value):
    try:
        shown = float(signing.loads(value or "", salt=TIMESTAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - shown


def parse_rate(rate):
    """``"10/m"`` → (10, 60); None or "" → None; ValueError when invalid."""
    if not rate:
        return None
    count, _sep, period = str(rate).partition("/")
    unit = (period.strip() or "m")[0].lower()
    if not count.strip().isdigit() or unit not in RATE_PERIODS:
        raise ValueError(f"Invalid rate {rate!r}: expected N/s, N/m, N/h or N/d.")
    return int(count), RATE_PERIODS[unit]


@functools.cache
def _configured_rate(rate):
    """The parsed rate limit; an invalid one is no limit, logged once per
    value (the cache is keyed by the setting's value, so a changed setting
    is parsed anew)."""
    try:
        return parse_rate(rate)
    except ValueError as error:
        logger.warning(
            "WAGTAILCRM_CAPTURE_RATE_LIMIT is ignored, form posts are not "
            "rate-limited: %s",
            error,
        )
        return None


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(request):
    """Count this submission; True when the IP is over its limit."""
    rate = _configured_rate(str(crm_settings.CAPTURE_RATE_LIMIT or ""))
    if rate is None:
        return False
    limit, period = rate
    window = int(time.time() // period)
    key = f"wagtailcrm:capture:{client_ip(request)}:{period}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=period + 1)
            count = 1
    return count > limit


def get_captcha():
    config = crm_settings.CAPTURE_CAPTCHA
    if not config:
        return None
    return import_string(config["CLASS"])(**config.get("OPTIONS", {}))


TOO_FAST = _(
    "The form was sent faster than a person can fill it in. "
    "Please check your details and send it again."
)
TOO_MANY = _("Too many requests from your address. Please try again in a few minutes.")
CAPTCHA_FAILED = _("Please confirm that you are not a robot and send the form again.")


def too_fast(request):
    """Sent sooner than the minimum fill time after the form was shown, or
    without a valid "shown at" time. A minimum of 0 turns the check off."""
    minimum = crm_settings.CAPTURE_MIN_FILL_SECONDS
    if not minimum:
        return False
    elapsed = seconds_since_shown(request.POST.get(TIMESTAMP_FIELD))
    return elapsed is None or elapsed < minimum


def check_request(request):
    """Run the request checks on a POST; return a :class:`Verdict`."""
    if request.POST.get(HONEYPOT_FIELD):
        return Verdict(DROP, "honeypot")
    if too_fast(request):
        return Verdict(REFUSE, "too_fast", TOO_FAST)
    if rate_limited(request):
        return Verdict(REFUSE, "rate_limited", TOO_MANY)
    captcha = get_captcha()
    if captcha is not None and not captcha.verify(request):
        return Verdict(REFUSE, "captcha", CAPTCHA_FAILED)
    return Verdict()


#: Why a submission was quarantined, stored in the source language (English)
#: and translated when shown: (message, the name of its one value).
BLOCKED_DOMAIN = gettext_noop("Blocked e-mail domain: %(domain)s")
STOP_PHRASE = gettext_noop("Stop phrase: %(phrase)s")
REASONS = ((BLOCKED_DOMAIN, "domain"), (STOP_PHRASE, "phrase"))


def translated_reason(reason):
    """A stored quarantine reason in the active language."""
    for message, name in REASONS:
        prefix = message.split("%(", 1)[0]
        if reason.startswith(prefix):
            return gettext(message) % {name: reason[len(prefix) :]}
    return reason


def _blocked(domain, blocked):
    """``domain`` or one of its parent domains is listed
    (``mail.spam.example`` is blocked by ``spam.example``)."""
    parts = domain.split(".")
    return any(".".join(parts[i:]) in blocked for i in range(len(parts)))


def _answers(values):
    for value in values:
        if isinstance(value, list | tuple):
            yield from (str(item) for item in value)
        elif value is not None:
            yield str(value)


def content_spam_reason(fields, *, request=None, site=None, data=None):
    """Why these fields look like spam (for the quarantine, in English; see
    :func:`translated_reason`), or "". Stop phrases are looked for in
    ``data`` when given (every answer of a form, also those no CRM field
    takes), else in ``fields``."""
    if request is not None:
        crm = site_settings.for_request(request)
    elif site is not None:
        crm = CRMSettings.for_site(site)
    else:
        return ""
    domain = email_key(fields.get("email")).rpartition("@")[2]
    if domain and _blocked(domain, set(crm.blocked_domain_list)):
        return BLOCKED_DOMAIN % {"domain": domain}
    # ``data`` holds every answer, those in ``fields`` too.
    text = " ".join(_answers((data or fields).values())).lower()
    for phrase in crm.stop_phrase_list:
        if phrase in text:
            return STOP_PHRASE % {"phrase": phrase}
    return ""
