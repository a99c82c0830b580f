"""wagtail_crm.dedup: match keys and the in-memory indexes."""

import pytest

from tests.factories import ContactFactory, OrganizationFactory, PhoneFactory
from wagtail_crm.dedup import (
    ContactIndex,
    OrganizationIndex,
    email_key,
    matching_contacts,
    matching_organizations,
    organization_name_key,
    person_name_key,
    tax_id_key,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ["Фёдоров", "ФЕДОРОВ", "федоров", "Fedorov", "Fyodorov", "Fjodorov"],
        ["Соловьёв", "Соловьев", "Solovyov", "Solovyev", "Solovev"],
        ["Дмитриевский", "Dmitrievsky", "Dmitrievskiy", "Dmitrievskii"],
        ["Щукин", "Shchukin", "Schukin"],
        ["Хачатурян", "Khachaturyan", "Khachaturian"],
        ["Цой", "Tsoi", "Tsoy"],
        ["Ильин", "Ilyin", "Il'in"],
        ["Юдина", "Yudina", "Iudina"],
        ["Çela", "Cela", "ÇELA"],
        ["Григорьев", "Grigoriev", "Grigoryev", "Grigorjev", "Grigorev"],
        ["Алексеев", "Alexeev", "Alekseev"],
        ["Максимов", "Maximov", "Maksimov"],
        ["Соловьёв", "Soloviev"],
        ["Юрьев", "Yuriev", "Yuryev"],
    ],
)
def test_last_name_key_ignores_case_yo_and_transliteration(spellings):
    assert len({person_name_key(name) for name in spellings}) == 1


def test_different_names_have_different_keys():
    names = ["Иванов", "Петров", "Сидоров", "Smith", "Hoxha", "Ivanova"]
    assert len({person_name_key(name) for name in names}) == len(names)
    assert person_name_key("") == person_name_key(None) == ""


@pytest.mark.parametrize(
    "names",
    [
        ["ООО «Северная звезда»", "Северная Звезда, ООО", 'ООО "Северная звезда"'],
        ["Общество с ограниченной ответственностью „Ромашка“", "ромашка"],
        ["АО «Техноснаб»", "ПАО Техноснаб", "ЗАО “Техноснаб”", "ОАО Техноснаб"],
        ["ИП Иванов", "Иванов"],
        ["Acme Ltd.", "ACME LLC", "Acme, Inc.", "acme"],
        ["Volkswagen GmbH", "Volkswagen"],
        ["Albtelecom SH.A.", "ALBTELECOM sh.a"],
        ["Tirana Bank SH.P.K.", "Tirana Bank shpk"],
        ["Sh.p.k. Alfa", "Alfa SHPK", "alfa"],
        ["Общество с ограниченной ответственностью «Вектор»", "Вектор, ООО"],
        ["ООО «Ромашка» Ltd", "Ромашка, ООО", "Ромашка"],
    ],
)
def test_organization_name_key_drops_legal_form_quotes_and_case(names):
    assert len({organization_name_key(name) for name in names}) == 1


@pytest.mark.parametrize(
    "name,other",
    [
        ("Limited Edition Ltd", "Edition GmbH"),
        ("Limited Edition", "Edition"),
        ("Северная ООО Звезда", "Северная Звезда"),
        ("Inc Acme", "Acme"),
    ],
)
def test_organization_name_key_keeps_a_legal_form_inside_the_name(name, other):
    assert organization_name_key(name) != organization_name_key(other)


def test_email_and_tax_id_keys():
    assert email_key("  Ivan@Example.COM ") == "ivan@example.com"
    assert tax_id_key(" 7701 234 567 ") == "7701234567"
    assert tax_id_key("j61922018s") == "J61922018S"


def test_contact_index_matches_email_then_phone_with_name():
    index = ContactIndex()
    index.add(
        1, email="ivanov@example.com", phones=["+79161234567"], last_name="Иванов"
    )
    index.add(2, email="", phones=["+74951234567"], last_name="Фёдоров")
    assert index.match(email=" IVANOV@example.com").reason == "email"
    found = index.match(phones=["+74951234567"], last_name="Fedorov")
    assert (found.pk, found.reason) == (2, "phone_name")
    # The same phone with another name is a colleague on the same line, not a match.
    assert index.match(phones=["+74951234567"], last_name="Петров") is None
    assert index.match(email="other@example.com") is None


def test_organization_index_matches_tax_id_then_name():
    index = OrganizationIndex()
    index.add(1, tax_id="7701234567", name="ООО «Северная звезда»")
    index.add(2, name="Acme Ltd")
    assert index.match(tax_id="7701 234 567").reason == "tax_id"
    assert index.match(name="Северная звезда, ООО").pk == 1
    assert index.match(name="ACME LLC").pk == 2
    # Same name, another tax id: another company.
    assert index.match(tax_id="7800000000", name="Северная звезда") is None


@pytest.mark.django_db
def test_indexes_from_db_use_the_stored_keys(django_assert_max_num_queries):
    person = ContactFactory(last_name="Фёдоров", email="Fedorov@Example.com")
    PhoneFactory(contact=person, e164="+79161234567")
    org = OrganizationFactory(name="ООО «Ромашка»", tax_id="7701 234567")
    with django_assert_max_num_queries(3):
        contacts = ContactIndex.from_db()
        organizations = OrganizationIndex.from_db()
    assert contacts.match(email="fedorov@example.com").pk == person.pk
    assert contacts.match(phones=["+79161234567"], last_name="Fyodorov").pk == person.pk
    assert organizations.match(tax_id="7701234567").pk == org.pk
    assert organizations.match(name="Ромашка").pk == org.pk


@pytest.mark.django_db
def test_matching_contacts_for_one_record(django_assert_max_num_queries):
    person = ContactFactory(last_name="Фёдоров", email="fedorov@example.com")
    PhoneFactory(contact=person, e164="+79161234567")
    colleague = ContactFactory(last_name="Петров", email="")
    PhoneFactory(contact=colleague, e164="+79161234567")
    with django_assert_max_num_queries(2):
        found = matching_contacts(
            email="FEDOROV@example.com ",
            phones=["+79161234567"],
            last_name="Fyodorov",
        )
    assert [(m.pk, m.reason) for m in found] == [(person.pk, "email")]
    found = matching_contacts(phones=["+79161234567"], last_name="Fedorov")
    assert [(m.pk, m.reason) for m in found] == [(person.pk, "phone_name")]
    assert matching_contacts(email="fedorov@example.com", exclude_pk=person.pk) == []
    assert matching_contacts() == []


@pytest.mark.django_db
def test_matching_organizations_for_one_record():
    org = OrganizationFactory(name="ООО «Ромашка»", tax_id="7701234567")
    assert [m.reason for m in matching_organizations(tax_id="7701 234 567")] == [
        "tax_id"
    ]
    assert [m.pk for m in matching_organizations(name="Ромашка, ООО")] == [org.pk]
    assert matching_organizations(name="Ромашка", tax_id="7800000000") == []
    assert matching_organizations(name="Ромашка", exclude_pk=org.pk) == []


@pytest.mark.parametrize(
    "typed",
    [
        "ИНН 7707083893",
        "7707083893.0",
        "7707-083-893",
        "7707083893/770701001",
        "7707083893",
    ],
)
def test_clean_tax_id(typed):
    from wagtail_crm.dedup import clean_tax_id

    assert clean_tax_id(typed) == "7707083893"
