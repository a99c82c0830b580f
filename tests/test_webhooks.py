"""Outbound webhooks against a local HTTP server on 127.0.0.1 (never the internet)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wagtail_crm.capture.service import capture_lead
from wagtail_crm.integrations import webhooks
from wagtail_crm.models import Lead, Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


class Receiver(BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.headers, body))
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"thanks")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    Receiver.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def dead_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nobody-listens"


def make_webhook(url, events=("lead.created",)):
    return Webhook.objects.create(
        name="ERP", url=url, secret="s3cret", events=list(events)
    )


def test_lead_created_is_signed_and_verifies(
    receiver, django_capture_on_commit_callbacks
):
    _server, url = receiver
    make_webhook(url)

    with django_capture_on_commit_callbacks(execute=True):
        lead = capture_lead({"name": "Anna", "email": "anna@example.com"})

    headers, body = Receiver.received[0]
    assert headers["X-WagtailCRM-Event"] == "lead.created"
    assert webhooks.verify(
        "s3cret",
        headers["X-WagtailCRM-Timestamp"],
        body,
        headers["X-WagtailCRM-Signature"],
    )
    assert not webhooks.verify(
        "wrong",
        headers["X-WagtailCRM-Timestamp"],
        body,
        headers["X-WagtailCRM-Signature"],
    )
    payload = json.loads(body)
    assert payload["event"] == "lead.created"
    assert payload["data"]["id"] == lead.pk
    assert payload["data"]["email"] == "anna@example.com"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert delivery.response_status == 200


def test_dead_url_still_leaves_the_lead_saved(
    dead_url, django_capture_on_commit_callbacks
):
    make_webhook(dead_url)

    with django_capture_on_commit_callbacks(execute=True):
        lead = capture_lead({"name": "Anna", "email": "anna@example.com"})

    assert Lead.objects.filter(pk=lead.pk).exists()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"  # the immediate backend cannot defer retries
    assert delivery.attempts == 1
    assert delivery.error


def test_server_error_is_logged_in_the_delivery(
    receiver, django_capture_on_commit_callbacks
):
    _server, url = receiver
    Receiver.status = 503
    make_webhook(url)

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead({"email": "anna@example.com"})

    delivery = WebhookDelivery.objects.get()
    assert delivery.response_status == 503
    assert delivery.response_body == "thanks"


def test_status_change_and_only_subscribed_events(
    receiver, django_capture_on_commit_callbacks
):
    _server, url = receiver
    make_webhook(url, events=["lead.status_changed"])
    lead = capture_lead({"email": "anna@example.com"})
    assert not WebhookDelivery.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        lead.status = Lead.Status.QUALIFIED
        lead.save()
        lead.save()  # no change: no second event

    assert len(Receiver.received) == 1
    payload = json.loads(Receiver.received[0][1])
    assert payload["event"] == "lead.status_changed"
    assert payload["data"]["previous_status"] == "new"
    assert payload["data"]["status"] == "qualified"


def test_backoff_grows(settings):
    settings.WAGTAILCRM_WEBHOOK_RETRY_DELAY = 30
    delays = [webhooks.retry_delay(n).total_seconds() for n in (1, 2, 3)]
    assert delays == [30, 120, 480]


def test_a_delivery_is_posted_once_however_often_the_task_runs(
    receiver, django_capture_on_commit_callbacks
):
    _server, url = receiver
    make_webhook(url)
    with django_capture_on_commit_callbacks(execute=True):
        capture_lead({"email": "anna@example.com"})
    delivery = WebhookDelivery.objects.get()

    assert webhooks.deliver_webhook.call(delivery.pk) is False

    assert len(Receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_a_claimed_delivery_is_not_posted_by_a_second_run(receiver):
    _server, url = receiver
    hook = make_webhook(url)
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="lead.created", status="sending", attempts=1
    )

    assert webhooks.deliver_webhook.call(delivery.pk) is False
    assert Receiver.received == []


def test_interrupted_deliveries_are_marked_failed_not_resent(receiver):
    from datetime import timedelta

    from django.utils import timezone

    _server, url = receiver
    hook = make_webhook(url)
    old = WebhookDelivery.objects.create(
        webhook=hook, event="lead.created", status="sending", attempts=1
    )
    recent = WebhookDelivery.objects.create(
        webhook=hook, event="lead.created", status="sending", attempts=1
    )
    WebhookDelivery.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(minutes=10)
    )

    assert webhooks.fail_interrupted_deliveries() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == "failed" and "Retry now" in old.error
    assert recent.status == "sending"  # may still be in flight
    assert Receiver.received == []
