"""Fields a module adds to another module's GraphQL types (`Family.policies` comes from the policy
module, which the insuree module does not know).

A module declares each such field once, next to its own types, with `extend_type(Target, "name",
field, resolver)`; the fields are added when the schema is built (`openimis.graphql.schema`), in the
order they were declared. A field the target type already has, or one two modules add, stops start-up
with an `ExtensionError` naming both modules. `describe_modules` lists them per module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import graphene
from django.core.exceptions import ImproperlyConfigured
from graphene.types.unmountedtype import UnmountedType
from graphene.utils.str_converters import to_camel_case


class ExtensionError(ImproperlyConfigured):
    pass


@dataclass(frozen=True, eq=False)
class Extension:
    module: str  # the Python module that declared it
    target: type
    name: str  # the field's Python name (`claim_ded_rems`)
    field: object  # a graphene field (`graphene.Field`, a connection field, ...)
    resolver: Callable | None

    def __str__(self) -> str:
        return f"{self.target.__name__}.{to_camel_case(self.name)}"


_extensions: list[Extension] = []
_applied: dict[tuple[type, str], Extension] = {}


def extend_type(target: type, name: str, field, resolver: Callable | None = None) -> None:
    """Declare that the calling module adds `field` as `name` to the object type `target`, answered
    by `resolver(row, info, **arguments)` (None: the field's own resolver, or the attribute)."""
    module = sys._getframe(1).f_globals.get("__name__", "?")
    if not (isinstance(target, type) and issubclass(target, graphene.ObjectType)):
        raise ExtensionError(f"{module}: {target!r} is not an object type")
    if isinstance(field, UnmountedType):  # `graphene.String()`: the field of that type
        field = field.Field()
    _extensions.append(Extension(module, target, name, field, resolver))


def apply_extensions() -> None:
    """Add every declared field to its type (each once; a second call adds only new declarations)."""
    for extension in _extensions:
        key = (extension.target, extension.name)
        if _applied.get(key) is extension:
            continue
        if key in _applied:
            raise ExtensionError(f"{extension.module} adds {extension}, which {_applied[key].module} adds "
                                 "already")
        if extension.name in extension.target._meta.fields:
            raise ExtensionError(f"{extension.module} adds {extension}, which {extension.target.__module__} "
                                 "defines already")
        extension.target._meta.fields[extension.name] = extension.field
        if extension.resolver is not None:
            setattr(extension.target, f"resolve_{extension.name}", extension.resolver)
        _applied[key] = extension


def declared_extensions() -> list[Extension]:
    return list(_extensions)
