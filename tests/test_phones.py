"""wagtail_crm.phones: one table of real-world raw values, and properties."""

import datetime
from decimal import Decimal

import phonenumbers
import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wagtail_crm.phones import (
    format_phone,
    normalize_phone,
    parse_phone,
    parse_phones,
    search_variants,
)

MOSCOW = ("RU", "495")
NO_REGION = ("", "")
# Errors are checked by a word of their (English) reason.
DATE, SHORT, LONG, NO_DIGITS = "date", "too short", "too long", "no digits"
INVALID, NO_COUNTRY, NO_AREA = "not a valid", "no country code", "no area code"

# (settings, raw value, expected phones as [(E.164, extension)] or an error word)
TABLE = [
    # Russia, with WAGTAILCRM_PHONE_REGION="RU" and WAGTAILCRM_PHONE_AREA_CODE="495"
    (MOSCOW, "+7 916 123-45-67", [("+79161234567", "")]),
    (MOSCOW, "8 916 123 45 67", [("+79161234567", "")]),
    (MOSCOW, "8(916)1234567", [("+79161234567", "")]),
    (MOSCOW, "9161234567", [("+79161234567", "")]),
    (MOSCOW, "8 (495) 123-45-67", [("+74951234567", "")]),
    (MOSCOW, "+7 (495) 123-45-67", [("+74951234567", "")]),
    (MOSCOW, "8-800-555-35-35", [("+78005553535", "")]),
    (MOSCOW, "88005553535", [("+78005553535", "")]),
    (MOSCOW, "123-45-67", [("+74951234567", "")]),
    (MOSCOW, "1234567", [("+74951234567", "")]),
    (MOSCOW, "8 (4012) 12-34-56", [("+74012123456", "")]),
    (MOSCOW, "8 812 400-10-20", [("+78124001020", "")]),
    (MOSCOW, "79161234567", [("+79161234567", "")]),
    (MOSCOW, 79161234567, [("+79161234567", "")]),
    (MOSCOW, 79161234567.0, [("+79161234567", "")]),
    (MOSCOW, 7.9161234567e10, [("+79161234567", "")]),
    (MOSCOW, Decimal("79161234567"), [("+79161234567", "")]),
    (MOSCOW, "79161234567.0", [("+79161234567", "")]),
    (MOSCOW, "7.9161234567E+10", [("+79161234567", "")]),
    (MOSCOW, "7,9161234567E+10", [("+79161234567", "")]),
    (MOSCOW, 89161234567, [("+79161234567", "")]),
    (MOSCOW, 4951234567, [("+74951234567", "")]),
    (MOSCOW, "+7 (495) 123-45-67 доб. 123", [("+74951234567", "123")]),
    (MOSCOW, "+7 (495) 123-45-67 доб.123", [("+74951234567", "123")]),
    (MOSCOW, "8 495 123 45 67 ext. 12", [("+74951234567", "12")]),
    (MOSCOW, "+7 495 123 45 67 x12", [("+74951234567", "12")]),
    (MOSCOW, "+7 495 123 45 67 #12", [("+74951234567", "12")]),
    (MOSCOW, "123-45-67 вн. 5", [("+74951234567", "5")]),
    (MOSCOW, "+7 916 123-45-67 (доб. 555)", [("+79161234567", "555")]),
    (MOSCOW, "+7 916 123-45-67, доб. 12", [("+79161234567", "12")]),
    (MOSCOW, "8 (495) 123-45-67 доб.123 (секретарь)", [("+74951234567", "123")]),
    (MOSCOW, "тел/факс: 8 (495) 123-45-67", [("+74951234567", "")]),
    (MOSCOW, "(секретарь)", NO_DIGITS),
    (MOSCOW, "+7 495 123-45-67/68", [("+74951234567", ""), ("+74951234568", "")]),
    (
        MOSCOW,
        "+7 916 123-45-67, 8 903 555-12-34",
        [("+79161234567", ""), ("+79035551234", "")],
    ),
    (
        MOSCOW,
        "+7 916 123-45-67; 123-45-67",
        [("+79161234567", ""), ("+74951234567", "")],
    ),
    (
        MOSCOW,
        "+7 916 123-45-67 / 8 903 555 12 34",
        [("+79161234567", ""), ("+79035551234", "")],
    ),
    (
        MOSCOW,
        "+7 916 123-45-67\n8 903 555 12 34",
        [("+79161234567", ""), ("+79035551234", "")],
    ),
    (
        MOSCOW,
        "8 916 123 45 67 или 8 903 555 12 34",
        [("+79161234567", ""), ("+79035551234", "")],
    ),
    (
        MOSCOW,
        "+7 916 123 45 67 or +7 903 555 12 34",
        [("+79161234567", ""), ("+79035551234", "")],
    ),
    (MOSCOW, "8 916 123 45 67, +7 (916) 123-45-67", [("+79161234567", "")]),
    (MOSCOW, "тел. 8 916 123-45-67", [("+79161234567", "")]),
    (MOSCOW, "Тел.: +7 916 123 45 67", [("+79161234567", "")]),
    (MOSCOW, "tel:+79161234567", [("+79161234567", "")]),
    (MOSCOW, "mob. +7 916 123 45 67", [("+79161234567", "")]),
    (MOSCOW, "моб. 8-916-123-45-67", [("+79161234567", "")]),
    (MOSCOW, "факс: 8 (495) 123-45-68", [("+74951234568", "")]),
    (MOSCOW, "+7\u00a0916\u00a0123\u201145\u201367", [("+79161234567", "")]),
    (MOSCOW, "+7 (916) 123—45—67", [("+79161234567", "")]),
    (MOSCOW, "\u202f8\u2009916\u2009123\u221245\u221267 ", [("+79161234567", "")]),
    (MOSCOW, "８９１６１２３４５６７", [("+79161234567", "")]),
    (MOSCOW, "8 10 49 30 1234567", [("+49301234567", "")]),
    (MOSCOW, "12", SHORT),
    (MOSCOW, "1234", SHORT),
    (MOSCOW, "нет", NO_DIGITS),
    (MOSCOW, "не звонить", NO_DIGITS),
    (MOSCOW, "01.02.2023", DATE),
    (MOSCOW, "2023-02-01", DATE),
    (MOSCOW, "31/12/99", DATE),
    (MOSCOW, datetime.date(2023, 2, 1), DATE),
    (MOSCOW, datetime.datetime(2023, 2, 1, 10, 30), DATE),
    (MOSCOW, "123456789012345678", LONG),
    (MOSCOW, "+7 000 000 00 00", INVALID),
    (MOSCOW, "12-34-56", INVALID),
    # Albania
    (MOSCOW, "00355 69 212 3456", [("+355692123456", "")]),
    (MOSCOW, "+355 69 212 3456", [("+355692123456", "")]),
    (("AL", ""), "069 212 3456", [("+355692123456", "")]),
    (("AL", ""), "04 222 3456", [("+35542223456", "")]),
    (("AL", "4"), "222 3456", [("+35542223456", "")]),
    (("AL", ""), "00355 69 212 3456", [("+355692123456", "")]),
    (NO_REGION, "00355692123456", [("+355692123456", "")]),
    (NO_REGION, "+355 4 222 3456", [("+35542223456", "")]),
    (NO_REGION, "355692123456", [("+355692123456", "")]),
    # Ukraine
    (MOSCOW, "+380 44 123 4567", [("+380441234567", "")]),
    (MOSCOW, "0038044 123 45 67", [("+380441234567", "")]),
    (MOSCOW, "380441234567", [("+380441234567", "")]),
    (("UA", ""), "044 123 45 67", [("+380441234567", "")]),
    (("UA", ""), "050 123 45 67", [("+380501234567", "")]),
    (NO_REGION, "380501234567", [("+380501234567", "")]),
    # Kazakhstan
    (MOSCOW, "8 701 123 45 67", [("+77011234567", "")]),
    (MOSCOW, "+7 727 258 1234", [("+77272581234", "")]),
    (("KZ", ""), "8 701 123 45 67", [("+77011234567", "")]),
    (("KZ", ""), "8 727 258 12 34", [("+77272581234", "")]),
    (("KZ", "727"), "258 12 34", [("+77272581234", "")]),
    (NO_REGION, "+77011234567", [("+77011234567", "")]),
    # United States
    (MOSCOW, "+1 (212) 555-0123", [("+12125550123", "")]),
    (NO_REGION, "+1 212-555-0123 ext. 45", [("+12125550123", "45")]),
    (("US", ""), "(212) 555-0123", [("+12125550123", "")]),
    (("US", ""), "212.555.0123 x101", [("+12125550123", "101")]),
    (("US", ""), "1-800-555-0199", [("+18005550199", "")]),
    (NO_REGION, "2125550123", INVALID),
    # United Kingdom
    (MOSCOW, "+44 20 7946 0958", [("+442079460958", "")]),
    (NO_REGION, "+44 7911 123456", [("+447911123456", "")]),
    (("GB", ""), "020 7946 0958", [("+442079460958", "")]),
    (("GB", ""), "07911 123456", [("+447911123456", "")]),
    (("GB", ""), "0800 123 4567", [("+448001234567", "")]),
    # Germany
    (MOSCOW, "+49 30 12345678", [("+493012345678", "")]),
    (NO_REGION, "0049 30 12345678", [("+493012345678", "")]),
    (NO_REGION, "+49 1512 3456789", [("+4915123456789", "")]),
    (("DE", ""), "030 12345678", [("+493012345678", "")]),
    (("DE", ""), "0151 23456789", [("+4915123456789", "")]),
    (("DE", "30"), "1234567", [("+49301234567", "")]),
    # No default region: only "+", "00" and long digit runs are numbers.
    (NO_REGION, "+7 916 123-45-67", [("+79161234567", "")]),
    (NO_REGION, "79161234567", [("+79161234567", "")]),
    (NO_REGION, 79161234567.0, [("+79161234567", "")]),
    (NO_REGION, "7.9161234567E10", [("+79161234567", "")]),
    (NO_REGION, "8 916 123 45 67", INVALID),
    (NO_REGION, "8 800 555 35 35", INVALID),
    (NO_REGION, "123-45-67", NO_COUNTRY),
    (NO_REGION, "tel: 12", SHORT),
    (NO_REGION, "abc", NO_DIGITS),
    (("RU", ""), "123-45-67", NO_AREA),
    (NO_REGION, "05.06.2024", DATE),
]


def _ids(row):
    (region, area), raw, _expected = row
    return f"{region or 'none'}{area}-{raw!r}"


def test_table_is_big_enough_and_covers_every_country():
    assert len(TABLE) >= 80
    expected = {
        phonenumbers.region_code_for_number(phonenumbers.parse(e164))
        for *_, phones in TABLE
        if isinstance(phones, list)
        for e164, _ext in phones
    }
    assert {"RU", "AL", "UA", "KZ", "US", "GB", "DE"} <= expected


@pytest.mark.parametrize("row", TABLE, ids=[_ids(row) for row in TABLE])
def test_raw_value(row):
    (region, area), raw, expected = row
    result = parse_phones(raw, region=region, area_code=area)
    if isinstance(expected, list):
        assert [(p.e164, p.extension) for p in result.phones] == expected
        assert result.errors == []
    else:
        assert result.phones == []
        assert len(result.errors) == 1
        assert expected in result.errors[0].message


@pytest.mark.parametrize(
    "e164",
    sorted({e for *_, ph in TABLE if isinstance(ph, list) for e, _x in ph}),
)
def test_every_expected_number_is_valid_for_phonenumbers(e164):
    number = phonenumbers.parse(e164, None)
    assert phonenumbers.is_valid_number(number)
    assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == (
        e164
    )


def test_errors_keep_what_was_typed():
    result = parse_phones("8 916 123 45 67; нет", region="RU")
    assert [p.e164 for p in result.phones] == ["+79161234567"]
    assert [e.raw for e in result.errors] == ["нет"]


def test_kind_guess_from_number_type():
    kinds = {
        raw: parse_phone(raw, region="RU", area_code="495").kind
        for raw in ("8 916 123 45 67", "8 495 123 45 67", "8 800 555 35 35")
    }
    assert kinds == {
        "8 916 123 45 67": "mobile",
        "8 495 123 45 67": "work",
        "8 800 555 35 35": "work",
    }
    assert parse_phone("факс 8 495 123 45 68", region="RU").kind == "fax"


@override_settings(WAGTAILCRM_PHONE_REGION="RU", WAGTAILCRM_PHONE_AREA_CODE="495")
def test_defaults_come_from_settings():
    assert normalize_phone("123-45-67") == "+74951234567"
    assert normalize_phone("123-45-67", region="", area_code="") == ""
    assert normalize_phone(None) == ""


@override_settings(WAGTAILCRM_PHONE_REGION="RU", WAGTAILCRM_PHONE_AREA_CODE="495")
def test_search_variants_find_a_phone_typed_in_any_format():
    for query in ("8 916 123-45-67", "+7(916)1234567", "79161234567", "9161234567"):
        assert "+79161234567" in search_variants(query)
    assert search_variants("Иванов") == []
    assert search_variants("12") == []


def test_format_national_or_international_for_the_viewer():
    assert format_phone("+74951234567", national_region="RU") == "8 (495) 123-45-67"
    assert format_phone("+74951234567", national_region="AL") == "+7 495 123-45-67"
    assert format_phone("+355692123456") == "+355 69 212 3456"
    assert format_phone("+74951234567", "12") == "+7 495 123-45-67 ext. 12"
    assert format_phone("") == ""


cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.text(alphabet="0123456789 +-()./,;#x\u00a0\u2013доб.extили", max_size=60),
    st.from_regex(r"\A(\+|00|8)?[0-9 ()\-]{5,18}( (доб\.|ext\.|x) ?[0-9]{1,5})?\Z"),
    st.dates(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=cells, region=st.sampled_from(["RU", "AL", "US", "DE", "", "KZ"]))
def test_parser_never_raises_and_returns_only_valid_numbers(value, region):
    result = parse_phones(value, region=region, area_code="495" if region else "")
    for phone in result.phones:
        number = phonenumbers.parse(phone.e164, None)
        assert phonenumbers.is_valid_number(number)
        formatted = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        )
        assert formatted == phone.e164
        assert phone.extension == "" or phone.extension.isdigit()
    for error in result.errors:
        assert error.message
