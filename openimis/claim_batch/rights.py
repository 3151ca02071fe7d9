"""The numeric openIMIS right codes of the claim_batch module."""

from openimis.claim.rights import BATCH_RUN_PROCESS, BATCH_RUN_SEARCH

BATCH_RUN_ACCOUNT_PREVIEW = 111103

__all__ = ["BATCH_RUN_ACCOUNT_PREVIEW", "BATCH_RUN_PROCESS", "BATCH_RUN_SEARCH", "CONFIG_RIGHTS"]

CONFIG_RIGHTS = {
    "gql_query_batch_runs_perms": BATCH_RUN_SEARCH,
    "gql_mutation_process_batch_perms": BATCH_RUN_PROCESS,
    "account_preview_perms": BATCH_RUN_ACCOUNT_PREVIEW,
}
