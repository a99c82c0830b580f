"""The lean one-row INSERT of captures: the row ``save()`` would write."""

import pytest
from django.db.models.signals import post_save, pre_save
from django_tasks_db.models import DBTaskResult, get_date_max

from wagtail_crm import indexing
from wagtail_crm.lean_insert import create_instance, insert_instance, insert_linked
from wagtail_crm.models import Contact, Lead, Phone

pytestmark = pytest.mark.django_db


def test_insert_instance_writes_every_field_as_save_would():
    contact = Contact(first_name="Анна", last_name="O'Brien", email="anna@x.ru")
    contact.set_keys()
    assert insert_instance(contact) is True
    assert contact.pk and not contact._state.adding
    saved = Contact.objects.get(pk=contact.pk)
    assert (saved.first_name, saved.last_name, saved.email) == (
        "Анна",
        "O'Brien",
        "anna@x.ru",
    )
    assert saved.last_name_key == contact.last_name_key
    assert saved.created_at is not None and saved.updated_at is not None

    phone = Phone(contact=contact, e164="+74951234567", kind=Phone.Kind.MOBILE)
    insert_instance(phone)
    assert list(contact.phones.values_list("e164", "extension", "kind")) == [
        ("+74951234567", "", "mobile")
    ]


def test_insert_instance_keeps_a_given_primary_key():
    """A model whose pk is not auto-incremented (django-tasks' UUID) gets
    the pk it was given."""
    result = DBTaskResult(
        id="0123456789abcdef0123456789abcdef",
        args_kwargs={"args": [], "kwargs": {"x": [1, "a"]}},
        priority=0,
        task_path="tests.task",
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
    )
    insert_instance(result)
    saved = DBTaskResult.objects.get(pk=result.pk)
    assert saved.args_kwargs == {"args": [], "kwargs": {"x": [1, "a"]}}


def test_create_instance_sends_save_signals_and_converts_values():
    seen = []

    def on_pre(sender, instance, raw, update_fields, **kwargs):
        seen.append(("pre", instance.pk, raw, update_fields))

    def on_post(sender, instance, created, raw, update_fields, **kwargs):
        seen.append(("post", instance.pk, created, raw, update_fields))

    pre_save.connect(on_pre, sender=Lead)
    post_save.connect(on_post, sender=Lead)
    try:
        lead = Lead(
            name="Иван",
            email="ivan@x.ru",
            data={"Сообщение": "Перезвоните", "n": 2},
            attribution={"first_touch": {"utm_source": "ya"}},
            consent=True,
        )
        create_instance(lead)
    finally:
        pre_save.disconnect(on_pre, sender=Lead)
        post_save.disconnect(on_post, sender=Lead)
    assert seen == [("pre", None, False, None), ("post", lead.pk, True, False, None)]
    saved = Lead.objects.get(pk=lead.pk)
    assert saved.data == {"Сообщение": "Перезвоните", "n": 2}
    assert saved.attribution == {"first_touch": {"utm_source": "ya"}}
    assert saved.consent is True
    assert saved.status == Lead.Status.NEW
    assert list(saved.tags.all()) == []


def test_insert_linked_writes_a_card_and_the_rows_pointing_to_it(
    django_assert_num_queries,
):
    """A new contact, its phone and a lead: one statement on PostgreSQL."""
    from django.db import connection

    contact = Contact(first_name="Pyotr", last_name="Sidorov", email="p@x.ru")
    contact.set_keys()
    phone = Phone(contact=contact, e164="+79161234567", kind="mobile")
    lead = Lead(name="Pyotr Sidorov", email="p@x.ru", contact=contact)
    posted = []

    def on_post(sender, instance, created, **kwargs):
        posted.append((instance.pk, instance.contact_id, created))

    post_save.connect(on_post, sender=Lead)
    try:
        expected = 1 if connection.vendor == "postgresql" else 3
        # Index updates deferred, as in a capture: only the INSERTs count.
        with indexing.deferred(), django_assert_num_queries(expected):
            insert_linked(
                contact,
                [(phone, "contact_id"), (lead, "contact_id")],
                signals=[lead],
            )
    finally:
        post_save.disconnect(on_post, sender=Lead)
    assert contact.pk and phone.pk and lead.pk
    assert posted == [(lead.pk, contact.pk, True)]
    assert Phone.objects.get(pk=phone.pk).contact_id == contact.pk
    saved = Lead.objects.get(pk=lead.pk)
    assert saved.contact_id == contact.pk and saved.name == "Pyotr Sidorov"
    assert not contact._state.adding and lead._state.db == "default"


def test_insert_linked_writes_rows_of_an_existing_card():
    contact = Contact.objects.create(first_name="Olga", email="o@x.ru")
    phone = Phone(contact=contact, e164="+74957654321")
    lead = Lead(name="Olga", contact=contact, data={"Комментарий": "нужен счёт"})
    insert_linked(None, [(phone, None), (lead, None)], signals=[lead])
    assert list(contact.phones.values_list("e164", flat=True)) == ["+74957654321"]
    assert Lead.objects.get(pk=lead.pk).data == {"Комментарий": "нужен счёт"}


def test_insert_linked_runs_also_in_its_one_statement(django_assert_num_queries):
    """A scalar subquery rides along (its value returned): in the one
    statement on PostgreSQL, with the last INSERT elsewhere."""
    from django.db import connection

    Contact.objects.create(last_name="Existing")
    contact = Contact(last_name="Smirnova")
    contact.set_keys()
    lead = Lead(name="Anna Smirnova")
    also = ("SELECT count(*) FROM wagtail_crm_contact", [])

    queries = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(queries):
        result = insert_linked(contact, [(lead, "contact_id")], also=also)

    if connection.vendor == "postgresql":
        assert result == 1  # the statement's snapshot: before its own INSERT
        assert create_instance(Lead(name="Solo"), also=also) == 2
    else:  # run by the lead's INSERT, after the contact's
        assert result == 2
        assert create_instance(Lead(name="Solo"), also=also) == 2
    assert Lead.objects.get(name="Anna Smirnova").contact_id == contact.pk
    assert Lead.objects.filter(name="Solo").exists()
