"""Version differences between the supported Django and Wagtail releases.

Explicit version checks only: no feature sniffing.
"""

import django
from django.conf import settings
from wagtail import VERSION as WAGTAIL_VERSION

DJANGO_VERSION = django.VERSION[:2]
WAGTAIL_VERSION = WAGTAIL_VERSION[:2]

WAGTAIL_8 = WAGTAIL_VERSION >= (8, 0)
DJANGO_6 = DJANGO_VERSION >= (6, 0)

# Wagtail 8 lets a site swap the Page model (WAGTAIL_PAGE_MODEL); Wagtail 7.4
# has no such setting. Our migrations point at whichever is in use.
PAGE_MODEL = getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page")
