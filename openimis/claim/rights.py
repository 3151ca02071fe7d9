"""The numeric openIMIS right codes of the claim module."""

from openimis.core.rights import USER_SEARCH

CLAIM_SEARCH = 111001
CLAIM_ADD = 111002
CLAIM_DELETE = 111004
CLAIM_LOAD = 111005
CLAIM_PRINT = 111006
CLAIM_SUBMIT = 111007
CLAIM_REVIEW = 111008
CLAIM_FEEDBACK = 111009
CLAIM_UPDATE = 111010  # also selects, skips and bypasses review and feedback
CLAIM_PROCESS = 111011
CLAIM_RESTORE = 111012

# the batch run (claim_batch module): run, search/preview
BATCH_RUN_PROCESS = 111101
BATCH_RUN_SEARCH = 111102
BATCH_RUN_READ = (BATCH_RUN_PROCESS, BATCH_RUN_SEARCH)

CLAIM_ADMIN_SEARCH = 121601
CLAIM_ADMIN_ADD = 121602
CLAIM_ADMIN_EDIT = 121603
CLAIM_ADMIN_DELETE = 121604

# who may read a claim administrator: its own search right, or the user search right (claim
# administrators are users of type CLAIM_ADMIN)
CLAIM_ADMIN_READ = (CLAIM_ADMIN_SEARCH, USER_SEARCH)

# who may read claims: searchers, and whoever acts on them
CLAIM_READ = (CLAIM_SEARCH, CLAIM_ADD, CLAIM_REVIEW, CLAIM_FEEDBACK, CLAIM_UPDATE, CLAIM_PROCESS)

CONFIG_RIGHTS = {
    "gql_query_claims_perms": CLAIM_SEARCH,
    "gql_mutation_create_claims_perms": CLAIM_ADD,
    "gql_mutation_update_claims_perms": CLAIM_UPDATE,
    "gql_mutation_load_claims_perms": CLAIM_LOAD,
    "gql_mutation_print_claims_perms": CLAIM_PRINT,
    "gql_mutation_submit_claims_perms": CLAIM_SUBMIT,
    "gql_mutation_select_claim_feedback_perms": CLAIM_UPDATE,
    "gql_mutation_bypass_claim_feedback_perms": CLAIM_UPDATE,
    "gql_mutation_skip_claim_feedback_perms": CLAIM_UPDATE,
    "gql_mutation_deliver_claim_feedback_perms": CLAIM_FEEDBACK,
    "gql_mutation_select_claim_review_perms": CLAIM_UPDATE,
    "gql_mutation_bypass_claim_review_perms": CLAIM_UPDATE,
    "gql_mutation_skip_claim_review_perms": CLAIM_UPDATE,
    "gql_mutation_deliver_claim_review_perms": CLAIM_REVIEW,
    "gql_mutation_process_claims_perms": CLAIM_PROCESS,
    "gql_mutation_restore_claims_perms": CLAIM_RESTORE,
    "gql_mutation_delete_claims_perms": CLAIM_DELETE,
}
