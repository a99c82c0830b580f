"""The listings' "Download CSV": no cell runs as a formula, and Excel reads it."""

import csv
import io
import re

import pytest
from django.urls import reverse

from wagtail_crm.models import Contact, Organization, Phone

pytestmark = pytest.mark.django_db


def download(client, model_name):
    url = reverse(f"wagtailsnippets_wagtail_crm_{model_name}:list")
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def test_contacts_csv_escapes_formulas_and_starts_with_a_bom(admin_client):
    Contact.objects.create(
        first_name="Anna", last_name="=1+2", job_title="@SUM(1+1)", email="a@x.ru"
    )
    Contact.objects.create(first_name="Boris", last_name="-2+3")

    text = download(admin_client, "contact")

    assert text.startswith("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text[1:])) for cell in row]
    assert "'=1+2" in " ".join(cells)
    assert "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "@", "-", "+")) for cell in cells[1:] if cell)


def test_organizations_csv_escapes_a_hyperlink_and_keeps_phones(admin_client):
    org = Organization.objects.create(name='=HYPERLINK("http://evil.example","x")')
    Phone.objects.create(organization=org, e164="+74951234567")

    text = download(admin_client, "organization")

    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1][0] == "'" + org.name
    assert "+7 495 123-45-67" in rows[1]  # a phone is no formula: kept as it is


def test_owner_by_name_and_times_in_the_site_time_zone(admin_client, superuser):
    superuser.first_name, superuser.last_name = "Olga", "Head"
    superuser.save()
    Contact.objects.create(last_name="Petrov", owner=superuser)

    text = download(admin_client, "contact")

    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))[:2]
    assert row[header.index("Owner")] == "Olga Head"
    created = row[header.index("Created")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", created), created
