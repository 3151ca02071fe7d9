"""GraphQL types of the claim_batch module, named and shaped as in openIMIS 24.10."""

from __future__ import annotations

import graphene
from graphene_django.filter import DjangoFilterConnectionField

from openimis.claim_batch import rights as batch_rights
from openimis.claim_batch import selectors
from openimis.claim_batch.models import QUARTERLY, YEARLY, RelativeIndex
from openimis.graphql.extensions import extend_type
from openimis.graphql.filter_fields import EXACT_OR_CONTAINS, RANGE_LOOKUPS, prefixed
from openimis.graphql.rights import is_allowed
from openimis.graphql.types import OpenIMISNodeType
from openimis.location.gql.types import LocationGQLType
from openimis.product.gql.types import ProductGQLType  # noqa: F401 (the type of `product`)

READERS = (batch_rights.BATCH_RUN_SEARCH, batch_rights.BATCH_RUN_PROCESS)

RELATIVE_INDEX_FILTER_FIELDS = {
    "id": ["exact"],
    "period": ["exact"],
    "care_type": ["exact"],
    **prefixed("product__", {
        "id": ["exact"],
        "uuid": ["exact"],
        "code": [*EXACT_OR_CONTAINS, "istartswith"],
        "name": [*EXACT_OR_CONTAINS, "istartswith"],
        "date_from": RANGE_LOOKUPS,
        "date_to": RANGE_LOOKUPS,
        "location": ["isnull"],
    }),
}


class RelativeIndexGQLType(OpenIMISNodeType):
    read_rights = READERS
    audit_user_id = graphene.Int(required=True)

    class Meta:
        model = RelativeIndex
        interfaces = (graphene.relay.Node,)
        fields = ("validity_from", "validity_to", "legacy_id", "id", "product", "type", "care_type", "year",
                  "period", "calc_date", "rel_index", "audit_user_id", "location")
        filter_fields = RELATIVE_INDEX_FILTER_FIELDS

    @classmethod
    def find_node(cls, info, id):
        return selectors.relative_indexes(info.context.user).filter(pk=id).first()

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0


def _indexes_of_location(location, info, **kwargs):
    """The relative indexes of a location's batch runs, for a holder of a batch run right (else none)."""
    user = info.context.user
    if not is_allowed(user, READERS):
        return RelativeIndex.objects.none()
    indexes = selectors.relative_indexes(user).filter(location_id=location.pk)
    return indexes.order_by("-year", "-period", "-id")


# a location lists the relative indexes of its batch runs (24.10's LocationGQLType.relativeIndexes)
extend_type(LocationGQLType, "relative_indexes",
            DjangoFilterConnectionField(RelativeIndexGQLType, required=True), _indexes_of_location)


def run_month(index: RelativeIndex) -> int:
    """The month a relative index was computed in: its month, the last month of its quarter, December."""
    if index.type == QUARTERLY:
        return index.period * 3
    if index.type == YEARLY:
        return 12
    return index.period


class BatchRunSummaryGQLType(OpenIMISNodeType):
    """One line of the batch run searcher (fe-claim_batch): a relative index, labelled."""

    read_rights = READERS
    run_year = graphene.Int()
    run_month = graphene.Int()
    product_label = graphene.String()
    care_type = graphene.String()
    calc_date = graphene.String()
    index = graphene.Float()

    class Meta:
        model = RelativeIndex
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        skip_registry = True

    @classmethod
    def find_node(cls, info, id):
        return selectors.relative_indexes(info.context.user).select_related("product").filter(pk=id).first()

    def resolve_run_year(self, info):
        return self.year

    def resolve_run_month(self, info):
        return run_month(self)

    def resolve_product_label(self, info):
        return f"{self.product.code} {self.product.name}"

    def resolve_care_type(self, info):
        return self.care_type

    def resolve_calc_date(self, info):
        return self.calc_date.date().isoformat() if self.calc_date else None

    def resolve_index(self, info):
        return float(self.rel_index) if self.rel_index is not None else None


class BatchRunSummaryConnection(graphene.relay.Connection):
    class Meta:
        node = BatchRunSummaryGQLType

    total_count = graphene.Int()

    def resolve_total_count(self, info, **kwargs):
        return self.length
