"""The calculation-rule contract: how a module contributes a computation (a contribution amount, a claim
valuation, a commission) that other modules call by what it applies to, without importing it.

A rule is a subclass of `CalculationRule` registered in its module config's `ready()`:

    class FixedShareRule(CalculationRule):
        name = "fixed_share"
        applies_to = ("product.Product",)          # "<module>.<Model>" (or any context name)
        parameters = (RuleParameter("share", "decimal", default="0.5"),)

        def calculate(self, instance, context, parameters):
            return Decimal(context["amount"]) * parameters["share"]

    register(FixedShareRule())

Callers ask `rules_for("product.Product")` or `calculate("product.Product", instance, context)`; the
parameters a caller passes are checked and converted against the rule's declaration first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from openimis.core.errors import ValidationFailed

PARAMETER_TYPES = {"decimal", "integer", "string", "boolean", "date"}


@dataclass(frozen=True)
class RuleParameter:
    """One parameter of a rule: name, type (decimal, integer, string, boolean, date), default."""

    name: str
    type: str = "string"
    default: Any = None
    required: bool = False
    description: str = ""

    def convert(self, value):
        if value is None or value == "":
            if self.required and self.default is None:
                raise ValidationFailed(_("Parameter %(name)s is mandatory") % {"name": self.name})
            value = self.default
            if value is None:
                return None
        try:
            if self.type == "decimal":
                return Decimal(str(value))
            if self.type == "integer":
                return int(value)
            if self.type == "boolean":
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            if self.type == "date":
                return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        except (InvalidOperation, ValueError, TypeError):
            message = _("Parameter %(name)s must be a %(type)s") % {"name": self.name, "type": self.type}
            raise ValidationFailed(message, str(value)) from None
        return str(value)


class CalculationRule:
    """Subclass: set `name`, `applies_to`, `parameters`, implement `calculate`."""

    name: str = ""
    description: str = ""
    applies_to: tuple[str, ...] = ()
    parameters: tuple[RuleParameter, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for parameter in cls.parameters:
            if parameter.type not in PARAMETER_TYPES:
                raise TypeError(f"{cls.__name__}: parameter {parameter.name} has unknown type "
                                f"{parameter.type}")

    def applies(self, target: str) -> bool:
        return target in self.applies_to

    def parameter_values(self, given: dict | None) -> dict:
        given = given or {}
        unknown = set(given) - {parameter.name for parameter in self.parameters}
        if unknown:
            raise ValidationFailed(_("Unknown parameter: %(names)s") % {"names": ", ".join(sorted(unknown))})
        return {parameter.name: parameter.convert(given.get(parameter.name)) for parameter in self.parameters}

    def calculate(self, instance, context: dict, parameters: dict):
        raise NotImplementedError

    def run(self, instance, context: dict | None = None, parameters: dict | None = None):
        return self.calculate(instance, context or {}, self.parameter_values(parameters))


_rules: dict[str, CalculationRule] = {}


def register(rule: CalculationRule) -> CalculationRule:
    if not rule.name:
        raise ValueError(f"{type(rule).__name__}: a calculation rule needs a name")
    _rules[rule.name] = rule
    return rule


def unregister(name: str) -> None:
    _rules.pop(name, None)


def rules() -> list[CalculationRule]:
    return list(_rules.values())


def rule(name: str) -> CalculationRule:
    try:
        return _rules[name]
    except KeyError:
        raise ValidationFailed(_("Unknown calculation rule: %(name)s") % {"name": name}) from None


def rules_for(target: str) -> list[CalculationRule]:
    return [candidate for candidate in _rules.values() if candidate.applies(target)]


def calculate(target: str, instance, context: dict | None = None, parameters: dict | None = None) -> dict:
    """Run every rule that applies to `target`: rule name -> result."""
    return {candidate.name: candidate.run(instance, context, parameters) for candidate in rules_for(target)}
