"""Shared helpers of the form-capture tests."""

import time

from wagtail_crm.capture import spam


def form_post(**fields):
    """A submission as a visitor who took 10 s to fill the form sends it."""
    return {spam.TIMESTAMP_FIELD: spam.sign_timestamp(time.time() - 10), **fields}


CONTACT_FORM = {
    "name": "Anna Smirnova",
    "email": "Anna@Example.com",
    "phone": "+7 (916) 123-45-67",
    "company": "",
    "message": "Please call me about wholesale prices.",
    "i_agree_to_the_processing_of_my_personal_data": "on",
}
