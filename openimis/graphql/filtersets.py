"""One FilterSet class and one set of filter arguments per distinct filter declaration.

graphene-django builds, for every filterable connection field, a FilterSet class (django-filter
inspects each model field and lookup) and then the GraphQL arguments of its filters. The schema has
76 such fields but only 27 distinct declarations (`insurees` of a family, of a policy, of the root
query... all filter insurees alike): building each once saves about 70 ms of the schema build. Both
are pure functions of the declaration: the FilterSet class is only instantiated per request, and the
argument objects are read, never changed, when the schema is built.

A filter value its form field refuses (a global id that is not one) answers a GraphQL error naming the
filter, not graphene-django's JSON dump of the form's errors.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from graphene import Dynamic
from graphene.utils.str_converters import to_camel_case
from graphene_django.filter import DjangoFilterConnectionField
from graphene_django.filter.utils import get_filtering_args_from_filterset, get_filterset_class
from graphql import GraphQLError

_filtersets: dict[tuple, type] = {}
_arguments: dict[tuple, dict] = {}


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted((str(key), _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_frozen(item) for item in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def filter_errors_message(errors) -> str:
    """`{"last_name__icontains": ["..."]}` (a form's errors) -> `Invalid filter lastName_Icontains: ...`."""
    return "; ".join(_("Invalid filter %(name)s: %(problem)s")
                     % {"name": to_camel_case(name), "problem": " ".join(str(item) for item in problems)}
                     for name, problems in errors.items())


class ClearFilterErrors:
    """Mixed into each shared FilterSet class: invalid filter values raise a GraphQL error with a message
    (graphene-django, on `False`, raises the form's errors as a JSON text)."""

    def is_valid(self) -> bool:
        if super().is_valid():
            return True
        raise GraphQLError(filter_errors_message(self.form.errors))


def with_clear_errors(filterset: type) -> type:
    if issubclass(filterset, ClearFilterErrors):
        return filterset
    made = type(filterset.__name__, (ClearFilterErrors, filterset), {"__module__": filterset.__module__})
    made.base_filters = dict(filterset.base_filters)
    return made


def declaration(field: DjangoFilterConnectionField) -> tuple:
    """What graphene-django builds the field's FilterSet and arguments from (see its `filterset_class`)."""
    node_type = field.node_type
    return (node_type,
            field._provided_filterset_class or node_type._meta.filterset_class,
            _frozen(field._fields or node_type._meta.filter_fields),
            _frozen(field._extra_filter_meta))


def filterset_class(field: DjangoFilterConnectionField) -> type:
    key = declaration(field)
    if key not in _filtersets:
        node_type, provided, _fields, _extra = key
        meta = {"model": field.model, "fields": field._fields or node_type._meta.filter_fields}
        if field._extra_filter_meta:
            meta.update(field._extra_filter_meta)
        _filtersets[key] = with_clear_errors(get_filterset_class(provided, **meta))
    return _filtersets[key]


def filtering_arguments(field: DjangoFilterConnectionField) -> dict:
    key = declaration(field)
    if key not in _arguments:
        _arguments[key] = get_filtering_args_from_filterset(filterset_class(field), field.node_type)
    return _arguments[key]


def _uses_graphene_django_filtersets(field) -> bool:
    """A filter connection field that builds its FilterSet the graphene-django way (a subclass that
    builds its own is left alone)."""
    kind = type(field)
    return (isinstance(field, DjangoFilterConnectionField)
            and kind.filterset_class is DjangoFilterConnectionField.filterset_class
            and kind.filtering_args is DjangoFilterConnectionField.filtering_args
            and hasattr(field, "_filterset_class") and hasattr(field, "_filtering_args"))


def _resolved(fields: dict, name: str, field):
    """A reverse relation of a Django type (`Family.members`) is a `Dynamic` that graphene-django turns
    into a new filter connection field when the schema is built; it is turned now instead (the registry
    is complete), so that the field can share its FilterSet. Other dynamic fields stay as they are."""
    if not isinstance(field, Dynamic) or field.with_schema:
        return field
    built = field.get_type()
    if _uses_graphene_django_filtersets(built):
        fields[name] = built
        return built
    return field


def share_filtersets(object_types) -> int:
    """Give every graphene-django filter connection field of these object types the shared FilterSet
    and arguments of its declaration, before the schema asks each field for its arguments. Returns how
    many fields were given them."""
    shared = 0
    for object_type in object_types:
        fields = getattr(getattr(object_type, "_meta", None), "fields", None) or {}
        for name, field in list(fields.items()):
            shared += share_filterset(_resolved(fields, name, field))
    return shared


def share_filterset(field) -> bool:
    """Give one filter connection field the shared FilterSet and arguments of its declaration, unless
    it builds its own or has them already. Code that reads a field's `args` before the schema is built
    (an export field copying a list's arguments) calls this first."""
    if not _uses_graphene_django_filtersets(field) or field._filterset_class is not None:
        return False
    field._filterset_class = filterset_class(field)
    field._filtering_args = filtering_arguments(field)
    return True
