"""`clientMutationId` of a row: the mutation still running on it (status 0), as openIMIS answers it.

A type declares it once with `declare_pending_mutation(Type, LinkModel, "owner")`: a list that selects
`clientMutationId` then prefetches the pending links of the whole page, and a single row asks for its
own with one query."""

from __future__ import annotations

from openimis.graphql.loading import RelatedRows, declare_relation, prefetched

PENDING_ATTRIBUTE = "pending_mutations"


def _pending_links(link_model):
    return link_model.objects.filter(mutation__status=0).select_related("mutation")


def pending_client_mutation_id(instance, link_model, owner_field: str) -> str | None:
    links = prefetched(instance, PENDING_ATTRIBUTE)
    if links is None:
        links = list(_pending_links(link_model).filter(**{owner_field: instance})[:1])
    return links[0].mutation.client_mutation_id if links else None


def declare_pending_mutation(graphene_type: type, link_model, owner_field: str) -> None:
    """`graphene_type.clientMutationId` answers from the `mutations` links of `link_model`."""
    declare_relation(graphene_type, "clientMutationId", RelatedRows(
        "mutations", PENDING_ATTRIBUTE, lambda: _pending_links(link_model), nodes=False))
    graphene_type.resolve_client_mutation_id = (
        lambda row, info: pending_client_mutation_id(row, link_model, owner_field))
