"""Attribution: where a visitor came from, first and last touch of the visit.

``AttributionMiddleware`` keeps two "touches" in one signed cookie
(``wagtailcrm_touch``, see ``docs/form-capture.md``): the first page the visitor
landed on and the latest arrival that carried UTM parameters or an outside
referrer. A touch holds the five ``utm_*`` values, the referrer, the landing
URL and the time. Nothing is stored server-side, so anonymous visitors cost
no session rows, and the cookie is signed, so a visitor cannot forge it
without it being ignored.
"""

from urllib.parse import urlsplit

from django.core import signing
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ..conf import crm_settings

COOKIE_NAME = "wagtailcrm_touch"
COOKIE_SALT = "wagtail_crm.capture.touch"
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
MAX_VALUE_LENGTH = 500


def _clip(value):
    return str(value or "")[:MAX_VALUE_LENGTH]


def _external_referrer(request):
    referrer = request.META.get("HTTP_REFERER", "")
    if not referrer:
        return ""
    if url_has_allowed_host_and_scheme(referrer, allowed_hosts={request.get_host()}):
        return ""
    return _clip(referrer)


def touch_from_request(request, *, force=False, url=None):
    """The touch this request makes, or None when it is an inside click.

    ``url``: the page the visitor is on, when the request is not for it (a
    lead-form block posts to the app's endpoint from the page).
    """
    query = QueryDict(urlsplit(url).query) if url else request.GET
    utm = {key: _clip(query.get(key, "")) for key in UTM_KEYS}
    referrer = _external_referrer(request)
    if not force and not referrer and not any(utm.values()):
        return None
    return {
        **utm,
        "referrer": referrer,
        "landing_url": _clip(request.build_absolute_uri(url)),
        "at": timezone.now().isoformat(),
    }


def read_touches(request):
    """``{"first_touch": ..., "last_touch": ...}`` from the visitor's cookie."""
    cached = getattr(request, "_wagtailcrm_touches", None)
    if cached is not None:
        return cached
    try:
        touches = signing.loads(request.COOKIES.get(COOKIE_NAME, ""), salt=COOKIE_SALT)
    except (signing.BadSignature, ValueError):
        touches = {}
    request._wagtailcrm_touches = touches if isinstance(touches, dict) else {}
    return request._wagtailcrm_touches


def record_touch(request):
    """Update the request's touches; return True when the cookie must change."""
    touches = read_touches(request)
    first_visit = not touches.get("first_touch")
    touch = touch_from_request(request, force=first_visit)
    if touch is None:
        return False
    if first_visit:
        touches["first_touch"] = touch
    touches["last_touch"] = touch
    return True


def attribution_for(request, *, url=None):
    """The attribution stored on a lead created from ``request`` (sent from
    the page at ``url``, when that is not the request's own URL)."""
    touches = dict(read_touches(request))
    current = touch_from_request(request, url=url)
    if current:
        touches.setdefault("first_touch", current)
        touches["last_touch"] = current
    first = touches.get("first_touch") or {}
    attribution = {
        "first_touch": first,
        "last_touch": touches.get("last_touch") or first,
        "locale": _clip(getattr(request, "LANGUAGE_CODE", "")),
        "accept_language": _clip(request.META.get("HTTP_ACCEPT_LANGUAGE", "")),
        "user_agent": _clip(request.META.get("HTTP_USER_AGENT", "")),
    }
    if crm_settings.CAPTURE_STORE_IP:
        attribution["ip"] = request.META.get("REMOTE_ADDR", "")
    return attribution


class AttributionMiddleware:
    """Keep the first and last touch of the visit in a signed cookie.

    Add ``"wagtail_crm.capture.utm.AttributionMiddleware"`` to ``MIDDLEWARE``.
    Only successful HTML GET responses count as page views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._is_page_view(request, response) and record_touch(request):
            response.set_cookie(
                COOKIE_NAME,
                signing.dumps(
                    request._wagtailcrm_touches, salt=COOKIE_SALT, compress=True
                ),
                max_age=crm_settings.CAPTURE_TOUCH_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    @staticmethod
    def _is_page_view(request, response):
        return (
            request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
        )
