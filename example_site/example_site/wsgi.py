"""WSGI entry point of the example site (``gunicorn example_site.wsgi``)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")

application = get_wsgi_application()

# What a web process loads once (Django, Wagtail, the apps, the URL conf and
# its views) lives as long as the process: keep it out of the garbage
# collector's full collections, which otherwise walk all of it (about 200,000
# objects, 0.1 s) every few hundred requests. See docs/deployment.md.
get_resolver().url_patterns  # noqa: B018 - import the views now, not on a request
gc.collect()
gc.freeze()
