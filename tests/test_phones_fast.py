"""The direct parse of "+digits" gives exactly what phonenumbers.parse gives."""

import random

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from wagtail_crm import phones


def _library(digits, region=None):
    try:
        return phonenumbers.parse("+" + digits, region)
    except phonenumbers.NumberParseException:
        return None


def _direct(digits):
    number = phones._parse_international(digits)
    return _library(digits) if number is phones._SLOW else number


def test_every_country_code_and_length_matches_the_library():
    rng = random.Random(5)
    compared = 0
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        for length in range(1, 16):
            # Also national prefixes and Italian leading zeros after the code.
            for lead in ("", "0", "00", "8", "1", "9"):
                tail = "".join(rng.choice("0123456789") for _ in range(length))
                digits = f"{code}{lead}{tail}"
                assert _direct(digits) == _library(digits), digits
                compared += 1
    assert compared > 10_000


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_any_digits_match_the_library(digits):
    assert _direct(digits) == _library(digits)


def test_region_does_not_change_an_international_number():
    # The cache is keyed by region too; "+" numbers read alike in every region.
    for region in ("RU", "AL", "US", ""):
        found = phones.parse_phones("+7 916 123-45-67", region=region)
        assert [p.e164 for p in found.phones] == ["+79161234567"]
    assert phones.parse_phones("8 916 123 45 67", region="RU").phones
    assert not phones.parse_phones("8 916 123 45 67", region="").phones


def test_a_fax_label_still_sets_the_kind_on_a_cached_number():
    first = phones.parse_phone("+7 495 123-45-67", region="RU")
    fax = phones.parse_phone("факс +7 495 123-45-67", region="RU")
    assert first.e164 == fax.e164 == "+74951234567"
    assert first.kind == "work"
    assert fax.kind == "fax"
