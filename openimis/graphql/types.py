"""Base classes for object types."""

from __future__ import annotations

from graphene_django import DjangoObjectType

from openimis.graphql.connection import ExtendedConnection
from openimis.graphql.rights import AUTHENTICATED, check, normalise


class OpenIMISNodeType(DjangoObjectType):
    """A relay node type. `read_rights` guards `node(id:)` (root list fields declare their own);
    `get_queryset` may narrow what a node lookup can reach (row security)."""

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
        return super().get_node(info, id)
