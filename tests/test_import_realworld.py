"""Files a new user brings from another system, imported the way they would:
the proposed mapping, the cards created, duplicates recognised, and a second
import of the same file creating nothing new."""

import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.import_files import mapped, phones, run, write_csv, write_xlsx
from wagtail_crm.importing import readers
from wagtail_crm.importing.pipeline import ImportOptions, prepare
from wagtail_crm.models import Contact, Organization

pytestmark = pytest.mark.django_db


def counts():
    return Contact.objects.count(), Organization.objects.count()


def assert_reimport_creates_nothing(path, region="RU"):
    before = counts()
    again = run(path, region=region)
    assert again.error_rows == 0
    assert again.created["contacts"] == again.created["organizations"] == 0
    assert counts() == before


# Bitrix24 -----------------------------------------------------------------------

BITRIX_LEAD_HEADER = [
    "ID",
    "Название лида",
    "Обращение",
    "Имя",
    "Отчество",
    "Фамилия",
    "Дата рождения",
    "Адрес",
    "Рабочий телефон",
    "Мобильный телефон",
    "Рабочий e-mail",
    "Частный e-mail",
    "Корпоративный сайт",
    "Название компании",
    "Должность",
    "Источник",
    "Дополнительно об источнике",
    "Статус",
    "Ответственный",
    "Комментарий",
    "Создан",
]


def test_bitrix24_leads_csv(tmp_path):
    """CRM → Лиды → Экспорт в CSV: the lead's title and status are not cards;
    a lead with only a company keeps its phone on the company; the same person
    twice is recognised."""
    rows = [
        BITRIX_LEAD_HEADER,
        [
            "101",
            "Заявка с сайта",
            "г-н",
            "Иван",
            "Петрович",
            "Кузнецов",
            "",
            "Москва, ул. Тверская, 1",
            "8 (495) 123-45-67 доб. 123",
            "+7(916)1234567, 8-916-765-43-21",
            "kuznetsov@vector.ru",
            "",
            "vector.ru",
            "ООО «Вектор»",
            "Директор",
            "Веб-сайт",
            "",
            "Не обработан",
            "Анна Смирнова",
            "Перезвонить после 15:00",
            "01.10.2026 12:00:00",
        ],
        [
            "102",
            "Звонок",
            "",
            "",
            "",
            "",
            "",
            "",
            "+7 (843) 200-00-00",
            "",
            "",
            "",
            "",
            "ООО «Гамма»",
            "",
            "Звонок",
            "",
            "В работе",
            "Анна Смирнова",
            "",
            "02.10.2026 09:30:00",
        ],
        [
            "103",
            "Повторная заявка",
            "",
            "Иван",
            "",
            "Кузнецов",
            "",
            "",
            "",
            "",
            "KUZNETSOV@vector.ru",
            "",
            "",
            "ООО «Вектор»",
            "",
            "E-mail",
            "",
            "Не обработан",
            "Анна Смирнова",
            "",
            "03.10.2026 10:00:00",
        ],
    ]
    path = write_csv(tmp_path / "LEAD.csv", rows, encoding="cp1251", delimiter=";")
    assert mapped(path) == {
        "Имя": "first_name",
        "Отчество": "middle_name",
        "Фамилия": "last_name",
        "Адрес": "address",
        "Рабочий телефон": "work_phone",
        "Мобильный телефон": "mobile_phone",
        "Рабочий e-mail": "email",
        "Частный e-mail": "email",
        "Корпоративный сайт": "website",
        "Название компании": "organization",
        "Должность": "job_title",
        "Комментарий": "notes",
    }
    result = run(path)
    assert result.error_rows == 0
    assert result.created["contacts"] == 1 and result.created["organizations"] == 2
    assert result.duplicates + result.updated["contacts"] >= 1
    ivan = Contact.objects.get()
    assert (ivan.last_name, ivan.first_name, ivan.middle_name) == (
        "Кузнецов",
        "Иван",
        "Петрович",
    )
    assert phones(ivan) == [
        ("+74951234567", "123", "work"),
        ("+79161234567", "", "mobile"),
        ("+79167654321", "", "mobile"),
    ]
    assert ivan.organization.name == "ООО «Вектор»"
    assert ivan.organization.website == "https://vector.ru"
    gamma = Organization.objects.get(name="ООО «Гамма»")
    assert [p[0] for p in phones(gamma)] == ["+78432000000"]
    assert_reimport_creates_nothing(path)


def test_bitrix24_export_to_excel_is_an_html_table(tmp_path):
    """ "Экспорт в Excel" of Bitrix24 is a web page named .xls."""
    path = tmp_path / "LEAD.xls"
    path.write_text(
        '<meta http-equiv="Content-type" content="text/html;charset=utf-8" />\n'
        "<style>td {mso-number-format:\\@;}</style>\n"
        "<table border=1><tr><th>ID</th><th>Название лида</th><th>Имя</th></tr>"
        "<tr><td>1</td><td>Заявка</td><td>Иван</td></tr></table>",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="xlsx"):
        call_command("crm_import", str(path), "--region", "RU")
    assert counts() == (0, 0)


def test_ods_spreadsheet_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "clients.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    with pytest.raises(CommandError, match="xlsx"):
        call_command("crm_import", str(path), "--region", "RU")


# amoCRM -------------------------------------------------------------------------


def test_amocrm_contacts_csv(tmp_path):
    """amoCRM → Контакты → Экспорт → CSV: several phones in one cell."""
    header = [
        "ID",
        "Полное имя контакта",
        "Компания контакта",
        "Ответственный",
        "Дата создания",
        "Теги",
        "Рабочий телефон",
        "Мобильный телефон",
        "Рабочий email",
        "Личный email",
        "Должность",
        "Примечание 1",
        "Примечание 2",
    ]
    rows = [
        header,
        [
            "2001",
            "Смирнова Ольга Викторовна",
            "ИП Смирнова",
            "Менеджер",
            "05.09.2026",
            "опт",
            "+7 843 200-00-00, +7 843 200-00-01",
            "+79171234567",
            "olga@smirnova.ru",
            "olga.s@mail.ru",
            "Владелец",
            "Просила перезвонить",
            "Скидка 5%",
        ],
        [
            "2002",
            "Петров Сергей",
            "ИП Смирнова",
            "Менеджер",
            "06.09.2026",
            "",
            "",
            "8 917 000-11-22",
            "",
            "",
            "Закупщик",
            "",
            "",
        ],
    ]
    path = write_csv(tmp_path / "amocrm_export_contacts.csv", rows)
    assert mapped(path) == {
        "Полное имя контакта": "full_name",
        "Компания контакта": "organization",
        "Рабочий телефон": "work_phone",
        "Мобильный телефон": "mobile_phone",
        "Рабочий email": "email",
        "Личный email": "email",
        "Должность": "job_title",
        "Примечание 1": "notes",
        "Примечание 2": "notes",
    }
    result = run(path)
    assert result.error_rows == 0 and result.created["contacts"] == 2
    olga = Contact.objects.get(last_name="Смирнова")
    assert (olga.first_name, olga.middle_name, olga.email) == (
        "Ольга",
        "Викторовна",
        "olga@smirnova.ru",
    )
    assert "Скидка 5%" in olga.notes and "olga.s@mail.ru" in olga.notes
    assert [p[0] for p in phones(olga)] == [
        "+78432000000",
        "+78432000001",
        "+79171234567",
    ]
    sergey = Contact.objects.get(last_name="Петров")
    assert sergey.organization == olga.organization
    assert Organization.objects.get().name == "ИП Смирнова"
    assert_reimport_creates_nothing(path)


# Outlook in a Russian locale ----------------------------------------------------

OUTLOOK_RU_HEADER = [
    "Обращение",
    "Имя",
    "Отчество",
    "Фамилия",
    "Суффикс",
    "Организация",
    "Отдел",
    "Должность",
    "Улица (раб. адрес)",
    "Город (раб. адрес)",
    "Индекс (раб. адрес)",
    "Телефон помощника",
    "Рабочий факс",
    "Рабочий телефон",
    "Телефон раб. 2",
    "Обратный вызов",
    "Телефон в машине",
    "Основной телефон организации",
    "Домашний факс",
    "Домашний телефон",
    "Телефон дом. 2",
    "Мобильный телефон",
    "Другой факс",
    "Другой телефон",
    "Пейджер",
    "Основной телефон",
    "Веб-страница",
    "День рождения",
    "Заметки",
    "Категории",
    "Адрес эл. почты",
    "Тип эл. почты",
    "Краткое имя эл. почты",
    "Адрес 2 эл. почты",
    "Тип 2 эл. почты",
    "Краткое 2 имя эл. почты",
]


def test_outlook_csv_in_a_russian_locale(tmp_path):
    """Outlook → Файл → Экспорт → CSV in Russian Windows (Windows-1251, commas)."""
    values = {
        "Имя": "Мария",
        "Отчество": "Сергеевна",
        "Фамилия": "Волкова",
        "Организация": "АО «Северсталь»",
        "Отдел": "Закупки",
        "Должность": "Менеджер по закупкам",
        "Улица (раб. адрес)": "ул. Мира, 30",
        "Город (раб. адрес)": "Череповец",
        "Рабочий факс": "+7 (8202) 53-09-01",
        "Рабочий телефон": "+7 (8202) 53-09-00",
        "Телефон раб. 2": "+7 (8202) 53-09-02",
        "Основной телефон организации": "+7 (8202) 53-00-00",
        "Мобильный телефон": "+7 (921) 123-45-67",
        "Веб-страница": "severstal.com",
        "День рождения": "0.0.00",
        "Заметки": "Встреча на выставке",
        "Категории": "Клиенты",
        "Адрес эл. почты": "m.volkova@severstal.com",
        "Тип эл. почты": "SMTP",
        "Краткое имя эл. почты": "Мария Волкова (m.volkova@severstal.com)",
        "Адрес 2 эл. почты": "volkova.m@yandex.ru",
        "Тип 2 эл. почты": "SMTP",
    }
    row = [values.get(header, "") for header in OUTLOOK_RU_HEADER]
    path = write_csv(
        tmp_path / "contacts.csv", [OUTLOOK_RU_HEADER, row], encoding="cp1251"
    )
    assert mapped(path) == {
        "Имя": "first_name",
        "Отчество": "middle_name",
        "Фамилия": "last_name",
        "Организация": "organization",
        "Должность": "job_title",
        "Рабочий факс": "fax",
        "Рабочий телефон": "work_phone",
        "Телефон раб. 2": "work_phone",
        "Телефон в машине": "mobile_phone",
        "Основной телефон организации": "org_phone",
        "Домашний факс": "fax",
        "Домашний телефон": "home_phone",
        "Телефон дом. 2": "home_phone",
        "Мобильный телефон": "mobile_phone",
        "Другой факс": "fax",
        "Другой телефон": "phone",
        "Основной телефон": "phone",
        "Веб-страница": "website",
        "Заметки": "notes",
        "Адрес эл. почты": "email",
        "Адрес 2 эл. почты": "email",
    }
    result = run(path)
    assert result.errors == []
    maria = Contact.objects.get()
    assert (maria.last_name, maria.first_name, maria.middle_name) == (
        "Волкова",
        "Мария",
        "Сергеевна",
    )
    assert (maria.email, maria.job_title) == (
        "m.volkova@severstal.com",
        "Менеджер по закупкам",
    )
    assert "volkova.m@yandex.ru" in maria.notes
    assert phones(maria) == [
        ("+78202530900", "", "work"),
        ("+78202530901", "", "fax"),
        ("+78202530902", "", "work"),
        ("+79211234567", "", "mobile"),
    ]
    company = maria.organization
    assert (company.name, company.website) == (
        "АО «Северсталь»",
        "https://severstal.com",
    )
    assert [p[0] for p in phones(company)] == ["+78202530000"]
    assert_reimport_creates_nothing(path)


# Google Contacts with a Russian interface -------------------------------------


def test_google_contacts_csv_russian_interface(tmp_path):
    """Google CSV keeps English headers; labels and names come in Russian, a
    person's several numbers joined with " ::: "."""
    header = [
        "First Name",
        "Middle Name",
        "Last Name",
        "Phonetic First Name",
        "Nickname",
        "File As",
        "Organization Name",
        "Organization Title",
        "Organization Department",
        "Birthday",
        "Notes",
        "Labels",
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "Phone 1 - Label",
        "Phone 1 - Value",
        "Phone 2 - Label",
        "Phone 2 - Value",
    ]
    rows = [
        header,
        [
            "Алексей",
            "",
            "Иванов",
            "",
            "",
            "",
            "ООО Ромашка",
            "Главный инженер",
            "",
            "1985-03-14",
            "",
            "* myContacts ::: Работа",
            "* Рабочий",
            "a.ivanov@romashka.ru",
            "Мобильный",
            "+7 916 111-22-33 ::: 8 (916) 444-55-66",
            "Рабочий",
            "8 (495) 777-88-99 доб. 45",
        ],
        [
            "Елена",
            "",
            "Сидорова",
            "",
            "",
            "",
            "ООО Ромашка",
            "",
            "",
            "",
            "",
            "* myContacts",
            "",
            "",
            "Мобильный",
            "+79162223344",
            "",
            "",
        ],
    ]
    path = write_csv(tmp_path / "contacts.csv", rows)
    fields = mapped(path)
    assert fields["Organization Name"] == "organization"
    assert fields["Phone 1 - Value"] == fields["Phone 2 - Value"] == "phone"
    assert not any(h.endswith("- Label") for h in fields)
    assert "Labels" not in fields and "Birthday" not in fields
    result = run(path)
    assert result.errors == [] and result.created["contacts"] == 2
    alexey = Contact.objects.get(last_name="Иванов")
    assert (alexey.first_name, alexey.job_title) == ("Алексей", "Главный инженер")
    assert phones(alexey) == [
        ("+74957778899", "45", "work"),
        ("+79161112233", "", "mobile"),
        ("+79164445566", "", "mobile"),
    ]
    romashka = Organization.objects.get()
    assert set(romashka.contacts.values_list("last_name", flat=True)) == {
        "Иванов",
        "Сидорова",
    }
    assert_reimport_creates_nothing(path)


# 1C -----------------------------------------------------------------------------


def test_1c_counterparties_with_combined_inn_kpp(tmp_path):
    """1C list with "Полное наименование" as the only name and "ИНН/КПП" in one
    column; INN and phones typed into number cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "TDSheet"
    sheet.append(["Контрагенты"])
    sheet.append([])
    sheet.append(
        [
            "Полное наименование",
            "ИНН/КПП",
            "Телефон",
            "Адрес электронной почты",
            "Юридический адрес",
            "Контактное лицо",
        ]
    )
    sheet.append(
        [
            'Общество с ограниченной ответственностью "Вектор"',
            "7705000001/770501001",
            "8 (495) 123-45-67 доб. 123",
            "info@vektor.ru",
            "Москва, ул. Ленина, 1",
            "Сидоров Пётр Ильич",
        ]
    )
    sheet.append(
        ['Акционерное общество "Гамма"', "7705000002 / 770501002", 84952223344]
    )
    sheet.append(["Индивидуальный предприниматель Орлов Олег Олегович", 500100732259])
    workbook.save(tmp_path / "kontragenty.xlsx")
    path = tmp_path / "kontragenty.xlsx"
    assert mapped(path) == {
        "Полное наименование": "organization",
        "ИНН/КПП": "tax_id",
        "Телефон": "phone",
        "Адрес электронной почты": "email",
        "Юридический адрес": "address",
        "Контактное лицо": "full_name",
    }
    result = run(path)
    assert result.errors == []
    assert result.created["organizations"] == 3
    vektor = Organization.objects.get(tax_id="7705000001")
    assert vektor.name == 'Общество с ограниченной ответственностью "Вектор"'
    sidorov = Contact.objects.get()
    assert (sidorov.last_name, sidorov.organization) == ("Сидоров", vektor)
    assert phones(sidorov) == [("+74951234567", "123", "work")]
    gamma = Organization.objects.get(tax_id="7705000002")
    assert [p[0] for p in phones(gamma)] == ["+74952223344"]
    assert Organization.objects.filter(tax_id="500100732259").exists()
    assert_reimport_creates_nothing(path)


# Any sheet ----------------------------------------------------------------------

ANY_SHEET_ROWS = [
    [" ФИО ", "ТЕЛЕФОН\n", "e-mail ", "  Компания", "Должность\n(роль)"],
    [
        "Иванов Иван Иванович",
        "+7 (916) 123-45-67",
        "ivanov@romashka.ru",
        "ООО «Ромашка»",
        "Директор",
    ],
    ["Петрова Анна", "8 495 765-43-21 доб. 7", "", "Ромашка ООО", ""],
    ["Иванов Иван", "79161234567", "", "", ""],
]


def test_excel_csv_utf8_and_cp1251_of_the_same_sheet(tmp_path):
    """Excel's "CSV UTF-8" (BOM, commas) and "CSV (разделители - запятые)" of a
    Russian Excel (Windows-1251, semicolons) are one and the same list; headers
    with stray spaces, line breaks and capitals are still recognised."""
    utf8 = write_csv(
        tmp_path / "clients_utf8.csv", ANY_SHEET_ROWS, encoding="utf-8-sig"
    )
    ansi = write_csv(
        tmp_path / "clients_ansi.csv", ANY_SHEET_ROWS, encoding="cp1251", delimiter=";"
    )
    expected = {
        "ФИО": "full_name",
        "ТЕЛЕФОН": "phone",
        "e-mail": "email",
        "Компания": "organization",
    }
    assert mapped(utf8) == expected
    assert mapped(ansi) == expected
    result = run(utf8)
    assert result.errors == []
    # Row 4 is row 2's person (the same phone and last name), the organization
    # is one ("ООО «Ромашка»" = "Ромашка ООО").
    assert result.created == {"contacts": 2, "organizations": 1, "phones": 2}
    assert result.duplicates + result.updated["contacts"] == 1
    ivanov = Contact.objects.get(last_name="Иванов")
    assert (ivanov.first_name, ivanov.middle_name) == ("Иван", "Иванович")
    petrova = Contact.objects.get(last_name="Петрова")
    assert phones(petrova) == [("+74957654321", "7", "work")]
    assert petrova.organization == ivanov.organization
    assert_reimport_creates_nothing(utf8)
    assert_reimport_creates_nothing(ansi)


def test_header_on_row_four_under_merged_titles_with_empty_first_column(tmp_path):
    """A hand-made list: column A left empty, a merged title and a date above
    the header; phones typed as numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    sheet["B1"] = "Список клиентов отдела продаж"
    sheet["B2"] = "на 01.10.2026"
    sheet.merge_cells("B1:F1")
    sheet.merge_cells("B2:F2")
    rows = [
        ["№", "ФИО", "Организация", "Мобильный телефон", "Email"],
        [1, "Кузнецова Ольга Петровна", "ООО Альфа", 89161234567, "olga@alfa.ru"],
        [2, "Смирнов Пётр", "ООО Альфа", 79167654321, "petr@alfa.ru"],
        [3, "Орлов Олег", "ИП Орлов", 9031112233, ""],
    ]
    for number, values in enumerate(rows, 4):
        for column, value in enumerate(values, 2):
            sheet.cell(row=number, column=column, value=value)
    workbook.save(tmp_path / "clients.xlsx")
    path = tmp_path / "clients.xlsx"
    found = prepare(str(path), ImportOptions(region="RU"))
    assert found.header_row == 4
    assert mapped(path) == {
        "ФИО": "full_name",
        "Организация": "organization",
        "Мобильный телефон": "mobile_phone",
        "Email": "email",
    }
    result = run(path)
    assert result.errors == []
    assert result.created["contacts"] == 3 and result.created["organizations"] == 2
    olga = Contact.objects.get(last_name="Кузнецова")
    assert (olga.first_name, olga.middle_name) == ("Ольга", "Петровна")
    assert phones(olga) == [("+79161234567", "", "mobile")]
    assert phones(Contact.objects.get(last_name="Орлов")) == [
        ("+79031112233", "", "mobile")
    ]
    assert Organization.objects.get(name="ООО Альфа").contacts.count() == 2
    assert_reimport_creates_nothing(path)


def test_albanian_csv_with_a_repeated_client(tmp_path):
    path = write_csv(
        tmp_path / "klientet.csv",
        [
            ["Emri", "Mbiemri", "Telefoni", "Kompania", "Email"],
            ["Arbër", "Çela", "069 123 4567", "Alba Shpk", "arber@alba.al"],
            ["Elira", "Hoxha", "+355 68 765 4321", "Alba Shpk", ""],
            ["Arbër", "Çela", "+355691234567", "ALBA SH.P.K.", ""],
        ],
    )
    assert mapped(path, region="AL") == {
        "Emri": "first_name",
        "Mbiemri": "last_name",
        "Telefoni": "phone",
        "Kompania": "organization",
        "Email": "email",
    }
    result = run(path, region="AL")
    assert result.errors == []
    assert result.created["contacts"] == 2 and result.created["organizations"] == 1
    arber = Contact.objects.get(first_name="Arbër")
    assert [p[0] for p in phones(arber)] == ["+355691234567"]
    assert arber.organization.name == "Alba Shpk"
    assert_reimport_creates_nothing(path, region="AL")


def test_hand_made_sheet_with_everyday_headers(tmp_path):
    """Headers people type themselves: numbered phone columns, abbreviations,
    "ФИО контактного лица", "Наименование контрагента"."""
    path = write_csv(
        tmp_path / "база клиентов.csv",
        [
            [
                "№ п/п",
                "Наименование контрагента",
                "ФИО контактного лица",
                "Должность контактного лица",
                "Телефон 1",
                "Телефон 2",
                "Тел. моб.",
                "Тел./факс",
                "E-mail адрес",
                "Сайт компании",
                "Город",
                "Заметка",
            ],
            [
                "1",
                "ООО «Вектор»",
                "Иванов Иван Иванович",
                "Директор",
                "+7 (495) 111-22-33",
                "8 (495) 111-22-34 доб. 5",
                "8 916 111-22-33",
                "факс +7 (495) 111-22-35",
                "ivanov@vector.ru",
                "www.vector.ru",
                "Москва",
                "Звонить до обеда",
            ],
        ],
        encoding="cp1251",
        delimiter=";",
    )
    assert mapped(path) == {
        "Наименование контрагента": "organization",
        "ФИО контактного лица": "full_name",
        "Должность контактного лица": "job_title",
        "Телефон 1": "phone",
        "Телефон 2": "phone",
        "Тел. моб.": "mobile_phone",
        "Тел./факс": "phone",
        "E-mail адрес": "email",
        "Сайт компании": "website",
        "Заметка": "notes",
    }
    result = run(path)
    assert result.errors == []
    ivanov = Contact.objects.get()
    assert (ivanov.last_name, ivanov.first_name, ivanov.job_title) == (
        "Иванов",
        "Иван",
        "Директор",
    )
    assert phones(ivanov) == [
        ("+74951112233", "", "work"),
        ("+74951112234", "5", "work"),
        ("+74951112235", "", "fax"),
        ("+79161112233", "", "mobile"),
    ]
    assert ivanov.organization.website == "https://www.vector.ru"
    assert_reimport_creates_nothing(path)


def test_english_sheet_with_numbered_phone_columns(tmp_path):
    path = write_csv(
        tmp_path / "customers.csv",
        [
            ["Customer name", "Company", "Phone 1", "Phone 2", "Mobile", "Email"],
            [
                "John Smith",
                "Contoso Ltd",
                "+44 20 7946 0018",
                "+44 20 7946 0019 ext. 12",
                "07911 123456",
                "john@contoso.com",
            ],
        ],
    )
    assert mapped(path, region="GB") == {
        "Customer name": "full_name",
        "Company": "organization",
        "Phone 1": "phone",
        "Phone 2": "phone",
        "Mobile": "mobile_phone",
        "Email": "email",
    }
    result = run(path, region="GB")
    assert result.errors == []
    john = Contact.objects.get()
    assert (john.first_name, john.last_name) == ("John", "Smith")
    assert [p[:2] for p in phones(john)] == [
        ("+442079460018", ""),
        ("+442079460019", "12"),
        ("+447911123456", ""),
    ]
    assert_reimport_creates_nothing(path, region="GB")


def test_only_an_imya_column_holding_whole_names(tmp_path):
    """No "Фамилия" column: "Имя" holds "Иванов Иван Иванович", and is split;
    a lone first name stays a first name."""
    path = write_xlsx(
        tmp_path / "clients.xlsx",
        [
            ["Имя", "Телефон", "E-mail", "Компания"],
            ["Иванов Иван Иванович", "+7 916 123-45-67", "", "ООО Альфа"],
            ["Анна", "+7 916 765-43-21", "anna@alfa.ru", "ООО Альфа"],
            ["Петров Сергей", 89031112233, "", ""],
        ],
    )
    assert mapped(path) == {
        "Имя": "first_name",
        "Телефон": "phone",
        "E-mail": "email",
        "Компания": "organization",
    }
    result = run(path)
    assert result.errors == [] and result.created["contacts"] == 3
    names = set(Contact.objects.values_list("last_name", "first_name", "middle_name"))
    assert names == {
        ("Иванов", "Иван", "Иванович"),
        ("", "Анна", ""),
        ("Петров", "Сергей", ""),
    }
    assert_reimport_creates_nothing(path)


def test_reimport_of_a_first_name_only_contact_creates_nothing(tmp_path):
    """Phone books (Google Contacts, Outlook) are full of "Сантехник Петя"-like
    entries: a first name and a phone. They are recognised again by the phone
    with the first name, and never taken for a person with a last name."""
    path = write_csv(
        tmp_path / "contacts.csv",
        [
            ["First Name", "Last Name", "Phone 1 - Value"],
            ["Анна", "", "+79167654321"],
            ["Сантехник Петя", "", "+79160001122"],
            ["Анна", "", "+7 916 765-43-21"],
        ],
    )
    first = run(path)
    assert first.created["contacts"] == 2 and first.duplicates == 1
    assert_reimport_creates_nothing(path)
    other = write_csv(
        tmp_path / "other.csv",
        [
            ["First Name", "Last Name", "Phone 1 - Value"],
            ["Анна", "Петрова", "+79167654321"],
            ["Петя", "", "+79160001122"],
        ],
    )
    assert run(other).created["contacts"] == 2


def test_a_one_column_list_of_emails(tmp_path):
    """A mailing list exported as one column: its title is the header."""
    path = write_csv(
        tmp_path / "subscribers.csv",
        [["E-mail"], ["anna@example.ru"], ["Petr@Example.ru "], ["ANNA@example.ru"]],
    )
    assert mapped(path) == {"E-mail": "email"}
    result = run(path)
    assert result.errors == []
    assert result.created["contacts"] == 2 and result.duplicates == 1
    assert set(Contact.objects.values_list("email", flat=True)) == {
        "anna@example.ru",
        "petr@example.ru",
    }
    assert_reimport_creates_nothing(path)


def test_inn_typed_into_number_cells_keeps_its_leading_zero(tmp_path):
    """Bashkir INNs start with 02: in a number cell Excel shows 274012345. The
    same company from a 1C export (INN as text) is then recognised."""
    numbers = write_xlsx(
        tmp_path / "clients.xlsx",
        [
            ["Организация", "ИНН", "Телефон"],
            ["ООО «Уфа-Сервис»", 274012345, 83472223344],
            ["ИП Габдрахманов Ринат Маратович", 27401234567, ""],
        ],
    )
    result = run(numbers)
    assert result.errors == []
    assert set(Organization.objects.values_list("tax_id", flat=True)) == {
        "0274012345",
        "027401234567",
    }
    text = write_csv(
        tmp_path / "kontragenty.csv",
        [
            ["Наименование", "ИНН", "КПП"],
            ['ООО "Уфа-Сервис"', "0274012345", "027401001"],
        ],
        encoding="cp1251",
        delimiter=";",
    )
    assert_reimport_creates_nothing(text)
    assert_reimport_creates_nothing(numbers)


@pytest.mark.parametrize(
    "header, field",
    [
        ("Mobile Number", "mobile_phone"),
        ("Phone No.", "phone"),
        ("Contact Number", "phone"),
        ("Organisation Name", "organization"),
        ("Company Website", "website"),
        ("Job Position", "job_title"),
        ("Мобильный номер", "mobile_phone"),
        ("Телефон для связи", "phone"),
        ("Контактный e-mail", "email"),
        ("Web-сайт", "website"),
        ("Адрес организации", "address"),
        ("Nr. Tel", "phone"),
        ("Numër telefoni", "phone"),
    ],
)
def test_everyday_header_variants(tmp_path, header, field):
    path = write_csv(
        tmp_path / "list.csv",
        [["Name", header], ["John Smith", "x"]],
    )
    assert mapped(path) == {"Name": "full_name", header: field}


def test_albanian_sheet_with_short_headers(tmp_path):
    path = write_xlsx(
        tmp_path / "kontaktet.xlsx",
        [
            ["Emri Mbiemri", "Nr. Tel", "Nr. Cel", "Emaili", "Kompania", "NIPT"],
            [
                "Arbër Çela",
                "04 222 3333",
                355691234567,
                "arber@alba.al",
                "Alba Shpk",
                "L12345678A",
            ],
            ["Elira Hoxha", "", "068 765 4321", "", "ALBA SH.P.K.", ""],
        ],
        title="Lista e kontakteve",
    )
    assert mapped(path, region="AL") == {
        "Emri Mbiemri": "full_name",
        "Nr. Tel": "phone",
        "Nr. Cel": "mobile_phone",
        "Emaili": "email",
        "Kompania": "organization",
        "NIPT": "tax_id",
    }
    result = run(path, region="AL")
    assert result.errors == []
    assert result.created["contacts"] == 2 and result.created["organizations"] == 1
    arber = Contact.objects.get(last_name="Çela")
    assert arber.first_name == "Arbër"
    assert phones(arber) == [
        ("+35542223333", "", "work"),
        ("+355691234567", "", "mobile"),
    ]
    assert Organization.objects.get().tax_id == "L12345678A"
    assert_reimport_creates_nothing(path, region="AL")


def test_command_line_import_of_a_bitrix24_leads_csv(tmp_path):
    """`crm_import --json` twice, as in the docs: the second run creates nothing."""
    rows = [
        BITRIX_LEAD_HEADER,
        ["1", "Заявка", "", "Ольга", "", "Смирнова", "", "", "", "+7 916 000-11-22"]
        + ["olga@example.ru", "", "", "ИП Смирнова", "", "Сайт", "", "Новый"]
        + ["", "", ""],
        ["2", "Звонок", "", "", "", "", "", "", "не звонить", "", "", "", ""]
        + ["", "", "Звонок", "", "Новый", "", "", ""],
    ]
    path = write_csv(tmp_path / "LEAD.csv", rows, encoding="cp1251", delimiter=";")
    out = io.StringIO()
    call_command("crm_import", str(path), "--json", "--region", "RU", stdout=out)
    first = json.loads(out.getvalue())
    assert first["rows"] == 2
    assert first["created"]["contacts"] == 1
    assert first["created"]["organizations"] == 1
    assert [(e["row"], e["column"]) for e in first["errors"]] == [
        (3, "Рабочий телефон")
    ]
    out = io.StringIO()
    call_command("crm_import", str(path), "--json", "--region", "RU", stdout=out)
    second = json.loads(out.getvalue())
    assert second["created"]["contacts"] == second["created"]["organizations"] == 0
    assert counts() == (1, 1)


def test_csv_where_excel_shortened_long_numbers(tmp_path):
    """Excel writes a 12-digit number it shows as "3,55691E+11" into the CSV as
    that text: its last digits are gone, so it is reported, never stored as
    +355691000000; a number written in full is imported."""
    path = write_csv(
        tmp_path / "klientet.csv",
        [
            ["Emri", "Mbiemri", "Telefoni"],
            ["Arbër", "Çela", "3,55691E+11"],
            ["Elira", "Hoxha", "3,55687654321E+11"],
        ],
        encoding="cp1252",
        delimiter=";",
    )
    result = run(path, region="AL")
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [
        (2, "Telefoni", "3,55691E+11")
    ]
    assert not Contact.objects.filter(last_name="Çela").exists()
    elira = Contact.objects.get()
    assert [p[0] for p in phones(elira)] == ["+355687654321"]


def test_google_contacts_phone_labels_give_the_kind(tmp_path):
    """Google's "Phone N - Label" says what each number is: a "Work Fax" is a
    fax, a "Home" number a home phone, whatever the number looks like."""
    path = write_csv(
        tmp_path / "contacts.csv",
        [
            [
                "First Name",
                "Last Name",
                "Organization Name",
                "Phone 1 - Label",
                "Phone 1 - Value",
                "Phone 2 - Label",
                "Phone 2 - Value",
                "Phone 3 - Label",
                "Phone 3 - Value",
            ],
            [
                "Ivan",
                "Petrov",
                "Vector LLC",
                "Work Fax",
                "+7 495 111-22-35",
                "Home",
                "+7 916 111-22-33",
                "Custom",
                "+7 495 111-22-33",
            ],
        ],
    )
    result = run(path)
    assert result.errors == []
    assert phones(Contact.objects.get()) == [
        ("+74951112233", "", "work"),
        ("+74951112235", "", "fax"),
        ("+79161112233", "", "home"),
    ]


def test_emails_pasted_from_a_mail_program(tmp_path):
    """Addresses copied from Outlook or Thunderbird carry the display name, or
    come from a web page as "mailto:" links."""
    path = write_csv(
        tmp_path / "list.csv",
        [
            ["ФИО", "E-mail"],
            ["Петров Иван", "Иван Петров <Ivan.Petrov@vector.ru>"],
            ["Сидорова Анна", '"Сидорова А." <anna@vector.ru>; <a.s@mail.ru>'],
            ["Орлов Олег", "mailto:oleg@orlov.ru"],
        ],
    )
    result = run(path)
    assert result.errors == []
    assert dict(Contact.objects.values_list("last_name", "email")) == {
        "Петров": "ivan.petrov@vector.ru",
        "Сидорова": "anna@vector.ru",
        "Орлов": "oleg@orlov.ru",
    }
    assert "a.s@mail.ru" in Contact.objects.get(last_name="Сидорова").notes
    assert_reimport_creates_nothing(path)


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
@pytest.mark.parametrize("name", ["clients.xls", "clients", "clients.XLSX"])
def test_workbook_under_another_name(tmp_path, monkeypatch, reader, name):
    """An .xlsx renamed to .xls (or stored without a suffix) is still read:
    the format is told by the content."""
    if reader == "openpyxl":
        monkeypatch.setattr(readers, "CALAMINE_MAX_SHEET_BYTES", 0)
    path = write_xlsx(
        tmp_path / name,
        [["ФИО", "Телефон"], ["Иванов Иван", 89161234567]],
    )
    assert mapped(path) == {"ФИО": "full_name", "Телефон": "phone"}
    result = run(path)
    assert result.errors == [] and result.created["contacts"] == 1
    assert phones(Contact.objects.get()) == [("+79161234567", "", "mobile")]


def test_1c_list_with_the_full_name_column_first(tmp_path):
    """Columns in the order the user arranged the 1C list: "Наименование", the
    name people use, is the organization whichever column comes first."""
    path = write_xlsx(
        tmp_path / "kontragenty.xlsx",
        [
            ["Полное наименование", "Наименование", "ИНН", "Телефон"],
            [
                'Общество с ограниченной ответственностью "Вектор"',
                "Вектор ООО",
                "7705000001",
                "+7 495 111-22-33",
            ],
        ],
        title="Контрагенты",
    )
    assert mapped(path) == {
        "Наименование": "organization",
        "ИНН": "tax_id",
        "Телефон": "phone",
    }
    run(path)
    assert Organization.objects.get().name == "Вектор ООО"


@pytest.mark.parametrize(
    ("header", "clients", "totals"),
    [
        (
            ["Название организации", "Телефон", "Сумма, руб."],
            [["ООО «Ромашка»", "8 495 222-33-44", 12000], ["ИП Сидоров", "", 8000]],
            ["Итого:", "", 20000],
        ),
        (
            ["Company", "Phone", "Amount"],
            [["Acme Ltd", "+44 20 7946 0958", 120], ["Globex", "", 80]],
            ["Total", "", 200],
        ),
    ],
)
def test_totals_line_under_a_hand_made_list_is_skipped(
    tmp_path, header, clients, totals
):
    """A sheet kept by hand ends with its sums: that line is no client."""
    path = write_xlsx(tmp_path / "clients.xlsx", [header, *clients, totals])
    result = run(path, region="RU" if "Телефон" in header else "GB")
    assert result.errors == []
    assert result.skipped == 1
    skipped = [e for e in result.entries if e["status"] == "skipped"]
    assert [e["row"] for e in skipped] == [4]
    assert totals[0] in str(skipped[0]["reason"])
    assert sorted(Organization.objects.values_list("name", flat=True)) == sorted(
        row[0] for row in clients
    )
