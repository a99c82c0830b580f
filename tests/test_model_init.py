"""``LeanClusterableModel``: the constructor of contacts, organizations and
leads looks up their child relations once per class, and still takes child
objects as ``ClusterableModel`` does."""

import pytest

from wagtail_crm.models import Contact, Lead, Organization, Phone
from wagtail_crm.models.base import _child_relation_names

pytestmark = pytest.mark.django_db


def test_child_relations_are_known_per_class():
    assert "phones" in _child_relation_names(Contact)
    assert "tagged_items" in _child_relation_names(Lead)


def test_plain_fields_build_a_plain_instance():
    contact = Contact(first_name="Anna", last_name="Smirnova")

    assert contact.first_name == "Anna"
    assert contact.pk is None
    assert list(contact.phones.all()) == []


def test_child_objects_in_the_constructor_are_kept_and_saved():
    contact = Contact(last_name="Smirnova", phones=[Phone(e164="+79161234567")])

    assert [phone.e164 for phone in contact.phones.all()] == ["+79161234567"]
    contact.save()
    assert list(
        Phone.objects.filter(contact=contact).values_list("e164", flat=True)
    ) == ["+79161234567"]


def test_rows_read_from_the_database_build_as_before():
    Organization.objects.create(name="Acme")
    Lead.objects.create(name="Anna", company="Acme")

    assert Organization.objects.get().name == "Acme"
    assert Lead.objects.get().company == "Acme"
