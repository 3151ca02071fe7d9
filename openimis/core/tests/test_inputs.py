"""`openimis.core.inputs.amount`: the one rule of the amounts of money every module reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from openimis.core.errors import ValidationFailed
from openimis.core.inputs import amount

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
