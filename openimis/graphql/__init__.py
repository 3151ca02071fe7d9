"""The GraphQL machinery the modules share: schema assembly, connections, mutations, rights, the view."""

from openimis.graphql.objecttypes import install as _share_object_type_dataclasses

_share_object_type_dataclasses()  # before the modules define their object types
