"""Fields added to another module's types: applied when the schema is built, refused when taken."""

from __future__ import annotations

import graphene
import pytest

from openimis.graphql import extensions
from openimis.graphql.extensions import ExtensionError, apply_extensions, declared_extensions, extend_type


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(extensions, "_extensions", [])
    monkeypatch.setattr(extensions, "_applied", {})


class Target(graphene.ObjectType):
    name = graphene.String()


def test_a_declared_field_is_added_with_its_resolver(fresh):
    class Owned(graphene.ObjectType):
        name = graphene.String()

    extend_type(Owned, "shout", graphene.String(), lambda row, info: row["name"].upper())
    assert "shout" not in Owned._meta.fields
    apply_extensions()
    apply_extensions()  # applying again changes nothing
    schema = graphene.Schema(query=type("Query", (graphene.ObjectType,), {
        "owned": graphene.Field(Owned), "resolve_owned": lambda root, info: {"name": "ann"}}))
    assert schema.execute("{ owned { name shout } }").data == {"owned": {"name": "ann", "shout": "ANN"}}
    [extension] = declared_extensions()
    assert extension.module == __name__ and str(extension) == "Owned.shout"


def test_a_name_two_modules_add_stops_naming_both(fresh):
    extend_type(Target, "extra", graphene.String())
    other = extensions.Extension("oi_other.gql", Target, "extra", graphene.String(), None)
    extensions._extensions.append(other)
    expected = rf"oi_other.gql adds Target.extra, which {__name__} adds already"
    with pytest.raises(ExtensionError, match=expected):
        apply_extensions()
    del Target._meta.fields["extra"]


def test_a_field_the_type_defines_is_refused(fresh):
    extend_type(Target, "name", graphene.String())
    expected = rf"{__name__} adds Target.name, which {__name__} defines already"
    with pytest.raises(ExtensionError, match=expected):
        apply_extensions()


def test_only_object_types_are_extended(fresh):
    with pytest.raises(ExtensionError, match="is not an object type"):
        extend_type("FamilyGQLType", "policies", graphene.String())


def test_the_modules_extensions_are_in_the_schema():
    from openimis.graphql.schema import schema
    from openimis.insuree.gql.types import FamilyGQLType

    found = {(str(extension), extension.module) for extension in declared_extensions()}
    assert ("FamilyGQLType.policies", "openimis.policy.gql.types") in found
    assert ("PolicyGQLType.premiums", "openimis.contribution.gql.types") in found
    assert "policies" in FamilyGQLType._meta.fields
    assert "premiums" in schema.graphql_schema.get_type("PolicyGQLType").fields
