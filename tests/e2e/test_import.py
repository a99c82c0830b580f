import os

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.import_files import write_xlsx
from wagtail_crm.models import Contact

SCREENSHOTS = os.environ.get("WAGTAILCRM_SCREENSHOTS")  # docs/img when refreshing


def shoot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"import-{name}.png"))


@pytest.mark.django_db(transaction=True)
def test_import_wizard_from_upload_to_rejected_rows(admin_page, live_server, tmp_path):
    page = admin_page
    path = write_xlsx(
        tmp_path / "clients.xlsx",
        [
            ["Клиент", "E-mail", "Телефон", "Компания"],
            ["Иванов Иван Иванович", "ivanov@x.ru", 79161234567, "ООО Ромашка"],
            [
                "Петрова Анна",
                "anna@x.ru",
                "8 916 765-43-21, +7 495 123-45-67",
                "ООО Ромашка",
            ],
            ["Сидоров Пётр", "sidorov@", "не звонить", "ИП Сидоров"],
        ],
        title="Клиенты на 01.11.2026",
    )
    page.goto(f"{live_server.url}/admin/crm/imports/")
    page.get_by_role("link", name="New import").first.click()
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=region]", "RU")
    page.get_by_role("button", name="Upload and map columns").click()

    expect(page.get_by_text("The column titles were found in row 3.")).to_be_visible()
    expect(page.locator("#mapping")).to_contain_text("ivanov@x.ru")
    page.select_option("select[name=column-0]", "full_name")  # fix one mapping
    shoot(page, "mapping")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_text("nothing has been saved yet")).to_be_visible()
    expect(page.locator(".import-counts")).to_contain_text("New: 2 contacts")
    expect(page.locator("#entries")).to_contain_text("not an e-mail address")
    assert not Contact.objects.exists()
    shoot(page, "preview")
    page.get_by_role("button", name="Confirm and import").click()

    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    expect(page.locator(".import-counts")).to_contain_text("Rejected rows: 1")
    shoot(page, "report")
    with page.expect_download() as download_info:
        page.locator("#download-rejected").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Reason"
    assert rows[1][0] == "Сидоров Пётр" and "not an e-mail address" in rows[1][-1]
    assert Contact.objects.count() == 2
    assert Contact.objects.get(last_name="Петрова").phones.count() == 2
