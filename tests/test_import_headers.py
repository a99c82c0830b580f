import pytest
from wagtail.test.utils import WagtailTestUtils

from wagtail_crm.hooks import REGISTER_COLUMN_SYNONYMS
from wagtail_crm.importing.headers import (
    detect_header,
    propose_mapping,
    split_full_name,
)
from wagtail_crm.importing.readers import Row


@pytest.mark.parametrize(
    "headers,expected",
    [
        (  # Google Contacts CSV
            [
                "First Name",
                "Middle Name",
                "Last Name",
                "Organization Name",
                "Organization Title",
                "E-mail 1 - Label",
                "E-mail 1 - Value",
                "Phone 1 - Label",
                "Phone 1 - Value",
                "Phone 2 - Value",
            ],
            [
                "first_name",
                "middle_name",
                "last_name",
                "organization",
                "job_title",
                "",
                "email",
                "",
                "phone",
                "phone",
            ],
        ),
        (  # Outlook CSV ("Title" is Mr./Ms., not a job title)
            [
                "Title",
                "First Name",
                "Last Name",
                "Company",
                "Job Title",
                "E-mail Address",
                "E-mail 2 Address",
                "Business Phone",
                "Mobile Phone",
                "Business Fax",
                "Notes",
            ],
            [
                "",
                "first_name",
                "last_name",
                "organization",
                "job_title",
                "email",
                "email",
                "work_phone",
                "mobile_phone",
                "fax",
                "notes",
            ],
        ),
        (  # HubSpot contacts export
            [
                "Record ID",
                "First Name",
                "Last Name",
                "Email",
                "Phone Number",
                "Mobile Phone Number",
                "Company Name",
                "Job Title",
                "Website URL",
            ],
            [
                "",
                "first_name",
                "last_name",
                "email",
                "phone",
                "mobile_phone",
                "organization",
                "job_title",
                "website",
            ],
        ),
        (  # Bitrix24 contacts export
            [
                "ID",
                "Имя",
                "Фамилия",
                "Отчество",
                "Рабочий телефон",
                "Мобильный телефон",
                "Рабочий e-mail",
                "Частный e-mail",
                "Должность",
                "Компания",
                "Комментарий",
                "Ответственный",
            ],
            [
                "",
                "first_name",
                "last_name",
                "middle_name",
                "work_phone",
                "mobile_phone",
                "email",
                "email",
                "job_title",
                "organization",
                "notes",
                "",
            ],
        ),
        (  # amoCRM: headers tagged with their record
            [
                "Полное имя (контакт)",
                "Компания",
                "Рабочий телефон (контакт)",
                "Рабочий телефон (компания)",
                "Рабочий email (контакт)",
                "ИНН (компания)",
            ],
            ["full_name", "organization", "work_phone", "org_phone", "email", "tax_id"],
        ),
        (  # 1C counterparties
            [
                "Код",
                "Наименование",
                "ИНН",
                "КПП",
                "Телефон",
                "Электронная почта",
                "Юридический адрес",
                "Контактное лицо",
            ],
            [
                "",
                "organization",
                "tax_id",
                "",
                "phone",
                "email",
                "address",
                "full_name",
            ],
        ),
        (  # Albanian
            [
                "Emri",
                "Mbiemri",
                "Telefoni",
                "Celulari",
                "Kompania",
                "NIPT",
                "Pozicioni",
                "Adresa",
                "Shënime",
            ],
            [
                "first_name",
                "last_name",
                "phone",
                "mobile_phone",
                "organization",
                "tax_id",
                "job_title",
                "address",
                "notes",
            ],
        ),
        (  # our own field names and verbose names, any case and spacing
            ["FIRST_NAME", "last name", "E-MAIL", "tax id (INN, VAT, NIPT)", "crm id"],
            ["first_name", "last_name", "email", "tax_id", "crm_id"],
        ),
    ],
)
def test_real_export_headers_map_to_fields(headers, expected):
    assert propose_mapping(headers) == expected


def test_header_row_found_below_titles_and_blank_rows():
    rows = [
        Row(1, ["Контрагенты", "", ""]),
        Row(2, ["Дата отчёта: 01.11.2026", "", ""]),
        Row(3, ["", "", ""]),
        Row(4, ["Наименование", "ИНН", "Телефон"]),
        Row(5, ["ООО Ромашка", 7701234567, 74951234567]),
    ]
    guess = detect_header(rows)
    assert guess.row_number == 4
    assert guess.mapping == ["organization", "tax_id", "phone"]


def test_repeated_single_fields_map_once():
    assert propose_mapping(["Фамилия", "Фамилия", "Телефон", "Телефон"]) == [
        "last_name",
        "",
        "phone",
        "phone",
    ]


class TestSynonymHook(WagtailTestUtils):
    def test_developers_add_synonyms(self):
        def synonyms():
            return {"tax_id": ["Steuernummer"], "last_name": ["Nachname"]}

        with self.register_hook(REGISTER_COLUMN_SYNONYMS, synonyms):
            assert propose_mapping(["Nachname", "Steuernummer"]) == [
                "last_name",
                "tax_id",
            ]
        assert propose_mapping(["Nachname"]) == [""]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Иванов Иван Иванович", ("Иванов", "Иван", "Иванович")),
        ("Иван Иванович Иванов", ("Иванов", "Иван", "Иванович")),
        ("Сидоров Пётр Ильич", ("Сидоров", "Пётр", "Ильич")),
        ("Ким Анна Ли", ("Ким", "Анна", "Ли")),
        ("Петрова Анна", ("Петрова", "Анна", "")),
        ("Анна Петрова", ("Петрова", "Анна", "")),
        ("John Smith", ("Smith", "John", "")),
        ("Ivanov Ivan", ("Ivanov", "Ivan", "")),  # a Russian name in Latin letters
        ("Ivan Ivanov", ("Ivanov", "Ivan", "")),
        ("Kevin Martin", ("Martin", "Kevin", "")),
        ("John Paul Smith", ("Smith", "John", "Paul")),
        ("Smith, John", ("Smith", "John", "")),
        ("  Сидоров  ", ("Сидоров", "", "")),
        ("Arbër Çela", ("Çela", "Arbër", "")),
        ("", ("", "", "")),
    ],
)
def test_full_name_split(text, expected):
    assert split_full_name(text) == expected
