"""Base classes for object types."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from graphene_django import DjangoObjectType

from openimis.graphql.connection import ExtendedConnection
from openimis.graphql.loading import load_rows
from openimis.graphql.rights import AUTHENTICATED, check, normalise


class OpenIMISNodeType(DjangoObjectType):
    """A relay node type. `read_rights` guards `node(id:)` (root list fields declare their own);
    `node_selector`, called as `node_selector(user, pk=id)`, finds the row a node lookup may reach
    (row security is the selector's); a lookup that needs more overrides `find_node`. The relations the
    query selects on the row are then loaded."""

    read_rights: tuple | str = AUTHENTICATED
    node_selector = None

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("connection_class", ExtendedConnection)
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def get_node(cls, info, id):
        check(info.context.user, normalise(cls.read_rights))
        if not cls.is_valid_pk(id):
            return None  # a well-formed global id whose key cannot be a row's (`Type:abc`): no such node
        node = cls.find_node(info, id)
        if node is not None:
            load_rows(node, info.schema.get_type(cls._meta.name), info.field_nodes, info)
        return node

    @classmethod
    def is_valid_pk(cls, id) -> bool:
        """Whether the key decoded from a global id can be a primary key of the type's model (a number,
        a UUID, ... as the column takes it)."""
        try:
            return cls._meta.model._meta.pk.to_python(id) is not None
        except (ValidationError, ValueError, TypeError):
            return False

    @classmethod
    def find_node(cls, info, id):
        if cls.node_selector is not None:
            return cls.node_selector(info.context.user, pk=id)
        return super().get_node(info, id)
