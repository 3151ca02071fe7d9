"""The schema, assembled from the `Query` and `Mutation` classes of the enabled modules."""

from __future__ import annotations

import importlib

import graphene
from graphene_django.registry import get_global_registry

from openimis.graphql.connection import guard_query_arguments
from openimis.graphql.extensions import apply_extensions
from openimis.graphql.filtersets import share_filtersets
from openimis.graphql.rights import UndeclaredRights, normalise
from openimis.graphql.root_fields import guard_root_fields
from openimis.graphql.scalars import accept_digit_strings_as_int, guard_custom_scalars
from openimis.modules import import_string_or_none, module_configs


def _collect(kind: str) -> list[type]:
    classes = []
    for config in module_configs():
        found = import_string_or_none(getattr(config, kind))
        if found is not None:
            classes.append(found)
    return classes


def _query_rights(query_classes) -> dict[str, object]:
    declared = {}
    for query_class in query_classes:
        rights = getattr(query_class, "field_rights", {})
        for name in query_class._meta.fields:
            graphql_name = graphene.utils.str_converters.to_camel_case(name)
            if graphql_name not in rights and name not in rights:
                raise UndeclaredRights(
                    f"{query_class.__module__}: no rights declared for query {graphql_name}")
            declared[graphql_name] = normalise(rights.get(graphql_name, rights.get(name)))
    return declared


def _mutation_rights(mutation_classes) -> dict[str, object]:
    declared = {}
    for mutation_class in mutation_classes:
        for name, field in mutation_class._meta.fields.items():
            graphql_name = graphene.utils.str_converters.to_camel_case(name)
            rights = getattr(field.type, "rights", None)
            if rights is None or rights == ():
                raise UndeclaredRights(f"{mutation_class.__module__}: no rights declared for {graphql_name}")
            declared[graphql_name] = normalise(rights)
    return declared


def _import_types() -> None:
    """Register every module's object types first: a relation declared by one module (a foreign key,
    a lazy `graphene.Field("...")`) may lead to a type of a module that has no root field yet."""
    for config in module_configs():
        if config.types:
            importlib.import_module(config.types)


def build_schema() -> tuple[graphene.Schema, dict]:
    accept_digit_strings_as_int()
    _import_types()
    apply_extensions()
    query_classes = _collect("queries")
    mutation_classes = _collect("mutations")
    query = type("Query", (*query_classes, graphene.ObjectType), {})
    mutation = type("Mutation", (*mutation_classes, graphene.ObjectType), {}) if mutation_classes else None
    share_filtersets([query, *getattr(get_global_registry(), "_registry", {}).values()])
    declarations = {"Query": _query_rights(query_classes), "Mutation": _mutation_rights(mutation_classes)}
    return graphene.Schema(query=query, mutation=mutation), declarations


def guard_schema(built: graphene.Schema, rights: dict) -> None:
    """Once, when the schema is built: the input of its own scalars is bounded, the arguments of query
    fields are checked, the root fields check rights (and load rows) before their resolvers."""
    guard_custom_scalars(built.graphql_schema)
    guard_query_arguments(built.graphql_schema)  # first: the rights are checked before the arguments
    guard_root_fields(built.graphql_schema, rights)


schema, root_field_rights = build_schema()
guard_schema(schema, root_field_rights)
