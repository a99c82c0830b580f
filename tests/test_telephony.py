import base64
import json

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail import hooks as wagtail_hooks

from wagtail_crm import hooks
from wagtail_crm.models import Activity, Contact, Lead, Organization, Phone

TOKEN = "s3cret-telephony-token"
URL = "/crm/telephony/calls/"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("telephony_token"),
]


@pytest.fixture
def telephony_token():
    with override_settings(WAGTAILCRM_TELEPHONY_TOKEN=TOKEN):
        yield


@pytest.fixture
def contact(django_user_model):
    manager = django_user_model.objects.create_user("olga", "olga@example.com")
    org = Organization.objects.create(name="Северная звезда", owner=manager)
    person = Contact.objects.create(
        first_name="Пётр", last_name="Иванов", organization=org, owner=manager
    )
    Phone.objects.create(e164="+79161234567", contact=person)
    return person


def event(**overrides):
    return {
        "call_id": "call-0001",
        "caller": "8 (916) 123-45-67",
        "callee": "+7 495 000-00-00",
        "direction": "inbound",
        "started_at": "2026-11-20T10:15:00+03:00",
        "duration": 125,
        "recording_url": "https://calls.example.com/rec/0001.mp3",
    } | overrides


def post(client, payload, token=TOKEN, content_type="application/json"):
    body = json.dumps(payload) if not isinstance(payload, (str, bytes)) else payload
    return client.post(
        URL, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_the_url_is_named():
    assert reverse("wagtail_crm:telephony_calls") == URL


def test_call_lands_on_the_contact_by_normalized_number(client, contact):
    response = post(client, event())

    assert response.status_code == 201
    activity = Activity.objects.get()
    assert activity.kind == Activity.Kind.CALL
    assert activity.contact == contact
    assert activity.organization == contact.organization
    assert activity.direction == "inbound"
    assert activity.duration.total_seconds() == 125
    assert activity.recording_url.endswith("0001.mp3")
    assert activity.author == contact.owner
    assert activity.occurred_at.isoformat() == "2026-11-20T07:15:00+00:00"
    assert response.json()["contact"] == contact.pk
    assert not Lead.objects.exists()


def test_outbound_call_matches_the_callee(client, contact):
    response = post(
        client,
        event(caller="+74950000000", callee="89161234567", direction="outbound"),
    )

    assert response.status_code == 201
    assert Activity.objects.get().contact == contact


def test_organization_phone_is_matched_when_no_person_has_it(client, contact):
    Phone.objects.create(e164="+74951112233", organization=contact.organization)

    post(client, event(caller="8 495 111-22-33"))

    activity = Activity.objects.get()
    assert activity.organization == contact.organization
    assert activity.contact is None


def test_twice_posted_event_is_logged_once(client, contact):
    first = post(client, event())
    second = post(client, event())

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["activity"] == first.json()["activity"]
    assert Activity.objects.count() == 1


def test_a_repeat_brings_the_recording_that_was_missing(client, contact):
    post(client, event(recording_url=""))
    post(client, event(recording_url="https://calls.example.com/late.mp3"))

    assert Activity.objects.get().recording_url == "https://calls.example.com/late.mp3"


def test_unknown_caller_becomes_a_lead_and_repeat_calls_join_it(client, contact):
    post(client, event(caller="+7 903 777-88-99"))
    post(client, event(call_id="call-0002", caller="8 903 777 88 99"))

    lead = Lead.objects.get()
    assert lead.phone_e164 == "+79037778899"
    assert lead.data["telephony"]["call_id"] == "call-0001"
    assert list(
        lead.activities.values_list("external_id", flat=True).order_by("pk")
    ) == [
        "call-0001",
        "call-0002",
    ]


def test_unknown_caller_lead_goes_through_capture_lead(
    client, contact, django_user_model, django_capture_on_commit_callbacks
):
    from django.core import mail
    from wagtail.models import Site

    from wagtail_crm.models import CRMSettings

    boss = django_user_model.objects.create_user("boss", "boss@example.com", "x")
    crm = CRMSettings.for_site(Site.objects.get(is_default_site=True))
    crm.default_lead_owner = boss
    crm.notification_recipients = "sales@example.com"
    crm.save()
    seen = []

    def before(submission, request):
        submission.tags.append("phone call")

    def after(lead, request):
        seen.append(lead.pk)

    with (
        wagtail_hooks.register_temporarily(hooks.BEFORE_LEAD_CREATE, before),
        wagtail_hooks.register_temporarily(hooks.AFTER_LEAD_CREATE, after),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(client, event(caller="+7 903 777-88-99"))

    assert response.status_code == 201
    lead = Lead.objects.get()
    assert seen == [lead.pk]
    assert lead.owner == boss
    assert list(lead.tags.names()) == ["phone call"]
    assert lead.phone == "+7 903 777-88-99"
    assert lead.contact is None  # a number alone makes no contact card
    assert Contact.objects.count() == 1  # the fixture's
    assert Activity.objects.get().author == boss
    assert [m.to for m in mail.outbox] == [["boss@example.com", "sales@example.com"]]


def test_rejected_unknown_caller_still_logs_the_call(client, contact):
    from wagtail_crm.capture.submission import LeadRejected

    def reject(submission, request):
        raise LeadRejected("no leads from calls")

    with wagtail_hooks.register_temporarily(hooks.BEFORE_LEAD_CREATE, reject):
        response = post(client, event(caller="+7 903 777-88-99"))

    assert response.status_code == 201
    assert not Lead.objects.exists()
    activity = Activity.objects.get()
    assert activity.lead is None and activity.contact is None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong", "Bearer ", "Token " + TOKEN, "Basic !!!"],
)
def test_bad_tokens_are_refused(client, contact, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.post(
        URL, json.dumps(event()), content_type="application/json", **extra
    )

    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_basic_auth_password_is_accepted(client, contact):
    credentials = base64.b64encode(f"crm:{TOKEN}".encode()).decode()
    response = client.post(
        URL,
        json.dumps(event()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )

    assert response.status_code == 201


def test_no_configured_token_refuses_everything(client, contact):
    with override_settings(WAGTAILCRM_TELEPHONY_TOKEN=""):
        assert post(client, event(), token="").status_code == 403


def test_token_list_allows_rotation(client, contact):
    with override_settings(WAGTAILCRM_TELEPHONY_TOKEN=["old", "new"]):
        assert post(client, event(), token="old").status_code == 201
        assert post(client, event(call_id="x2"), token="new").status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("{not json", "JSON"),
        ([1, 2], "payload"),
        ({k: v for k, v in event().items() if k != "call_id"}, "call_id"),
        (event(direction="sideways"), "direction"),
        (event(started_at="yesterday"), "started_at"),
        (event(duration=-5), "duration"),
        (event(duration="long"), "duration"),
        (event(caller={"number": "1"}), "caller"),
        (event(recording_url="not a url at all"), "recording_url"),
    ],
)
def test_malformed_payloads_get_400_and_write_nothing(client, contact, payload, field):
    response = post(client, payload)

    assert response.status_code == 400
    assert field in response.json()["error"]
    assert not Activity.objects.exists()
    assert not Lead.objects.exists()


def test_wrong_content_type_is_400(client, contact):
    response = post(client, "call_id=1", content_type="text/plain")

    assert response.status_code == 400
    assert "application/json" in response.json()["error"]


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


def test_twilio_status_callback_is_adapted(client, contact):
    params = {
        "CallSid": "CA0123456789abcdef",
        "From": "+79161234567",
        "To": "+74950000000",
        "Direction": "inbound",
        "CallStatus": "completed",
        "CallDuration": "60",
        "Timestamp": "Fri, 20 Nov 2026 07:16:00 +0000",
    }
    response = client.post(
        "/crm/telephony/twilio/", params, HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )

    assert response.status_code == 201
    activity = Activity.objects.get()
    assert activity.external_id == "CA0123456789abcdef"
    assert activity.contact == contact
    assert activity.occurred_at.isoformat() == "2026-11-20T07:15:00+00:00"


def test_twilio_progress_callbacks_are_ignored(client, contact):
    response = client.post(
        "/crm/telephony/twilio/",
        {"CallSid": "CA1", "CallStatus": "ringing"},
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )

    assert response.status_code == 200
    assert response.json() == {"ignored": "ringing"}
    assert not Activity.objects.exists()
