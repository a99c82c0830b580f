"""The CRM site settings a form post reads, without a query on every post.

Every post needs the site's stop phrases and blocked e-mail domains (and, for
routing, the default lead owner). Wagtail's ``CRMSettings.for_request()``
reads them from the database once per request; here they are kept in Django's
cache for ``WAGTAILCRM_CAPTURE_SETTINGS_CACHE`` seconds (default 10; 0 turns
it off). Saving or deleting the settings drops the cached copy, so with a
shared cache (Redis, Memcached) a change applies at once on every web process;
with a per-process cache (Django's default local-memory cache) other processes
apply it within that many seconds.

Inside a transaction the cache is not used: what the transaction sees is what
counts there (a test's rolled-back settings never outlive the test).
"""

from django.core.cache import cache
from django.db import router, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Site

from ..conf import crm_settings
from ..models import CRMSettings

KEY = "wagtailcrm:crmsettings:{}"


def _key(site_id):
    return KEY.format(site_id)


def for_request(request):
    """``CRMSettings.for_request(request)``, from the cache when it may be."""
    attr = CRMSettings.get_cache_attr_name()
    if hasattr(request, attr):
        return getattr(request, attr)
    seconds = crm_settings.CAPTURE_SETTINGS_CACHE
    using = router.db_for_read(CRMSettings)
    if not seconds or transaction.get_connection(using).in_atomic_block:
        return CRMSettings.for_request(request)
    site = Site.find_for_request(request)
    if site is None:
        return CRMSettings.for_request(request)  # raises as Wagtail does
    found = cache.get(_key(site.pk))
    if found is None:
        found = CRMSettings.for_site(site)
        _cache_set(_key(site.pk), found, seconds)
    # The request's own site (the cached copy leaves its site out).
    found.site = site
    found._request = request  # as Wagtail does, for page URLs
    setattr(request, attr, found)
    return found


def _cache_set(key, settings, seconds):
    """Cache ``settings`` without the site it holds: that site carries its
    root page and more, and unpickling them on every post cost more than the
    rest of the settings together."""
    site = settings._state.fields_cache.pop("site", None)
    try:
        cache.set(key, settings, seconds)
    finally:
        if site is not None:
            settings._state.fields_cache["site"] = site


@receiver(post_save, sender=CRMSettings, dispatch_uid="wagtailcrm_settings_cache_save")
@receiver(
    post_delete, sender=CRMSettings, dispatch_uid="wagtailcrm_settings_cache_delete"
)
def forget(sender, instance, **kwargs):
    cache.delete(_key(instance.site_id))
