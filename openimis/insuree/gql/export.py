"""`<list>Export` root fields, as openIMIS 24.10 declares them: the list's own arguments (filters,
`orderBy`, the paging ones, which an export ignores) plus `fileFormat`, `fields` and `fieldsColumns`,
answering the token of the file to download from `core/fetch_export`."""

from __future__ import annotations

import json

import graphene
from django.core.exceptions import ValidationError
from graphene.types.generic import GenericScalar
from graphene.utils.str_converters import to_snake_case
from graphene_django.filter.fields import convert_enum
from graphql import GraphQLError

from openimis.graphql.connection import apply_order, narrowed_filterset
from openimis.graphql.filtersets import share_filterset

EXPORT_ARGUMENTS = ("file_format", "fields", "fields_columns")


def export_field(list_field) -> graphene.Field:
    """A String field taking the arguments of `list_field` (an OpenIMISConnectionField) and the export's."""
    share_filterset(list_field)  # its arguments are read now: they come from the shared FilterSet
    return graphene.Field(
        graphene.String,
        args={
            **list_field.args,
            "file_format": graphene.String(),
            "fields": graphene.List(graphene.String),
            "fields_columns": GenericScalar(),
        },
    )


def filtered(list_field, queryset, info, args: dict):
    """`queryset` narrowed by the django-filter arguments of `list_field` in `args`, in `orderBy` order."""
    used = frozenset(name for name in list_field.filtering_args if args.get(name) is not None)
    if used:
        filterset = narrowed_filterset(list_field.filterset_class, used)(
            data={name: convert_enum(args[name]) for name in used}, queryset=queryset, request=info.context
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.form.errors.as_json())
        queryset = filterset.qs
    return apply_order(queryset, args.get("orderBy") or args.get("order_by"))


def field_path(name: str) -> str:
    """`gender.code` / `gender__code` / `chfId` as the model path `gender__code` / `chf_id`."""
    return "__".join(to_snake_case(part) for part in str(name).replace("__", ".").split("."))


def export_columns(fields, fields_columns) -> tuple[list[str] | None, dict[str, str]]:
    """The model paths asked for and their column titles. `fieldsColumns` is an object, or (as the
    frontend sends it) a JSON string of one."""
    if isinstance(fields_columns, str):
        try:
            fields_columns = json.loads(fields_columns) if fields_columns.strip() else {}
        except ValueError:
            raise GraphQLError("fieldsColumns is not a JSON object") from None
    if fields_columns is not None and not isinstance(fields_columns, dict):
        raise GraphQLError("fieldsColumns is not a JSON object")
    titles = {field_path(name): str(title) for name, title in (fields_columns or {}).items()}
    paths = [field_path(name) for name in fields if name] if fields else None
    return paths, titles
