"""The CRM site settings a form post reads come from Django's cache, which
saving the settings clears; inside a transaction the database is read."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from wagtail_crm.capture import site_settings
from wagtail_crm.models import CRMSettings, Lead, QuarantinedSubmission

from .capture_helpers import CONTACT_FORM, form_post


def _request():
    request = RequestFactory().post("/contact/")
    request._wagtail_site = Site.objects.get(is_default_site=True)
    return request


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_cached_between_requests_and_cleared_by_saving(site_pages, clean_cache):
    crm = CRMSettings.for_site(Site.objects.get(is_default_site=True))
    crm.stop_phrases = "casino"
    crm.save()

    first = site_settings.for_request(_request())
    with CaptureQueriesContext(connection) as queries:
        second = site_settings.for_request(_request())
    assert [s for s in queries.captured_queries if "crmsettings" in s["sql"]] == []
    assert first.stop_phrase_list == second.stop_phrase_list == ["casino"]

    crm.stop_phrases = "lottery"
    crm.save()  # clears the cached copy at once
    assert site_settings.for_request(_request()).stop_phrase_list == ["lottery"]


@pytest.mark.django_db(transaction=True)
def test_the_cached_copy_leaves_out_the_site_and_gets_the_requests(
    site_pages, clean_cache
):
    request = _request()
    request._wagtail_site.root_page  # noqa: B018 - the site carries its root page
    first = site_settings.for_request(request)
    assert first.site is request._wagtail_site  # still there after caching

    cached = cache.get(site_settings.KEY.format(request._wagtail_site.pk))
    assert "site" not in cached._state.fields_cache

    other = _request()
    with CaptureQueriesContext(connection) as queries:
        second = site_settings.for_request(other)
        assert second.site is other._wagtail_site
    assert queries.captured_queries == []
    assert second.pk == first.pk


@pytest.mark.django_db(transaction=True)
def test_a_saved_stop_phrase_applies_to_the_next_post(client, site_pages, clean_cache):
    client.post("/contact/", form_post(**CONTACT_FORM))  # caches the settings
    crm = CRMSettings.for_site(Site.objects.get(is_default_site=True))
    crm.stop_phrases = "cheap watches"
    crm.save()

    data = {**CONTACT_FORM, "message": "Cheap watches for you"}
    client.post("/contact/", form_post(**data))

    assert Lead.objects.count() == 1
    assert QuarantinedSubmission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(WAGTAILCRM_CAPTURE_SETTINGS_CACHE=0)
def test_zero_reads_the_settings_on_every_request(site_pages, clean_cache):
    site_settings.for_request(_request())
    with CaptureQueriesContext(connection) as queries:
        site_settings.for_request(_request())
    assert [s for s in queries.captured_queries if "crmsettings" in s["sql"]]


@pytest.mark.django_db
def test_inside_a_transaction_the_database_is_read(site_pages, clean_cache):
    site = Site.objects.get(is_default_site=True)
    cache.set(
        site_settings.KEY.format(site.pk), CRMSettings(site=site, stop_phrases="x")
    )

    found = site_settings.for_request(_request())  # a TestCase runs in one

    assert found.stop_phrase_list == []
