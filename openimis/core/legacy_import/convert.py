"""Legacy text -> Python value, by the type of the model field that receives it."""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

TRUE_TEXTS = {"t", "true", "1", "y", "yes"}
FALSE_TEXTS = {"f", "false", "0", "n", "no"}


class ConversionError(ValueError):
    pass


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in TRUE_TEXTS:
        return True
    if lowered in FALSE_TEXTS:
        return False
    raise ConversionError(f"not a boolean: {text!r}")


def _date(text: str) -> datetime.date:
    value = parse_date(text[:10])
    if value is None:
        raise ConversionError(f"not a date: {text!r}")
    return value


def _datetime(text: str) -> datetime.datetime:
    value = parse_datetime(text)
    if value is None:  # a bare date: midnight
        value = datetime.datetime.combine(_date(text), datetime.time())
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ConversionError(f"not a number: {text!r}") from None


def convert_text(model_field: models.Field, text: str):
    """The value of a non-empty legacy text for `model_field` (a foreign key takes its target's type)."""
    if model_field.is_relation:
        return convert_text(model_field.target_field, text)
    if isinstance(model_field, models.BooleanField):
        return _boolean(text)
    if isinstance(model_field, models.DateTimeField):  # before DateField: it is a subclass
        return _datetime(text)
    if isinstance(model_field, models.DateField):
        return _date(text)
    if isinstance(model_field, models.DecimalField):
        return _decimal(text)
    if isinstance(model_field, (models.IntegerField, models.AutoField)):
        return int(text)
    if isinstance(model_field, models.FloatField):
        return float(text)
    if isinstance(model_field, models.UUIDField):
        return uuid.UUID(text)
    if isinstance(model_field, models.JSONField):
        return json.loads(text)
    return text


def missing_value(model_field: models.Field):
    """What a NULL legacy value becomes: NULL when the field allows it, else its default, else ''."""
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    if isinstance(model_field, (models.CharField, models.TextField)):
        return ""
    raise ConversionError("empty, and the field needs a value")


def _is_text(model_field: models.Field) -> bool:
    return isinstance(model_field, (models.CharField, models.TextField)) and not model_field.is_relation


def convert(model_field: models.Field, value):
    """Text (or None) through the generic conversion; any other value is taken as it is. An empty text
    stays an empty text in a text field (openIMIS keeps `""` apart from NULL); elsewhere it is missing."""
    if value == "" and _is_text(model_field):
        return ""
    if value is None or value == "":
        return missing_value(model_field)
    if isinstance(value, str):
        return convert_text(model_field, value)
    return value


def zero_is_null(text: str | None) -> str | None:
    """For legacy references that use 0 for "none" (tblUsers.HFID)."""
    return None if text in (None, "", "0") else text


def with_line_breaks(text: str | None) -> str | None:
    """For legacy addresses exported with their line breaks written as `\\n`: the breaks again."""
    return text.replace("\\r\\n", "\n").replace("\\n", "\n") if text else text
