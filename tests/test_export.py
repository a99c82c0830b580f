import csv
import io

import openpyxl
import pytest
from django.core.management import call_command

from wagtail_crm.exporting import neutralize
from wagtail_crm.importing.pipeline import ImportOptions, run_import
from wagtail_crm.models import Contact, Lead, Organization, Phone
from wagtail_crm.resources import ContactResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    acme = Organization.objects.create(
        name='=HYPERLINK("http://evil")', tax_id="7701234567"
    )
    ann = Contact.objects.create(
        first_name="Ann",
        last_name="Lee",
        email="ann@x.com",
        organization=acme,
        notes="@SUM(1+1)",
    )
    Phone.objects.create(contact=ann, e164="+74951234567", extension="12")
    Phone.objects.create(contact=ann, e164="+79161234567")
    bob = Contact.objects.create(first_name="Bob", last_name="Ray", job_title="-2+3")
    Phone.objects.create(contact=bob, e164="+442079460019")
    Phone.objects.create(organization=acme, e164="+74957654321")
    Lead.objects.create(name="Visitor", email="v@x.com", phone="+7 916 111 22 33")
    return ann, bob, acme


def test_neutralize_keeps_phones_and_numbers_and_disarms_formulas():
    assert neutralize("+74951234567") == "+74951234567"
    assert neutralize("+74951234567 ext. 12") == "+74951234567 ext. 12"
    assert neutralize("+74951234567, +79161234567") == "+74951234567, +79161234567"
    assert neutralize("+7 (916) 111-22-33") == "+7 (916) 111-22-33"
    assert neutralize("-12.5") == "-12.5"
    assert neutralize("-2+3") == "'-2+3"
    assert neutralize("=1+2") == "'=1+2"
    assert neutralize("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0"
    assert neutralize("@SUM(A1)") == "'@SUM(A1)"
    assert neutralize("\tx") == "'\tx"


def test_xlsx_export_writes_text_never_formulas(tmp_path, records):
    path = tmp_path / "contacts.xlsx"
    call_command(
        "crm_export", "--model", "contacts", "-o", str(path), stdout=io.StringIO()
    )
    sheet = openpyxl.load_workbook(path).active
    rows = [list(row) for row in sheet.iter_rows()]
    assert all(cell.data_type != "f" for row in rows for cell in row)
    headers = [cell.value for cell in rows[0]]
    ann = dict(zip(headers, [cell.value for cell in rows[1]], strict=True))
    assert ann["Phones"] == "+74951234567 ext. 12, +79161234567"
    assert ann["Organization"] == '=HYPERLINK("http://evil")'
    assert ann["Notes"] == "@SUM(1+1)"


def test_csv_export_neutralizes_formulas_but_not_phones(tmp_path, records):
    path = tmp_path / "contacts.csv"
    call_command(
        "crm_export",
        "--model",
        "contacts",
        "--format",
        "csv",
        "-o",
        str(path),
        stdout=io.StringIO(),
    )
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Phones"] == "+74951234567 ext. 12, +79161234567"
    assert rows[0]["Organization"] == '\'=HYPERLINK("http://evil")'
    assert rows[1]["Job title"] == "'-2+3"
    assert rows[1]["Phones"] == "+442079460019"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_export_edit_import_updates_instead_of_duplicating(
    tmp_path, records, fmt
):
    ann, bob, acme = records
    path = tmp_path / f"contacts.{fmt}"
    call_command(
        "crm_export", "--model", "contacts", "-o", str(path), stdout=io.StringIO()
    )
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(path)
        sheet = workbook.active
        headers = [cell.value for cell in sheet[1]]
        sheet.cell(row=2, column=headers.index("Job title") + 1, value="CEO")
        workbook.save(path)
    before = (
        Contact.objects.count(),
        Organization.objects.count(),
        Phone.objects.count(),
    )
    result = run_import(str(path), ImportOptions(region="RU"))
    after = (
        Contact.objects.count(),
        Organization.objects.count(),
        Phone.objects.count(),
    )
    assert after == before
    assert result.created == {"contacts": 0, "organizations": 0, "phones": 0}
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert ann.job_title == ("CEO" if fmt == "xlsx" else "")
    assert bob.job_title == "-2+3" and ann.notes == "@SUM(1+1)"
    assert set(ann.phones.values_list("e164", "extension")) == {
        ("+74951234567", "12"),
        ("+79161234567", ""),
    }


def test_organizations_and_leads_export(tmp_path, records):
    orgs = tmp_path / "orgs.xlsx"
    call_command(
        "crm_export", "--model", "organizations", "-o", str(orgs), stdout=io.StringIO()
    )
    result = run_import(str(orgs), ImportOptions(region="RU"))
    assert result.created["organizations"] == 0 and result.duplicates == 1
    leads = tmp_path / "leads.csv"
    call_command(
        "crm_export", "--model", "leads", "-o", str(leads), stdout=io.StringIO()
    )
    with open(leads, encoding="utf-8-sig", newline="") as handle:
        lead = next(csv.DictReader(handle))
    assert lead["name"] == "Visitor" and lead["phone"] == "+7 916 111 22 33"


def test_contact_resource_is_subclassable():
    class Mine(ContactResource):
        class Meta(ContactResource.Meta):
            fields = ("crm_id", "email")
            export_order = fields

    Contact.objects.create(first_name="A", email="a@x.com")
    dataset = Mine().export()
    assert dataset.headers == ["CRM id", "E-mail"]
