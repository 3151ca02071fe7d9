"""One generated dataclass per field signature for graphene's object types.

graphene makes a dataclass for every ObjectType class it creates, only to give the class the dataclass's
`__init__`, `__eq__` and `__repr__` (`graphene.types.objecttype.ObjectTypeMeta`). `make_dataclass` writes
and compiles the source of those functions each time: 0.13 s of CPU, a quarter of our schema build, for
213 object types. The functions depend on nothing but the field names, annotations and defaults (the
class they compare and print is the instance's own), and the 213 types have 97 such signatures (every
connection's edge has `node` and `cursor`, every connection the same four fields...): the dataclass of a
signature is made once and its functions are shared.
"""

from __future__ import annotations

import dataclasses

_made: dict[tuple, type] = {}


def _default_key(field) -> tuple:
    default = getattr(field, "default", dataclasses.MISSING)
    try:
        hash(default)
    except TypeError:
        return ("object", id(default))  # an unhashable default is shared only with itself
    return (type(default), default)


def shared_make_dataclass(cls_name, fields, *, bases=(), **options):
    """`dataclasses.make_dataclass` as graphene calls it (no bases, no options, `(name, annotation,
    field)` triples), made once per signature; any other call is passed on as it is."""
    if bases or options or not all(isinstance(spec, tuple) and len(spec) == 3 for spec in fields):
        return dataclasses.make_dataclass(cls_name, fields, bases=bases, **options)
    key = tuple((name, annotation, _default_key(spec)) for name, annotation, spec in fields)
    made = _made.get(key)
    if made is None:
        made = _made[key] = dataclasses.make_dataclass(cls_name, fields)
    return made


def install() -> None:
    """Have graphene's ObjectType metaclass use `shared_make_dataclass` (unless a graphene version
    that builds its types otherwise is installed)."""
    from graphene.types import objecttype

    if getattr(objecttype, "make_dataclass", None) is dataclasses.make_dataclass:
        objecttype.make_dataclass = shared_make_dataclass
