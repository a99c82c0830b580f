"""Exports of other systems in the shape they really have (their full header
sets, encodings, multi-value cells, title and totals rows), imported as a user
would: the proposed mapping, the cards, the phones, the duplicates found in
the file, the rows rejected and nothing lost."""

import pytest

from tests.import_files import write_csv
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
