import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.import_files import RU_PEOPLE_HEADER, write_csv, write_xlsx
from wagtail_crm.dedup import person_name_key
from wagtail_crm.importing.pipeline import ImportOptions, run_import
from wagtail_crm.importing.readers import ImportFileError
from wagtail_crm.models import Contact, Organization, Phone

pytestmark = pytest.mark.django_db


def ru_people(path):
    """A manager's sheet: a title, merged company cells, numeric phones."""
    return write_xlsx(
        path,
        [
            RU_PEOPLE_HEADER,
            [
                "ООО «Ромашка»",
                7701234567,
                "Иванов Иван Иванович",
                "Директор",
                79161234567,
                "Ivanov@Romashka.ru ",
            ],
            [
                None,
                None,
                "Петрова Анна Сергеевна",
                "Бухгалтер",
                "8 (495) 123-45-67, +7 916 765-43-21",
                "anna@romashka.ru",
            ],
            ["ИП Сидоров", 770987654321, "Сидоров Пётр", None, "не звонить", None],
            [
                "ООО Ромашка",
                None,
                "Иванов Иван",
                None,
                "+7 916 123-45-67",
                "IVANOV@romashka.ru",
            ],
        ],
        title="Клиенты на 01.11.2026",
        merges=["A4:A5", "B4:B5"],
    )


def snapshot():
    return (
        sorted(
            Contact.objects.values_list(
                "pk",
                "first_name",
                "last_name",
                "email",
                "job_title",
                "organization_id",
                "updated_at",
            )
        ),
        sorted(Organization.objects.values_list("pk", "name", "tax_id", "updated_at")),
        sorted(
            Phone.objects.values_list("pk", "e164", "contact_id", "organization_id")
        ),
    )


def run(path, **options):
    options.setdefault("region", "RU")
    return run_import(str(path), ImportOptions(**options))


def test_people_of_one_organization_are_linked_and_phones_normalized(tmp_path):
    result = run(ru_people(tmp_path / "a.xlsx"))
    romashka = Organization.objects.get()
    assert (romashka.name, romashka.tax_id) == ("ООО «Ромашка»", "7701234567")
    ivanov = Contact.objects.get(last_name="Иванов")
    assert (ivanov.first_name, ivanov.middle_name) == ("Иван", "Иванович")
    assert ivanov.email == "ivanov@romashka.ru"
    assert ivanov.organization == romashka and ivanov.job_title == "Директор"
    assert list(ivanov.phones.values_list("e164", flat=True)) == ["+79161234567"]
    petrova = Contact.objects.get(last_name="Петрова")
    assert petrova.organization == romashka
    assert sorted(petrova.phones.values_list("e164", flat=True)) == [
        "+74951234567",
        "+79167654321",
    ]
    assert result.created == {"contacts": 2, "organizations": 1, "phones": 3}
    # The row whose only phone is not a phone is rejected whole, with its reason.
    assert not Contact.objects.filter(last_name="Сидоров").exists()
    assert not Organization.objects.filter(tax_id="770987654321").exists()
    assert result.errors == [
        {
            "row": 6,
            "column": "Телефон",
            "value": "не звонить",
            "message": "“не звонить” is not a phone number: it has no digits.",
        }
    ]
    last = result.entries[-1]
    assert (last["row"], last["status"], last["of_row"]) == (7, "duplicate", 4)


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = ru_people(tmp_path / "a.xlsx")
    run(path)
    before = snapshot()
    result = run(path)
    assert snapshot() == before
    assert result.created == {"contacts": 0, "organizations": 0, "phones": 0}
    assert result.updated == {"contacts": 0, "organizations": 0}
    assert result.duplicates == 3 and result.error_rows == 1
    assert {e["of_card"] for e in result.entries if "of_card" in e} == {
        c.pk for c in Contact.objects.all()
    }


def test_overlapping_parts_and_repeated_people_across_files(tmp_path):
    header = ["First Name", "Last Name", "Email", "Phone", "Company"]
    first = write_csv(
        tmp_path / "part1.csv",
        [
            header,
            ["Ann", "Lee", "ann@x.com", "+44 20 7946 0018", "Acme Ltd"],
            ["Bob", "Ray", "", "+44 20 7946 0019", "Acme"],
        ],
    )
    second = write_csv(
        tmp_path / "part2.csv",
        [
            header,
            ["Ann", "Lee", " ANN@X.com ", "+44 7911 123456", "ACME LTD"],
            ["Bob", "Ray", "bob@x.com", "+44 (20) 7946-0019", ""],
            ["Cy", "Dee", "cy@x.com", "", "Acme"],
        ],
    )
    run(first)
    result = run(second)
    assert Contact.objects.count() == 3 and Organization.objects.count() == 1
    assert result.created["contacts"] == 1 and result.updated["contacts"] == 2
    ann = Contact.objects.get(last_name="Lee")
    assert sorted(ann.phones.values_list("e164", flat=True)) == [
        "+442079460018",
        "+447911123456",
    ]
    assert Contact.objects.get(last_name="Ray").email == "bob@x.com"
    assert Contact.objects.get(last_name="Dee").organization.name == "Acme Ltd"


@pytest.mark.parametrize(
    "policy,title,status",
    [
        ("fill_empty", "CEO", "duplicate"),
        ("overwrite", "Owner", "updated"),
        ("skip", "CEO", "skipped"),
    ],
)
def test_policies_for_matching_cards(tmp_path, policy, title, status):
    header = ["Name", "E-mail", "Position", "Notes"]
    run(write_csv(tmp_path / "a.csv", [header, ["Ann Lee", "ann@x.com", "CEO", ""]]))
    again = write_csv(
        tmp_path / "b.csv", [header, ["Ann Lee", "ann@x.com", "Owner", ""]]
    )
    result = run(again, policy=policy)
    assert Contact.objects.get().job_title == title
    assert result.entries[0]["status"] == status
    filled = write_csv(
        tmp_path / "c.csv", [header, ["Ann Lee", "ann@x.com", "", "VIP"]]
    )
    run(filled, policy=policy)
    assert Contact.objects.get().notes == ("" if policy == "skip" else "VIP")


def test_1c_counterparties_cp1251_semicolon_csv(tmp_path):
    path = write_csv(
        tmp_path / "1c.csv",
        [
            ["Контрагенты"],
            [],
            ["Наименование", "ИНН", "КПП", "Телефон", "Email", "Юридический адрес"],
            [
                'ООО "Вектор"',
                "7705000001",
                "770501001",
                "8-495-111-22-33; 8-495-111-22-34",
                "info@vektor.ru",
                "Москва, ул. Ленина, 1",
            ],
            ["АО Гамма", "7705000002", "", "", "", ""],
            ["Вектор ООО", "7705000001", "", "", "", ""],
        ],
        encoding="cp1251",
        delimiter=";",
    )
    result = run(path)
    assert Contact.objects.count() == 0
    vektor = Organization.objects.get(tax_id="7705000001")
    assert vektor.name == 'ООО "Вектор"' and vektor.email == "info@vektor.ru"
    assert vektor.address == "Москва, ул. Ленина, 1"
    assert sorted(vektor.phones.values_list("e164", flat=True)) == [
        "+74951112233",
        "+74951112234",
    ]
    assert result.created["organizations"] == 2 and result.duplicates == 1


def test_a_row_with_an_error_writes_nothing_at_all(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["Name", "E-mail", "Phone", "Company"],
            ["Ann Lee", "not-an-email", "+44 20 7946 0018", "Acme"],
        ],
    )
    result = run(path)
    assert not Contact.objects.exists() and not Organization.objects.exists()
    assert not Phone.objects.exists()
    assert result.errors[0]["column"] == "E-mail"


def test_duplicates_across_batches_point_to_the_earlier_row(tmp_path):
    rows = [["Name", "E-mail"]] + [[f"P{i} Lee", f"p{i}@x.com"] for i in range(5)]
    rows += [["P0 Lee", "P0@X.COM"], ["P4 Lee", "p4@x.com"]]
    result = run(write_csv(tmp_path / "a.csv", rows), batch_size=2)
    assert Contact.objects.count() == 5
    dupes = [
        (e["row"], e.get("of_row"))
        for e in result.entries
        if e["status"] == "duplicate"
    ]
    assert dupes == [(7, 2), (8, 6)]


def test_dry_run_saves_nothing_and_reports_what_would_happen(tmp_path):
    result = run(ru_people(tmp_path / "a.xlsx"), dry_run=True)
    assert result.created["contacts"] == 2
    assert not Contact.objects.exists() and not Phone.objects.exists()


def test_round_trip_by_crm_id_updates_the_card(tmp_path):
    run(write_csv(tmp_path / "a.csv", [["Name", "Phone"], ["Ann", "+44 20 7946 0018"]]))
    ann = Contact.objects.get()
    edited = write_csv(
        tmp_path / "b.csv",
        [
            ["CRM id", "First name", "Last name", "Phone"],
            [ann.pk, "Ann", "Lee", "+44 20 7946 0018"],
        ],
    )
    run(edited)
    ann.refresh_from_db()
    assert (Contact.objects.count(), ann.last_name, ann.last_name_key) == (
        1,
        "Lee",
        person_name_key("Lee"),
    )


def test_command_json_output_and_exit_codes(tmp_path):
    out = io.StringIO()
    call_command(
        "crm_import",
        str(ru_people(tmp_path / "a.xlsx")),
        "--json",
        "--region",
        "RU",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data == {
        "rows": 4,
        "created": {"contacts": 2, "organizations": 1},
        "updated": {"contacts": 0, "organizations": 0},
        "duplicates": 1,
        "skipped": 0,
        "errors": [
            {
                "row": 6,
                "column": "Телефон",
                "message": "“не звонить” is not a phone number: it has no digits.",
            }
        ],
        "warnings": [],
    }
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(CommandError, match="xlsx"):
        call_command("crm_import", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("crm_import", str(tmp_path / "missing.xlsx"))


def test_command_dry_run_and_owner(tmp_path, superuser):
    out = io.StringIO()
    path = str(ru_people(tmp_path / "a.xlsx"))
    call_command("crm_import", path, "--dry-run", "--region", "RU", stdout=out)
    assert "Dry run" in out.getvalue() and not Contact.objects.exists()
    call_command("crm_import", path, "--region", "RU", "--owner", "root", stdout=out)
    assert set(Contact.objects.values_list("owner__username", flat=True)) == {"root"}


def test_imported_cards_are_found_by_admin_search(
    tmp_path, django_capture_on_commit_callbacks
):
    from wagtail.search.backends import get_search_backend

    with django_capture_on_commit_callbacks(execute=True):
        run(ru_people(tmp_path / "a.xlsx"))
    found = get_search_backend().search("Петрова", Contact)
    assert [contact.last_name for contact in found] == ["Петрова"]


def test_the_row_limit_counts_data_rows_only(tmp_path, settings):
    settings.WAGTAILCRM_IMPORT_MAX_ROWS = 5
    people = [[f"P{n} Lee", f"p{n}@x.com"] for n in range(6)]
    exactly = write_xlsx(
        tmp_path / "a.xlsx", [["Name", "E-mail"], *people[:5]], title="Clients"
    )
    assert run(exactly).created["contacts"] == 5
    one_more = write_xlsx(tmp_path / "b.xlsx", [["Name", "E-mail"], *people])
    with pytest.raises(ImportFileError, match="more than 5 rows"):
        run(one_more)


def test_an_office_number_on_many_cards_still_matches_by_phone_and_name(tmp_path):
    # More cards share the office number than COMMON_PHONE_CARDS, so the
    # lookup of that phone starts from the last names instead.
    from wagtail_crm.importing.concurrency import COMMON_PHONE_CARDS

    office = "+74951234567"
    people = [f"Сотрудник{n}" for n in range(COMMON_PHONE_CARDS + 4)]
    for name in people:
        contact = Contact.objects.create(first_name="Иван", last_name=name)
        Phone.objects.create(contact=contact, e164=office)
    before = Contact.objects.count()
    rows = [
        ["Фамилия", "Имя", "Телефон"],
        [people[3], "Иван", "8 (495) 123-45-67"],  # one of them: no new card
        ["Новиков", "Пётр", "8 (495) 123-45-67"],  # same office, new person
        [people[-1], "Иван", "+7 495 123 45 67"],
    ]
    result = run(write_csv(tmp_path / "office.csv", rows), batch_size=10)

    assert Contact.objects.count() == before + 1
    statuses = [entry["status"] for entry in result.entries]
    assert statuses == ["duplicate", "created", "duplicate"]
    assert Contact.objects.get(last_name="Новиков").phones.get().e164 == office
