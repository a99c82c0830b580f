import io

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "root", "root@example.com", "password"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def demo_site(db):
    """The example site's pages and the CRM demo records."""
    from django.core.management import call_command

    call_command("crm_demo", stdout=io.StringIO())


@pytest.fixture
def site_pages(db):
    """The example site's home, /contact/ form page and /services/ page."""
    from home.demo_pages import build_pages

    home, contact, services = build_pages()
    return {"home": home, "contact": contact, "services": services}


@pytest.fixture
def users(db):
    """A sales manager, a second manager and a head of sales."""
    from tests.crm_admin_data import sales_users

    manager, other, head = sales_users()
    return {"manager": manager, "other": other, "head": head}


@pytest.fixture
def two_managers(users):
    """A record of every kind for the manager ("Mine") and for the other one."""
    from tests.crm_admin_data import SECRET, records_of

    return records_of(users["manager"], "Mine"), records_of(users["other"], SECRET)


@pytest.fixture
def crm_settings_with_filters(site_pages):
    """The default site's CRM settings with stop phrases and a blocked domain."""
    from wagtail.models import Site

    from wagtail_crm.models import CRMSettings

    crm = CRMSettings.for_site(Site.objects.get(is_default_site=True))
    crm.stop_phrases = "Casino bonus\nSEO services"
    crm.blocked_email_domains = "@spam.example"
    crm.save()
    return crm


@pytest.fixture
def processes(tmp_path):
    """Server and worker processes a test starts; all stopped at its end."""
    from tests.scale_helpers import Processes

    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts with an empty cache (the capture rate limit lives there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the site's default language: a request
    with another Accept-Language activates it for the rest of the thread
    (Django's LocaleMiddleware never deactivates it), and a later test that
    reads a message outside a request would get it translated."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
