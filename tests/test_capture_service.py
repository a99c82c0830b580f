"""capture_lead(): hooks, assignment, notifications, webhooks."""

import smtplib

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail import hooks as wagtail_hooks

from wagtail_crm import hooks
from wagtail_crm.capture.service import LeadRejected, capture_lead
from wagtail_crm.models import Contact, CRMSettings, Lead, Organization

pytestmark = pytest.mark.django_db

ANNA = {"name": "Anna Smirnova", "email": "anna@example.com", "phone": "89161234567"}


class FailingEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server is down")


def test_phone_only_repeat_matches_by_phone_and_name():
    first = capture_lead({"name": "Ivan Petrov", "phone": "+7 916 123 45 67"})
    second = capture_lead({"name": "ivan PETROV", "phone": "8 (916) 123-45-67"})

    assert first.contact_id == second.contact_id
    assert Contact.objects.count() == 1


def test_same_phone_other_name_is_another_person():
    capture_lead({"name": "Ivan Petrov", "phone": "+7 916 123 45 67"})
    capture_lead({"name": "Olga Petrova", "phone": "+7 916 123 45 67"})

    assert Contact.objects.count() == 2


@pytest.mark.parametrize(
    "again",
    ["Smirnova Anna", "СМИРНОВА Анна", "Anna", "Smirnova"],
)
def test_phone_only_repeat_with_the_name_reordered_or_shortened(again):
    first = capture_lead({"name": "Anna Smirnova", "phone": "+7 916 123 45 67"})
    second = capture_lead({"name": again, "phone": "8 (916) 123-45-67"})

    assert second.contact_id == first.contact_id
    assert Contact.objects.count() == 1


def test_first_name_only_card_is_found_by_the_full_name():
    first = capture_lead({"name": "Anna", "phone": "+7 916 123 45 67"})
    second = capture_lead({"name": "Anna Smirnova", "phone": "89161234567"})

    assert second.contact_id == first.contact_id


def test_russian_order_name_is_stored_with_the_surname_as_last_name():
    capture_lead({"name": "Смирнова Анна", "phone": "8 916 765 43 21"})
    capture_lead({"name": "Иванов Пётр Сергеевич", "phone": "8 916 123 45 67"})

    names = set(Contact.objects.values_list("last_name", "first_name", "middle_name"))
    assert names == {("Смирнова", "Анна", ""), ("Иванов", "Пётр", "Сергеевич")}


def test_captured_card_and_typed_card_of_one_person_are_proposed_as_duplicates(
    superuser,
):
    from tests.factories import ContactFactory, PhoneFactory
    from wagtail_crm.duplicate_groups import find_groups

    capture_lead({"name": "Смирнова Анна", "phone": "8 916 765 43 21"})
    typed = ContactFactory(last_name="Смирнова", first_name="Анна", email="")
    PhoneFactory(contact=typed, e164="+79167654321")

    assert Contact.objects.count() == 2
    assert find_groups("contact", superuser)


def test_same_office_phone_same_first_name_other_surname_is_another_person():
    capture_lead({"name": "Ivan Petrov", "phone": "+7 495 123 45 67"})
    capture_lead({"name": "Ivan Sidorov", "phone": "+7 495 123 45 67"})

    assert Contact.objects.count() == 2


def test_existing_contact_from_import_is_reused():
    org = Organization.objects.create(name="Romashka")
    existing = Contact.objects.create(
        last_name="Smirnova", email="anna@example.com", organization=org
    )

    lead = capture_lead(ANNA)

    assert lead.contact == existing
    assert lead.organization == org


def test_before_hook_can_change_the_data():
    def uppercase_company(submission, request):
        submission.fields["company"] = "ACME"
        submission.tags.append("hooked")

    with wagtail_hooks.register_temporarily(
        hooks.BEFORE_LEAD_CREATE, uppercase_company
    ):
        lead = capture_lead(ANNA)

    assert lead.company == "ACME"
    assert lead.organization.name == "ACME"
    assert lead.tags.names()[0] == "hooked"


def test_before_hook_can_reject():
    def reject(submission, request):
        raise LeadRejected("No, thanks.")

    with (
        wagtail_hooks.register_temporarily(hooks.BEFORE_LEAD_CREATE, reject),
        pytest.raises(LeadRejected),
    ):
        capture_lead(ANNA)

    assert not Lead.objects.exists()
    assert not Contact.objects.exists()


def test_raising_after_hook_never_loses_the_lead(caplog):
    seen = []

    def broken(lead, request):
        seen.append(lead.pk)
        Lead.objects.filter(pk=lead.pk).update(name="changed by a broken hook")
        raise RuntimeError("boom")

    with wagtail_hooks.register_temporarily(hooks.AFTER_LEAD_CREATE, broken):
        lead = capture_lead(ANNA)

    assert Lead.objects.filter(pk=lead.pk).exists()
    assert (
        Lead.objects.get(pk=lead.pk).name == "Anna Smirnova"
    )  # its savepoint rolled back
    assert seen == [lead.pk]
    assert "boom" in caplog.text


def test_failing_email_backend_leaves_the_lead(
    settings, django_capture_on_commit_callbacks, caplog, site_with_recipients
):
    settings.EMAIL_BACKEND = "tests.test_capture_service.FailingEmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        lead = capture_lead(ANNA)

    assert Lead.objects.filter(pk=lead.pk).exists()
    assert "Could not e-mail lead" in caplog.text


@pytest.fixture
def site_with_recipients():
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    crm = CRMSettings.for_site(site)
    crm.notification_recipients = "sales@example.com\nboss@example.com"
    crm.save()
    return site


def test_notification_goes_to_site_recipients_with_reply_to(
    django_capture_on_commit_callbacks, site_with_recipients
):
    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(ANNA | {"message": "Need 200 boxes"})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sales@example.com", "boss@example.com"]
    assert message.reply_to == ["anna@example.com"]
    assert "Need 200 boxes" in message.body


def test_round_robin_within_a_group(django_user_model):
    group = Group.objects.create(name="Sales")
    managers = [
        django_user_model.objects.create_user(name, f"{name}@example.com", "x")
        for name in ("a", "b", "c")
    ]
    group.user_set.add(*managers)

    owners = [
        capture_lead({"email": f"client{n}@example.com"}, owner_group_id=group.pk).owner
        for n in range(4)
    ]

    assert owners == [managers[0], managers[1], managers[2], managers[0]]


def test_a_new_company_gets_the_routed_owner(django_user_model):
    group = Group.objects.create(name="Sales")
    manager = django_user_model.objects.create_user("a", "a@example.com", "x")
    group.user_set.add(manager)

    lead = capture_lead(
        {"email": "buyer@example.com", "company": "Romashka LLC"},
        owner_group_id=group.pk,
    )

    assert lead.owner == manager
    assert lead.contact.owner == manager
    assert Organization.objects.get().owner == manager


def test_default_owner_from_site_settings(django_user_model, site_with_recipients):
    boss = django_user_model.objects.create_user("boss", "boss@example.com", "x")
    crm = CRMSettings.for_site(site_with_recipients)
    crm.default_lead_owner = boss
    crm.save()

    assert capture_lead(ANNA).owner == boss


def test_repeat_client_goes_to_their_manager(django_user_model):
    olga = django_user_model.objects.create_user("olga", "olga@example.com", "x")
    Contact.objects.create(last_name="Smirnova", email="anna@example.com", owner=olga)

    assert capture_lead(ANNA).owner == olga


def test_notification_is_sent_once_however_often_the_task_runs(
    django_capture_on_commit_callbacks, site_with_recipients
):
    from wagtail_crm.capture.notifications import notify_new_lead

    with django_capture_on_commit_callbacks(execute=True):
        lead = capture_lead(ANNA)
    # A duplicate, or a run re-queued after its worker died: nothing more.
    assert notify_new_lead.call(lead.pk) == 0
    assert notify_new_lead.call(lead_id=lead.pk) == 0

    assert len(mail.outbox) == 1
    assert Lead.objects.get(pk=lead.pk).notified_at is not None


def test_failed_notification_is_released_and_retried_later(
    settings, django_capture_on_commit_callbacks, site_with_recipients
):
    from wagtail_crm.capture.notifications import notify_new_lead

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    settings.EMAIL_BACKEND = "tests.test_capture_service.FailingEmailBackend"
    lead = capture_lead(ANNA)

    assert notify_new_lead.call(lead.pk) == 0

    lead.refresh_from_db()
    assert lead.notified_at is None  # not sent: a later run may send it
    [retry] = [
        result
        for result in notify_new_lead.get_backend().results
        if result.task.name == "notify_new_lead"
    ]
    assert retry.kwargs == {"lead_id": lead.pk, "attempt": 2}
    assert retry.task.run_after > lead.created_at

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify_new_lead.call(**retry.kwargs) == 1
    assert notify_new_lead.call(**retry.kwargs) == 0
    assert len(mail.outbox) == 1


def test_new_contact_is_written_as_its_save_would_write_it():
    lead = capture_lead(
        {
            "name": "Fyodor Фёдоров",
            "email": " Fyodor@Example.COM ",
            "phone": "89161234567",
        }
    )

    contact = Contact.objects.get()
    assert lead.contact == contact
    assert not lead.contact._state.adding
    saved = Contact(
        first_name="Fyodor", last_name="Фёдоров", email="fyodor@example.com"
    )
    saved.save()
    for field in Contact._meta.concrete_fields:
        if field.attname not in {"id", "created_at", "updated_at"}:
            assert getattr(contact, field.attname) == getattr(saved, field.attname)
    assert contact.last_name_key == saved.last_name_key != ""
    assert contact.created_at is not None
    assert contact.created_at <= contact.updated_at <= saved.created_at
    phone = contact.phones.get()
    assert (phone.e164, phone.kind, phone.organization_id) == (
        "+79161234567",
        "mobile",
        None,
    )
