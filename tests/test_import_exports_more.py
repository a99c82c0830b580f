"""More real-shaped files, imported as a new user would: workbooks whose first
sheet is not the list, names typed with a form of address, a "Клиент" /
"Customer" column holding companies and people, Kazakh tax ids."""

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.import_files import (
    assert_reimport_creates_nothing,
    mapped,
    phones,
    run,
    statuses,
    write_csv,
    write_xlsx,
)
from wagtail_crm.models import Contact, ImportJob, Organization

pytestmark = pytest.mark.django_db
BASE = "/admin/crm/imports/"


def _workbook_with_list_second(path, first):
    """A workbook whose list of clients is on its second sheet; the first is
    a hidden sheet of drop-down choices, or the empty "Лист1" Excel starts with."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    if first == "hidden":
        sheet.title = "Справочники"
        for value in ("Статус", "Клиент", "Поставщик", "Телефон"):
            sheet.append([value])
        sheet.sheet_state = "hidden"
    clients = workbook.create_sheet("Клиенты")
    clients.append(["ФИО", "Телефон", "E-mail", "Статус"])
    clients.append(["Иванов Иван Иванович", 89161234567, "ivanov@mail.ru", "Клиент"])
    clients.append(["Петрова Анна", "8 (495) 123-45-67 доб. 12", "", "Поставщик"])
    workbook.save(path)
    return path


@pytest.mark.parametrize("first", ["hidden", "empty"])
def test_list_on_the_second_sheet(tmp_path, first):
    path = _workbook_with_list_second(tmp_path / "clients.xlsx", first)
    assert mapped(path) == {"ФИО": "full_name", "Телефон": "phone", "E-mail": "email"}
    result = run(path)
    assert statuses(result) == {2: "created", 3: "created"}
    ivanov = Contact.objects.get(last_name="Иванов")
    assert (ivanov.first_name, ivanov.middle_name, ivanov.email) == (
        "Иван",
        "Иванович",
        "ivanov@mail.ru",
    )
    assert phones(ivanov) == [("+79161234567", "", "mobile")]
    petrova = Contact.objects.get(last_name="Петрова")
    assert phones(petrova) == [("+74951234567", "12", "work")]
    assert_reimport_creates_nothing(path)


def test_wizard_imports_the_visible_sheet(
    admin_client, tmp_path, django_capture_on_commit_callbacks
):
    """Upload → mapping (the list's sheet chosen) → dry run → import."""
    path = _workbook_with_list_second(tmp_path / "clients.xlsx", "hidden")
    response = admin_client.post(
        BASE + "new/",
        {
            "file": SimpleUploadedFile("clients.xlsx", path.read_bytes()),
            "policy": "fill_empty",
            "region": "ru",
        },
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    page = admin_client.get(BASE + f"{job.pk}/mapping/").content.decode()
    assert 'name="sheet" value="Клиенты"' in page and "ivanov@mail.ru" in page
    response = admin_client.post(
        BASE + f"{job.pk}/mapping/",
        {
            "header": ["ФИО", "Телефон", "E-mail", "Статус"],
            "column-0": "full_name",
            "column-1": "phone",
            "column-2": "email",
            "column-3": "",
            "header_row": "1",
            "sheet": "Клиенты",
        },
    )
    assert response.status_code == 302
    admin_client.get(BASE + f"{job.pk}/preview/")
    job.refresh_from_db()
    assert job.summary["created"]["contacts"] == 2 and not Contact.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(BASE + f"{job.pk}/preview/")
    job.refresh_from_db()
    assert job.status == "done"
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == [
        "Иванов",
        "Петрова",
    ]


def test_names_with_a_form_of_address(tmp_path):
    """A hand-typed list of customers: "Dr.", "Mr." are no first names, and
    "Jr." stays with the last name."""
    rows = [
        ["Name", "Phone", "Email"],
        ["Dr. Jane Doe", "(617) 555-0102", "jane@doe.com"],
        ["Mr. Robert Brown Jr.", "617.555.0103 ext. 7", ""],
        ["Mrs Smith", "+1 617 555 0104", ""],
        ["Brown, Robert, Jr.", "617 555 0105", ""],
    ]
    path = write_csv(tmp_path / "customers.csv", rows, encoding="utf-8-sig")
    result = run(path, region="US")
    assert result.errors == []
    people = Contact.objects.order_by("pk")
    assert [(p.last_name, p.first_name, p.middle_name) for p in people] == [
        ("Doe", "Jane", ""),
        ("Brown Jr.", "Robert", ""),
        ("Smith", "", ""),
        ("Brown Jr.", "Robert", ""),
    ]
    assert phones(people[1]) == [("+16175550103", "7", "other")]
    assert_reimport_creates_nothing(path, region="US")


def test_client_column_beside_the_contact_person(tmp_path):
    """A manager's sheet: a title, "№", "Клиент" (the company), "Контактное
    лицо", INN typed into number cells, a sum and its totals line."""
    rows = [
        ["№", "Клиент", "Контактное лицо", "Телефон", "Email", "ИНН", "Сумма"],
        [1, "ООО «Альфа»", "Иванов Иван", "8 (495) 123-45-67, 123-45-68"]
        + ["a@alfa.ru\nb@alfa.ru", 7701234567, 1500.5],
        [2, "ООО «Бета»", "", "8 (3812) 12-34-56", "beta@beta.ru", 7702345678, 200],
        [3, "ИП Кузнецов", "Кузнецов Андрей", "+7 916 111 22 33\n+7 916 111 22 44"]
        + ["", "", 0],
        [4, "Альфа ООО", "Петрова Анна", "+7 916 222-33-44", "", "", 0],
        ["Итого", "", "", "", "", "", 1700.5],
    ]
    path = write_xlsx(tmp_path / "clients.xlsx", rows, title="Клиенты на 01.04.2024")
    assert mapped(path) == {
        "Клиент": "organization",
        "Контактное лицо": "full_name",
        "Телефон": "phone",
        "Email": "email",
        "ИНН": "tax_id",
    }
    result = run(path)
    assert result.errors == []
    assert statuses(result) == {
        4: "created",
        5: "created",
        6: "created",
        7: "created",
        8: "skipped",
    }
    alfa = Organization.objects.get(tax_id="7701234567")
    assert alfa.name == "ООО «Альфа»"
    ivanov = Contact.objects.get(last_name="Иванов")
    assert (ivanov.first_name, ivanov.email, ivanov.organization) == (
        "Иван",
        "a@alfa.ru",
        alfa,
    )
    assert "b@alfa.ru" in ivanov.notes
    assert phones(ivanov) == [
        ("+74951234567", "", "work"),
        ("+74951234568", "", "work"),
    ]
    assert Contact.objects.get(last_name="Петрова").organization == alfa
    beta = Organization.objects.get(tax_id="7702345678")
    assert (beta.name, beta.email) == ("ООО «Бета»", "beta@beta.ru")
    assert phones(beta) == [("+73812123456", "", "work")]
    kuznetsov = Contact.objects.get(last_name="Кузнецов")
    assert kuznetsov.organization.name == "ИП Кузнецов"
    assert len(phones(kuznetsov)) == 2
    assert Organization.objects.count() == 3
    assert_reimport_creates_nothing(path)


def test_client_column_alone_holds_people_and_companies(tmp_path):
    """Only "Customer" names the client: a person, or a company by its legal form."""
    rows = [
        ["Customer", "Phone", "E-mail"],
        ["John Smith", "+1 617 555 0100", "john@smith.com"],
        ["Acme Inc.", "+1 617 555 0200", "info@acme.com"],
        ["Globex LLC", "617-555-0300", ""],
    ]
    path = write_csv(tmp_path / "customers.csv", rows)
    assert mapped(path, region="US") == {
        "Customer": "full_name",
        "Phone": "phone",
        "E-mail": "email",
    }
    result = run(path, region="US")
    assert result.errors == []
    smith = Contact.objects.get()
    assert (smith.last_name, smith.first_name, smith.organization) == (
        "Smith",
        "John",
        None,
    )
    acme = Organization.objects.get(name="Acme Inc.")
    assert acme.email == "info@acme.com"
    assert phones(acme) == [("+16175550200", "", "other")]
    assert phones(Organization.objects.get(name="Globex LLC")) == [
        ("+16175550300", "", "other")
    ]
    assert_reimport_creates_nothing(path, region="US")


def test_kazakh_bin_column(tmp_path):
    """A Kazakh list: "БИН" is the company's tax id, its leading zero kept."""
    rows = [
        ["Компания", "БИН", "ФИО", "Телефон"],
        ["ТОО «Алма»", "123456789012", "Ахметов Нурлан", "8 (727) 250-00-00"],
        ["ТОО «Алма»", 123456789012, "Ким Ольга", 87011234567],
        ["ТОО «Береке»", 40123456789, "", "8 (7172) 12-34-56"],
    ]
    path = write_xlsx(tmp_path / "clients.xlsx", rows)
    assert mapped(path, region="KZ")["БИН"] == "tax_id"
    result = run(path, region="KZ")
    assert result.errors == []
    alma = Organization.objects.get(tax_id="123456789012")
    assert alma.contacts.count() == 2
    assert phones(Contact.objects.get(last_name="Ким")) == [
        ("+77011234567", "", "mobile")
    ]
    bereke = Organization.objects.get(tax_id="040123456789")
    assert phones(bereke) == [("+77172123456", "", "work")]
    assert_reimport_creates_nothing(path, region="KZ")
