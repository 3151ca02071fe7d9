"""Input values that the services of every module parse the same way, with the same messages.

`label` is the field as the user knows it, already translated (`_("Amount")`), or an API name that
stays the same in every language (`maximumAmount`); it starts the sentence of every message, and the
value the caller sent is the message's `detail` (a missing text has none).

Dates name the value in the message itself (`Invalid date: 31/12/2030`) and take no label.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.core.errors import ValidationFailed

# amounts of money are stored as decimal(18, 2): at most 16 digits before the decimal point, 2 after it
AMOUNT_DIGITS = 16
AMOUNT_DECIMALS = 2
AMOUNT_LIMIT = Decimal(10) ** AMOUNT_DIGITS
CENT = Decimal(1).scaleb(-AMOUNT_DECIMALS)
# ids are bigint columns at most
ID_LIMIT = 2**63 - 1


def amount(value, label: str, *, required: bool = True, above_zero: bool = False,
           negative: bool = False) -> Decimal | None:
    """An amount of money from a number or its text, as a Decimal with two decimals.

    Absent (None or blank): None, or refused when `required`. Refused: what is not a finite number, zero
    or less when `above_zero`, less than zero unless `negative`, and what decimal(18, 2) cannot hold
    exactly (more than 16 digits before the decimal point or more than 2 after it: nothing is rounded)."""
    raw = None if value is None else str(value)
    if raw is None or not raw.strip():
        if required:
            raise ValidationFailed(_("%(field)s is mandatory") % {"field": label}, raw)
        return None
    try:
        number = Decimal(raw)
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationFailed(_("%(field)s is not a number") % {"field": label}, raw)
    if above_zero and number <= 0:
        raise ValidationFailed(_("%(field)s must be more than zero") % {"field": label}, raw)
    if number < 0 and not negative:
        raise ValidationFailed(_("%(field)s cannot be negative") % {"field": label}, raw)
    if abs(number) >= AMOUNT_LIMIT or number != number.quantize(CENT):
        raise ValidationFailed(_("%(field)s must have at most %(digits)s digits before the decimal point "
                                 "and %(decimals)s after it")
                               % {"field": label, "digits": AMOUNT_DIGITS, "decimals": AMOUNT_DECIMALS}, raw)
    return number.quantize(CENT) if number else CENT * 0


def text(data: dict, key: str, label: str, max_length: int, *, required: bool = False) -> str | None:
    """The text `data[key]`, stripped (a number is taken as its text).

    Absent (None or blank): None, or refused when `required`. Refused: more than `max_length` characters
    once stripped, with the stripped text as the detail."""
    raw = data.get(key)
    value = "" if raw is None else str(raw).strip()
    if not value:
        if required:
            raise ValidationFailed(_("%(field)s is mandatory") % {"field": label})
        return None
    if len(value) > max_length:
        raise ValidationFailed(_("%(field)s is longer than %(length)s characters")
                               % {"field": label, "length": max_length}, value)
    return value


def as_date(value) -> datetime.date | None:
    """A date from a date, a datetime (its day) or an ISO text (only its first 10 characters are read:
    `2024-05-01T10:00` is 2024-05-01). None or "": None; anything else is refused."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationFailed(_("Invalid date: %(value)s") % {"value": value}) from None


def as_datetime(value) -> datetime.datetime | None:
    """A datetime from a datetime or an ISO text; a text without a time zone is taken as UTC. None or "":
    None; anything else is refused."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("Invalid date and time: %(value)s") % {"value": value}) from None
    return parsed if parsed.tzinfo else timezone.make_aware(parsed, datetime.UTC)


def uuid_or_none(value) -> str | None:
    """The canonical text of a UUID (`value` a UUID or its text, any case, with or without hyphens);
    None when it is absent or not a UUID. Selectors use it so a malformed uuid is simply not found."""
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    try:
        return str(uuid.UUID(str(value).strip()))
    except (ValueError, TypeError, AttributeError):
        return None


def as_uuid(value, label: str | None = None) -> str | None:
    """A UUID from the input as its canonical text; None or "": None; anything else is refused with
    "... is not a valid id" (the value as the detail)."""
    if value in (None, ""):
        return None
    parsed = uuid_or_none(value)
    if parsed is None:
        raise ValidationFailed(_("%(field)s is not a valid id") % {"field": label or str(value)}, str(value))
    return parsed


def id_or_none(value) -> int | None:
    """A primary key from the input (an int or its text); None when it is absent or not a whole number
    that a database id column can hold. Selectors use it so a malformed id is simply not found."""
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (ValueError, TypeError):
        return None
    return number if 0 < number <= ID_LIMIT else None


def as_id(value, label: str | None = None) -> int | None:
    """A primary key from the input; None or "": None; anything else that is not a positive whole number
    is refused with "... is not a valid id"."""
    if value in (None, ""):
        return None
    parsed = id_or_none(value)
    if parsed is None:
        raise ValidationFailed(_("%(field)s is not a valid id") % {"field": label or str(value)}, str(value))
    return parsed


def chosen_uuid(model, value) -> str | None:
    """The uuid a client chose for a new record of `model` (as 24.10, a create input may carry the
    `uuid` the record gets): None when none was sent; refused when it is not a UUID or when a row of
    `model` (current or history) already holds it."""
    chosen = as_uuid(value, "uuid")
    if chosen is None:
        return None
    if model._base_manager.filter(uuid__iexact=chosen).exists():
        raise uuid_taken(chosen)
    return chosen


def uuid_taken(chosen: str) -> ValidationFailed:
    """The refusal of a uuid another record holds (also what a current-uuid unique index's failure says,
    see `openimis.core.unique`)."""
    return ValidationFailed(_("The uuid %(uuid)s is already used by another record") % {"uuid": chosen},
                            chosen)
