"""Real-shaped exports of the systems people move from: their own header sets,
encodings and layouts; the mapping found and the cards imported."""

import pytest

from tests.import_files import write_csv, write_xlsx
from wagtail_crm.importing.pipeline import ImportOptions, prepare, run_import
from wagtail_crm.models import Contact, Organization

pytestmark = pytest.mark.django_db


def mapped(path):
    """{header: field} of the mapped columns, as the mapping screen proposes it."""
    found = prepare(str(path), ImportOptions(region="RU"))
    return {h: f for h, f in zip(found.headers, found.mapping, strict=False) if f}


def run(path, region="RU"):
    return run_import(str(path), ImportOptions(region=region))


def phones(card):
    return sorted(card.phones.values_list("e164", "kind"))


def test_1c_counterparties_list_saved_as_xlsx(tmp_path):
    """1C "Контрагенты" → "Вывести список": a title, then the list."""
    header = [
        "Наименование",
        "Полное наименование",
        "ИНН",
        "КПП",
        "Телефон",
        "Адрес электронной почты",
        "Юридический адрес",
        "Основное контактное лицо",
    ]
    path = write_xlsx(
        tmp_path / "kontragenty.xlsx",
        [
            header,
            [
                "Вектор ООО",
                'Общество с ограниченной ответственностью "Вектор"',
                7705000001,
                770501001,
                84951112233,
                "info@vektor.ru",
                "Москва, ул. Ленина, 1",
                "Сидоров Пётр Ильич",
            ],
            ["Гамма АО", 'АО "Гамма"', 7705000002, None, None, None, None, None],
        ],
        title="Контрагенты",
    )
    assert mapped(path) == {
        "Наименование": "organization",
        "ИНН": "tax_id",
        "Телефон": "phone",
        "Адрес электронной почты": "email",
        "Юридический адрес": "address",
        "Основное контактное лицо": "full_name",
    }
    result = run(path)
    assert result.error_rows == 0
    vektor = Organization.objects.get(tax_id="7705000001")
    assert (vektor.name, vektor.address) == ("Вектор ООО", "Москва, ул. Ленина, 1")
    person = Contact.objects.get()
    assert (person.last_name, person.first_name, person.middle_name) == (
        "Сидоров",
        "Пётр",
        "Ильич",
    )
    assert person.organization == vektor and person.email == "info@vektor.ru"
    assert Organization.objects.filter(tax_id="7705000002", name="Гамма АО").exists()


def test_bitrix24_contacts_csv(tmp_path):
    """CRM → Контакты → Экспорт в CSV (Windows-1251, semicolons)."""
    header = [
        "ID",
        "Обращение",
        "Имя",
        "Отчество",
        "Фамилия",
        "Дата рождения",
        "Должность",
        "Рабочий телефон",
        "Мобильный телефон",
        "Номер факса",
        "Домашний телефон",
        "Телефон для рассылок",
        "Другой телефон",
        "Корпоративный сайт",
        "Рабочий e-mail",
        "Частный e-mail",
        "E-mail для рассылок",
        "Другой e-mail",
        "Компания",
        "Адрес",
        "Комментарий",
        "Ответственный",
    ]
    row = [
        "17",
        "г-н",
        "Иван",
        "Петрович",
        "Кузнецов",
        "01.02.1980",
        "Директор",
        "+7 (495) 111-22-33",
        "+7 916 111-22-33",
        "",
        "",
        "",
        "",
        "vector.ru",
        "kuznetsov@vector.ru",
        "ivan.k@mail.ru",
        "",
        "",
        "ООО «Вектор»",
        "Москва, ул. Тверская, 1",
        "Постоянный клиент",
        "Анна Смирнова",
    ]
    path = write_csv(
        tmp_path / "CONTACT.csv", [header, row], encoding="cp1251", delimiter=";"
    )
    assert mapped(path) == {
        "Имя": "first_name",
        "Отчество": "middle_name",
        "Фамилия": "last_name",
        "Должность": "job_title",
        "Рабочий телефон": "work_phone",
        "Мобильный телефон": "mobile_phone",
        "Номер факса": "fax",
        "Домашний телефон": "home_phone",
        "Телефон для рассылок": "phone",
        "Другой телефон": "phone",
        "Корпоративный сайт": "website",
        "Рабочий e-mail": "email",
        "Частный e-mail": "email",
        "E-mail для рассылок": "email",
        "Другой e-mail": "email",
        "Компания": "organization",
        "Адрес": "address",
        "Комментарий": "notes",
    }
    run(path)
    contact = Contact.objects.get()
    assert (contact.last_name, contact.first_name, contact.middle_name) == (
        "Кузнецов",
        "Иван",
        "Петрович",
    )
    assert contact.email == "kuznetsov@vector.ru" and contact.job_title == "Директор"
    assert "ivan.k@mail.ru" in contact.notes and "Постоянный клиент" in contact.notes
    assert phones(contact) == [("+74951112233", "work"), ("+79161112233", "mobile")]
    vector = contact.organization
    assert (vector.name, vector.website) == ("ООО «Вектор»", "https://vector.ru")


def test_bitrix24_companies_export(tmp_path):
    """A list of companies: its phone and e-mail columns belong to the company."""
    path = write_xlsx(
        tmp_path / "COMPANY.xlsx",
        [
            [
                "ID",
                "Название компании",
                "Тип компании",
                "Рабочий телефон",
                "Корпоративный сайт",
                "Рабочий e-mail",
                "Адрес",
            ],
            [
                5,
                "ООО «Гамма»",
                "Клиент",
                "+7 495 222-33-44",
                "gamma.ru",
                "info@gamma.ru",
                "Казань",
            ],
        ],
    )
    assert mapped(path)["Название компании"] == "organization"
    run(path)
    assert not Contact.objects.exists()
    gamma = Organization.objects.get()
    assert (gamma.email, gamma.website, gamma.address) == (
        "info@gamma.ru",
        "https://gamma.ru",
        "Казань",
    )
    assert [e164 for e164, _kind in phones(gamma)] == ["+74952223344"]


def test_amocrm_contacts_export(tmp_path):
    """amoCRM xlsx export: the record a column belongs to in brackets."""
    header = [
        "ID",
        "Полное имя контакта",
        "Компания контакта",
        "Ответственный",
        "Должность (контакт)",
        "Рабочий телефон (контакт)",
        "Мобильный телефон (контакт)",
        "Рабочий прямой телефон (контакт)",
        "Рабочий email (контакт)",
        "Личный email (контакт)",
        "Web (компания)",
        "Адрес (компания)",
        "Примечание 1",
    ]
    path = write_xlsx(
        tmp_path / "amocrm_export.xlsx",
        [
            header,
            [
                31,
                "Смирнова Ольга",
                "ИП Смирнова",
                "Менеджер",
                "Владелец",
                "+7 843 200-00-00",
                "89171234567",
                "+7 843 200-00-01",
                "olga@smirnova.ru",
                "olga@mail.ru",
                "smirnova.ru",
                "Казань, ул. Баумана, 5",
                "Просила перезвонить",
            ],
        ],
    )
    assert mapped(path) == {
        "Полное имя контакта": "full_name",
        "Компания контакта": "organization",
        "Должность (контакт)": "job_title",
        "Рабочий телефон (контакт)": "work_phone",
        "Мобильный телефон (контакт)": "mobile_phone",
        "Рабочий прямой телефон (контакт)": "work_phone",
        "Рабочий email (контакт)": "email",
        "Личный email (контакт)": "email",
        "Web (компания)": "website",
        "Адрес (компания)": "address",
        "Примечание 1": "notes",
    }
    run(path)
    olga = Contact.objects.get()
    assert (olga.last_name, olga.first_name, olga.job_title) == (
        "Смирнова",
        "Ольга",
        "Владелец",
    )
    assert olga.email == "olga@smirnova.ru" and olga.notes.startswith(
        "Просила перезвонить"
    )
    assert phones(olga) == [
        ("+78432000000", "work"),
        ("+78432000001", "work"),
        ("+79171234567", "mobile"),
    ]
    shop = olga.organization
    assert (shop.name, shop.website) == ("ИП Смирнова", "https://smirnova.ru")


def test_hubspot_contacts_and_companies_exports(tmp_path):
    contacts = write_csv(
        tmp_path / "hubspot-crm-exports-all-contacts.csv",
        [
            [
                "Record ID",
                "First Name",
                "Last Name",
                "Email",
                "Phone Number",
                "Mobile Phone Number",
                "Job Title",
                "Company Name",
                "Contact owner",
                "Lifecycle Stage",
            ],
            [
                "51",
                "Maria",
                "Johnson",
                "maria@acme.com",
                "+1 617-555-0100",
                "+1 617 555 0199",
                "CFO",
                "Acme Inc.",
                "Sam Lee",
                "Customer",
            ],
        ],
    )
    assert mapped(contacts) == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": "mobile_phone",
        "Job Title": "job_title",
        "Company Name": "organization",
    }
    companies = write_csv(
        tmp_path / "hubspot-crm-exports-all-companies.csv",
        [
            ["Record ID", "Company name", "Company Domain Name", "Phone Number"],
            ["88", "Acme Inc.", "acme.com", "+1 617-555-0000"],
        ],
    )
    assert mapped(companies) == {
        "Company name": "organization",
        "Company Domain Name": "website",
        "Phone Number": "phone",
    }
    run(contacts, region="US")
    run(companies, region="US")
    maria = Contact.objects.get()
    assert (maria.first_name, maria.last_name, maria.job_title) == (
        "Maria",
        "Johnson",
        "CFO",
    )
    assert phones(maria) == [("+16175550100", "other"), ("+16175550199", "mobile")]
    acme = Organization.objects.get()  # the second file found the same company
    assert maria.organization == acme and acme.website == "https://acme.com"
    assert [e164 for e164, _kind in phones(acme)] == ["+16175550000"]


@pytest.mark.parametrize("layout", ["current", "older"])
def test_google_contacts_csv(tmp_path, layout):
    """Google Contacts → Export → Google CSV, the current and the older layout."""
    if layout == "current":
        header = [
            "First Name",
            "Middle Name",
            "Last Name",
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
            "E-mail 2 - Label",
            "E-mail 2 - Value",
            "Phone 1 - Label",
            "Phone 1 - Value",
            "Phone 2 - Label",
            "Phone 2 - Value",
            "Website 1 - Label",
            "Website 1 - Value",
        ]
        row = ["Arbër", "", "Çela", "", "", "Alba Shpk", "Drejtor", "", "", ""]
        row += ["* myContacts", "* Work", "arber@alba.al", "Home", "arber@gmail.com"]
        row += ["Mobile", "+355 69 123 4567 ::: +355 4 222 3333", "", ""]
        row += ["Work", "alba.al"]
    else:
        header = [
            "Name",
            "Given Name",
            "Additional Name",
            "Family Name",
            "Notes",
            "Group Membership",
            "E-mail 1 - Type",
            "E-mail 1 - Value",
            "E-mail 2 - Type",
            "E-mail 2 - Value",
            "Phone 1 - Type",
            "Phone 1 - Value",
            "Organization 1 - Type",
            "Organization 1 - Name",
            "Organization 1 - Title",
            "Website 1 - Type",
            "Website 1 - Value",
        ]
        row = ["Arbër Çela", "Arbër", "", "Çela", "", "* myContacts", "* Work"]
        row += ["arber@alba.al", "Home", "arber@gmail.com", "Mobile"]
        row += ["+355 69 123 4567 ::: +355 4 222 3333", "", "Alba Shpk", "Drejtor"]
        row += ["Work", "alba.al"]
    path = write_csv(tmp_path / "contacts.csv", [header, row])
    fields = mapped(path)
    assert fields["E-mail 1 - Value"] == fields["E-mail 2 - Value"] == "email"
    assert fields["Website 1 - Value"] == "website"
    assert "E-mail 1 - Label" not in fields and "E-mail 1 - Type" not in fields
    result = run(path, region="AL")
    assert result.errors == []
    arber = Contact.objects.get()
    assert (arber.first_name, arber.last_name, arber.job_title) == (
        "Arbër",
        "Çela",
        "Drejtor",
    )
    assert arber.email == "arber@alba.al" and "arber@gmail.com" in arber.notes
    assert [e164 for e164, _kind in phones(arber)] == ["+35542223333", "+355691234567"]
    assert (arber.organization.name, arber.organization.website) == (
        "Alba Shpk",
        "https://alba.al",
    )


def test_outlook_csv(tmp_path):
    """Outlook → Export → CSV: "Title" is Mr./Ms., several phone and fax columns."""
    header = [
        "Title",
        "First Name",
        "Middle Name",
        "Last Name",
        "Suffix",
        "Company",
        "Department",
        "Job Title",
        "Business Street",
        "Business Phone",
        "Business Phone 2",
        "Business Fax",
        "Home Phone",
        "Mobile Phone",
        "Other Fax",
        "Company Main Phone",
        "E-mail Address",
        "E-mail Type",
        "E-mail Display Name",
        "E-mail 2 Address",
        "Notes",
        "Web Page",
    ]
    row = ["Mr.", "John", "", "Smith", "", "Contoso Ltd", "Sales", "Sales Manager"]
    row += ["1 Main St", "+44 20 7946 0018", "", "", "", "+44 7911 123456", ""]
    row += ["+44 20 7946 0000", "john.smith@contoso.com", "SMTP"]
    row += ["John Smith (john.smith@contoso.com)", "", "Met at the fair", "contoso.com"]
    path = write_csv(tmp_path / "outlook.csv", [header, row])
    assert mapped(path) == {
        "First Name": "first_name",
        "Middle Name": "middle_name",
        "Last Name": "last_name",
        "Company": "organization",
        "Job Title": "job_title",
        "Business Phone": "work_phone",
        "Business Phone 2": "work_phone",
        "Business Fax": "fax",
        "Home Phone": "home_phone",
        "Mobile Phone": "mobile_phone",
        "Other Fax": "fax",
        "Company Main Phone": "org_phone",
        "E-mail Address": "email",
        "E-mail 2 Address": "email",
        "Notes": "notes",
        "Web Page": "website",
    }
    result = run(path, region="GB")
    assert result.errors == []
    john = Contact.objects.get()
    assert (john.first_name, john.last_name, john.job_title) == (
        "John",
        "Smith",
        "Sales Manager",
    )
    assert john.email == "john.smith@contoso.com" and john.notes == "Met at the fair"
    assert phones(john) == [("+442079460018", "work"), ("+447911123456", "mobile")]
    contoso = john.organization
    assert contoso.name == "Contoso Ltd" and contoso.website == "https://contoso.com"
    assert [e164 for e164, _kind in phones(contoso)] == ["+442079460000"]


def test_albanian_sheet(tmp_path):
    header = [
        "Emri",
        "Mbiemri",
        "Pozicioni",
        "Emri i subjektit",
        "NIPT",
        "Telefoni",
        "Telefoni celular",
        "Emaili",
        "Adresa",
        "Shënime",
    ]
    path = write_xlsx(
        tmp_path / "klientet.xlsx",
        [
            header,
            [
                "Arbër",
                "Çela",
                "Drejtor",
                "Alba Shpk",
                "L12345678A",
                "04 222 3333",
                "069 123 4567",
                "arber@alba.al",
                "Tiranë, Rruga e Kavajës",
                "Klient i rëndësishëm",
            ],
        ],
        title="Klientët 2026",
    )
    assert mapped(path) == {
        "Emri": "first_name",
        "Mbiemri": "last_name",
        "Pozicioni": "job_title",
        "Emri i subjektit": "organization",
        "NIPT": "tax_id",
        "Telefoni": "phone",
        "Telefoni celular": "mobile_phone",
        "Emaili": "email",
        "Adresa": "address",
        "Shënime": "notes",
    }
    result = run(path, region="AL")
    assert result.errors == []
    arber = Contact.objects.get()
    assert (arber.first_name, arber.last_name, arber.email) == (
        "Arbër",
        "Çela",
        "arber@alba.al",
    )
    assert phones(arber) == [("+35542223333", "work"), ("+355691234567", "mobile")]
    alba = arber.organization
    assert (alba.name, alba.tax_id, alba.address) == (
        "Alba Shpk",
        "L12345678A",
        "Tiranë, Rruga e Kavajës",
    )
