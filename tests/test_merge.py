"""Merging two cards: nothing is lost, nothing points at the removed card."""

import pytest
from wagtail.models import ModelLogEntry

from tests.factories import (
    ActivityFactory,
    ContactFactory,
    DealFactory,
    LeadFactory,
    OrganizationFactory,
    PhoneFactory,
    TaskFactory,
)
from wagtail_crm.merge import MergeError, merge_contacts, merge_organizations
from wagtail_crm.models import Contact, NotDuplicate, Organization


def _related_models(model):
    return {
        rel.related_model: rel.field.name
        for rel in model._meta.related_objects
        if rel.one_to_many
    }


def _counts(model):
    counts = {
        related: related._base_manager.count() for related in _related_models(model)
    }
    return counts


def _pointing_at(model, pk):
    return {
        related._meta.label: related._base_manager.filter(**{name: pk}).count()
        for related, name in _related_models(model).items()
    }


def _card(kind, owner_kwargs, tag, **links):
    record = (ContactFactory if kind == "contact" else OrganizationFactory)(
        **owner_kwargs
    )
    PhoneFactory(**{kind: record})
    PhoneFactory(**{kind: record})
    ActivityFactory(**{kind: record})
    ActivityFactory(**{kind: record})
    TaskFactory(**{kind: record})
    LeadFactory(**{kind: record})
    DealFactory(**{kind: record})
    record.tags.add(tag)
    record.save()
    return record


@pytest.mark.django_db
def test_merge_contacts_keeps_every_related_row(superuser):
    survivor = _card("contact", {"last_name": "Иванов", "email": ""}, "vip")
    other = _card(
        "contact", {"last_name": "Ivanov", "email": "p.ivanov@example.com"}, "wholesale"
    )
    before = _counts(Contact)
    expected_on_survivor = {
        label: count + _pointing_at(Contact, other.pk)[label]
        for label, count in _pointing_at(Contact, survivor.pk).items()
    }

    result = merge_contacts(survivor, other, user=superuser)

    assert _counts(Contact) == before
    assert set(_pointing_at(Contact, other.pk).values()) == {0}
    assert _pointing_at(Contact, survivor.pk) == expected_on_survivor
    assert not Contact.objects.filter(pk=other.pk).exists()
    survivor.refresh_from_db()
    assert survivor.email == "p.ivanov@example.com"  # empty field filled
    assert survivor.last_name == "Иванов"  # survivor's value kept
    assert set(survivor.tags.names()) == {"vip", "wholesale"}
    assert survivor.activities.count() == 4
    assert result.moved["activities"] == 2


@pytest.mark.django_db
def test_merge_organizations_keeps_all_contact_persons(superuser):
    survivor = _card("organization", {"name": "ООО «Ромашка»"}, "a")
    other = _card("organization", {"name": "Ромашка ООО", "tax_id": "7701"}, "b")
    people = [ContactFactory(organization=o) for o in (survivor, other, other)]
    before = _counts(Organization)

    merge_organizations(survivor, other, fields_from_other=["tax_id"])

    assert _counts(Organization) == before
    assert set(_pointing_at(Organization, other.pk).values()) == {0}
    survivor.refresh_from_db()
    assert survivor.tax_id == "7701"
    assert set(survivor.contacts.values_list("pk", flat=True)) == {p.pk for p in people}
    assert Contact.objects.count() == 3


@pytest.mark.django_db
def test_field_by_field_choice():
    survivor = ContactFactory(first_name="Петр", job_title="Директор")
    other = ContactFactory(first_name="Пётр", job_title="")
    merge_contacts(survivor, other, fields_from_other=["first_name", "job_title"])
    survivor.refresh_from_db()
    assert (survivor.first_name, survivor.job_title) == ("Пётр", "")


@pytest.mark.django_db
def test_the_same_phone_and_tag_stay_once():
    survivor, other = ContactFactory(), ContactFactory()
    for contact in (survivor, other):
        PhoneFactory(contact=contact, e164="+79161234567")
        contact.tags.add("vip")
        contact.save()
    PhoneFactory(contact=other, e164="+79035551234", extension="12")
    merge_contacts(survivor, other)
    assert sorted(survivor.phones.values_list("e164", "extension")) == [
        ("+79035551234", "12"),
        ("+79161234567", ""),
    ]
    assert list(survivor.tags.names()) == ["vip"]


@pytest.mark.django_db
def test_merge_is_recorded_in_the_history(superuser):
    survivor = ContactFactory(last_name="Иванов")
    other = ContactFactory(last_name="Ivanov")
    ActivityFactory(contact=other)
    merge_contacts(survivor, other, user=superuser)
    entry = ModelLogEntry.objects.for_instance(survivor).get(action="wagtail_crm.merge")
    assert entry.user == superuser
    assert entry.data["merged"] == {"id": other.pk, "title": str(other)}
    message = entry.formatter.format_message(entry)
    assert str(other) in message
    assert "activities: 1" in message


@pytest.mark.django_db
def test_the_values_not_kept_stay_readable_in_the_history(superuser):
    survivor = ContactFactory(last_name="Иванов", email="ivanov@a.ru", notes="A")
    other = ContactFactory(last_name="Ivanov", email="ivan@home.ru", notes="B")

    merge_contacts(survivor, other, fields_from_other=[], user=superuser)

    entry = ModelLogEntry.objects.for_instance(survivor).get(action="wagtail_crm.merge")
    assert entry.data["values"]["email"] == "ivan@home.ru"
    assert entry.data["values"]["notes"] == "B"
    survivor.refresh_from_db()
    assert (survivor.email, survivor.notes) == ("ivanov@a.ru", "A")


@pytest.mark.django_db
def test_removed_cards_history_and_dismissed_pairs_follow(superuser):
    from wagtail.log_actions import log

    survivor, other, third = ContactFactory(), ContactFactory(), ContactFactory()
    log(other, "wagtail.create", user=superuser)
    NotDuplicate.mark("contact", other.pk, third.pk)
    merge_contacts(survivor, other)
    assert (
        ModelLogEntry.objects.for_instance(survivor)
        .filter(action="wagtail.create")
        .exists()
    )
    assert not NotDuplicate.objects.exists()


@pytest.mark.django_db
def test_merge_refuses_nonsense():
    contact = ContactFactory()
    with pytest.raises(MergeError):
        merge_contacts(contact, contact)
    with pytest.raises(MergeError):
        merge_contacts(contact, OrganizationFactory())
    with pytest.raises(MergeError):
        merge_contacts(contact, ContactFactory(), fields_from_other=["pk"])
    assert Contact.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_merge_changes_nothing(monkeypatch):
    survivor, other = ContactFactory(), ContactFactory()
    ActivityFactory(contact=other)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("wagtail_crm.merge._log_merge", fail)
    with pytest.raises(RuntimeError):
        merge_contacts(survivor, other)
    assert Contact.objects.filter(pk=other.pk).exists()
    assert other.activities.count() == 1
