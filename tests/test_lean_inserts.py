"""The lean one-row INSERT of captures: the row ``save()`` would write."""

import pytest
from django.db.models.signals import post_save, pre_save
from django_tasks_db.models import DBTaskResult, get_date_max

from wagtail_crm.importing.inserts import create_instance, insert_instance
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
