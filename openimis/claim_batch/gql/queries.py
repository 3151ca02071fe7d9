"""Root queries of the claim_batch module. Thin: parse arguments, call selectors."""

from __future__ import annotations

import graphene

from openimis.claim_batch import selectors
from openimis.claim_batch.gql.types import READERS, BatchRunSummaryConnection, RelativeIndexGQLType
from openimis.graphql.connection import OpenIMISConnectionField, PageOfQueryset


class Query(graphene.ObjectType):
    batch_runs_summaries = PageOfQueryset(
        BatchRunSummaryConnection, account_type=graphene.Int(), account_year=graphene.Int(),
        account_month=graphene.Int(), account_region=graphene.Int(), account_district=graphene.Int(),
        account_product=graphene.Int(), account_care_type=graphene.String())
    relative_indexes = OpenIMISConnectionField(RelativeIndexGQLType, order_by=False)

    field_rights = {
        "batchRunsSummaries": READERS,
        "relativeIndexes": READERS,
    }

    def resolve_batch_runs_summaries(self, info, account_type=None, account_year=None, account_month=None,
                                     account_region=None, account_district=None, account_product=None,
                                     account_care_type=None, **kwargs):
        return selectors.batch_run_summaries(
            info.context.user, account_type=account_type, year=account_year, month=account_month,
            region_id=account_region, district_id=account_district, product_id=account_product,
            care_type=account_care_type)

    def resolve_relative_indexes(self, info, **kwargs):
        return selectors.relative_indexes(info.context.user).order_by("-year", "-period", "-id")
