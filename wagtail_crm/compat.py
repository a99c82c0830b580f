"""Version differences between the supported Django and Wagtail releases.

Explicit version checks only: no feature sniffing.
"""

import django
from wagtail import VERSION as WAGTAIL_VERSION

DJANGO_VERSION = django.VERSION[:2]
WAGTAIL_VERSION = WAGTAIL_VERSION[:2]

WAGTAIL_8 = WAGTAIL_VERSION >= (8, 0)
DJANGO_6 = DJANGO_VERSION >= (6, 0)
