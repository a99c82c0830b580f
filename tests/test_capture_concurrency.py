"""50 simultaneous submissions by the same new person, against a live server.

Needs PostgreSQL (SQLite serializes writers, so there is nothing to race).
"""

import re
import threading

import pytest
import requests
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection

from wagtail_crm.models import Contact, Lead

from .capture_helpers import CONTACT_FORM, form_post

SUBMISSIONS = 50


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class BigBacklogServer(ThreadedWSGIServer):
    """Django's threaded server, with room for 50 connections arriving at once."""

    request_queue_size = 128


@pytest.fixture
def server_url(transactional_db):
    server = BigBacklogServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def csrf(server_url, site_pages):
    response = requests.get(f"{server_url}/contact/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    return token.group(1), response.cookies["csrftoken"]


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_submissions_make_one_contact(server_url, csrf, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs a database with concurrent writers (PostgreSQL)")
    settings.WAGTAILCRM_CAPTURE_RATE_LIMIT = None
    token, cookie = csrf
    start = threading.Barrier(SUBMISSIONS, timeout=60)
    statuses = []

    def submit(number):
        data = form_post(**(CONTACT_FORM | {"message": f"Request {number}"}))
        data["csrfmiddlewaretoken"] = token
        start.wait()
        response = requests.post(
            f"{server_url}/contact/?utm_campaign=race",
            data=data,
            cookies={"csrftoken": cookie},
            timeout=120,
        )
        statuses.append((response.status_code, "Thank you" in response.text))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [(200, True)] * SUBMISSIONS
    assert Contact.objects.count() == 1
    contact = Contact.objects.get()
    assert Lead.objects.count() == SUBMISSIONS
    assert set(Lead.objects.values_list("contact_id", flat=True)) == {contact.pk}
    assert contact.phones.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_leads_of_a_round_robin_group_take_turns(django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs a database with concurrent writers (PostgreSQL)")
    from django.contrib.auth.models import Group
    from django.db import connections

    from wagtail_crm.capture.service import capture_lead

    group = Group.objects.create(name="Sales")
    members = [
        django_user_model.objects.create_user(name, f"{name}@example.com", "x")
        for name in ("a", "b")
    ]
    group.user_set.add(*members)
    count = 20
    start = threading.Barrier(count, timeout=60)
    errors = []

    def submit(number):
        try:
            start.wait()
            capture_lead(
                {"name": f"Visitor Number{number}", "email": f"v{number}@example.com"},
                owner_group_id=group.pk,
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    owners = list(Lead.objects.order_by("pk").values_list("owner_id", flat=True))
    assert len(owners) == count
    # Each lead went to the member after the previous lead's owner.
    assert all(a != b for a, b in zip(owners, owners[1:], strict=False))
    assert owners.count(members[0].pk) == owners.count(members[1].pk) == count // 2
