import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.import_files import write_xlsx
from wagtail_crm.models import Contact, ImportJob, MappingProfile

pytestmark = pytest.mark.django_db
BASE = "/admin/crm/imports/"


def sheet_bytes(tmp_path):
    path = write_xlsx(
        tmp_path / "clients.xlsx",
        [
            ["Клиент", "E-mail", "Телефон", "Компания"],
            ["Иванов Иван", "ivanov@x.ru", "+7 916 123-45-67", "ООО Ромашка"],
            ["Петрова Анна", "broken@", "+7 916 765-43-21", "ООО Ромашка"],
        ],
        title="Клиенты",
    )
    return path.read_bytes()


def upload(client, tmp_path, policy="fill_empty"):
    response = client.post(
        BASE + "new/",
        {
            "file": SimpleUploadedFile("clients.xlsx", sheet_bytes(tmp_path)),
            "policy": policy,
            "region": "ru",
        },
    )
    assert response.status_code == 302
    return ImportJob.objects.latest("pk")


def test_view_only_user_cannot_import(client, tmp_path):
    user = get_user_model().objects.create_user("viewer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for url in (BASE, BASE + "new/", BASE + "template.xlsx"):
        response = client.get(url)  # Wagtail turns the refusal into a redirect home
        assert (response.status_code, response.url) == (302, "/admin/")
    user.user_permissions.add(Permission.objects.get(codename="import_records"))
    user = get_user_model().objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(BASE).status_code == 200


def test_the_whole_wizard(admin_client, tmp_path, django_capture_on_commit_callbacks):
    job = upload(admin_client, tmp_path)
    assert job.file.storage.exists(job.file.name)
    page = admin_client.get(BASE + f"{job.pk}/mapping/").content.decode()
    assert "The column titles were found in row 3." in page
    assert "ivanov@x.ru" in page  # sample values
    # The user confirms "Клиент" as the full name and saves a profile.
    response = admin_client.post(
        BASE + f"{job.pk}/mapping/",
        {
            "header": ["Клиент", "E-mail", "Телефон", "Компания"],
            "column-0": "full_name",
            "column-1": "email",
            "column-2": "phone",
            "column-3": "organization",
            "header_row": "3",
            "sheet": "Contacts",
            "profile_name": "Our clients",
        },
    )
    assert response.status_code == 302
    assert MappingProfile.objects.get().mapping["клиент"] == "full_name"
    preview = admin_client.get(BASE + f"{job.pk}/preview/").content.decode()
    assert "broken@" in preview and not Contact.objects.exists()
    job.refresh_from_db()
    assert job.summary["created"]["contacts"] == 1 and job.total_rows == 2
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(BASE + f"{job.pk}/preview/")
    job.refresh_from_db()
    assert job.status == "done"
    assert Contact.objects.get().last_name == "Иванов"
    assert admin_client.get(BASE + f"{job.pk}/progress/").json()["progress"] == 100
    detail = admin_client.get(BASE + f"{job.pk}/").content.decode()
    assert "Download the rejected rows" in detail
    rejected = admin_client.get(BASE + f"{job.pk}/rejected.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(rejected.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Клиент", "E-mail", "Телефон", "Компания", "Reason"]
    assert rows[1][:2] == ["Петрова Анна", "broken@"]
    assert "E-mail" in rows[1][4] and "not an e-mail address" in rows[1][4]
    admin_client.post(BASE + f"{job.pk}/undo/")
    assert not Contact.objects.exists()
    assert ImportJob.objects.get(pk=job.pk).status == "undone"


def test_unusable_file_shows_the_reason(admin_client):
    response = admin_client.post(
        BASE + "new/",
        {
            "file": SimpleUploadedFile(
                "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
            ),
            "policy": "fill_empty",
        },
    )
    job = ImportJob.objects.get()
    page = admin_client.get(response.url).content.decode()
    assert "97-2003" in page and job.status == "uploaded"


def test_template_download(admin_client):
    response = admin_client.get(BASE + "template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in next(sheet.iter_rows())]
    assert "E-mail" in headers and "Organization" in headers
