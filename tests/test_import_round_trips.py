"""Import with real-shaped files: our own admin exports imported back, a
Windows-1251 file whose Cyrillic starts late, "тел/факс" labels, multi-line
CSV cells, and the report of a background import in the user's language."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.import_files import write_csv, write_xlsx
from wagtail_crm.importing.pipeline import ImportOptions, run_import
from wagtail_crm.importing.tasks import run_import_job
from wagtail_crm.models import Contact, ImportJob, Organization, Phone

pytestmark = pytest.mark.django_db
IMPORTS = "/admin/crm/imports/"


def _listing(model):
    return reverse(model.snippet_viewset.get_url_name("list"))


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _seed():
    romashka = Organization.objects.create(name="ООО Ромашка", tax_id="7701234567")
    ivanov = Contact.objects.create(
        first_name="Иван",
        last_name="Иванов",
        email="ivanov@romashka.ru",
        job_title="Менеджер",
        organization=romashka,
    )
    Phone.objects.create(contact=ivanov, e164="+79161234567")
    Phone.objects.create(organization=romashka, e164="+74957654321")
    return romashka, ivanov


# A cp1251 CSV whose first 256 KB are plain Latin is still read as cp1251.
def test_cp1251_csv_with_latin_first_rows_keeps_cyrillic(tmp_path):
    rows = [["First Name", "Last Name", "E-mail Address", "Company"]]
    rows += [
        [f"John{i}", f"Smith{i}", f"john{i}@example.com", "Acme Incorporated"]
        for i in range(5000)
    ]  # a list sorted A..Я: the Latin names come first
    rows.append(["Иван", "Иванов", "ivanov@romashka.ru", "ООО Ромашка"])
    path = write_csv(tmp_path / "outlook.csv", rows, encoding="cp1251")
    run_import(str(path), ImportOptions(region="RU"))
    ivanov = Contact.objects.get(email="ivanov@romashka.ru")
    assert (ivanov.first_name, ivanov.last_name) == ("Иван", "Иванов")
    assert Organization.objects.filter(name="ООО Ромашка").exists()


# The admin's organizations export imports back as organizations, not people.
def test_admin_organizations_export_imports_back_without_new_people(
    admin_client, tmp_path
):
    _seed()
    path = tmp_path / "organizations.xlsx"
    path.write_bytes(_download(admin_client, _listing(Organization) + "?export=xlsx"))
    run_import(str(path), ImportOptions(region="RU"))
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Иванов"]


# The admin's contacts export: "Job title" is the job title, not "Role".
def test_admin_contacts_export_job_title_column_imports_back(admin_client, tmp_path):
    _seed()
    body = _download(admin_client, _listing(Contact) + "?export=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("Job title") + 1, value="Директор")
    path = tmp_path / "contacts.xlsx"
    workbook.save(path)
    run_import(str(path), ImportOptions(region="RU", policy="overwrite"))
    assert Contact.objects.get().job_title == "Директор"


# The report written by the background worker is in the user's language.
def test_report_of_background_import_is_in_the_users_language(
    admin_client, superuser, tmp_path
):
    profile = UserProfile.get_for_user(superuser)
    profile.preferred_language = "ru"
    profile.save()
    path = write_xlsx(
        tmp_path / "clients.xlsx",
        [
            ["ФИО", "E-mail", "Телефон"],
            ["Иванов Иван", "ivanov@x.ru", "+7 916 123-45-67"],
            ["Петрова Анна", "broken@", "+7 916 765-43-21"],
        ],
    )
    admin_client.post(
        IMPORTS + "new/",
        {
            "file": SimpleUploadedFile("clients.xlsx", path.read_bytes()),
            "policy": "fill_empty",
            "region": "ru",
        },
    )
    job = ImportJob.objects.get()
    admin_client.post(
        IMPORTS + f"{job.pk}/mapping/",
        {
            "header": ["ФИО", "E-mail", "Телефон"],
            "column-0": "full_name",
            "column-1": "email",
            "column-2": "phone",
            "header_row": "1",
            "sheet": "Contacts",
        },
    )
    preview = admin_client.get(IMPORTS + f"{job.pk}/preview/").content.decode()
    assert "не является адресом e-mail" in preview  # the dry run is Russian
    admin_client.post(IMPORTS + f"{job.pk}/preview/")  # queued (on commit)
    run_import_job.call(job.pk)  # what db_worker does, outside any request
    detail = admin_client.get(IMPORTS + f"{job.pk}/").content.decode()
    assert "is not an e-mail address" not in detail
    assert "не является адресом e-mail" in detail


# "тел/факс:" is a label, not two numbers.
def test_tel_fax_label_is_understood(tmp_path):
    path = write_xlsx(
        tmp_path / "1c.xlsx",
        [
            ["Наименование", "ИНН", "Телефон"],
            ["ООО «Ромашка»", "7701234567", "тел/факс: 8 (495) 123-45-67"],
        ],
        title="Контрагенты",
    )
    result = run_import(str(path), ImportOptions(region="RU", area_code="495"))
    assert result.error_rows == 0, result.errors
    organization = Organization.objects.get()
    assert list(organization.phones.values_list("e164", flat=True)) == ["+74951234567"]


# CSV rows are numbered by record, as spreadsheets show them.
def test_csv_report_row_numbers_count_records(tmp_path):
    path = write_csv(
        tmp_path / "bitrix.csv",
        [
            ["Имя", "Фамилия", "Комментарий", "E-mail"],
            ["Иван", "Иванов", "звонить после 12\nспросить про счёт", "ivan@x.ru"],
            ["Анна", "Петрова", "", "broken@"],
        ],
        encoding="utf-8-sig",
        delimiter=";",
    )
    result = run_import(str(path), ImportOptions(region="RU"))
    # Excel and LibreOffice show Петрова on row 3.
    assert [error["row"] for error in result.errors] == [3]
