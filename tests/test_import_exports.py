"""Exports of other systems in the shape they really have (their full header
sets, encodings, multi-value cells, title and totals rows), imported as a user
would: the proposed mapping, the cards, the phones, the duplicates found in
the file, the rows rejected and nothing lost."""

import pytest

from tests.import_files import write_csv, write_xlsx
from wagtail_crm.importing.pipeline import ImportOptions, prepare, run_import
from wagtail_crm.models import Contact, Organization

pytestmark = pytest.mark.django_db


def mapped(path, region="RU"):
    found = prepare(str(path), ImportOptions(region=region))
    return {h: f for h, f in zip(found.headers, found.mapping, strict=False) if f}


def run(path, region="RU", **options):
    return run_import(str(path), ImportOptions(region=region, **options))


def phones(card):
    return sorted(card.phones.values_list("e164", "extension", "kind"))


def statuses(result):
    return {entry["row"]: entry["status"] for entry in result.entries}


def assert_reimport_creates_nothing(path, region="RU"):
    before = Contact.objects.count(), Organization.objects.count()
    again = run(path, region=region)
    assert again.created["contacts"] == again.created["organizations"] == 0
    assert (Contact.objects.count(), Organization.objects.count()) == before


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
