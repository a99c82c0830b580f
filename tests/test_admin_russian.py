"""The CRM admin in Russian: a manager whose Wagtail language is "ru".

Strings of two origins are checked. WAGTAIL_STRINGS come from Wagtail's and
Django's own catalogs. OUR_STRINGS are wagtail-crm's (menu, columns, panels,
workflow) from wagtail_crm/locale/ru/LC_MESSAGES/django.mo: the Russian must
be on the page and the English must not.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

import wagtail_crm
from tests.crm_admin_data import default_pipeline, records_of, sales_users
from wagtail_crm.models import Contact, Lead, Organization

RU_CATALOG = (
    Path(wagtail_crm.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.mo"
)


def test_russian_catalog_is_compiled():
    assert RU_CATALOG.exists()


# Wagtail's / Django's own translations (present today).
WAGTAIL_STRINGS = {
    "list": ["Поиск", "Фильтр"],
    "edit": ["Сохранить"],
}

# wagtail-crm's own strings: (English source, what a Russian manager must see).
OUR_STRINGS = {
    Contact: {
        "list": [
            ("Contacts", "Контакты"),
            ("Phones", "Телефоны"),
            ("Owner", "Ответственный"),
        ],
        "edit": [("Timeline", "Хронология"), ("Open tasks", "Открытые задачи")],
    },
    Organization: {
        "list": [("Organizations", "Организации"), ("Tax id", "ИНН")],
        "edit": [("Contact persons", "Контактные лица"), ("Timeline", "Хронология")],
    },
    Lead: {
        "list": [("Leads", "Лиды"), ("Status", "Статус")],
        "edit": [
            ("Convert", "Конвертировать"),
            ("Mark lost", "Отметить как проигранный"),
        ],
    },
}


@pytest.fixture
def russian_manager(client, db):
    manager, _other, _head = sales_users()
    default_pipeline()
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "ru"
    profile.save()
    client.force_login(manager)
    return client, records_of(manager, "Мой")


def _page(client, model, name, *args):
    response = client.get(reverse(model.snippet_viewset.get_url_name(name), args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("model", list(OUR_STRINGS), ids=lambda m: m.__name__)
def test_wagtail_strings_on_crm_pages_are_russian(russian_manager, model):
    client, records = russian_manager
    listing = _page(client, model, "list")
    edit = _page(client, model, "edit", records[model].pk)
    assert 'lang="ru"' in listing
    for text in WAGTAIL_STRINGS["list"]:
        assert text in listing
    for text in WAGTAIL_STRINGS["edit"]:
        assert text in edit


@pytest.mark.parametrize("model", list(OUR_STRINGS), ids=lambda m: m.__name__)
def test_our_strings_on_crm_pages_are_russian(russian_manager, model):
    client, records = russian_manager
    pages = {
        "list": _page(client, model, "list"),
        "edit": _page(client, model, "edit", records[model].pk),
    }
    for page_name, pairs in OUR_STRINGS[model].items():
        for english, russian in pairs:
            assert russian in pages[page_name], (page_name, russian)
            assert f">{english}<" not in pages[page_name], (page_name, english)


def test_dashboard_panel_is_russian(russian_manager):
    client, _records = russian_manager
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="crm-dashboard-heading"' in content
    for english in ("My CRM", "Overdue tasks", "Due today", "My new leads"):
        assert english not in content


def test_pipeline_screens_are_russian(russian_manager, admin_user):
    """The pipeline's stages panel and its listing's "default" column: no
    English relation name ("Stages") and no raw "True"."""
    from wagtail_crm.models import Pipeline

    client, _records = russian_manager
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "ru"
    profile.save()
    client.force_login(admin_user)
    pipeline = Pipeline.objects.get(is_default=True)
    listing = _page(client, Pipeline, "list")
    edit = _page(client, Pipeline, "edit", pipeline.pk)
    assert "Этапы" in edit
    assert ">Stages<" not in edit
    assert "Основная воронка" in listing
    assert "icon-success" in listing


def test_phone_kinds_do_not_translate_wagtails_home():
    """The phone kind "Home" has a context of its own: without it the CRM's
    catalog, loaded before Wagtail's, turned Wagtail's "Home" (the root of
    every breadcrumb) into "Домашний" (a home phone)."""
    from django.utils import translation

    from wagtail_crm.models import Phone

    with translation.override("ru"):
        assert translation.gettext("Home") != "Домашний"
        assert str(Phone.Kind.HOME.label) == "Домашний"
        assert str(Phone.Kind.OTHER.label) == "Другой"
    with translation.override("sq"):
        assert str(Phone.Kind.HOME.label) == "Shtëpi"
