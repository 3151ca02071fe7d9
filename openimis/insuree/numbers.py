"""Insurance number (CHF ID) validation, spec 7.5: the checks configured for the insuree module, then
uniqueness among the current insurees. Used by the insuree services and `insureeNumberValidity`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from openimis.core.configuration import module_config
from openimis.insuree import selectors

TAKEN, EMPTY, BAD_LENGTH, BAD_CHECKSUM, NOT_A_NUMBER, VALIDATOR_IMPORT, VALIDATOR_FAILED = 1, 2, 3, 4, 5, 6, 7


@dataclass
class NumberError:
    code: int
    message: str


def _checksum_error(number: str, root: int) -> NumberError | None:
    if not number.isdigit():
        return NumberError(
            NOT_A_NUMBER, _("The insurance number %(number)s is not made of digits only") % {"number": number}
        )
    digits = [int(digit) for digit in number]
    if root == 10:
        total = digits[-1]
        for position, digit in enumerate(digits[:-1]):
            if position % 2 == 0:
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        valid = total % 10 == 0
    else:
        valid = len(digits) > 1 and int(number[:-1]) % root == digits[-1]
    if not valid:
        return NumberError(
            BAD_CHECKSUM, _("The insurance number %(number)s has an invalid check digit") % {"number": number}
        )
    return None


def _custom_validator_error(path: str, number: str) -> NumberError | None:
    try:
        validator = import_string(path)
    except ImportError:
        return NumberError(
            VALIDATOR_IMPORT, _("The insurance number validator %(path)s cannot be loaded") % {"path": path}
        )
    try:
        message = validator(number)
    except Exception as error:  # a configured function: any failure is reported, not raised
        return NumberError(
            VALIDATOR_FAILED, _("The insurance number validator failed: %(error)s") % {"error": error}
        )
    return NumberError(VALIDATOR_FAILED, str(message)) if message else None


def number_error(number: str | None, except_uuid: str | None = None) -> NumberError | None:
    """The first problem of `number` (None when it is valid). `except_uuid`: the insuree being updated,
    whose own number does not count as taken."""
    config = module_config("insuree")
    number = (number or "").strip()
    validator = config.get("insuree_number_validator")
    if validator:
        error = _custom_validator_error(validator, number)
        if error is not None:
            return error
    else:
        max_length = config.get("insuree_number_max_length")
        min_length = config.get("insuree_number_min_length")
        if max_length and not number:
            return NumberError(EMPTY, _("The insurance number is mandatory"))
        if max_length and len(number) > int(max_length):
            return NumberError(
                BAD_LENGTH,
                _("The insurance number must not be longer than %(length)s characters")
                % {"length": max_length},
            )
        if min_length and len(number) < int(min_length):
            return NumberError(
                BAD_LENGTH,
                _("The insurance number must be at least %(length)s characters long")
                % {"length": min_length},
            )
        root = config.get("insuree_number_modulo_root")
        if root and number:
            error = _checksum_error(number, int(root))
            if error is not None:
                return error
    if number and selectors.chf_id_taken(number, except_uuid):
        return taken_error(number)
    return None


def taken_error(number: str) -> NumberError:
    """The number is the insurance number of another current insuree."""
    return NumberError(TAKEN, _("The insurance number %(number)s is already taken") % {"number": number})
