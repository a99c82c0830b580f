"""Exports of other systems in the shape they really have (their full header
sets, encodings, multi-value cells, title and totals rows), imported as a user
would: the proposed mapping, the cards, the phones, the duplicates found in
the file, the rows rejected and nothing lost."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from tests.import_files import (
    assert_reimport_creates_nothing,
    mapped,
    phones,
    run,
    statuses,
    write_csv,
    write_xlsx,
)
from wagtail_crm.importing.pipeline import ImportOptions, prepare
from wagtail_crm.models import Contact, Organization

pytestmark = pytest.mark.django_db


def test_several_sites_in_one_cell(tmp_path):
    """Bitrix24 and amoCRM join a field's values with ", ": the first site is
    the organization's, the others go to its notes; the row is not rejected."""
    path = write_csv(
        tmp_path / "COMPANY.csv",
        [
            ["Название компании", "Корпоративный сайт"],
            ["ООО «Ромашка»", "romashka.ru, shop.romashka.ru"],
            ["АО «Вектор»", "http://vector.ru/; vector.com"],
            ["ООО «Гамма»", "gamma.ru, нет сайта"],
        ],
        encoding="cp1251",
        delimiter=";",
    )
    result = run(path)
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (4, "Корпоративный сайт", "gamma.ru, нет сайта")
    ]
    romashka = Organization.objects.get(name="ООО «Ромашка»")
    assert romashka.website == "https://romashka.ru"
    assert "shop.romashka.ru" in romashka.notes
    vector = Organization.objects.get(name="АО «Вектор»")
    assert (vector.website, vector.notes) == (
        "http://vector.ru/",
        "Website: vector.com",
    )
    assert_reimport_creates_nothing(path)


# Bitrix24 (Russian edition) ----------------------------------------------------

BITRIX_COMPANY_HEADER = [
    "ID",
    "Название компании",
    "Тип компании",
    "Сфера деятельности",
    "Кол-во сотрудников",
    "Годовой оборот",
    "Валюта",
    "Рабочий телефон",
    "Мобильный телефон",
    "Номер факса",
    "Телефон для рассылок",
    "Другой телефон",
    "Корпоративный сайт",
    "Рабочий e-mail",
    "Частный e-mail",
    "E-mail для рассылок",
    "Другой e-mail",
    "Фактический адрес",
    "Комментарий",
    "Ответственный",
    "Дата создания",
    "Доступна для всех",
]


def _bitrix_company(**values):
    return [values.get(header, "") for header in BITRIX_COMPANY_HEADER]


def test_bitrix24_companies_csv(tmp_path):
    """CRM → Компании → Экспорт в CSV: Windows-1251, semicolons; a field with
    several values (phones, e-mails, sites) is one cell joined with ", "."""
    rows = [
        BITRIX_COMPANY_HEADER,
        _bitrix_company(
            ID="12",
            **{
                "Название компании": "ООО «Ромашка»",
                "Тип компании": "Клиент",
                "Кол-во сотрудников": "50-250",
                "Годовой оборот": "12000000",
                "Валюта": "Российский рубль",
                "Рабочий телефон": "+7 (495) 111-22-33, +7 (495) 111-22-34",
                "Мобильный телефон": "8 916 555-44-33",
                "Номер факса": "+7 (495) 111-22-35",
                "Корпоративный сайт": "romashka.ru, shop.romashka.ru",
                "Рабочий e-mail": "info@romashka.ru, sales@romashka.ru",
                "Другой e-mail": "buh@romashka.ru",
                "Фактический адрес": "Москва, ул. Цветочная, 5",
                "Комментарий": "Крупный клиент",
                "Ответственный": "Анна Смирнова",
                "Дата создания": "12.03.2024 10:15:00",
                "Доступна для всех": "Да",
            },
        ),
        _bitrix_company(
            ID="13",
            **{
                "Название компании": "ИП Сидоров А.А.",
                "Тип компании": "Поставщик",
                "Рабочий телефон": "8(843)2000000",
                "Другой телефон": "не звонить",
                "Дата создания": "13.03.2024 11:00:00",
            },
        ),
        _bitrix_company(
            ID="14",
            **{
                "Название компании": "Ромашка ООО",
                "Рабочий телефон": "+74951112233",
                "Дата создания": "14.03.2024",
            },
        ),
    ]
    path = write_csv(tmp_path / "COMPANY.csv", rows, encoding="cp1251", delimiter=";")
    assert mapped(path) == {
        "Название компании": "organization",
        "Рабочий телефон": "work_phone",
        "Мобильный телефон": "mobile_phone",
        "Номер факса": "fax",
        "Телефон для рассылок": "phone",
        "Другой телефон": "phone",
        "Корпоративный сайт": "website",
        "Рабочий e-mail": "email",
        "Частный e-mail": "email",
        "E-mail для рассылок": "email",
        "Другой e-mail": "email",
        "Фактический адрес": "address",
        "Комментарий": "notes",
    }
    result = run(path)
    assert statuses(result) == {2: "created", 3: "error", 4: "duplicate"}
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (3, "Другой телефон", "не звонить")
    ]
    assert not Contact.objects.exists()
    romashka = Organization.objects.get()
    assert (romashka.name, romashka.email, romashka.website, romashka.address) == (
        "ООО «Ромашка»",
        "info@romashka.ru",
        "https://romashka.ru",
        "Москва, ул. Цветочная, 5",
    )
    # Nothing of the cell is lost: the other addresses are in the notes.
    for text in ("Крупный клиент", "sales@romashka.ru", "buh@romashka.ru"):
        assert text in romashka.notes
    assert "shop.romashka.ru" in romashka.notes
    assert phones(romashka) == [
        ("+74951112233", "", "work"),
        ("+74951112234", "", "work"),
        ("+74951112235", "", "fax"),
        ("+79165554433", "", "mobile"),
    ]
    assert_reimport_creates_nothing(path)


# amoCRM ------------------------------------------------------------------------


def test_amocrm_contacts_xlsx(tmp_path):
    """Контакты → Экспорт → Excel: "Полное имя контакта" beside "Имя" and
    "Фамилия", several phones and e-mails of one kind in one cell."""
    header = [
        "ID",
        "Полное имя контакта",
        "Имя",
        "Фамилия",
        "Компания контакта",
        "Ответственный",
        "Дата создания",
        "Кем создан",
        "Теги",
        "Рабочий телефон",
        "Мобильный телефон",
        "Рабочий прямой телефон",
        "Другой телефон",
        "Рабочий email",
        "Личный email",
        "Другой email",
        "Должность",
        "Примечание 1",
        "Примечание 2",
        "Сделки",
    ]
    rows = [
        header,
        [101, "Иванов Иван", "Иван", "Иванов", "ООО «Ромашка»", "Анна"]
        + ["12.03.2024 10:15:00", "Анна", "vip, опт", "+7 (495) 111-22-33 доб. 12"]
        + ["+79161112233, +79161112234", "", "", "ivanov@romashka.ru, i@romashka.ru"]
        + ["ivan@mail.ru", "", "Директор", "Первый звонок", "", "Сделка #1"],
        [102, "Петрова Анна", "Анна", "Петрова", "ООО «Ромашка»", "Анна"]
        + ["12.03.2024", "Анна", "", "", 89162223344, "", "", "", "anna@mail.ru"]
        + ["", "", "", "", ""],
        [103, "Иванов Иван", "Иван", "Иванов", "Ромашка", "Анна", "13.03.2024"]
        + ["Анна", "", "", "+7 916 111-22-33", "", "", "", "", "", "", "", "", ""],
        [104, "Клиент с сайта", "", "", "", "Анна", "14.03.2024", "Робот", ""]
        + ["", "+7 (999) 000-00-00", "", "", "не указан", "", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "amocrm_export_contacts.xlsx", rows)
    assert mapped(path) == {
        "Полное имя контакта": "full_name",
        "Имя": "first_name",
        "Фамилия": "last_name",
        "Компания контакта": "organization",
        "Рабочий телефон": "work_phone",
        "Мобильный телефон": "mobile_phone",
        "Рабочий прямой телефон": "work_phone",
        "Другой телефон": "phone",
        "Рабочий email": "email",
        "Личный email": "email",
        "Другой email": "email",
        "Должность": "job_title",
        "Примечание 1": "notes",
        "Примечание 2": "notes",
    }
    result = run(path)
    assert statuses(result) == {2: "created", 3: "created", 4: "duplicate", 5: "error"}
    assert result.entries[2]["of_row"] == 2
    # The report names the row, the column and the cell as it is.
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (5, "Рабочий email", "не указан")
    ]
    ivanov = Contact.objects.get(last_name="Иванов")
    assert (ivanov.first_name, ivanov.email, ivanov.job_title) == (
        "Иван",
        "ivanov@romashka.ru",
        "Директор",
    )
    assert "i@romashka.ru" in ivanov.notes and "ivan@mail.ru" in ivanov.notes
    assert "Первый звонок" in ivanov.notes
    assert phones(ivanov) == [
        ("+74951112233", "12", "work"),
        ("+79161112233", "", "mobile"),
        ("+79161112234", "", "mobile"),
    ]
    petrova = Contact.objects.get(last_name="Петрова")
    assert phones(petrova) == [("+79162223344", "", "mobile")]
    assert petrova.organization == ivanov.organization
    assert Organization.objects.get().name == "ООО «Ромашка»"
    assert_reimport_creates_nothing(path)


def test_amocrm_companies_xlsx(tmp_path):
    """Компании → Экспорт: the company's phones, e-mail and site; "Контакты"
    lists the people's names and is not a person."""
    rows = [
        ["ID", "Название компании", "Ответственный", "Дата создания", "Теги"]
        + ["Рабочий телефон", "Факс", "Рабочий email", "Web", "Адрес", "Контакты"]
        + ["Примечание 1"],
        [201, "ООО «Ромашка»", "Анна", "12.03.2024", "опт"]
        + ["+7 (495) 111-22-33, +7 (495) 111-22-34", "+7 495 111-22-35"]
        + ["info@romashka.ru", "romashka.ru", "Москва", "Иванов Иван, Петрова Анна"]
        + ["Договор до 2025"],
        [202, "АО «Вектор»", "Анна", "12.03.2024", "", "8 (812) 300-40-50", ""]
        + ["office@vector.spb.ru", "https://vector.spb.ru", "Санкт-Петербург", ""]
        + [""],
    ]
    path = write_xlsx(tmp_path / "amocrm_export_companies.xlsx", rows)
    assert mapped(path) == {
        "Название компании": "organization",
        "Рабочий телефон": "work_phone",
        "Факс": "fax",
        "Рабочий email": "email",
        "Web": "website",
        "Адрес": "address",
        "Примечание 1": "notes",
    }
    result = run(path)
    assert result.errors == [] and result.created["organizations"] == 2
    assert not Contact.objects.exists()
    romashka = Organization.objects.get(name="ООО «Ромашка»")
    assert (romashka.email, romashka.website, romashka.notes) == (
        "info@romashka.ru",
        "https://romashka.ru",
        "Договор до 2025",
    )
    assert phones(romashka) == [
        ("+74951112233", "", "work"),
        ("+74951112234", "", "work"),
        ("+74951112235", "", "fax"),
    ]
    vector = Organization.objects.get(name="АО «Вектор»")
    assert phones(vector) == [("+78123004050", "", "work")]
    assert_reimport_creates_nothing(path)


# HubSpot -----------------------------------------------------------------------


def test_hubspot_contacts_csv_with_all_properties(tmp_path):
    """Contacts → Export (all properties), CSV in UTF-8: American numbers
    written every which way, extra e-mails joined with ";", the same person
    twice with the address in capitals, a row with a broken address."""
    header = [
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Mobile Phone Number",
        "Contact owner",
        "Lead Status",
        "Marketing contact status",
        "Create Date",
        "Last Activity Date",
        "Associated Company",
        "Job Title",
        "Street Address",
        "City",
        "State/Region",
        "Postal Code",
        "Country/Region",
        "Website URL",
        "Lifecycle Stage",
        "Additional email addresses",
        "Associated Company IDs",
    ]
    rows = [
        header,
        ["1001", "Maria", "Johnson", "maria@acme.com", "(617) 555-0100"]
        + ["+1 617 555 0199", "Sam Lee", "Open", "Marketing contact"]
        + ["2024-01-15 10:22", "", "Acme Inc.", "CFO", "1 Main St", "Boston", "MA"]
        + ["02110", "United States", "acme.com", "customer"]
        + ["m.johnson@gmail.com;maria.j@acme.com", "5001"],
        ["1002", "Tom", "", "tom@globex.com", "617.555.0111 x204", "", "Sam Lee"]
        + ["", "", "2024-01-16 09:00", "", "Globex Corporation", "", "", "", ""]
        + ["", "", "", "lead", "", "5002"],
        ["1003", "Maria", "Johnson", "MARIA@ACME.COM", "", "", "", "", ""]
        + ["2024-01-17 09:00", "", "Acme, Inc.", "", "", "", "", "", "", "", ""]
        + ["", ""],
        ["1004", "", "", "bad-email@", "", "", "", "", "", "2024-01-17 09:00"]
        + [""] * 12,
    ]
    path = write_csv(
        tmp_path / "hubspot-crm-exports-all-contacts-2024-01-20.csv",
        rows,
        encoding="utf-8-sig",
    )
    assert mapped(path, region="US") == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": "mobile_phone",
        "Associated Company": "organization",
        "Job Title": "job_title",
        "Street Address": "address",
        "Website URL": "website",
        "Additional email addresses": "email",
    }
    result = run(path, region="US")
    assert statuses(result) == {2: "created", 3: "created", 4: "duplicate", 5: "error"}
    assert result.entries[2]["of_row"] == 2
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (5, "Email", "bad-email@")
    ]
    maria = Contact.objects.get(last_name="Johnson")
    assert (maria.first_name, maria.email, maria.job_title) == (
        "Maria",
        "maria@acme.com",
        "CFO",
    )
    assert "m.johnson@gmail.com" in maria.notes and "maria.j@acme.com" in maria.notes
    assert phones(maria) == [
        ("+16175550100", "", "other"),
        ("+16175550199", "", "mobile"),
    ]
    acme = maria.organization
    assert (acme.name, acme.website, acme.address) == (
        "Acme Inc.",
        "https://acme.com",
        "1 Main St",
    )
    tom = Contact.objects.get(first_name="Tom")
    assert phones(tom) == [("+16175550111", "204", "other")]
    assert tom.organization.name == "Globex Corporation"
    assert_reimport_creates_nothing(path, region="US")


# Google Contacts ---------------------------------------------------------------

GOOGLE_HEADER = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "Phone 1 - Label",
    "Phone 1 - Value",
    "Phone 2 - Label",
    "Phone 2 - Value",
    "Address 1 - Label",
    "Address 1 - Formatted",
    "Address 1 - Street",
    "Address 1 - City",
    "Address 1 - Postal Code",
    "Address 1 - Country",
    "Website 1 - Label",
    "Website 1 - Value",
]


def _google(**values):
    return [values.get(header, "") for header in GOOGLE_HEADER]


def test_google_csv_with_addresses_and_multi_value_cells(tmp_path):
    """Google CSV of today: e-mails and phones of one label joined with
    " ::: ", the labels joined the same way, a formatted address over several
    lines, and the same person again under a Latin name."""
    rows = [
        GOOGLE_HEADER,
        _google(
            **{
                "First Name": "Иван",
                "Last Name": "Петров",
                "Organization Name": "ООО «Вектор»",
                "Organization Title": "Инженер",
                "Birthday": "1980-05-01",
                "Notes": "Коллега\nпо работе",
                "Labels": "* myContacts ::: Работа",
                "E-mail 1 - Label": "* Work ::: Home",
                "E-mail 1 - Value": "ivan@vector.ru ::: ivan.petrov@gmail.com",
                "Phone 1 - Label": "Mobile ::: Work",
                "Phone 1 - Value": "+7 916 123-45-67 ::: 8 (495) 765-43-21",
                "Phone 2 - Label": "Home",
                "Phone 2 - Value": "8 495 111 22 33",
                "Address 1 - Label": "Work",
                "Address 1 - Formatted": "ул. Ленина, 1\nМосква\n101000",
                "Address 1 - Street": "ул. Ленина, 1",
                "Address 1 - City": "Москва",
                "Address 1 - Postal Code": "101000",
                "Website 1 - Label": "Profile",
                "Website 1 - Value": "vector.ru",
            }
        ),
        _google(
            **{
                "First Name": "Ivan",
                "Last Name": "Petrov",
                "Labels": "* myContacts",
                "E-mail 1 - Label": "* Other",
                "E-mail 1 - Value": "IVAN@vector.ru",
            }
        ),
        _google(
            **{
                "First Name": "Анна",
                "Organization Name": "ООО Вектор",
                "Phone 1 - Label": "Мобильный",
                "Phone 1 - Value": "+7 903 123-45-67",
            }
        ),
    ]
    path = write_csv(tmp_path / "contacts.csv", rows)
    assert mapped(path) == {
        "First Name": "first_name",
        "Middle Name": "middle_name",
        "Last Name": "last_name",
        "Organization Name": "organization",
        "Organization Title": "job_title",
        "Notes": "notes",
        "E-mail 1 - Value": "email",
        "Phone 1 - Value": "phone",
        "Phone 2 - Value": "phone",
        "Address 1 - Formatted": "address",
        "Website 1 - Value": "website",
    }
    result = run(path)
    assert result.errors == []
    assert statuses(result) == {2: "created", 3: "duplicate", 4: "created"}
    ivan = Contact.objects.get(last_name="Петров")
    assert (ivan.first_name, ivan.email, ivan.job_title) == (
        "Иван",
        "ivan@vector.ru",
        "Инженер",
    )
    assert ivan.notes.startswith("Коллега\nпо работе")
    assert "ivan.petrov@gmail.com" in ivan.notes
    assert phones(ivan) == [
        ("+74951112233", "", "home"),
        ("+74957654321", "", "work"),
        ("+79161234567", "", "mobile"),
    ]
    vector = Organization.objects.get()
    assert (vector.website, vector.address) == (
        "https://vector.ru",
        "ул. Ленина, 1\nМосква\n101000",
    )
    anna = Contact.objects.get(first_name="Анна")
    assert anna.organization == vector
    assert phones(anna) == [("+79031234567", "", "mobile")]
    assert_reimport_creates_nothing(path)


# Outlook -----------------------------------------------------------------------

# The header line exactly as Outlook writes it.
OUTLOOK_LINE = (
    "First Name,Middle Name,Last Name,Title,Suffix,Initials,Web Page,Gender,"
    "Birthday,Anniversary,Location,Language,Internet Free Busy,Notes,"
    "E-mail Address,E-mail 2 Address,E-mail 3 Address,Primary Phone,Home Phone,"
    "Home Phone 2,Mobile Phone,Pager,Home Fax,Home Address,Home Street,"
    "Home City,Home State,Home Postal Code,Home Country,Spouse,Children,"
    "Manager's Name,Assistant's Name,Referred By,Company Main Phone,"
    "Business Phone,Business Phone 2,Business Fax,Assistant's Phone,Company,"
    "Job Title,Department,Office Location,Organizational ID Number,Profession,"
    "Account,Business Address,Business Street,Business City,Business State,"
    "Business Postal Code,Business Country,Other Phone,Other Fax,Other Address,"
    "Callback,Car Phone,ISDN,Radio Phone,TTY/TDD Phone,Telex,User 1,User 2,"
    "Keywords,Mileage,Hobby,Billing Information,Directory Server,Sensitivity,"
    "Priority,Private,Categories"
)
OUTLOOK_HEADER = OUTLOOK_LINE.split(",")
OUTLOOK_EMPTY = {
    "Gender": "Unspecified",
    "Birthday": "0/0/00",
    "Anniversary": "0/0/00",
    "Sensitivity": "Normal",
    "Priority": "Normal",
    "Private": "False",
}


def _outlook(**values):
    values = {**OUTLOOK_EMPTY, **values}
    return [values.get(header, "") for header in OUTLOOK_HEADER]


def test_outlook_csv_with_every_column(tmp_path):
    """Outlook's full CSV (Windows-1252): a manager's and an assistant's name
    are not the contact, notes over two lines, the company's main phone."""
    rows = [
        OUTLOOK_HEADER,
        _outlook(
            **{
                "First Name": "John",
                "Last Name": "Smith",
                "Notes": "Met at the fair\r\nCall in May",
                "E-mail Address": "john.smith@contoso.com",
                "E-mail 2 Address": "jsmith@outlook.com",
                "Mobile Phone": "+44 7911 123456",
                "Manager's Name": "Jane Doe",
                "Assistant's Name": "Bob Brown",
                "Company Main Phone": "+44 20 7946 0000",
                "Business Phone": "+44 (20) 7946-0018",
                "Company": "Contoso Ltd",
                "Job Title": "Sales Manager",
                "Account": "ACC-001",
                "Business Address": "1 Main St\r\nLondon",
                "Business City": "London",
                "Categories": "Clients",
            }
        ),
        _outlook(
            **{
                "First Name": "Jane",
                "Last Name": "Doe",
                "Company": "Contoso Ltd.",
                "Business Phone": "020 7946 0019",
                "E-mail Address": "jane@contoso.com",
            }
        ),
        _outlook(**{"First Name": "Zoë", "Last Name": "Müller", "Home Phone": "12"}),
    ]
    path = write_csv(tmp_path / "contacts.csv", rows, encoding="cp1252")
    fields = mapped(path, region="GB")
    assert fields["Company"] == "organization"
    assert fields["Company Main Phone"] == "org_phone"
    assert fields["Business Address"] == "address"
    for header in ("Title", "Manager's Name", "Assistant's Name", "Account"):
        assert header not in fields
    result = run(path, region="GB")
    assert statuses(result) == {2: "created", 3: "created", 4: "error"}
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (4, "Home Phone", "12")
    ]
    john = Contact.objects.get(last_name="Smith")
    assert (john.first_name, john.email, john.job_title) == (
        "John",
        "john.smith@contoso.com",
        "Sales Manager",
    )
    assert "Call in May" in john.notes and "jsmith@outlook.com" in john.notes
    assert phones(john) == [
        ("+442079460018", "", "work"),
        ("+447911123456", "", "mobile"),
    ]
    contoso = john.organization
    assert contoso.name == "Contoso Ltd" and contoso.address == "1 Main St\r\nLondon"
    assert phones(contoso) == [("+442079460000", "", "work")]
    assert Contact.objects.get(last_name="Doe").organization == contoso
    assert not Contact.objects.filter(last_name="Müller").exists()
    assert_reimport_creates_nothing(path, region="GB")


# The classic Outlook export of an Exchange mailbox: each address beside its
# type and display name; a colleague's address is Exchange's internal one.
OUTLOOK_EXCHANGE_HEADER = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
    "Department", "Job Title", "Business Street", "Business City",
    "Business Phone", "Mobile Phone", "E-mail Address", "E-mail Type",
    "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
    "E-mail 2 Display Name", "Notes",
]  # fmt: skip
EXCHANGE_ADDRESS = (
    "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
    "/cn=Recipients/cn=4f0c2a1b7d-ivan.petrov"
)


def test_outlook_exchange_address_keeps_the_contact(tmp_path):
    """An Exchange internal address is no e-mail, but the row is a person
    with a phone and a real address in another column: kept, and flagged."""
    rows = [
        OUTLOOK_EXCHANGE_HEADER,
        dict.fromkeys(OUTLOOK_EXCHANGE_HEADER, ""),
        dict.fromkeys(OUTLOOK_EXCHANGE_HEADER, ""),
    ]
    rows[1].update({
        "First Name": "Ivan", "Last Name": "Petrov", "Company": "Vector LLC",
        "Business Phone": "+7 495 123-45-67", "E-mail Address": EXCHANGE_ADDRESS,
        "E-mail Type": "EX", "E-mail Display Name": "Ivan Petrov",
        "E-mail 2 Address": "ivan.petrov@vector.ru", "E-mail 2 Type": "SMTP",
        "E-mail 2 Display Name": "Ivan Petrov (ivan.petrov@vector.ru)",
    })  # fmt: skip
    rows[2].update({
        "First Name": "Anna", "Last Name": "Sokolova",
        "E-mail Address": EXCHANGE_ADDRESS.replace("ivan.petrov", "anna"),
        "E-mail Type": "EX", "E-mail Display Name": "Anna Sokolova",
    })  # fmt: skip
    path = write_csv(
        tmp_path / "contacts.csv",
        [rows[0], *(list(row.values()) for row in rows[1:])],
        encoding="cp1252",
    )
    fields = mapped(path)
    for header in ("E-mail Type", "E-mail Display Name", "E-mail 2 Display Name"):
        assert header not in fields
    result = run(path)
    assert statuses(result) == {2: "created", 3: "created"}
    assert result.errors == []
    assert [(w["row"], w["column"], w["value"]) for w in result.warnings] == [
        (2, "E-mail Address", EXCHANGE_ADDRESS),
        (3, "E-mail Address", EXCHANGE_ADDRESS.replace("ivan.petrov", "anna")),
    ]
    assert "Exchange" in result.warnings[0]["message"]
    ivan = Contact.objects.get(last_name="Petrov")
    assert ivan.email == "ivan.petrov@vector.ru"
    assert phones(ivan) == [("+74951234567", "", "work")]
    assert EXCHANGE_ADDRESS not in ivan.notes
    assert Contact.objects.get(last_name="Sokolova").email == ""


# 1C ----------------------------------------------------------------------------


def test_1c_counterparties_report_with_a_two_row_header(tmp_path):
    """A 1C report saved as xlsx: a merged title, the date it was made, a
    header over two rows with merged group cells, INNs as text and as
    numbers, several phones and e-mails in a cell, the totals line."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "TDSheet"
    sheet["A1"] = "Список контрагентов"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "Сформирован: 01.10.2026 12:00:00"
    sheet.append([])
    sheet.append(["Контрагент", None, None, "Контактная информация", None, None])
    sheet.append(["Наименование", "ИНН", "КПП", "Телефон", "Email", "Адрес"])
    sheet["G4"] = "Комментарий"
    sheet.merge_cells("A4:C4")
    sheet.merge_cells("D4:F4")
    sheet.merge_cells("G4:G5")
    sheet.append(
        [
            'ООО "Ромашка"',
            "7701234567",
            "770101001",
            "+7 (495) 111-22-33, +7 (495) 111-22-34",
            "info@romashka.ru; buh@romashka.ru",
            "101000, Москва, ул. Цветочная, д. 5",
            "основной покупатель",
        ]
    )
    sheet.append(['АО "Вектор"', 5001012345, 500101001, 84962223344])
    sheet.append(["ИП Сидоров Алексей Алексеевич", 771234567890, None])
    sheet.append(["ООО «Ромашка»", "7701234567", None, "тел. 8 (495) 111-22-36"])
    sheet.append(["Общество с ограниченной ответственностью «Гамма»", "7701000001"])
    sheet["E10"] = "gamma@mail"
    sheet.append(["Итого", None, None, None, None, None, None])
    workbook.save(tmp_path / "Контрагенты.xlsx")
    path = tmp_path / "Контрагенты.xlsx"
    assert prepare(str(path), ImportOptions(region="RU")).header_row == 5
    assert mapped(path) == {
        "Наименование": "organization",
        "ИНН": "tax_id",
        "Телефон": "phone",
        "Email": "email",
        "Адрес": "address",
        "Комментарий": "notes",
    }
    result = run(path)
    assert statuses(result) == {
        6: "created",
        7: "created",
        8: "created",
        9: "duplicate",
        10: "error",
        11: "skipped",
    }
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (10, "Email", "gamma@mail")
    ]
    assert not Contact.objects.exists()
    romashka = Organization.objects.get(tax_id="7701234567")
    assert (romashka.name, romashka.email, romashka.address) == (
        'ООО "Ромашка"',
        "info@romashka.ru",
        "101000, Москва, ул. Цветочная, д. 5",
    )
    assert "основной покупатель" in romashka.notes
    assert "buh@romashka.ru" in romashka.notes
    assert [p[0] for p in phones(romashka)] == [
        "+74951112233",
        "+74951112234",
        "+74951112236",
    ]
    vector = Organization.objects.get(tax_id="5001012345")
    assert phones(vector) == [("+74962223344", "", "work")]
    assert Organization.objects.get(tax_id="771234567890").name == (
        "ИП Сидоров Алексей Алексеевич"
    )
    assert Organization.objects.count() == 3
    out = io.StringIO()
    call_command("crm_import", str(path), "--json", "--region", "RU", stdout=out)
    again = json.loads(out.getvalue())
    assert again["created"] == {"contacts": 0, "organizations": 0}
    assert [(e["row"], e["column"]) for e in again["errors"]] == [(10, "Email")]


@pytest.mark.parametrize(
    ("header", "totals"),
    [
        (["ФИО", "Телефон", "Компания"], ["Всего: 2", "", ""]),
        (["Наименование", "ИНН", "Телефон"], ["Итого: 2 контрагента", "", ""]),
        (["Name", "Phone", "Company"], ["Total: 2 contacts", "", ""]),
        (["Наименование", "ИНН", "Телефон"], ["Итого 2", "", ""]),
    ],
)
def test_totals_line_with_its_count_is_skipped(tmp_path, header, totals):
    """Reports end with "Итого: 2 контрагента" or "Всего: 2": no client."""
    people = header[0] in ("ФИО", "Name")
    clients = (
        [["Иванов Иван", "+7 916 123-45-67", "ООО «А»"], ["Петров Пётр", "", "ООО «А»"]]
        if people
        else [["ООО «А»", "7701234567", ""], ["АО «Б»", "5001012345", ""]]
    )
    path = write_csv(
        tmp_path / "list.csv",
        [["Список клиентов"], [], header, *clients, [], totals],
        encoding="cp1251",
        delimiter=";",
    )
    result = run(path)
    assert result.errors == []
    skipped = [e for e in result.entries if e["status"] == "skipped"]
    assert [e["row"] for e in skipped] == [7]
    assert totals[0] in str(skipped[0]["reason"])
    if people:
        assert Contact.objects.count() == 2 and Organization.objects.count() == 1
    else:
        assert not Contact.objects.exists() and Organization.objects.count() == 2


def test_counterparty_without_a_name_is_reported_under_its_column(tmp_path):
    """A 1C row whose "Наименование" is empty: the report names that column."""
    path = write_xlsx(
        tmp_path / "kontragenty.xlsx",
        [
            ["Наименование", "ИНН", "КПП", "Телефон"],
            ["ООО «А»", "7701234567", "770101001", "+7 495 111 22 33"],
            [None, "5001012345", "500101001", "+7 495 111 22 44"],
        ],
        title="Контрагенты",
    )
    result = run(path)
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (5, "Наименование", "5001012345")
    ]
    assert Organization.objects.get().tax_id == "7701234567"
