"""`openimis.core.inputs`: the one rule of the amounts of money, texts and dates every module reads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from openimis.core.errors import ValidationFailed
from openimis.core.inputs import amount, as_date, as_datetime, text

TOO_PRECISE = "Amount must have at most 16 digits before the decimal point and 2 after it"


def refusal(value, **options) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        amount(value, "Amount", **options)
    return caught.value


@pytest.mark.parametrize(("value", "expected"), [
    ("12.5", "12.50"), ("10.25", "10.25"), ("10.250", "10.25"), (" 7 ", "7.00"), ("0", "0.00"),
    ("-0", "0.00"), (3, "3.00"), (2.5, "2.50"), (Decimal("4.10"), "4.10"), ("1E+2", "100.00"),
    ("9999999999999999.99", "9999999999999999.99"),
])
def test_an_amount_comes_back_with_two_decimals(value, expected):
    result = amount(value, "Amount")
    assert isinstance(result, Decimal) and str(result) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_absent_amount_is_none_unless_required(value):
    assert amount(value, "Amount", required=False) is None
    error = refusal(value)
    assert error.message == "Amount is mandatory"
    assert error.detail == (None if value is None else value)


@pytest.mark.parametrize("value", ["abc", "1,5", "12.5.1", "NaN", "Infinity", "-inf", "1e", True])
def test_what_is_not_a_finite_number_is_refused(value):
    error = refusal(value, required=False)
    assert error.message == "Amount is not a number"
    assert error.detail == str(value)


@pytest.mark.parametrize("value", ["0", "0.00", "-0", "-3"])
def test_above_zero_refuses_zero_and_less(value):
    error = refusal(value, above_zero=True)
    assert (error.message, error.detail) == ("Amount must be more than zero", value)
    assert amount("0.01", "Amount", above_zero=True) == Decimal("0.01")


def test_a_negative_amount_is_refused_unless_allowed():
    error = refusal("-0.01")
    assert (error.message, error.detail) == ("Amount cannot be negative", "-0.01")
    assert amount("-0.01", "Amount", negative=True) == Decimal("-0.01")
    assert amount("-12", "Amount", negative=True, required=False) == Decimal("-12.00")


@pytest.mark.parametrize("value", ["10.005", "0.001", "-1.999", "1E-3"])
def test_more_than_two_decimals_are_refused_not_rounded(value):
    error = refusal(value, negative=True)
    assert (error.message, error.detail) == (TOO_PRECISE, value)


@pytest.mark.parametrize("value", ["10000000000000000", "-10000000000000000", "1E+16", "12345678901234567.5"])
def test_more_than_sixteen_digits_before_the_decimal_point_are_refused(value):
    error = refusal(value, negative=True)
    assert (error.message, error.detail) == (TOO_PRECISE, value)
    assert amount("-9999999999999999.99", "Amount", negative=True) == Decimal("-9999999999999999.99")


def test_the_first_broken_rule_speaks():
    assert refusal("-0.005", above_zero=True).message == "Amount must be more than zero"
    assert refusal("-0.005").message == "Amount cannot be negative"


def test_the_label_names_the_field_in_every_message():
    assert refusal("x", required=False).message == "Amount is not a number"
    with pytest.raises(ValidationFailed) as caught:
        amount("-1", "maximumAmount", required=False)
    assert caught.value.message == "maximumAmount cannot be negative"


@pytest.mark.parametrize(("value", "options", "french"), [
    (None, {}, "Montant est obligatoire"),
    ("abc", {}, "Montant n'est pas un nombre"),
    ("0", {"above_zero": True}, "Montant : la valeur doit être supérieure à zéro"),
    ("-1", {}, "Montant : la valeur ne peut pas être négative"),
    ("1.234", {}, "Montant : la valeur doit avoir au plus 16 chiffres avant la virgule et 2 après"),
])
def test_the_messages_in_french(value, options, french):
    with translation.override("fr"), pytest.raises(ValidationFailed) as caught:
        amount(value, "Montant", **options)
    assert caught.value.message == french


# --- texts ---------------------------------------------------------------------------------------

def text_refusal(value, max_length: int = 5, **options) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        text({"name": value}, "name", "Name", max_length, **options)
    return caught.value


@pytest.mark.parametrize(("value", "expected"), [
    ("abc", "abc"), ("  abc  ", "abc"), ("a b", "a b"), ("\tabcde\n", "abcde"), (12, "12"), (0, "0"),
])
def test_a_text_comes_back_stripped(value, expected):
    assert text({"name": value}, "name", "Name", 5) == expected
    assert text({"name": value}, "name", "Name", 5, required=True) == expected


@pytest.mark.parametrize("data", [{}, {"name": None}, {"name": ""}, {"name": "   "}, {"name": "\t\n"}])
def test_an_absent_text_is_none_unless_required(data):
    assert text(data, "name", "Name", 5) is None
    with pytest.raises(ValidationFailed) as caught:
        text(data, "name", "Name", 5, required=True)
    assert (caught.value.message, caught.value.detail) == ("Name is mandatory", None)


def test_a_text_may_have_max_length_characters_once_stripped():
    assert text({"name": "abcde"}, "name", "Name", 5) == "abcde"
    assert text({"name": "  abcde  "}, "name", "Name", 5) == "abcde"


@pytest.mark.parametrize("options", [{}, {"required": True}])
def test_a_longer_text_is_refused_with_the_text_as_detail(options):
    error = text_refusal("  abcdef ", **options)
    assert (error.message, error.detail) == ("Name is longer than 5 characters", "abcdef")
    assert text_refusal("ab", max_length=1).message == "Name is longer than 1 characters"


def test_the_label_is_given_already_translated_or_as_an_api_name():
    with translation.override("fr"):
        assert text_refusal(None, required=True).message == "Name est obligatoire"
        with pytest.raises(ValidationFailed) as caught:
            text({"name": "abcdef"}, "name", "Nom", 5)
    assert caught.value.message == "Nom dépasse 5 caractères"
    with pytest.raises(ValidationFailed) as caught:
        text({"current_address": "x" * 3}, "current_address", "currentAddress", 2)
    assert caught.value.message == "currentAddress is longer than 2 characters"


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("2024-05-01", datetime.date(2024, 5, 1)),
    ("2024-05-01T10:30:00", datetime.date(2024, 5, 1)),
    ("2024-05-01 23:59", datetime.date(2024, 5, 1)),
    (datetime.date(2024, 2, 29), datetime.date(2024, 2, 29)),
    (datetime.datetime(2024, 5, 1, 23, 59, tzinfo=datetime.UTC), datetime.date(2024, 5, 1)),
])
def test_a_date_from_a_date_a_datetime_or_its_iso_text(value, expected):
    result = as_date(value)
    assert result == expected and type(result) is datetime.date


@pytest.mark.parametrize("value", [None, ""])
def test_an_absent_date_is_none(value):
    assert as_date(value) is None
    assert as_datetime(value) is None


@pytest.mark.parametrize("value", ["31/12/2024", "2024-13-01", "2023-02-29", "tomorrow", " "])
def test_what_is_not_a_date_is_refused_with_the_value_in_the_message(value):
    with pytest.raises(ValidationFailed) as caught:
        as_date(value)
    assert (caught.value.message, caught.value.detail) == (f"Invalid date: {value}", None)


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-05-01T10:30:00+02:00",
     datetime.datetime(2024, 5, 1, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))),
    ("2024-05-01T10:30:00", datetime.datetime(2024, 5, 1, 10, 30, tzinfo=datetime.UTC)),
    ("2024-05-01", datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)),
])
def test_a_datetime_from_its_iso_text_is_utc_without_a_time_zone(value, expected):
    result = as_datetime(value)
    assert result == expected and result.utcoffset() == expected.utcoffset()


def test_a_datetime_is_kept_as_it_is():
    naive = datetime.datetime(2024, 5, 1, 10, 30)
    assert as_datetime(naive) is naive


@pytest.mark.parametrize("value", ["31/12/2024 10:00", "2024-05-01T25:00", "now"])
def test_what_is_not_a_datetime_is_refused_with_the_value_in_the_message(value):
    with pytest.raises(ValidationFailed) as caught:
        as_datetime(value)
    assert (caught.value.message, caught.value.detail) == (f"Invalid date and time: {value}", None)


def test_the_date_messages_in_french():
    with translation.override("fr"):
        with pytest.raises(ValidationFailed) as caught:
            as_date("31/12/2024")
        assert caught.value.message == "Date invalide : 31/12/2024"
        with pytest.raises(ValidationFailed) as caught:
            as_datetime("now")
        assert caught.value.message == "Date et heure invalides : now"
