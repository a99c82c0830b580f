"""Real-shaped spreadsheets the import tests build themselves."""

import zipfile

import openpyxl


def write_xlsx(path, rows, *, title=None, merges=(), sheet_name="Contacts", extra=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for name, extra_rows in (extra or {}).items():
        other = workbook.create_sheet(name)
        for row in extra_rows:
            other.append(list(row))
    workbook.save(path)
    return path


def patch_sheet_xml(path, change, member="xl/worksheets/sheet1.xml"):
    """Rewrite one sheet's XML inside a saved workbook, as other programs write it."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data)
    return path


def write_csv(path, rows, *, encoding="utf-8", delimiter=","):
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if any(ch in text for ch in (delimiter, '"', "\n")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    with open(path, "w", encoding=encoding, newline="") as handle:
        handle.write("\r\n".join(lines) + "\r\n")
    return path


# 1C "Контрагенты" list: a title, the date, then the header; companies with INN.
ONE_C_HEADER = ["Наименование", "ИНН", "КПП", "Телефон", "Email", "Юридический адрес"]
# A Russian sales manager's sheet: organizations with several people.
RU_PEOPLE_HEADER = ["Компания", "ИНН", "ФИО", "Должность", "Телефон", "E-mail"]


def mapped(path, region="RU"):
    """{header: field} of the mapped columns, as the mapping screen proposes it."""
    from wagtail_crm.importing.pipeline import ImportOptions, prepare

    found = prepare(str(path), ImportOptions(region=region))
    return {h: f for h, f in zip(found.headers, found.mapping, strict=False) if f}


def run(path, region="RU", **options):
    """Import ``path`` as a user would, with the proposed mapping."""
    from wagtail_crm.importing.pipeline import ImportOptions, run_import

    return run_import(str(path), ImportOptions(region=region, **options))


def phones(card):
    """(e164, extension, kind) of a card's phones, sorted."""
    return sorted(card.phones.values_list("e164", "extension", "kind"))


def statuses(result):
    """{row number: status} of an import's report."""
    return {entry["row"]: entry["status"] for entry in result.entries}


def assert_reimport_creates_nothing(path, region="RU"):
    """Importing ``path`` again adds no contact and no organization."""
    from wagtail_crm.models import Contact, Organization

    before = Contact.objects.count(), Organization.objects.count()
    again = run(path, region=region)
    assert again.created["contacts"] == again.created["organizations"] == 0
    assert (Contact.objects.count(), Organization.objects.count()) == before
