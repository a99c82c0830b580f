"""Clean data: more real-world phone cells and tax ids (see docs/phones.md,
docs/duplicates.md)."""

from decimal import Decimal

import pytest
from django.test import override_settings

from tests.factories import OrganizationFactory
from wagtail_crm.dedup import (
    OrganizationIndex,
    clean_tax_id,
    matching_organizations,
    tax_id_key,
)
from wagtail_crm.phones import parse_phones


def _phones(value, region="RU", area_code="495"):
    result = parse_phones(value, region=region, area_code=area_code)
    return [(phone.e164, phone.extension) for phone in result.phones], result.errors


@pytest.mark.parametrize(
    "raw",
    [
        "+7 495 123-45-67 ext 5; ext 6",
        "+7 495 123-45-67, доб. 5, доб. 6",
        "+7 495 123-45-67 доб. 5, 6",
    ],
)
def test_several_extensions_of_one_number(raw):
    phones, errors = _phones(raw)
    assert phones == [("+74951234567", "5"), ("+74951234567", "6")]
    assert errors == []


@pytest.mark.parametrize(
    "raw",
    ["8 044 123 45 67", "8 (044) 123-45-67", "80441234567", "8-050-123-45-67"],
)
def test_ukraines_old_long_distance_eight(raw):
    phones, errors = _phones(raw, region="UA", area_code="")
    assert len(phones) == 1 and phones[0][0].startswith("+380")
    assert errors == []


@pytest.mark.parametrize(
    ("region", "area_code", "raw"),
    [("RU", "495", "8 916 123"), ("RU", "495", "8-916-12-34"), ("DE", "30", "0123456")],
)
def test_a_cut_number_starting_with_the_trunk_prefix_is_not_a_local_one(
    region, area_code, raw
):
    phones, errors = _phones(raw, region=region, area_code=area_code)
    assert phones == []
    assert [error.raw for error in errors] == [raw]


@pytest.mark.parametrize(
    "raw",
    [
        "8 916 123-45-67 (до 18:00)",
        "+7 916 123 45 67 (с 9 до 18)",
        "8 916 123 45 67\t8 903 555 12 34",
        "8 916 123 45 67 \\ 8 903 555 12 34",
    ],
)
def test_remarks_with_digits_and_other_separators(raw):
    phones, errors = _phones(raw)
    assert phones[0] == ("+79161234567", "")
    assert errors == []
    if "903" in raw:
        assert phones[1] == ("+79035551234", "")


@override_settings(WAGTAILCRM_PHONE_REGION="RU")
@pytest.mark.parametrize(
    "value",
    [
        "0123456789",
        "123456789",
        123456789,
        123456789.0,
        Decimal("123456789"),
        "ИНН 123456789",
        "ИНН/КПП 0123456789/010101001",
    ],
)
def test_an_inn_without_its_leading_zero_is_the_same_inn(value):
    assert clean_tax_id(value) == "0123456789"
    if not isinstance(value, str):
        assert tax_id_key(value) == "0123456789"


@override_settings(WAGTAILCRM_PHONE_REGION="RU")
def test_a_person_inn_cell_without_its_leading_zero():
    assert tax_id_key(12345678901) == "012345678901"
    assert tax_id_key(7707083893.0) == "7707083893"


@override_settings(WAGTAILCRM_PHONE_REGION="GB")
def test_other_countries_tax_ids_keep_their_digits():
    assert tax_id_key("123456789") == "123456789"
    assert tax_id_key(123456789.0) == "123456789"


@pytest.mark.django_db
@override_settings(WAGTAILCRM_PHONE_REGION="RU")
def test_an_organization_is_found_by_its_inn_read_as_a_number():
    org = OrganizationFactory(name="ООО «Ромашка»", tax_id="0274000001")
    assert [m.pk for m in matching_organizations(tax_id=274000001)] == [org.pk]
    index = OrganizationIndex.from_db()
    assert index.match(tax_id=274000001.0, name="Ромашка ООО").pk == org.pk
    stored = OrganizationFactory(name="Лютик", tax_id=274000002)
    stored.refresh_from_db()
    assert stored.tax_id == "0274000002"
