"""A demo import: a counterparty list as 1C exports it, run through the real
pipeline, so CRM → Imports shows a history entry with its report."""

import io

from django.core.files.base import ContentFile
from openpyxl import Workbook

from ..importing.tasks import run_import_job
from ..models import ImportJob

FILE_NAME = "Контрагенты_1С_демо.xlsx"

ROWS = [
    ("Наименование", "ИНН", "Контактное лицо", "Должность", "Телефон", "E-mail"),
    (
        "ООО «Северная звезда»",
        "7701234567",
        "Иванов Пётр Сергеевич",
        "Генеральный директор",
        "8 916 123-45-67",
        "contact1@sev-zvezda.example.ru",
    ),
    (
        "ООО «Балтийский берег»",
        "7804567890",
        "Орехова Анна Павловна",
        "Бухгалтер",
        "8 (812) 555-10-20, 8 921 555 10 21",
        "buh@balt-bereg.example.ru",
    ),
    (
        "ООО «Балтийский берег»",
        "7804567890",
        "Сергеев Олег Игоревич",
        "Кладовщик",
        "555-10-22 доб. 4",
        "sklad@balt-bereg.example.ru",
    ),
    (
        "ИП Гончаров Виктор Петрович",
        "502700123456",
        "Гончаров Виктор Петрович",
        "Индивидуальный предприниматель",
        "нет",
        "goncharov@example.ru",
    ),
]


def _workbook_bytes():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Контрагенты"
    sheet.append(["Список контрагентов на 01.11.2026"])
    sheet.append([])
    for row in ROWS:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_demo_import(user):
    """Import the demo file once; later runs find its job and do nothing."""
    if ImportJob.objects.filter(original_name=FILE_NAME).exists():
        return
    job = ImportJob(
        original_name=FILE_NAME,
        created_by=user,
        status=ImportJob.Status.QUEUED,
        options={"policy": "fill_empty", "region": "RU", "area_code": "812"},
    )
    job.file.save(FILE_NAME, ContentFile(_workbook_bytes()), save=True)
    run_import_job.call(job.pk)
