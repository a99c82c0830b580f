"""Russian and Albanian ship complete; the catalogs match the code."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

APP_DIR = Path(__file__).resolve().parent.parent / "wagtail_crm"
LANGUAGES = ["ru", "sq"]


def _catalog(lang):
    return APP_DIR / "locale" / lang / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete(lang):
    po = polib.pofile(str(_catalog(lang)))
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not missing, f"untranslated in {lang}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    if not shutil.which("msgfmt"):
        pytest.skip("gettext is not installed")
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(_catalog(lang))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_matches_source(lang):
    po = polib.pofile(str(_catalog(lang)))
    mo = polib.mofile(str(_catalog(lang).with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, entry.msgid


def test_every_string_in_the_code_is_in_the_catalog(tmp_path):
    if not shutil.which("xgettext"):
        pytest.skip("gettext is not installed")
    copy = tmp_path / "wagtail_crm"
    shutil.copytree(APP_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    import os

    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["ru"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    fresh = {
        e.msgid for e in polib.pofile(str(copy / "locale/ru/LC_MESSAGES/django.po"))
    }
    shipped = {e.msgid for e in polib.pofile(str(_catalog("ru")))}
    assert not fresh - shipped, f"not in the catalog: {sorted(fresh - shipped)[:10]}"
