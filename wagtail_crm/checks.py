from django.core.checks import Warning, register

from .conf import crm_settings


@register()
def phone_region_check(app_configs, **kwargs):
    if crm_settings.PHONE_REGION:
        return []
    return [
        Warning(
            "WAGTAILCRM_PHONE_REGION is not set: phone numbers written without "
            "a country code (such as 8 916 123-45-67) cannot be normalized.",
            hint="Set WAGTAILCRM_PHONE_REGION to your country, e.g. 'RU' or 'AL'.",
            id="wagtail_crm.W001",
        )
    ]
