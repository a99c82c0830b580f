"""``crm_settings``: defaults, project values, and changes in tests."""

import pytest
from django.test import override_settings

from wagtail_crm.conf import DEFAULTS, crm_settings


def test_a_setting_left_out_has_its_default():
    assert DEFAULTS["WEBHOOK_MAX_ATTEMPTS"] == crm_settings.WEBHOOK_MAX_ATTEMPTS


def test_override_settings_applies_and_is_undone():
    before = crm_settings.CAPTURE_MIN_FILL_SECONDS
    with override_settings(WAGTAILCRM_CAPTURE_MIN_FILL_SECONDS=7):
        assert crm_settings.CAPTURE_MIN_FILL_SECONDS == 7
    assert before == crm_settings.CAPTURE_MIN_FILL_SECONDS


def test_the_settings_fixture_applies(settings):
    settings.WAGTAILCRM_PHONE_REGION = "AL"
    assert crm_settings.PHONE_REGION == "AL"
    settings.WAGTAILCRM_PHONE_REGION = "RU"
    assert crm_settings.PHONE_REGION == "RU"


def test_an_unknown_name_is_an_error():
    with pytest.raises(AttributeError, match="Unknown wagtail-crm setting"):
        getattr(crm_settings, "NO_SUCH_SETTING")  # noqa: B009
