"""Base classes for object types."""

from __future__ import annotations

from graphene_django import DjangoObjectType

from openimis.graphql.connection import ExtendedConnection
from openimis.graphql.loading import load_rows
from openimis.graphql.rights import AUTHENTICATED, check, normalise


class OpenIMISNodeType(DjangoObjectType):
    """A relay node type. `read_rights` guards `node(id:)` (root list fields declare their own);
    `find_node` finds the row a node lookup may reach (row security), the relations the query selects
    on it are then loaded."""

    read_rights: tuple | str = AUTHENTICATED

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("connection_class", ExtendedConnection)
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def get_node(cls, info, id):
        check(info.context.user, normalise(cls.read_rights))
        node = cls.find_node(info, id)
        if node is not None:
            load_rows(node, info.schema.get_type(cls._meta.name), info.field_nodes, info)
        return node

    @classmethod
    def find_node(cls, info, id):
        return super().get_node(info, id)
